"""The meetings fixtures (cases, series, meetings scheduled through the services)."""

from masip.meetings.tests.conftest import daily, make_case, schedule, series_named  # noqa: F401 - fixtures
