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
    assert "Contracts: 2 kept, 0 broken." in result.stdout


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
