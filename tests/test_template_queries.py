"""The catcher the page walk uses (tests/template_queries.py) sees a template that queries."""

from __future__ import annotations

from django import forms
from django.template import engines

from masip.core.forms import ModelChoiceField
from masip.partnerships.models import Partnership
from tests.template_queries import template_queries

LOOP = "{% for p in partnerships %}{{ p.name }} {% endfor %}"


def test_a_lazy_queryset_read_by_the_template_is_caught(db, london):
    template = engines["django"].from_string(LOOP)
    with template_queries() as found:
        html = template.render({"partnerships": Partnership.objects.all()})
    assert "London" in html and len(found) == 1 and "partnerships_partnership" in found[0][1]


def test_rows_read_before_rendering_are_not(db, london):
    template = engines["django"].from_string(LOOP)
    rows = list(Partnership.objects.all())
    with template_queries() as found:
        assert "London" in template.render({"partnerships": rows})
    assert found == []


def test_a_forms_choice_list_is_allowed(db, london):
    class Pick(forms.Form):
        partnership = ModelChoiceField(queryset=Partnership.objects.all())

    template = engines["django"].from_string("{{ form.partnership }}")
    with template_queries() as found:
        assert "London" in template.render({"form": Pick()})
    assert found == []
