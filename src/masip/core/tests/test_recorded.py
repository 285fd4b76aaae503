"""Who recorded a record and when is declared once (core.models.Recorded), not per model."""

from __future__ import annotations

from django.apps import apps

from masip.core.models import Recorded


def test_every_model_that_records_who_and_when_inherits_recorded():
    pairs = [
        m for m in apps.get_models()
        if {"recorded_by", "recorded_at"} <= {f.name for f in m._meta.get_fields()} and m.__module__.startswith("masip.")
    ]
    assert len(pairs) >= 17
    assert [m.__name__ for m in pairs if not issubclass(m, Recorded)] == []


def test_the_recorder_cannot_be_deleted_from_under_a_record():
    from masip.victims.models import AdvocateContact

    field = AdvocateContact._meta.get_field("recorded_by")
    assert field.remote_field.on_delete.__name__ == "PROTECT"
    assert AdvocateContact._meta.get_field("recorded_at").has_default()
