"""The records every URL in the project can name (the declared access policy test's world),
built once per module: the tests here only read it, and each test's own writes are rolled back
after it (its transaction is a savepoint inside the module's, see conftest.rolled_back)."""

from __future__ import annotations

import copy
from contextlib import ExitStack

import pytest
from conftest import acceptor, reference_records, referral_maker, rolled_back, travel_to_meeting_day

from masip.access.tests.test_policy_table import build_world


@pytest.fixture(scope="module")
def module_world(django_db_setup, django_db_blocker):
    with rolled_back(django_db_blocker):
        partnerships, staff = reference_records()
        with ExitStack() as travels:  # built on the meeting's day, as the per-test world is; the clock comes back after
            built = build_world(
                london=partnerships["london"], staff=staff, make_referral=referral_maker(staff),
                accept=acceptor(staff), on_meeting_day=lambda meeting: travel_to_meeting_day(meeting, travels.callback),
            )
        yield built


@pytest.fixture
def world(module_world, db, on_meeting_day):
    """The module's world, on the day of its meeting (each test travels there, as the per-test world did)."""
    from masip.meetings.models import Meeting

    on_meeting_day(Meeting.objects.get(pk=module_world["meeting"]["pk"]))
    return copy.deepcopy(module_world)
