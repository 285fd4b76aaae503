"""Serve plotly.js from the installed plotly package: no CDN, nothing fetched at run time.

Only the one file is exposed (the package's data folder also holds sample data sets).
"""

from __future__ import annotations

from pathlib import Path

import plotly
from django.contrib.staticfiles.finders import BaseFinder
from django.core.files.storage import FileSystemStorage

PLOTLY_JS = "reporting/vendor/plotly.min.js"


class PlotlyFinder(BaseFinder):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.folder = Path(plotly.__file__).parent / "package_data"
        self.storage = FileSystemStorage(location=str(self.folder))
        self.storage.prefix = "reporting/vendor"

    def check(self, **kwargs):
        return []

    def find(self, path, find_all=False, **kwargs):
        if path == PLOTLY_JS:
            found = str(self.folder / "plotly.min.js")
            return [found] if find_all or kwargs.get("all") else found
        return []

    def list(self, ignore_patterns):
        yield "plotly.min.js", self.storage
