"""No model that is locked (`Model.objects.select_for_update()`) orders by a nullable relation:
Django joins it outward, and on PostgreSQL SELECT ... FOR UPDATE then fails ("cannot be applied
to the nullable side of an outer join"). SQLite ignores FOR UPDATE, so only the PostgreSQL run
would notice. Order by the column (`case_id`) instead."""

from __future__ import annotations

import re
from pathlib import Path

from django.apps import apps
from django.db import models

SRC = Path(__file__).resolve().parent.parent / "src" / "masip"
CODE = "\n".join(p.read_text() for p in SRC.rglob("*.py") if "tests" not in p.parts and "migrations" not in p.parts)


def locked(model) -> bool:
    return re.search(rf"\b{model.__name__}\.objects\.select_for_update\(", CODE) is not None


def nullable_relations_in_ordering() -> list[str]:
    found = []
    for model in apps.get_models():
        if not model.__module__.startswith("masip.") or not locked(model):
            continue
        for entry in model._meta.ordering:
            if not isinstance(entry, str):
                continue
            name = entry.lstrip("-").split("__")[0]
            try:
                field = model._meta.get_field(name)
            except Exception:  # noqa: BLE001  (a column name such as case_id: fine)
                continue
            if isinstance(field, models.ForeignKey) and field.null and name == field.name:
                found.append(f"{model.__name__}.Meta.ordering names {entry!r}")
    return found


def test_no_locked_model_orders_by_a_nullable_relation():
    assert nullable_relations_in_ordering() == []


def test_the_check_finds_one():
    from masip.victims.models import VictimSupport

    saved = VictimSupport._meta.ordering
    VictimSupport._meta.ordering = ["case", "id"]
    try:
        assert nullable_relations_in_ordering() == ["VictimSupport.Meta.ordering names 'case'"]
    finally:
        VictimSupport._meta.ordering = saved
