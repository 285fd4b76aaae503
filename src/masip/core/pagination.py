"""Pagination whose page is read in the view, not while its template renders."""

from __future__ import annotations

from typing import Any

from django.core.paginator import Page
from django.core.paginator import Paginator as DjangoPaginator


class Paginator(DjangoPaginator):
    """Django's Paginator, but each page's rows are fetched when the page is taken: a
    template only displays them (the walk over every page checks that no template queries)."""

    def page(self, number: Any) -> Page:
        page = super().page(number)
        page.object_list = list(page.object_list)
        return page
