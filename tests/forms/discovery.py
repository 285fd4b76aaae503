"""Every form class the project defines, found by importing every module of masip."""

from __future__ import annotations

import importlib
import inspect
import pkgutil
from functools import cache

from django import forms

import masip

_NOT_IMPORTED = ("tests", "migrations", "settings", "settings_test", "wsgi", "asgi")


def _subclasses(cls):
    for sub in cls.__subclasses__():
        yield sub
        yield from _subclasses(sub)


@cache
def project_form_classes() -> tuple[type[forms.BaseForm], ...]:
    """Subclasses of django.forms.Form and ModelForm defined in masip.* (not in its tests)."""
    for module in pkgutil.walk_packages(masip.__path__, "masip."):
        if any(part in _NOT_IMPORTED for part in module.name.split(".")):
            continue
        importlib.import_module(module.name)
    found = {
        cls
        for base in (forms.Form, forms.ModelForm)
        for cls in _subclasses(base)
        if cls.__module__.startswith("masip.") and ".tests" not in cls.__module__
    }
    return tuple(sorted(found, key=qualified_name))


def qualified_name(cls) -> str:
    return f"{cls.__module__}.{cls.__qualname__}"


def is_multiple_choice(field: forms.Field) -> bool:
    return isinstance(field, (forms.MultipleChoiceField, forms.ModelMultipleChoiceField)) or getattr(
        field.widget, "allow_multiple_selected", False
    )


def declared_multiple_choice_fields(cls) -> list[str]:
    return [name for name, field in cls.base_fields.items() if is_multiple_choice(field)]


_MULTIPLE_MARKERS = ("MultipleChoiceField", "SelectMultiple", "CheckboxSelectMultiple", "allow_multiple_selected")


def builds_multiple_choice_fields(cls) -> bool:
    """A form that adds fields in __init__ is read from its source: does it make a multiple choice?"""
    try:
        source = inspect.getsource(cls)
    except (OSError, TypeError):  # pragma: no cover - every project form has a source file
        return True
    return any(marker in source for marker in _MULTIPLE_MARKERS)
