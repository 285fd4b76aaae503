"""Finding every input the project reads, without a hand-kept list.

Two sources, both from the running application:
- the pages themselves: every <form> (its fields, and the values it offers), every link
  and htmx request with a query string, resolved to the URL name it goes to;
- the views themselves: a test-only middleware hands each view a request whose GET and
  POST record every key the view (or its forms) asks for.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import parse_qsl, urlsplit

from django.http import QueryDict
from django.urls import Resolver404, resolve

# Keys read during the current request (the test client runs one request at a time).
_READ: set[str] = set()


class RecordingQueryDict(QueryDict):
    """A QueryDict that notes each key looked up (copies, as views make, note into the same set)."""

    def __getitem__(self, key):
        _READ.add(key)
        return super().__getitem__(key)

    def get(self, key, default=None):
        _READ.add(key)
        return super().get(key, default)

    def getlist(self, key, default=None):
        _READ.add(key)
        return super().getlist(key, default)

    def __contains__(self, key):
        _READ.add(key)
        return super().__contains__(key)


def _recording(query: QueryDict) -> RecordingQueryDict:
    copy = RecordingQueryDict(mutable=True, encoding=query.encoding)
    for key, values in query.lists():
        copy.setlist(key, values)
    copy._mutable = False
    return copy


@dataclass
class Reads:
    """What the views read, by URL name and method."""

    get: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    post: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))


READS = Reads()


class RecordReadsMiddleware:
    """Test-only: record which GET and POST keys each view reads (first in MIDDLEWARE)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        _READ.clear()
        request.GET = _recording(request.GET)
        if request.method == "POST":
            request.POST = _recording(request.POST)
        response = self.get_response(request)
        try:
            name = resolve(request.path_info).view_name
        except Resolver404:
            return response
        read = {key for key in _READ if key != "csrfmiddlewaretoken"}
        (READS.post if request.method == "POST" else READS.get)[name].update(read)
        return response


@dataclass
class Form:
    method: str
    action: str  # URL name the form sends to
    persona: str = ""  # who saw it
    fields: dict[str, list[str]] = field(default_factory=dict)  # name -> values offered (first = default)
    multiple: set[str] = field(default_factory=set)  # names that may repeat (checkboxes, multi-selects)


@dataclass
class Site:
    """What the pages offer, by URL name."""

    forms: dict[str, list[Form]] = field(default_factory=lambda: defaultdict(list))
    query: dict[str, dict[str, set[str]]] = field(default_factory=lambda: defaultdict(lambda: defaultdict(set)))

    def read_page(self, html: str, page_path: str, persona: str) -> None:
        parser = _PageParser(page_path)
        parser.feed(html)
        parser.close()
        for form in parser.forms:
            name = _url_name(form.action)
            if name is None:
                continue
            if form.method == "get":
                for key, values in form.fields.items():
                    self.query[name][key].update(values)
            else:
                form.action, form.persona = name, persona
                if form not in self.forms[name]:  # the sign-out form is on every page
                    self.forms[name].append(form)
        for link in parser.links:
            name = _url_name(link)
            if name is not None:
                for key, value in parse_qsl(urlsplit(link).query, keep_blank_values=True):
                    self.query[name][key].add(value)


def _url_name(url: str) -> str | None:
    path = urlsplit(url).path
    try:
        return resolve(path).view_name
    except Resolver404:
        return None


class _PageParser(HTMLParser):
    def __init__(self, page_path: str):
        super().__init__(convert_charrefs=True)
        self.page_path = page_path
        self.forms: list[Form] = []
        self.links: list[str] = []
        self._form: Form | None = None
        self._select: str | None = None
        self._textarea: str | None = None

    def _absolute(self, url: str | None) -> str:
        if not url:
            return self.page_path
        if url.startswith("?"):
            return urlsplit(self.page_path).path + url
        return url

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "option" and self._form is not None and self._select:
            values = self._form.fields[self._select]
            if "selected" in a:
                values.insert(0, a.get("value", ""))
            elif a.get("value"):
                values.append(a["value"])
            return
        for attribute in ("href", "hx-get", "hx-post", "hx-push-url"):
            if a.get(attribute) and a[attribute].startswith(("/", "?")):
                self.links.append(self._absolute(a[attribute]))
        if tag == "form":
            self._form = Form(method=(a.get("method") or "get").lower(), action=self._absolute(a.get("action")))
            self.forms.append(self._form)
            return
        form, name = self._form, a.get("name")
        if form is None or not name or name == "csrfmiddlewaretoken":  # the test client needs no token
            return
        if tag == "input":
            kind = (a.get("type") or "text").lower()
            values = form.fields.setdefault(name, [])
            if kind in ("checkbox", "radio"):
                value = a.get("value", "on")
                if "checked" in a:
                    values.insert(0, value)
                else:
                    values.append(value)
                if kind == "checkbox":
                    form.multiple.add(name)
            elif kind in ("submit", "button", "image"):
                values.append(a.get("value", ""))
            else:
                values.insert(0, a.get("value") or "")
        elif tag == "button" and a.get("value") is not None:
            form.fields.setdefault(name, []).append(a["value"])
        elif tag == "select":
            self._select = name
            form.fields.setdefault(name, [])
            if "multiple" in a:
                form.multiple.add(name)
        elif tag == "textarea":
            self._textarea = name
            form.fields.setdefault(name, [])

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)

    def handle_data(self, data):
        if self._form is not None and self._textarea:
            self._form.fields[self._textarea].insert(0, data)

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None
        elif tag == "textarea":
            if self._form is not None and not self._form.fields[self._textarea]:
                self._form.fields[self._textarea].append("")
            self._textarea = None
