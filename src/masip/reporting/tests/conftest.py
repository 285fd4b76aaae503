from __future__ import annotations

import pytest


@pytest.fixture
def date_parts():
    def parts(name, day):
        return {f"{name}_0": str(day.day), f"{name}_1": str(day.month), f"{name}_2": str(day.year)}

    return parts
