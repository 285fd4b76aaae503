from __future__ import annotations

from django.shortcuts import render

from masip.access.policy import Action, requires
from masip.people import selectors


@requires(Action.PERSON_VIEW)
def person_detail(request, pk: int):
    person = selectors.person_get(request.user, pk)
    request.partnership = person.partnership
    return render(
        request,
        "people/person_detail.html",
        {
            "person": person,
            "case_parties": person.case_parties.select_related("case").order_by("-case__opened_on"),
            "referral_parties": person.referral_parties.select_related("referral").order_by(
                "-referral__received_on"
            ),
        },
    )
