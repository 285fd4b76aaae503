"""Support for victims of referrals the unit did not take on as a case (issue 12): advocates
record it from the referral, it follows the referral into a case, and the return counts each
victim once."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from masip.audit.models import AuditEvent
from masip.reporting.periods import Quarter
from masip.reporting.selectors import compute_return
from masip.victims.models import VictimSupport
from masip.victims.services import referral_support_update, support_update


def date_fields(name, day):
    return {f"{name}_0": day.day, f"{name}_1": day.month, f"{name}_2": day.year}


@pytest.fixture
def referral(london, make_referral):
    return make_referral(london, received_on=timezone.localdate() - timedelta(days=3))


def victim(referral):
    return referral.parties.get(role="victim").person


def url(referral, person=None):
    return reverse("victims:referral_support", args=[referral.pk, (person or victim(referral)).pk])


def test_an_advocate_records_support_from_the_referral_page(as_user, referral, staff):
    advocate = as_user("london-advocate")
    page = advocate.get(reverse("referrals:detail", args=[referral.pk])).content.decode()
    assert "Victim support" in page and url(referral) in page and "None recorded" in page
    form = advocate.get(url(referral))
    assert form.status_code == 200 and "Support for this victim" in form.content.decode()
    response = advocate.post(url(referral), {
        "status": "accepted", **date_fields("on", timezone.localdate()), "advocate": staff["london-advocate"].pk,
        "version": 0,
    })
    assert response.status_code == 302 and response["Location"] == reverse("referrals:detail", args=[referral.pk])
    support = VictimSupport.objects.get()
    assert (support.referral, support.case, support.status, support.advocate) == (
        referral, None, "accepted", staff["london-advocate"])
    assert AuditEvent.objects.filter(action="victim_support.update", operation="collection").exists()
    assert "Accepted" in as_user("london-police").get(reverse("referrals:detail", args=[referral.pk])).content.decode()


def test_only_advocates_record_it_and_only_for_the_referral_s_victims(as_user, referral, london, make_referral):
    assert as_user("london-police").get(url(referral)).status_code == 403
    other = make_referral(london, suspect="Other Suspect", victim="Other Victim")
    assert as_user("london-advocate").get(url(referral, victim(other))).status_code == 404
    assert as_user("cheshire-advocate").get(url(referral)).status_code in (403, 404)
    assert not VictimSupport.objects.exists()


def test_a_stale_form_is_refused_and_nothing_changes(referral, staff):
    advocate = staff["london-advocate"]
    today = timezone.localdate()
    referral_support_update(referral=referral, victim=victim(referral), acting_user=advocate, status="offered",
                            on=today, expected_version=0)
    with pytest.raises(ValidationError):
        referral_support_update(referral=referral, victim=victim(referral), acting_user=advocate,
                                status="declined", on=today, expected_version=0)
    assert VictimSupport.objects.get().status == "offered"
    with pytest.raises(PermissionDenied):
        referral_support_update(referral=referral, victim=victim(referral), acting_user=staff["london-police"],
                                status="declined", on=today, expected_version=1)


def test_support_follows_the_referral_into_its_case(referral, accept, staff, as_user):
    advocate = staff["london-advocate"]
    person = victim(referral)
    referral_support_update(referral=referral, victim=person, acting_user=advocate, status="accepted",
                            on=timezone.localdate(), advocate=advocate, expected_version=0)
    case = accept(referral).case
    support = VictimSupport.objects.get()
    assert (support.case, support.referral) == (case, referral)
    assert AuditEvent.objects.filter(action="victim_support.follow_referral").exists()
    # From now on it is the case's: the referral's form refuses, and the page links to the case.
    with pytest.raises(ValidationError, match=case.reference):
        referral_support_update(referral=referral, victim=person, acting_user=advocate, status="declined",
                                on=timezone.localdate(), expected_version=support.version)
    page = as_user("london-advocate").get(reverse("referrals:detail", args=[referral.pk])).content.decode()
    assert reverse("victims:support", args=[case.pk, person.pk]) in page
    moved = as_user("london-advocate").get(url(referral))  # to the case's own page, through the case's door
    assert moved.status_code == 302 and moved["Location"] == reverse("victims:support", args=[case.pk, person.pk])
    updated = support_update(case=case, victim=person, acting_user=advocate, status="ended",
                             on=timezone.localdate(), reason="Moved away", expected_version=support.version)
    assert updated.pk == support.pk and updated.status == "ended"


def test_the_return_counts_victims_supported_without_a_case_once(london, referral, accept, staff):
    advocate = staff["london-advocate"]
    today = timezone.localdate()
    quarter = Quarter.containing(today)
    assert compute_return(london, quarter, as_at=timezone.now())["victims_supported"].value == 0
    referral_support_update(referral=referral, victim=victim(referral), acting_user=advocate, status="accepted",
                            on=today, advocate=advocate, expected_version=0)
    later = timezone.now() + timedelta(seconds=1)
    assert compute_return(london, quarter, as_at=later)["victims_supported"].value == 1
    accept(referral)  # the support moves to the case: still one victim, one record
    assert compute_return(london, quarter, as_at=timezone.now() + timedelta(seconds=2))["victims_supported"].value == 1
    assert VictimSupport.objects.count() == 1
