"""Nothing a user types into the referral or triage forms produces a server error."""

from __future__ import annotations

import pytest
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from masip.referrals.tests.test_referral_form import form_data

junk = st.one_of(
    st.text(max_size=60),
    st.sampled_from(
        ["", " ", "0", "-1", "31", "13", "99999", "2099", "x" * 6000, "\x00", "<script>", "1e9", "NaN"]
    ),
)


@pytest.mark.django_db
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.dictionaries(st.sampled_from(sorted(form_data())), junk, min_size=1, max_size=8))
def test_referral_form_never_fails(as_user, london, overrides):
    response = as_user("london-police").post(
        reverse("referrals:create", args=[london.slug]), form_data(**overrides)
    )
    assert response.status_code in (200, 302)


TRIAGE_FIELDS = [
    "is_stalking",
    "outcome",
    "fixated",
    "fixated_note",
    "corrected_offence",
    "advice_text",
    "signpost_agency",
    "signpost_reason",
    "close_reason",
    "revision_reason",
    "based_on",
]


@pytest.mark.django_db
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.dictionaries(st.sampled_from(TRIAGE_FIELDS), junk, min_size=1, max_size=8))
def test_triage_form_never_fails(as_user, london, make_referral, data):
    referral = make_referral(london)
    response = as_user("london-police").post(reverse("referrals:triage", args=[referral.pk]), data)
    assert response.status_code in (200, 302)
