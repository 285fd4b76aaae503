from datetime import date, timedelta

import pytest
from django import forms
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from masip.core.forms import GovukDateField, GovukFormMixin, nhs_number_is_valid


class DateForm(GovukFormMixin, forms.Form):
    when = GovukDateField(label="Date received", label_for_errors="Date received")


def errors_for(day, month, year):
    form = DateForm({"when_0": day, "when_1": month, "when_2": year})
    form.is_valid()
    return form.errors.get("when", [])


def test_real_past_date_is_accepted():
    form = DateForm({"when_0": "4", "when_1": "3", "when_2": "2019"})
    assert form.is_valid()
    assert form.cleaned_data["when"] == date(2019, 3, 4)


@pytest.mark.parametrize(
    "parts, message",
    [
        (("", "", ""), "Enter date received"),
        (("31", "2", "2019"), "Date received must be a real date"),
        (("4", "", "2019"), "Date received must include a month"),
        (("x", "3", "2019"), "Date received must be a real date"),
        (("4", "3", "19"), "Date received: the year must include 4 numbers"),
        (("4", "3", "1850"), "Date received must be after 1 January 1900"),
        (("99999999999999999999", "3", "2019"), "Date received must be a real date"),
        (("4", "99999999999999999999", "2019"), "Date received must be a real date"),
        (("²", "3", "2019"), "Date received must be a real date"),
        (("١٢", "3", "2019"), "Date received must be a real date"),
        (("4", "3", "２０１９"), "Date received must be a real date"),
    ],
)
def test_bad_dates_say_what_is_wrong(parts, message):
    assert errors_for(*parts) == [message]


def test_future_date_is_refused():
    tomorrow = timezone.localdate() + timedelta(days=1)
    assert errors_for(str(tomorrow.day), str(tomorrow.month), str(tomorrow.year)) == [
        "Date received must be today or in the past"
    ]


def test_nhs_number_check_digit():
    assert nhs_number_is_valid("943 476 5919")
    assert not nhs_number_is_valid("943 476 5918")
    assert not nhs_number_is_valid("12345")


@given(st.text(max_size=30), st.text(max_size=30), st.text(max_size=30))
def test_date_field_never_crashes(day, month, year):
    form = DateForm({"when_0": day, "when_1": month, "when_2": year})
    form.is_valid()  # any input gives a result or an error, never an exception


@pytest.mark.parametrize(
    "widget, kind",
    [
        (forms.CheckboxSelectMultiple, "checkboxes"),  # a subclass of RadioSelect: tested first
        (forms.SelectMultiple, "checkboxes"),  # GOV.UK has no multiple select: a subclass of Select
        (forms.RadioSelect, "radios"),
        (forms.Select, "select"),
        (forms.CheckboxInput, "checkbox"),
    ],
)
def test_a_multiple_choice_renders_as_checkboxes_whatever_its_widget(widget, kind):
    from masip.core.templatetags.govuk import widget_kind

    class ChoiceForm(forms.Form):
        pick = forms.ChoiceField(choices=[("a", "A"), ("b", "B")], widget=widget)

    assert widget_kind(ChoiceForm()["pick"]) == kind
