"""Operability: settings that leave no trace, a deploy check that refuses an
audit trail switched off, and demo data that only loads on a demo machine."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.core.management.base import SystemCheckError
from django.test import override_settings

from masip.referrals.models import Referral

ROOT = Path(__file__).resolve().parent.parent


def run_python(code: str, **env) -> subprocess.CompletedProcess:
    environment = {**os.environ, "PYTHONPATH": str(ROOT / "src"), **env}
    environment.pop("DATABASE_URL", None)
    return subprocess.run(
        [sys.executable, "-c", code], env=environment, cwd=ROOT, capture_output=True, text=True, timeout=120
    )


def test_reading_the_settings_creates_no_folder(tmp_path):
    data_dir = tmp_path / "not-there-yet"
    result = run_python("import masip.settings", MASIP_DATA_DIR=str(data_dir), DJANGO_SETTINGS_MODULE="masip.settings")
    assert result.returncode == 0, result.stderr
    assert not data_dir.exists()


def test_starting_django_creates_the_sqlite_folder(tmp_path):
    # `make demo` on a fresh clone: the folder appears when the app starts, before SQLite opens it.
    data_dir = tmp_path / "fresh-clone-data"
    result = run_python(
        "import django; django.setup()", MASIP_DATA_DIR=str(data_dir), DJANGO_SETTINGS_MODULE="masip.settings"
    )
    assert result.returncode == 0, result.stderr
    assert data_dir.is_dir()


def test_the_deploy_check_refuses_the_audit_trail_switched_off(tmp_path):
    # Production settings that otherwise pass (accounts/tests/test_signin.py::
    # test_production_settings_pass_the_deploy_check), with the audit trail off.
    production = {
        "MASIP_DEMO": "0",
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": "x7!k2$" * 10,
        "DJANGO_ALLOWED_HOSTS": "masip.example.org",
        "MASIP_AUDIT_CHAIN_KEY": "k3y-for-the-audit-chain" * 3,
        "DJANGO_SETTINGS_MODULE": "masip.settings",
        "MASIP_DATA_DIR": str(tmp_path),
        "MASIP_AUDIT_ENABLED": "false",
    }
    environment = {**os.environ, "PYTHONPATH": str(ROOT / "src"), **production}
    environment.pop("DATABASE_URL", None)
    environment.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)  # set by the test suite for the browser tests only
    result = subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), "check", "--deploy"],
        env=environment, cwd=ROOT, capture_output=True, text=True, timeout=120,
    )
    assert result.returncode == 1
    assert "(masip.E002) MASIP_AUDIT_ENABLED is false" in result.stderr


def test_the_deploy_check_names_the_audit_trail_switched_off(db):
    with override_settings(MASIP_AUDIT_ENABLED=False), pytest.raises(SystemCheckError) as refused:
        call_command("check", "--deploy", "--tag", "security")
    assert "masip.E002" in str(refused.value)
    assert "MASIP_AUDIT_ENABLED is false" in str(refused.value)


def test_seed_demo_refuses_outside_the_demo_settings(db):
    users_before = get_user_model().objects.count()
    with override_settings(DEMO_MODE=False), pytest.raises(CommandError, match="only with the demo settings"):
        call_command("seed_demo", "--scale", "0.02")
    assert not Referral.objects.exists()
    assert get_user_model().objects.count() == users_before


def test_seed_demo_runs_with_the_demo_settings(db):
    call_command("seed_demo", "--scale", "0.02")
    assert Referral.objects.exists()
    assert get_user_model().objects.filter(username="london-police").exists()
