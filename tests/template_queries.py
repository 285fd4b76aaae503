"""Catch database queries made while a template renders (issue 11: no template triggers a query).

A page's rows are read in its view or selectors; the template only displays them. Two kinds of
query are allowed while rendering, because they are bounded and belong to Python code the
template calls rather than to the template's own lookups:
- a form's choice list, read by Django's ModelChoiceIterator (django/forms/models.py);
- the navigation's context processor (which partnerships the user belongs to).
"""

from __future__ import annotations

import threading
import traceback
from collections.abc import Iterator
from contextlib import contextmanager

from django.db import connection
from django.template.backends.django import Template

ALLOWED_CALLERS = ("django/forms/models.py", "masip/workspace/context_processors.py")

_state = threading.local()


@contextmanager
def template_queries() -> Iterator[list[tuple[str, str]]]:
    """Yields the list of (view name, SQL) of queries made while a template renders."""
    found: list[tuple[str, str]] = []
    original = Template.render

    def render(self, context=None, request=None):
        depth = getattr(_state, "depth", 0)
        if depth == 0 and request is not None and getattr(request, "resolver_match", None):
            _state.view = request.resolver_match.view_name
        _state.depth = depth + 1
        try:
            return original(self, context, request)
        finally:
            _state.depth = depth

    def watch(execute, sql, params, many, context):
        if getattr(_state, "depth", 0) and not sql.lstrip().upper().startswith(("SAVEPOINT", "RELEASE")):
            callers = [frame.filename for frame in traceback.extract_stack(limit=60)]
            if not any(c.endswith(allowed) for c in callers for allowed in ALLOWED_CALLERS):
                found.append((getattr(_state, "view", "?"), sql[:200]))
        return execute(sql, params, many, context)

    Template.render = render  # type: ignore[method-assign]
    try:
        with connection.execute_wrapper(watch):
            yield found
    finally:
        Template.render = original  # type: ignore[method-assign]
        _state.depth = 0
