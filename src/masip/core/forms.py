"""Form building blocks that render as GOV.UK Design System components.

Error messages follow the GOV.UK pattern: they name the field and say how to
fix it ("Date received must be today or in the past").
"""

from __future__ import annotations

import re
from datetime import date
from typing import TYPE_CHECKING

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.forms.utils import ErrorDict
from django.utils import timezone

from masip.core.ids import MAX_ID, parse_id

_DIGITS = re.compile(r"[0-9]+")

# The mixins below are only ever mixed into these Django classes: mypy checks them as their
# subclasses, and at run time they stay plain mixins.
if TYPE_CHECKING:
    _ModelChoiceFieldBase = forms.ModelChoiceField
    _FormBase = forms.BaseForm
else:
    _ModelChoiceFieldBase = object
    _FormBase = object


class GovukDateWidget(forms.MultiWidget):
    """Three text inputs; rendered by core/includes/field.html as a GOV.UK date input."""

    def __init__(self, attrs=None):
        super().__init__([forms.TextInput(), forms.TextInput(), forms.TextInput()], attrs)

    def decompress(self, value):
        if isinstance(value, date):
            return [value.day, value.month, value.year]
        return [None, None, None]


class GovukDateField(forms.MultiValueField):
    """A GOV.UK date input (day, month, year) that checks the date is real and,
    by default, not in the future."""

    widget = GovukDateWidget

    def __init__(
        self, *, label_for_errors: str, allow_future: bool = False, earliest: date | None = None, **kwargs
    ):
        self.label_for_errors = label_for_errors
        self.allow_future = allow_future
        self.earliest = earliest or date(1900, 1, 1)
        fields = (forms.CharField(), forms.CharField(), forms.CharField())
        kwargs.setdefault("require_all_fields", False)
        super().__init__(fields=fields, **kwargs)
        self.error_messages["required"] = f"Enter {label_for_errors[0].lower() + label_for_errors[1:]}"
        self.error_messages["incomplete"] = f"{label_for_errors} must include a day, month and year"

    def compress(self, data_list):
        if not data_list or not any(str(v or "").strip() for v in data_list):
            return None
        day, month, year = (str(v or "").strip() for v in data_list)
        missing = [n for n, v in (("day", day), ("month", month), ("year", year)) if not v]
        if missing:
            raise ValidationError(f"{self.label_for_errors} must include a {' and '.join(missing)}")
        # ASCII digits only: str.isdigit() accepts "²" and int() reads "١٢" as 12.
        if not all(_DIGITS.fullmatch(part) for part in (day, month, year)):
            raise ValidationError(f"{self.label_for_errors} must be a real date")
        if len(year) != 4:
            raise ValidationError(f"{self.label_for_errors}: the year must include 4 numbers")
        try:
            value = date(int(year), int(month), int(day))
        except (ValueError, OverflowError) as exc:  # a day of 99999999999999999999 overflows
            raise ValidationError(f"{self.label_for_errors} must be a real date") from exc
        if not self.allow_future and value > timezone.localdate():
            raise ValidationError(f"{self.label_for_errors} must be today or in the past")
        if value < self.earliest:
            raise ValidationError(f"{self.label_for_errors} must be after {self.earliest:%-d %B %Y}")
        return value

    def clean(self, value):
        # MultiValueField reports "required" per sub-field; GOV.UK wants one message.
        if not value or not any(str(v or "").strip() for v in value):
            if self.required:
                raise ValidationError(self.error_messages["required"], code="required")
            return None
        return self.compress(value)


class VersionField(forms.IntegerField):
    """The version of the record an edit form was opened at, carried in the page.

    The service compares it with the record's version and refuses a save based
    on an older one (StaleEdit), so a colleague's save made meanwhile is never
    silently overwritten.
    """

    widget = forms.HiddenInput

    def __init__(self, **kwargs):
        kwargs.setdefault("min_value", 0)
        kwargs.setdefault("max_value", MAX_ID)  # past 64 bits no column holds it, nor can a lookup use it
        super().__init__(**kwargs)
        message = "This page is out of date: open it again to see the record as it is now"
        self.error_messages.update(required=message, invalid=message, min_value=message, max_value=message)


class StaleEdit(ValidationError):
    """A save refused because the record changed after the form was opened.

    The message says what changed meanwhile. current_version is the version the
    form is moved on to (add_service_errors does this), so the user's entries
    stay on the page and saving again, having read what changed, goes through.
    """

    def __init__(self, message: str, *, current_version: int):
        super().__init__(message, code="stale")
        self.current_version = current_version


class _IdKeyedChoices(_ModelChoiceFieldBase):
    """Reads the ids a model choice field receives with core.ids.parse_id before any query:
    Django's own fields pass "99999999999999999999" to the database (OverflowError on SQLite)."""

    def _keyed_by_integer(self) -> bool:
        assert self.queryset is not None  # set before a form is cleaned (None would fail below too)
        meta = self.queryset.model._meta
        key_field = meta.pk if self.to_field_name in (None, "pk") else meta.get_field(self.to_field_name)
        return isinstance(key_field, models.IntegerField)  # AutoField and BigAutoField included

    def _checked_id(self, value):
        if isinstance(value, self.queryset.model) or not self._keyed_by_integer():
            return value
        number = parse_id(value)
        if number is None:
            raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice", params={"value": value})
        return number


class ModelChoiceField(_IdKeyedChoices, forms.ModelChoiceField):
    """Use instead of django.forms.ModelChoiceField (a test checks every form in the project)."""

    def to_python(self, value):
        if value in self.empty_values:
            return None
        return super().to_python(self._checked_id(value))


class ModelMultipleChoiceField(_IdKeyedChoices, forms.ModelMultipleChoiceField):
    """Use instead of django.forms.ModelMultipleChoiceField (a test checks every form in the project)."""

    def _check_values(self, value):
        return super()._check_values([self._checked_id(v) for v in value])



def staff_label(user) -> str:
    """A member of staff as the pick lists show them: their name and agency."""
    name = user.get_full_name() or user.username
    return f"{name} ({user.agency})" if user.agency_id else name


class PickField(forms.CharField):
    """A select whose options are a short list, but whose value is checked by the service,
    so that a value from outside the list gets the service's explanation, not "not a valid choice"."""

    widget = forms.Select

    def __init__(self, *, choices=(), **kwargs):
        super().__init__(**kwargs)
        self.choices = list(choices)


class GovukFormMixin(_FormBase):
    """GOV.UK-style messages for the standard errors, naming the field."""

    _errors: ErrorDict | None  # BaseForm's, set in its __init__: the stubs leave it out

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if isinstance(field, VersionField):
                continue
            label = str(field.label or "This field")
            if isinstance(field, forms.CharField) and field.max_length:
                field.error_messages["max_length"] = f"{label} must be {field.max_length} characters or fewer"
            if "required" in field.error_messages and not isinstance(field, GovukDateField):
                verb = "Select" if isinstance(field, forms.ChoiceField) else "Enter"
                field.error_messages["required"] = f"{verb} {label[0].lower() + label[1:]}"
            if "invalid_choice" in field.error_messages:
                field.error_messages["invalid_choice"] = f"Select a valid option for {label.lower()}"

    def error_list(self) -> list[tuple[str, str]]:
        """(anchor id, message) pairs for the error summary, in form order."""
        items: list[tuple[str, str]] = []
        for message in self.non_field_errors():
            items.append(("", str(message)))
        for name, _field in self.fields.items():
            bound = self[name]
            for message in bound.errors:
                items.append((anchor_for(bound), str(message)))
        return items


def anchor_for(bound_field) -> str:
    """The id the error summary links to: the first input of a group."""
    widget = bound_field.field.widget
    if isinstance(widget, (forms.MultiWidget, forms.RadioSelect, forms.CheckboxSelectMultiple)):
        return f"{bound_field.auto_id}_0"
    return bound_field.auto_id


_PHONE = re.compile(r"^\+?[0-9 ()-]{7,20}$")


def validate_phone(value: str) -> None:
    if value and not _PHONE.match(value):
        raise ValidationError("Enter a phone number, like 01632 960 001 or +44 7700 900 982")


def nhs_number_is_valid(value: str) -> bool:
    """NHS number: 10 digits, the last a Modulus 11 check digit (NHS Data Dictionary)."""
    digits = re.sub(r"\s", "", value)
    if not re.fullmatch(r"\d{10}", digits):
        return False
    total = sum(int(d) * w for d, w in zip(digits[:9], range(10, 1, -1), strict=True))
    check = 11 - total % 11
    if check == 11:
        check = 0
    return check != 10 and check == int(digits[9])


def validate_nhs_number(value: str) -> None:
    if value and not nhs_number_is_valid(value):
        raise ValidationError("Enter a valid 10-digit NHS number, like 943 476 5919")


_PNC = re.compile(r"^\d{2}(\d{2})?/\d{1,7}[A-Z]$")


def validate_pnc(value: str) -> None:
    if value and not _PNC.match(value.strip().upper()):
        raise ValidationError("Enter a PNC ID in the format year/number and letter, like 2019/0012345X")


def add_service_errors(form: forms.Form, exc: ValidationError) -> None:
    """Put a service's refusal on a form: on the field it names where the form has it, else at the top.

    A refusal of a stale edit also moves the form on to the record's current
    version: what the user entered stays on the page, and saving it again is a
    decision made knowing what changed.
    """
    if isinstance(exc, StaleEdit) and "version" in form.fields:
        # A bound form's data is request.POST (a QueryDict, a dict subclass) or a dict, and
        # copy() keeps its type; the stubs only know it as a Mapping.
        assert isinstance(form.data, dict)
        data = form.data.copy()
        data[form.add_prefix("version")] = str(exc.current_version)
        form.data = data
    if hasattr(exc, "error_dict"):
        for field, messages in exc.message_dict.items():
            for message in messages:
                form.add_error(field if field in form.fields else None, message)
    else:
        for message in exc.messages:
            form.add_error(None, message)
