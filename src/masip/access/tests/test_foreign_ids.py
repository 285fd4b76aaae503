"""Forged ids of another partnership's records, posted to every field of every form that takes one,
never make a page name what they refer to (issue 10, item 3), nor get saved.

The forms are found by reading every page of the declared policy table as London's staff see
it; every field that carries an id must be classified below, so a new one cannot escape the
test. Each is posted with Cheshire's ids of the matching kind (and, for good measure, of
every kind), keeping the rest of the form as the browser would send it.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.apps import apps
from django.db.models import ForeignKey, ManyToManyField
from django.urls import reverse
from django.utils import timezone
from tests.forms.html_forms import Control, HtmlForm, read_forms

from masip.access.policy_table import PERSONAS, POLICY
from masip.access.tests.test_policy_table import ARGS, world  # noqa: F401  (a fixture)

# A field's name (after its form prefix) -> the kind of record its value names.
FIELD_KINDS = {
    "owner_agency": "agency", "new_owner_agency": "agency", "new_owner_user": "user", "source_agency": "agency", "guest_agency": "agency", "recipient": "agency",
    "owner_user": "user", "chair": "user", "lead_officer": "user", "allocated_staff": "user", "advocate": "user",
    "delivered_by": "user",
    "user": "user", "agency": "agency",  # reporting: who holds a post, a post's agency
    "victim": "person", "protected_person": "person", "match": "person",
    "replaces": "order", "breach_of": "order",
    "series": "series", "refer_to": "series",
    "assessment_before": "assessment", "assessment_after": "assessment", "responds_to": "assessment",
    "based_on": "decision",
    "remove_guests": "guest",
    "intervention_type": "intervention_type",  # programme-wide: no partnership's own; still posted every kind
}
# Fields whose digits are not ids: form versions, counts, formset management, scores and ratings.
NOT_IDS = {
    "version", "victim_count", "incident_count", "TOTAL_FORMS", "INITIAL_FORMS", "MIN_NUM_FORMS", "MAX_NUM_FORMS",
    "severity", "agreed_risk_rank", "taken_seriously", "police_response", "advocate_support", "agency_support",
    "feels_safer",
}
# Query parameters that name a record, by page (GET).
QUERY_IDS = [
    ("meetings:detail", "item", "agenda_item"),
    ("meetings:minutes_pdf", "for", "agency"),
    ("meetings:schedule", "series", "series"),
    ("meetings:actions", "agency", "agency"),
    ("monitoring:incident_add", "breach_of", "order"),
]
CASEWORK = ("police", "health", "advocate", "manager")
# Fields that appear only part-way through a flow, posted by the last test below instead.
POSTED_ELSEWHERE = {"match", "based_on"}


def _base_name(name: str) -> str:
    return name.rsplit("-", 1)[-1]


@pytest.fixture
def london_extras(world, london, staff, complete_assessment):  # noqa: F811
    """Records that make the remaining id fields appear: a guest at the meeting (remove a guest)
    and a signed-off assessment on the case (before/after an intervention, a plan's response)."""
    from masip.cases.models import Case
    from masip.meetings.models import Meeting
    from masip.meetings.services import GuestInput, attendance_record
    from masip.partnerships.models import Agency

    case = Case.objects.get(pk=world["case"]["pk"])
    complete_assessment("dash", case=case)
    meeting = Meeting.objects.get(pk=world["meeting"]["pk"])
    attendance_record(
        meeting=meeting, acting_user=staff["london-police"], staff_statuses={},
        expected_version=meeting.attendance_version,
        add_guest=GuestInput(name="Guest Londoner", agency=Agency.objects.get(name="National Stalking Helpline")),
    )
    return world


@pytest.fixture
def foreign(cheshire, staff, make_referral, accept, complete_assessment, on_meeting_day):
    """Cheshire's records, each kind London's staff might be tricked into naming; and the words that
    would give them away."""
    from masip.accounts.models import User
    from masip.cases.models import Case
    from masip.justice.services import OrderInput, order_record
    from masip.meetings.services import GuestInput, agenda_item_add, attendance_record, meeting_schedule
    from masip.partnerships.models import Agency, MeetingSeries
    from masip.referrals.models import TriageDecision

    referral = make_referral(cheshire, by="cheshire-police", suspect="Quillon Farthingale",
                             victim="Perpetua Ashdown", received_on=timezone.localdate() - timedelta(days=3))
    accept(referral, by="cheshire-police")
    case = Case.objects.get(partnership=cheshire)
    order = order_record(case=case, acting_user=staff["cheshire-police"], data=OrderInput(
        kind="spo", status="granted", interim=True, applied_on=timezone.localdate(), decided_on=timezone.localdate()))
    assessment = complete_assessment("dash", case=case, by="cheshire-police")
    series = list(MeetingSeries.objects.filter(operating_model__partnership=cheshire))
    meeting = meeting_schedule(partnership=cheshire, series=series[0], acting_user=staff["cheshire-police"],
                               first=timezone.localdate()).created[0]
    on_meeting_day(meeting)  # a weekday meeting scheduled at the weekend is Monday's: it is run then
    if not meeting.items.filter(case=case).exists():
        agenda_item_add(meeting=meeting, case=case, acting_user=staff["cheshire-police"], reason="New case")
    guests = attendance_record(meeting=meeting, acting_user=staff["cheshire-police"], staff_statuses={},
                               expected_version=meeting.attendance_version,
                               add_guest=GuestInput(name="Hieronymus Outlander",
                                                    agency=Agency.objects.get(name="Cheshire Constabulary")))
    users = list(User.objects.filter(memberships__partnership=cheshire).exclude(memberships__partnership__slug="london"))
    agencies = list(Agency.objects.filter(partner_roles__partnership=cheshire).exclude(
        partner_roles__partnership__slug="london"))
    people = [p.person for p in case.parties.select_related("person")]
    ids = {
        "user": [u.pk for u in users],
        "agency": [a.pk for a in agencies],
        "person": [p.pk for p in people],
        "order": [order.pk],
        "series": [s.pk for s in series],
        "assessment": [assessment.pk],
        "decision": list(TriageDecision.objects.filter(referral=referral).values_list("pk", flat=True)),
        "guest": [g.pk for g in guests if g.user_id is None],
        "case": [case.pk],
        "agenda_item": list(meeting.items.values_list("pk", flat=True)),
        "intervention_type": [],
    }
    london_series = set(MeetingSeries.objects.filter(operating_model__partnership__slug="london").values_list(
        "name", flat=True))
    words = {case.reference, referral.reference, "Hieronymus Outlander"}
    words |= {u.get_full_name() for u in users} | {u.username for u in users} | {u.email for u in users}
    words |= {a.name for a in agencies} | {a.short_name for a in agencies if a.short_name}
    words |= {p.full_name for p in people} | {s.name for s in series if s.name not in london_series}
    return {"ids": ids, "words": {w for w in words if w and len(w) > 4}}


def _leaks(response, words) -> list[str]:
    body = response if isinstance(response, str) else response.content.decode(errors="replace")
    return sorted(w for w in words if w in body)


def _sign_in(client, user, world):  # noqa: F811
    """Sign in and, as a colleague outside the case team would, say why the case is opened."""
    client.force_login(user)
    client.post(reverse("cases:detail", args=[world["case"]["pk"]]),
                {"why-origin": "get", "why-reason": "meeting", "why-detail": ""})


def _pages(client, world, staff):  # noqa: F811
    """(url name, persona, page url, html) for every page London's casework staff may open."""
    for name, row in POLICY.items():
        if name == "admin" or name.startswith("api:"):
            continue
        url = reverse(name, kwargs=world[ARGS[name]] if name in ARGS else {})
        for persona in CASEWORK:
            if row[persona] != "ok":
                continue
            _sign_in(client, staff[PERSONAS[persona]], world)
            response = client.get(url)
            if response.status_code == 200:
                yield name, persona, url, response.content.decode()


def _values(control: Control) -> list[str]:
    return [value for value, _ in control.options] if control.tag == "select" else [control.value]


def _submitted(form: HtmlForm) -> dict[str, list[str]]:
    """What a browser sends when the form's first button is pressed."""
    button = next((c for c in form.controls if c.type == "submit" and c.name), None)
    return form.submission(button=f"{button.name}={button.value}" if button else None)


def _id_fields(form: HtmlForm) -> tuple[list[Control], list[str]]:
    classified, unknown = [], []
    for control in form.controls:
        if not control.name or control.type not in ("select-one", "select-multiple", "radio", "checkbox", "hidden"):
            continue  # only choices and hidden values carry ids
        base = _base_name(control.name)
        if base in FIELD_KINDS:
            classified.append(control)
        elif base not in NOT_IDS and any(v.isdigit() for v in _values(control)):
            unknown.append(control.name)
    return classified, unknown


def _foreign_references(foreign_ids) -> int:
    """Rows anywhere that point at one of Cheshire's users, agencies, people, orders, series or assessments."""
    targets = {
        "accounts.user": foreign_ids["user"], "partnerships.agency": foreign_ids["agency"],
        "people.person": foreign_ids["person"], "justice.protectiveorder": foreign_ids["order"],
        "partnerships.meetingseries": foreign_ids["series"], "assessments.assessment": foreign_ids["assessment"],
    }
    total = 0
    for model in apps.get_models():
        if not model.__module__.startswith("masip.") or model._meta.app_label == "audit":
            continue
        for field in model._meta.get_fields():
            if isinstance(field, ForeignKey | ManyToManyField) and field.related_model._meta.label_lower in targets:
                ids = targets[field.related_model._meta.label_lower]
                if ids:
                    total += model._default_manager.filter(**{f"{field.name}__in": ids}).count()
    return total


# Answers a valid submission needs where the first choices will not do ("" leaves a question blank;
# a date's name stands for its day, month and year boxes).
HINTS = {
    # A guest comes from a partner agency or from an organisation outside the partnership, not both.
    "meetings:attendance": {"guest_organisation": ""},
    "justice:order_add": {"kind": "spo", "interim": "full", "status": "granted", "basis": "", "ends_on": "",
                          "served_on": "", "notified_on": "", "until_further_order": "on"},
}


def _hints(staff) -> dict[str, dict[str, str]]:
    """HINTS, plus answers that name records: clinical work is delivered by the unit's health staff,
    so an intervention names a non-clinical type unless the type is the field under test."""
    from masip.interventions.models import InterventionType

    other = InterventionType.objects.filter(is_clinical=False).order_by("pk").first()
    return {**HINTS, "interventions:add": {"intervention_type": str(other.pk),
                                           "delivered_by": str(staff["london-health"].pk)}}


def _filled(form: HtmlForm, today, hints: dict[str, str]) -> dict[str, list[str]]:
    """What a user who fills in every question would send: the page's values, plus a first option
    for each unanswered choice, today for each date and a few words for each empty text box."""
    data = _submitted(form)
    names = form.names()
    for name, value in hints.items():
        for key in (name, f"{name}_0", f"{name}_1", f"{name}_2"):
            if key in names:
                data[key] = [value] if value else []
    hinted = {key for name in hints for key in (name, f"{name}_0", f"{name}_1", f"{name}_2")}
    for name in sorted(names):
        first = form.named(name)[0]
        if name in hinted or (name in data and any(v for v in data[name])):
            continue
        if first.type == "radio":
            data[name] = [first.value]
        elif first.type == "select-one":
            data[name] = [next((v for v in _values(first) if v), "")]
        elif first.type in ("text", "textarea", "email", "number", "tel") and name != "csrfmiddlewaretoken":
            part = name.rsplit("_", 1)[-1]
            if part in ("0", "1", "2") and f"{name[:-1]}0" in names and f"{name[:-1]}2" in names:
                data[name] = [str((today.day, today.month, today.year)[int(part)])]
            elif first.type == "number":
                data[name] = ["1"]
            elif "email" in name:
                data[name] = ["someone@example.org"]
            elif "time" in name or name.endswith("_at"):
                data[name] = ["00:00"]  # midnight: never after now, whatever the pinned clock
            else:
                data[name] = ["Noted for the test"]
    return data


def _accepted(response) -> bool:
    return response.status_code == 302 or (
        response.status_code == 200 and "attachment" in response.get("Content-Disposition", "")
    )


def _errors(response) -> str:
    import re

    html = response.content.decode(errors="replace")
    found = re.findall(r'<ul class="govuk-list govuk-error-summary__list">(.*?)</ul>', html, re.S)
    return re.sub(r"<[^>]+>|\s+", " ", found[0]).strip()[:300] if found else str(response.status_code)


def _post(client, url, data):
    """Post, then undo whatever it saved: each attempt starts from the same records."""
    from django.db import transaction

    savepoint = transaction.savepoint()
    try:
        return client.post(url, data)
    finally:
        transaction.savepoint_rollback(savepoint)


def test_forged_foreign_ids_are_refused_without_naming_what_they_refer_to(
    client, london_extras, foreign, staff
):
    words, ids = foreign["words"], foreign["ids"]
    every_id = sorted({pk for kind_ids in ids.values() for pk in kind_ids})
    references = _foreign_references(ids)
    today = timezone.localdate()
    posted, unknown, unreachable, leaks, errors = set(), set(), [], [], []
    pages = list(_pages(client, london_extras, staff))
    hints = _hints(staff)
    personas_of = {}
    for name, persona, _url, _html in pages:
        personas_of.setdefault(name, []).append(persona)
    for name, _persona, url, html in pages:
        assert not _leaks(html, words), (name, _leaks(html, words))
        for form in read_forms(html):
            if form.method != "post":
                continue
            fields, unclassified = _id_fields(form)
            unknown |= {f"{name}: {n}" for n in unclassified}
            target = form.action or url
            for field in fields:
                if (target, field.name) in posted or _base_name(field.name) in POSTED_ELSEWHERE:
                    continue
                posted.add((target, field.name))
                # Only a form that passes its own checks reaches the service's refusals: find someone
                # for whom this one does, with a real choice in the field under test.
                legit = next((v for v in _values(field) if v), field.value)
                valid, problems = None, []
                for who in personas_of[name]:
                    _sign_in(client, staff[PERSONAS[who]], london_extras)
                    candidate = {**_filled(form, today, hints.get(name, {})), field.name: [legit]}
                    calibration = _post(client, target, candidate)
                    if _accepted(calibration):
                        valid = candidate
                        break
                    problems.append(f"{who}: {_errors(calibration)}")
                if valid is None:
                    unreachable.append(f"{name} {field.name}: {'; '.join(problems)}")
                    continue
                kind = FIELD_KINDS[_base_name(field.name)]
                for value in dict.fromkeys([*ids.get(kind, [])[:4], *every_id[:2]]):
                    response = _post(client, target, {**valid, field.name: [str(value)]})
                    if response.status_code >= 500:
                        errors.append(f"{target} {field.name}={value}: {response.status_code}")
                    leaks += [f"{target} {field.name}={value}: {w}" for w in _leaks(response, words)]
    assert not unknown, f"Classify these id fields in FIELD_KINDS or NOT_IDS: {sorted(unknown)}"
    covered = {FIELD_KINDS[_base_name(f)] for _, f in posted} | {FIELD_KINDS[f] for f in POSTED_ELSEWHERE}
    assert covered == set(FIELD_KINDS.values())
    assert not errors, errors
    assert not leaks, leaks
    assert not unreachable, f"Forms the test could not fill in validly: {unreachable}"
    assert _foreign_references(ids) == references, "a forged id was saved"


def test_forged_ids_in_query_parameters_name_nothing(client, world, foreign, staff):  # noqa: F811
    client.force_login(staff["london-police"])
    for name, parameter, kind in QUERY_IDS:
        url = reverse(name, kwargs=world[ARGS[name]] if name in ARGS else {})
        for value in foreign["ids"][kind]:
            response = client.get(f"{url}?{parameter}={value}")
            assert response.status_code < 500, (url, parameter, value)
            assert not _leaks(response, foreign["words"]), (url, parameter, value, _leaks(response, foreign["words"]))


def test_forged_staff_and_people_in_the_remaining_fields(client, world, foreign, staff, london):  # noqa: F811
    """Fields that only appear in some states: attendance by staff id, a referral's existing-person
    match and a triage decision's base."""
    from masip.meetings.models import Attendance
    from masip.referrals.models import Referral

    words, ids = foreign["words"], foreign["ids"]
    client.force_login(staff["london-police"])
    attendance = reverse("meetings:attendance", kwargs=world["meeting"])
    for user_id in ids["user"]:
        response = client.post(attendance, {f"staff_{user_id}": "present"})
        assert response.status_code < 500 and not _leaks(response, words)
    assert not Attendance.objects.filter(user_id__in=ids["user"], meeting_id=world["meeting"]["pk"]).exists()

    today = timezone.localdate()
    create = reverse("referrals:create", kwargs=world["slug"])
    before = Referral.objects.filter(partnership=london).count()
    for person_id in ids["person"]:
        response = client.post(create, {
            "action": "save", "victim_count": "1", "incident_count": "1",
            "referral-source_agency_kind": "police", "referral-source_agency_name": "Response team",
            "referral-channel": "police_scan", **_date("referral-received_on", today),
            "referral-recorded_offence": "s2", "referral-summary": "Messages every night.",
            "referral-behaviours": ["messages"],
            "suspect-full_name": "Someone New", "suspect-match": str(person_id), "suspect-matches_offered": "1",
            "victim-0-full_name": "Another Person", "victim-0-relationship": "ex_intimate",
            **_date("incident-0-occurred_on", today), "incident-0-description": "A message.",
        })
        assert response.status_code < 500 and not _leaks(response, words)
    for referral in Referral.objects.filter(partnership=london)[before:]:
        assert not referral.parties.filter(person_id__in=ids["person"]).exists()

    triage = reverse("referrals:triage", kwargs=world["waiting"])
    for decision_id in ids["decision"]:
        response = client.post(triage, {"is_stalking": "yes", "outcome": "close", "close_reason": "x",
                                        "based_on": str(decision_id)})
        assert response.status_code < 500 and not _leaks(response, words)


def _date(prefix: str, day) -> dict[str, str]:
    return {f"{prefix}_0": str(day.day), f"{prefix}_1": str(day.month), f"{prefix}_2": str(day.year)}
