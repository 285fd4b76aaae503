"""core.ids.parse_id: the one reader of ids from user input, and what stands on it."""

from __future__ import annotations

import importlib
import pkgutil

import pytest
from django import forms
from hypothesis import given
from hypothesis import strategies as st

import masip
from masip.core import forms as core_forms
from masip.core.ids import MAX_ID, parse_id, parse_ids


@given(st.one_of(st.text(), st.integers(), st.none(), st.booleans(), st.floats(), st.lists(st.text())))
def test_anything_gives_an_id_in_range_or_none(value):
    result = parse_id(value)
    assert result is None or (type(result) is int and 1 <= result <= MAX_ID)


@given(st.integers(min_value=1, max_value=MAX_ID), st.sampled_from(["", " ", "\t"]))
def test_every_id_a_database_holds_reads_back(number, padding):
    assert parse_id(f"{padding}{number}{padding}") == number
    assert parse_id(number) == number


@pytest.mark.parametrize(
    "text",
    ["²", "¹²", "١٢", "１２", "12\n3", "1e3", "1.0", "+1", "-1", "0", "", " ", "0x1f", str(MAX_ID + 1),
     "99999999999999999999", "1_000", "\x00", "12\x00"],
)
def test_what_is_not_a_plain_id_is_none(text):
    assert parse_id(text) is None


def test_an_upper_bound_of_its_own():
    assert parse_id("5", maximum=5) == 5 and parse_id("6", maximum=5) is None


def test_many_ids_drop_what_is_not_one():
    assert parse_ids(["3", "²", "x", "99999999999999999999", "7"]) == [3, 7]
    assert parse_ids(None) == []


def _project_form_classes():
    for module in pkgutil.walk_packages(masip.__path__, "masip."):
        if module.name.endswith(".forms"):
            importlib.import_module(module.name)

    def subclasses(cls):
        for sub in cls.__subclasses__():
            yield sub
            yield from subclasses(sub)

    return {cls for cls in subclasses(forms.BaseForm) if cls.__module__.startswith("masip.")}


def test_every_form_in_the_project_reads_record_choices_through_parse_id():
    classes = _project_form_classes()
    assert len(classes) > 30  # the walk found the apps' forms
    raw = sorted(
        f"{cls.__module__}.{cls.__name__}.{name}"
        for cls in classes
        for name, field in cls.base_fields.items()
        if isinstance(field, forms.ModelChoiceField)
        and not isinstance(field, (core_forms.ModelChoiceField, core_forms.ModelMultipleChoiceField))
    )
    assert not raw, f"Use masip.core.forms.ModelChoiceField / ModelMultipleChoiceField for: {raw}"


@pytest.mark.parametrize("value", ["²", "99999999999999999999", "-99999999999999999999", "0"])
def test_guarded_fields_refuse_what_is_not_an_id(staff, value):
    from masip.accounts.models import User

    one = core_forms.ModelChoiceField(queryset=User.objects.all())
    many = core_forms.ModelMultipleChoiceField(queryset=User.objects.all())
    for field, submitted in ((one, value), (many, [value])):
        with pytest.raises(forms.ValidationError) as refused:
            field.clean(submitted)
        assert refused.value.code == "invalid_choice"


def test_guarded_fields_still_choose(staff):
    from masip.accounts.models import User

    police = staff["london-police"]
    assert core_forms.ModelChoiceField(queryset=User.objects.all()).clean(str(police.pk)) == police
    chosen = core_forms.ModelMultipleChoiceField(queryset=User.objects.all()).clean([str(police.pk), f" {police.pk}"])
    assert list(chosen) == [police]


def test_in_on_an_integer_column_ignores_numbers_it_cannot_hold(staff):
    """Django bounds exact/gt/lt on integer columns but not `in`: SQLite raised OverflowError."""
    from masip.accounts.models import User

    police = staff["london-police"]
    assert list(User.objects.filter(pk__in=[2**64, -(2**70)])) == []
    assert list(User.objects.filter(pk__in=[2**64, police.pk])) == [police]
    assert User.objects.exclude(pk__in=[2**64]).count() == User.objects.count()
