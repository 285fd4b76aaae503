"""Building blocks for the tests of issue 6's contexts: a case opened on a known day."""

from __future__ import annotations

from datetime import date, timedelta

from django.utils import timezone

from masip.cases.models import Case


def days_ago(n: int) -> date:
    return timezone.localdate() - timedelta(days=n)


def open_case(
    make_referral,
    accept,
    partnership,
    *,
    by: str,
    opened_on: date | None = None,
    area: str = "",
    suspect: str = "Ryan Cole",
    victim: str = "Emma Hart",
    suspect_dob: date | None = None,
    reported_on: date | None = None,
    **extra,
) -> Case:
    """A referral accepted into a case, with the referral's incident and the case's opening on known days."""
    opened_on = opened_on or days_ago(30)
    reported_on = reported_on or opened_on - timedelta(days=3)
    referral = make_referral(
        partnership,
        by=by,
        suspect=suspect,
        victim=victim,
        suspect_dob=suspect_dob,
        received_on=reported_on,
        **extra,
    )
    if area:
        type(referral).objects.filter(pk=referral.pk).update(area=area)
    accept(referral, by=by)
    referral.refresh_from_db()
    case = referral.case
    Case.objects.filter(pk=case.pk).update(opened_on=opened_on)
    case.refresh_from_db()
    return case


def victim_of(case):
    return case.parties.filter(role="victim").order_by("id").first().person
