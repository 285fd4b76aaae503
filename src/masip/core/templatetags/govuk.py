"""Template helpers for rendering Django forms as GOV.UK Design System components."""

from __future__ import annotations

from typing import Any

from django import forms, template

from masip.core.forms import GovukDateWidget

register = template.Library()


@register.filter
def widget_kind(bound_field) -> str:
    widget = bound_field.field.widget
    if isinstance(widget, GovukDateWidget):
        return "date"
    # Before the single-choice tests: CheckboxSelectMultiple is a subclass of
    # RadioSelect, and SelectMultiple of Select, so testing those first renders
    # a "select all that apply" field as one choice and the form keeps one answer.
    # GOV.UK has no multiple select, so every multiple choice is a set of checkboxes.
    if getattr(widget, "allow_multiple_selected", False):
        return "checkboxes"
    if isinstance(widget, forms.RadioSelect):
        return "radios"
    if isinstance(widget, forms.CheckboxInput):
        return "checkbox"
    if isinstance(widget, forms.Select):
        return "select"
    if isinstance(widget, forms.Textarea):
        return "textarea"
    if isinstance(widget, forms.HiddenInput):
        return "hidden"
    return "input"


@register.filter
def input_type(bound_field) -> str:
    return getattr(bound_field.field.widget, "input_type", "text") or "text"


@register.filter
def date_parts(bound_field) -> list[dict]:
    value = bound_field.value()
    if not isinstance(value, (list, tuple)):
        value = bound_field.field.widget.decompress(value)
    value = list(value) + [None] * (3 - len(value))
    parts = []
    for index, (label, width) in enumerate((("Day", 2), ("Month", 2), ("Year", 4))):
        parts.append(
            {
                "id": f"{bound_field.auto_id}_{index}",
                "name": f"{bound_field.html_name}_{index}",
                "value": "" if value[index] in (None, "") else value[index],
                "label": label,
                "width": width,
            }
        )
    return parts


@register.filter
def is_checked(choice_value, bound_field) -> bool:
    value = bound_field.value()
    if value is None:
        return False
    if isinstance(value, (list, tuple)):
        return str(choice_value) in {str(v) for v in value}
    return str(choice_value) == str(value)


@register.inclusion_tag("core/includes/error_summary.html")
def error_summary(*forms_or_lists: Any) -> dict[str, Any]:
    """One GOV.UK error summary for one or more forms (or ready (anchor, message) lists)."""
    items: list[tuple[str, str]] = []
    for thing in forms_or_lists:
        if thing is None or thing == "":
            continue
        if hasattr(thing, "error_list"):
            items.extend(thing.error_list())
        else:
            items.extend(thing)
    return {"items": items}


@register.simple_tag(takes_context=True)
def page_query(context, number) -> str:
    """The current query string with page=number (filters kept)."""
    query = context["request"].GET.copy()
    query["page"] = number
    return query.urlencode()
