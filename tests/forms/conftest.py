"""Fixtures for the tests that walk every form: cases and meetings made through the services."""

from masip.meetings.tests.conftest import daily, make_case, schedule, series_named  # noqa: F401 - fixtures
