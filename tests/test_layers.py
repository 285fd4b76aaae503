"""The import contracts in .importlinter hold today, and break when someone adds an
upward import or a Django import in a pure module.

Each case runs lint-imports on a copy of the package's Python files, so the
checkout itself is never touched."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
LINT_IMPORTS = Path(sys.executable).parent / "lint-imports"


def only_python(folder, names):
    return [n for n in names if not n.endswith(".py") and not (Path(folder) / n).is_dir()]


@pytest.fixture
def tree(tmp_path):
    shutil.copytree(ROOT / "src" / "masip", tmp_path / "src" / "masip", ignore=only_python)
    shutil.copy(ROOT / ".importlinter", tmp_path / ".importlinter")
    return tmp_path


def lint_imports(tree: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(tree / "src")}
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache", str(tree / ".importlinter")],
        cwd=tree, env=env, capture_output=True, text=True, timeout=60,
    )


def test_the_contracts_hold_today(tree):
    result = lint_imports(tree)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Contracts: 3 kept, 0 broken." in result.stdout


def test_a_new_upward_import_breaks_the_floors(tree):
    # core is the lowest floor; it must not reach up to cases.
    (tree / "src" / "masip" / "core" / "upward.py").write_text("from masip.cases import models  # noqa\n")
    result = lint_imports(tree)
    assert result.returncode == 1
    assert "Floors: apps import only downwards BROKEN" in result.stdout
    assert "masip.core.upward -> masip.cases.models" in result.stdout


def test_an_upward_import_hidden_in_a_function_breaks_the_floors(tree):
    (tree / "src" / "masip" / "partnerships" / "hidden.py").write_text(
        "def f():\n    from masip.referrals import models  # noqa\n"
    )
    result = lint_imports(tree)
    assert result.returncode == 1
    assert "masip.partnerships.hidden -> masip.referrals.models" in result.stdout


def test_django_in_a_pure_module_breaks_the_purity_contract(tree):
    agenda = tree / "src" / "masip" / "meetings" / "agenda.py"
    agenda.write_text(agenda.read_text() + "\nfrom django.utils import timezone  # noqa\n")
    result = lint_imports(tree)
    assert result.returncode == 1
    assert "Pure modules import no Django BROKEN" in result.stdout
    assert "masip.meetings.agenda is not allowed to import django" in result.stdout


# ---- The lower floors reach higher ones only through registries -----------------------

SRC = ROOT / "src" / "masip"


def masip_apps_imported_by(app: str) -> dict[str, list[str]]:
    """Every other masip app that `app`'s code imports (tests and migrations aside),
    at any depth: an import inside a function counts too."""
    import ast

    found: dict[str, list[str]] = {}
    for path in sorted((SRC / app).rglob("*.py")):
        relative = path.relative_to(SRC / app).parts
        if relative[0] in ("tests", "migrations"):
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            names = [node.module or ""] if isinstance(node, ast.ImportFrom) else (
                [alias.name for alias in node.names] if isinstance(node, ast.Import) else []
            )
            for name in names:
                parts = name.split(".")
                if parts[0] == "masip" and len(parts) > 1 and parts[1] != app and (SRC / parts[1]).is_dir():
                    found.setdefault(parts[1], []).append(str(path.relative_to(SRC)))
    return found


def test_core_imports_no_other_masip_app():
    assert masip_apps_imported_by("core") == {}


def test_audit_does_not_import_accounts_cases_or_people():
    imported = masip_apps_imported_by("audit")
    assert not {"accounts", "cases", "people"} & set(imported), imported


def test_audit_importing_accounts_breaks_the_floors(tree):
    # accounts sits on the floor above access and audit, so the direction is enforced.
    (tree / "src" / "masip" / "audit" / "upward.py").write_text("from masip.accounts import models  # noqa\n")
    result = lint_imports(tree)
    assert result.returncode == 1
    assert "masip.audit.upward -> masip.accounts.models" in result.stdout


def test_the_partnerships_registry_is_filled(london):
    from masip.access.models import NeedToKnowRule
    from masip.partnerships import registry

    assert "dash" in registry.instrument_codes()  # registered by assessments
    assert registry.agenda_rule_error({}) is None  # registered by meetings
    assert registry.agenda_rule_error({"no_such_key": 1})
    # registered by access: a partnership saved in the admin gets the shipped need-to-know rules
    NeedToKnowRule.objects.filter(partnership=london).delete()
    registry.partnership_saved(london)
    assert NeedToKnowRule.objects.filter(partnership=london).exists()


def test_the_audit_registry_is_filled(london, make_referral, accept, staff):
    from masip.accounts.lockout import locked_usernames
    from masip.audit import registry
    from masip.cases.access import case_page
    from masip.cases.models import Case

    accept(make_referral(london))
    case = Case.objects.get()
    manager = staff["london-manager"]
    assert registry.audited_kind("case").name(case) == case.reference
    assert registry.audited_kind("case").find(manager, case.pk) == case
    covered = dict(registry.audited_kind("case").covers(case))
    assert covered["case"] == [case.pk] and covered["referral"] and len(covered["person"]) == 2
    assert registry.audited_kind("person").name(case.suspect) == f"person-{case.suspect_id}"
    assert registry._CASE_PAGE["guard"] is case_page
    assert locked_usernames in registry._LOCK_LOOKUPS


def test_the_people_registry_is_filled(london, make_referral, accept):
    from masip.cases.models import Case
    from masip.people.records import party_records
    from masip.people.selectors import is_victim

    assert [source.key for source in party_records()] == ["referrals", "cases"]
    accept(make_referral(london))
    case = Case.objects.get()
    victim = case.parties.get(role="victim").person
    assert is_victim(victim) and not is_victim(case.suspect)
    assert [len(source.party_rows(victim)) for source in party_records()] == [1, 1]


def test_the_referrals_and_cases_registries_are_filled(london, make_referral, staff):
    from masip.assessments.services import assessments_follow_referral
    from masip.cases import registry as case_registry
    from masip.cases import services as case_services
    from masip.referrals import registry as referral_registry
    from masip.sharing.selectors import case_page_context

    handler = referral_registry.case_handler()
    assert handler.take_referral is case_services.case_take_referral
    assert handler.release_referral is case_services.case_release_referral
    referral = make_referral(london)
    assert set(referral_registry.detail_context(referral, staff["london-police"])) >= {"assessments", "can_assess"}
    assert assessments_follow_referral in case_registry._ON_REFERRAL_TAKEN
    assert case_page_context in case_registry._DETAIL_CONTEXT
    from masip.monitoring.tracking import case_tracking

    assert case_registry._CASE_TRACKING == [case_tracking]  # closing and reopening read monitoring's tracking


# Registration instead of upward imports (issue 11 item 2, the casework floor).

CASES_AND_BELOW = {"core", "partnerships", "access", "audit", "accounts", "people", "referrals", "cases"}


def _case_bound_models():
    """Every model above the cases floor that holds records about a case: a foreign key to
    cases.Case, or to another such model. Returns {model: reaches the case through CASCADE only}."""
    from django.apps import apps
    from django.db import models

    from masip.cases.models import Case

    bound, cascading = {Case}, {Case}
    changed = True
    while changed:
        changed = False
        for model in apps.get_models():
            if model._meta.app_label in CASES_AND_BELOW - {"cases"} or model in bound and model in cascading:
                continue
            for field in model._meta.get_fields():
                if not (field.is_relation and field.many_to_one and field.concrete):
                    continue
                target = field.related_model
                if target in bound and model not in bound:
                    bound.add(model)
                    changed = True
                if target in cascading and field.remote_field.on_delete is models.CASCADE and model not in cascading:
                    cascading.add(model)
                    changed = True
    return {m: m in cascading for m in bound if m._meta.app_label not in CASES_AND_BELOW}


def test_every_context_holding_case_data_registers_its_retention_handler():
    from masip.cases.retention import case_data_handlers, deleted_with_case

    bound = _case_bound_models()
    holders = {m._meta.app_label for m in bound}
    handlers = {h.context: h for h in case_data_handlers()}
    assert holders == {
        "actions", "assessments", "documents", "interventions", "justice", "meetings", "monitoring", "plans",
        "sharing", "victims",
    }
    assert holders <= set(handlers), f"no retention handler for {sorted(holders - set(handlers))}"
    # An eraser that leaves the work to the database is right only if every record of the
    # context reaches the case through CASCADE foreign keys.
    for model, cascades in bound.items():
        if handlers[model._meta.app_label].erase is deleted_with_case:
            assert cascades, f"{model._meta.label} is not deleted with its case"
    # The documented order (cases/retention.py): meetings, their actions and plans first, then the
    # casework, sharing, assessments.
    assert [h.context for h in case_data_handlers()] == [
        "meetings", "actions", "plans", "monitoring", "interventions", "justice", "victims", "sharing", "documents",
        "assessments",
    ]
    assert all(h.anonymise is not None for h in case_data_handlers() if h.context != "assessments")


def test_monitoring_queue_sections_are_registered_by_their_owners():
    from masip.monitoring.queue import _SECTIONS

    assert [(order, source.__module__, source.__name__) for order, source in _SECTIONS] == [
        (10, "masip.monitoring.queue", "open_triggers"),
        (20, "masip.monitoring.queue", "reassessments_due"),
        (30, "masip.interventions.queue", "follow_ups_due"),
        (40, "masip.victims.queue", "safety_plan_reviews_due"),
        (45, "masip.plans.queue", "plan_reviews_due"),
        (50, "masip.justice.queue", "order_deadlines"),
        (60, "masip.monitoring.queue", "tracking_ending"),
    ]


def test_justice_provides_breachable_orders_and_conclusions_to_monitoring():
    from masip.justice.selectors import investigation_concluded_on, order_on_case
    from masip.monitoring import breaches, tracking

    assert breaches._SOURCES and breaches._SOURCES[0].find is order_on_case
    assert tracking._CONCLUSIONS and tracking._CONCLUSIONS[0].concluded_on is investigation_concluded_on


def test_the_casework_sub_floors_are_enforced(tree):
    # monitoring sits below the contexts that register with it: it must not import them back.
    (tree / "src" / "masip" / "monitoring" / "upward.py").write_text("from masip.justice import models  # noqa\n")
    result = lint_imports(tree)
    assert result.returncode == 1
    assert "masip.monitoring.upward -> masip.justice.models" in result.stdout


def test_cases_and_the_casework_contexts_form_no_import_cycle():
    import re

    casework = {
        "cases", "assessments", "sharing", "documents", "monitoring", "interventions", "justice", "victims",
        "meetings", "actions", "plans",
    }
    pattern = re.compile(r"^\s*(?:from|import)\s+masip\.(\w+)", re.M)
    edges = {app: set() for app in casework}
    for app in casework:
        for path in (ROOT / "src" / "masip" / app).rglob("*.py"):
            if "tests" in path.parts or "migrations" in path.parts:
                continue
            edges[app] |= {m for m in pattern.findall(path.read_text()) if m in casework and m != app}

    def reaches(start, goal, seen=()):
        return any(nxt == goal or (nxt not in seen and reaches(nxt, goal, (*seen, nxt))) for nxt in edges[start])

    assert [app for app in sorted(casework) if reaches(app, app)] == []
