"""Read the forms on a rendered page and submit one as a browser would.

Tests that post what a page actually rendered (not what the test assumes it
rendered) catch a field drawn with the wrong widget, a hidden version left out
of a template, or a choice missing from the page.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser


@dataclass
class Control:
    tag: str  # input, select, textarea, button
    type: str  # text, hidden, radio, checkbox, submit, select-one, select-multiple, textarea, ...
    name: str
    value: str = ""
    checked: bool = False
    has_value: bool = True  # a checkbox or radio without a value attribute sends "on"
    options: list[tuple[str, bool]] = field(default_factory=list)  # select: (value, selected)


@dataclass
class HtmlForm:
    action: str
    method: str
    controls: list[Control] = field(default_factory=list)

    def named(self, name: str) -> list[Control]:
        return [c for c in self.controls if c.name == name]

    def names(self) -> set[str]:
        return {c.name for c in self.controls if c.name}

    def submission(self, *, button: str | None = None) -> dict[str, list[str]]:
        """What a browser sends when the form is submitted unchanged (with the named button, if any)."""
        data: dict[str, list[str]] = {}
        for control in self.controls:
            if not control.name:
                continue
            if control.type in ("submit", "button", "image", "reset"):
                if button is not None and control.name == button.split("=")[0]:
                    wanted = button.split("=", 1)[1] if "=" in button else control.value
                    if control.value == wanted:
                        data.setdefault(control.name, []).append(control.value)
                continue
            if control.type in ("radio", "checkbox"):
                if control.checked:
                    data.setdefault(control.name, []).append(control.value if control.has_value else "on")
                continue
            if control.type == "select-one":
                chosen = [v for v, selected in control.options if selected]
                value = chosen[-1] if chosen else (control.options[0][0] if control.options else None)
                if value is not None:
                    data.setdefault(control.name, []).append(value)
                continue
            if control.type == "select-multiple":
                data.setdefault(control.name, []).extend(v for v, selected in control.options if selected)
                continue
            data.setdefault(control.name, []).append(control.value)
        return data


class _FormReader(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms: list[HtmlForm] = []
        self._form: HtmlForm | None = None
        self._select: Control | None = None
        self._option: list | None = None  # [value or None, selected, text]
        self._textarea: Control | None = None

    def handle_starttag(self, tag, attrs):
        a = {k: (v if v is not None else "") for k, v in attrs}
        if tag == "form":
            self._form = HtmlForm(action=a.get("action", ""), method=a.get("method", "get").lower())
            self.forms.append(self._form)
            return
        if self._form is None:
            return
        if tag == "input":
            kind = a.get("type", "text").lower()
            self._form.controls.append(
                Control("input", kind, a.get("name", ""), a.get("value", ""), "checked" in a, has_value="value" in a)
            )
        elif tag == "button":
            self._form.controls.append(
                Control("button", a.get("type", "submit").lower(), a.get("name", ""), a.get("value", ""))
            )
        elif tag == "select":
            kind = "select-multiple" if "multiple" in a else "select-one"
            self._select = Control("select", kind, a.get("name", ""))
            self._form.controls.append(self._select)
        elif tag == "option" and self._select is not None:
            self._close_option()
            self._option = [a.get("value"), "selected" in a, ""]
        elif tag == "textarea":
            self._textarea = Control("textarea", "textarea", a.get("name", ""))
            self._form.controls.append(self._textarea)

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea.value += data
        elif self._option is not None:
            self._option[2] += data

    def _close_option(self):
        if self._option is not None and self._select is not None:
            value, selected, text = self._option
            self._select.options.append((value if value is not None else text.strip(), selected))
        self._option = None

    def handle_endtag(self, tag):
        if tag == "option":
            self._close_option()
        elif tag == "select":
            self._close_option()
            self._select = None
        elif tag == "textarea" and self._textarea is not None:
            # The HTML parser keeps the newline a browser drops after <textarea>.
            if self._textarea.value.startswith("\n"):
                self._textarea.value = self._textarea.value[1:]
            self._textarea = None
        elif tag == "form":
            self._form = None


def read_forms(html: str) -> list[HtmlForm]:
    reader = _FormReader()
    reader.feed(html)
    reader.close()
    return reader.forms


def form_with(html: str, field_name: str, *, method: str = "post") -> HtmlForm:
    """The one form on the page that has a control named field_name."""
    found = [f for f in read_forms(html) if f.method == method and field_name in f.names()]
    assert len(found) == 1, f"expected one {method} form with {field_name!r}, found {len(found)}"
    return found[0]
