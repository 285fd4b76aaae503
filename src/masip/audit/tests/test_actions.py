"""Every audit entry names an action from one list (masip.audit.actions.AuditAction)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from masip.audit.actions import ACTIONS, AuditAction
from masip.audit.models import AuditEvent, Operation
from masip.audit.services import log_event

SRC = Path(__file__).resolve().parents[2]


@pytest.mark.django_db
def test_a_misspelt_action_is_refused(staff):
    with pytest.raises(ValueError, match="case.veiw"):
        log_event(actor=staff["london-police"], operation=Operation.CONSULTATION, action="case.veiw")
    assert not AuditEvent.objects.exists()


@pytest.mark.django_db
def test_a_listed_action_is_written_with_its_stored_value(staff):
    log_event(actor=staff["london-police"], operation=Operation.CONSULTATION, action=AuditAction.CASE_VIEW)
    assert AuditEvent.objects.get().action == "case.view"


@pytest.mark.django_db
def test_outside_the_test_settings_an_unknown_action_is_still_logged(staff, settings, caplog):
    settings.MASIP_AUDIT_STRICT = False
    log_event(actor=staff["london-police"], operation=Operation.CONSULTATION, action="case.veiw")
    assert AuditEvent.objects.get().action == "case.veiw"
    assert "Unknown audit action 'case.veiw'" in caplog.text


def test_no_action_is_written_as_free_text_in_a_keyword():
    literal = re.compile(r'\baction="[a-z][a-z0-9_]*\.[a-z0-9_.\-]+"')
    found = [
        f"{p.relative_to(SRC)}" for p in SRC.rglob("*.py")
        if "tests" not in p.parts and "migrations" not in p.parts and literal.search(p.read_text())
    ]
    assert found == []


def test_the_list_has_no_duplicate_values():
    assert len(ACTIONS) == len(list(AuditAction))
