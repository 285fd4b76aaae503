"""Fixtures for meetings: cases made through the referral and triage services, meetings
scheduled through the meetings service."""

from __future__ import annotations

from datetime import date, timedelta
from itertools import count

import pytest
from django.utils import timezone

_names = count(1)


@pytest.fixture
def make_case(make_referral, accept, staff, complete_assessment):
    """An accepted case through the services; risk (0-3) set as a signed-off assessment would."""
    from masip.cases.services import case_set_risk

    def make(partnership, *, by=None, risk=0, suspect=None, victim=None):
        by = by or f"{partnership.slug}-police"
        number = next(_names)
        referral = make_referral(
            partnership,
            by=by,
            suspect=suspect or f"Suspect{number} Testcase",
            victim=victim or f"Victim{number} Testcase",
            received_on=timezone.localdate() - timedelta(days=1),
        )
        if partnership.slug == "hampshire":  # Hampshire signs off the S-DASH before accepting
            complete_assessment("sdash", referral=referral, by=by)
        accept(referral, by=by)
        referral.refresh_from_db()
        case = referral.case
        if risk:
            case_set_risk(case=case, acting_user=staff[by], rank=risk, label=f"Rank {risk}", source="Test")
        return case

    return make


@pytest.fixture
def series_named(partnerships):
    def find(partnership, name):
        return partnership.operating_model_on().meeting_series.get(name=name)

    return find


@pytest.fixture
def schedule(staff, series_named):
    """Schedule one meeting of a series through the service (today unless said)."""
    from masip.meetings.services import meeting_schedule

    def make(partnership, name, *, day: date | None = None, by=None, count_=1):
        by = by or f"{partnership.slug}-police"
        result = meeting_schedule(
            partnership=partnership,
            series=series_named(partnership, name),
            acting_user=staff[by],
            first=day or timezone.localdate(),
            count=count_,
        )
        return result.created[0] if count_ == 1 else result.created

    return make


@pytest.fixture
def daily(london, schedule, on_meeting_day):
    """London's next daily morning case review - today on a weekday; at the weekend the Monday's,
    with the clock moved to that Monday (see on_meeting_day). Pass hold=False to stay put."""

    def make(*, hold=True, **kwargs):
        meeting = schedule(london, "Daily morning case review", **kwargs)
        return on_meeting_day(meeting) if hold else meeting

    return make
