"""Fixtures for the tests that walk every form: cases and meetings made through the services."""

from masip.meetings.tests.conftest import daily, make_case, on_meeting_day, schedule, series_named  # noqa: F401 - fixtures
