"""Read the forms on a page the way a browser would, so a test can submit them (or tamper with them)."""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser


@dataclass
class Field:
    name: str
    kind: str  # text, hidden, checkbox, radio, select, select-multiple, textarea, number, date, ...
    value: str = ""
    checked: bool = False
    options: list[str] = field(default_factory=list)
    selected: list[str] = field(default_factory=list)


@dataclass
class Form:
    action: str
    method: str
    attrs: dict[str, str]
    fields: list[Field] = field(default_factory=list)

    def names(self) -> list[str]:
        seen: list[str] = []
        for f in self.fields:
            if f.name not in seen:
                seen.append(f.name)
        return seen

    def data(self) -> dict[str, list[str]]:
        """What a browser would send without the user changing anything (pressing the first button)."""
        out: dict[str, list[str]] = {}
        submit = next((f for f in self.fields if f.kind == "submit"), None)
        if submit is not None:
            out[submit.name] = [submit.value]
        for f in self.fields:
            if f.kind in ("submit", "button", "image", "reset", "file"):
                continue
            if f.kind in ("checkbox", "radio"):
                if f.checked:
                    out.setdefault(f.name, []).append(f.value)
            elif f.kind == "select":
                chosen = f.selected[:1] or f.options[:1]
                out.setdefault(f.name, []).extend(chosen)
            elif f.kind == "select-multiple":
                out.setdefault(f.name, []).extend(f.selected)
            else:
                out.setdefault(f.name, []).append(f.value)
        return out


class _Parser(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms: list[Form] = []
        self._form: Form | None = None
        self._select: Field | None = None
        self._option: dict | None = None
        self._textarea: Field | None = None

    def handle_starttag(self, tag, attrs):
        a = {k: (v if v is not None else "") for k, v in attrs}
        if tag == "form":
            self._form = Form(action=a.get("action", ""), method=a.get("method", "get").lower(), attrs=a)
            self.forms.append(self._form)
            return
        if self._form is None or ("name" not in a and tag != "option"):
            return
        if tag == "input":
            kind = a.get("type", "text").lower()
            value = a.get("value", "on" if kind in ("checkbox", "radio") else "")
            self._form.fields.append(Field(a["name"], kind, value, checked="checked" in a))
        elif tag == "button" and a.get("type", "submit").lower() == "submit":
            self._form.fields.append(Field(a["name"], "submit", a.get("value", "")))
        elif tag == "select":
            self._select = Field(a["name"], "select-multiple" if "multiple" in a else "select")
            self._form.fields.append(self._select)
        elif tag == "option" and self._select is not None:
            self._option = {"value": a.get("value"), "selected": "selected" in a, "text": ""}
        elif tag == "textarea":
            self._textarea = Field(a["name"], "textarea")
            self._form.fields.append(self._textarea)

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea.value += data
        elif self._option is not None:
            self._option["text"] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None
        elif tag == "option" and self._option is not None and self._select is not None:
            value = self._option["value"] if self._option["value"] is not None else self._option["text"].strip()
            self._select.options.append(value)
            if self._option["selected"]:
                self._select.selected.append(value)
            self._option = None
        elif tag == "textarea":
            if self._textarea is not None and self._textarea.value.startswith("\n"):
                self._textarea.value = self._textarea.value[1:]
            self._textarea = None


def forms_in(html: str) -> list[Form]:
    parser = _Parser()
    parser.feed(html)
    return parser.forms
