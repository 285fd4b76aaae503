"""The Django admin keeps a unit manager inside their partnerships, and every change made there is logged.

London's manager opens, posts to, filters by and bulk-deletes Cheshire's records; nothing
is shown or saved. What London's manager may change is logged in the audit trail.
"""

from __future__ import annotations

import re

import pytest
from django.contrib import admin
from django.urls import reverse
from tests.forms.html_forms import read_forms

from masip.access.tests.test_policy_table import admin_url, admin_world  # noqa: F401  (a fixture)
from masip.audit.models import AuditEvent, FieldChange
from masip.core.admin_site import ProgrammeReferenceMixin, ScopedAdminMixin, SuperuserOnlyMixin


@pytest.fixture
def superuser(db):
    from masip.accounts.models import User

    # A demo account, so that the demo settings let it skip two-factor enrolment.
    return User.objects.create_superuser(
        "programme-admin", "programme-admin@example.org", "x" * 16, is_demo_account=True
    )


def _snapshot() -> dict[str, list]:
    return {
        model._meta.label_lower: sorted(map(repr, model._default_manager.order_by().values_list()))
        for model in admin.site._registry
    }


def test_every_registered_admin_declares_its_scope():
    unscoped = [m._meta.label for m, a in admin.site._registry.items() if not isinstance(a, ScopedAdminMixin)]
    assert not unscoped
    # The project's own admins say whose rows a manager sees; only other packages' fall back to superusers.
    defaulted = [
        m._meta.label for m, a in admin.site._registry.items()
        if type(a).__name__.startswith("SuperuserOnly") and m.__module__.startswith("masip.")
    ]
    assert not defaulted, f"Give these admins a scope: {defaulted}"
    for model, model_admin in admin.site._registry.items():
        if not isinstance(model_admin, SuperuserOnlyMixin | ProgrammeReferenceMixin):
            assert type(model_admin).scope_queryset is not ScopedAdminMixin.scope_queryset, model


def _admin_form(client, url: str):
    """The page's own form (not the header's sign-out form): the largest one that posts."""
    response = client.get(url)
    assert response.status_code == 200, url
    form = max((f for f in read_forms(response.content.decode()) if f.method == "post"), key=lambda f: len(f.controls))
    return form.submission()


def test_posting_to_another_partnerships_records_saves_nothing(client, admin_world, staff, superuser):  # noqa: F811
    """Change and delete pages with Cheshire's ids, each with what a valid form would send."""
    manager = staff["london-manager"]
    refused = []
    for label in admin_world:
        change, delete = admin_url(label, "change", admin_world), admin_url(label, "delete", admin_world)
        client.force_login(superuser)
        payload = _admin_form(client, change)
        for name in ("kind", "name", "role", "category", "first_name"):
            if name in payload:  # what the attack would change, e.g. Cheshire police's kind to health
                payload[name] = ["health" if name in ("kind", "agency_kind") else "pmo" if name == "role" else "X"]
        client.force_login(manager)
        before = _snapshot()
        for url, data in ((change, payload), (delete, {"post": "yes"})):
            status = client.post(url, data).status_code
            if status not in (403, 404):
                refused.append(f"{label} {url}: {status}")
        assert _snapshot() == before, label
    assert not refused, refused


def test_bulk_actions_on_another_partnerships_records_do_nothing(client, admin_world, staff):  # noqa: F811
    client.force_login(staff["london-manager"])
    for label, (pk, _) in admin_world.items():
        before = _snapshot()
        response = client.post(admin_url(label, "changelist", admin_world),
                               {"action": "delete_selected", "_selected_action": [str(pk)], "post": "yes"})
        assert response.status_code in (200, 302, 403), label  # 200: the action is not offered
        assert _snapshot() == before, label


def test_adding_a_record_for_another_partnership_is_refused(client, cheshire, staff):
    client.force_login(staff["london-manager"])
    before = _snapshot()
    response = client.post(reverse("admin:access_needtoknowrule_add"),
                           {"partnership": cheshire.pk, "category": "health_clinical", "agency_kind": "police"})
    assert response.status_code == 200 and b"Select a valid choice" in response.content
    response = client.post(reverse("admin:partnerships_membership_add"),
                           {"partnership": cheshire.pk, "user": staff["london-police"].pk, "role": "practitioner",
                            "joined_on": "2026-01-01", "is_active": "on"})
    assert response.status_code == 200 and b"Select a valid choice" in response.content
    assert _snapshot() == before


def _foreign_words(london) -> set[str]:
    """Names, usernames and emails of staff, agencies and partnerships London's manager has no business seeing."""
    from masip.accounts.models import User
    from masip.partnerships.models import Agency, Partnership

    words = set()
    for user in User.objects.exclude(memberships__partnership=london):
        words |= {user.username, user.email, user.get_full_name()}
    london_agencies = set(london.partner_agencies.values_list("agency_id", flat=True)) | set(
        User.objects.filter(memberships__partnership=london).values_list("agency_id", flat=True)
    )
    for agency in Agency.objects.exclude(pk__in=london_agencies):
        words |= {agency.name}
    for partnership in Partnership.objects.exclude(pk=london.pk):
        words |= {partnership.police_force}  # (area names appear in the admin's own help texts)
    return {w for w in words if w and len(w) > 3}


def test_no_admin_page_a_manager_can_open_names_anyone_from_another_partnership(client, london, staff):
    client.force_login(staff["london-manager"])
    foreign = _foreign_words(london)
    assert staff["cheshire-police"].get_full_name() in foreign and "Cheshire Constabulary" in foreign
    pages, seen, leaks = ["/admin/"], set(), []
    while pages:
        url = pages.pop()
        if url in seen or "/logout/" in url or "/delete/" in url or "/password/" in url:
            continue
        seen.add(url)
        response = client.get(url)
        assert response.status_code == 200, url
        html = response.content.decode()
        leaks += [f"{url}: {word}" for word in foreign if word in html]
        pages += [u for u in re.findall(r'href="(/admin/[^"?#]*)"', html) if u not in seen]
    assert len(seen) > 40, sorted(seen)  # changelists, add pages, and each record's change and history pages
    assert not leaks, leaks


def test_an_agency_used_by_another_partnership_is_read_only_for_a_manager(client, london, staff):
    from masip.partnerships.models import Agency

    shared = staff["pmo"].agency  # the programme office works in all three partnerships
    assert Agency.objects.filter(pk=shared.pk).exists()
    client.force_login(staff["london-manager"])
    url = reverse("admin:partnerships_agency_change", args=[shared.pk])
    page = client.get(url)
    assert page.status_code == 200 and b'name="kind"' not in page.content  # shown, not editable
    assert client.post(url, {"name": shared.name, "short_name": "", "kind": "health"}).status_code == 403
    shared.refresh_from_db()
    assert shared.kind != "health"


def test_a_superuser_still_sees_every_partnership(client, superuser, cheshire, staff):
    client.force_login(superuser)
    html = client.get(reverse("admin:partnerships_membership_changelist")).content.decode()
    assert staff["cheshire-police"].get_full_name() in html and staff["london-police"].get_full_name() in html
    assert client.get(reverse("admin:partnerships_agency_change", args=[staff["cheshire-police"].agency_id])
                      ).status_code == 200


# -- every admin change is logged ----------------------------------------------------


def _events(action: str):
    return AuditEvent.objects.filter(action=action).order_by("id")


def test_a_managers_admin_changes_are_logged_with_their_field_changes(client, london, staff):
    from masip.access.models import NeedToKnowRule
    from masip.partnerships.models import PartnerAgency

    manager = staff["london-manager"]
    client.force_login(manager)
    met = manager.agency
    url = reverse("admin:partnerships_agency_change", args=[met.pk])
    data = _admin_form(client, url)
    data["kind"] = ["health"]
    assert client.post(url, data).status_code == 302
    event = _events("admin.change").get()
    assert event.user_id == manager.pk and event.partnership_id is None and event.details == {
        "model": "partnerships.agency"
    }
    change = FieldChange.objects.get(event=event)
    assert (change.object_id, change.field, change.old_value, change.new_value) == (met.pk, "kind", "police", "health")

    # An inline row (a partner agency's status) on the partnership page.
    url = reverse("admin:partnerships_partnership_change", args=[london.pk])
    data = _admin_form(client, url)
    row = next(k for k, v in data.items() if k.endswith("-status") and v == ["funded_core"])
    data[row] = ["unfunded_attending"]
    assert client.post(url, data).status_code == 302
    inline = FieldChange.objects.get(field="status", new_value="unfunded_attending")
    assert inline.object_type == "partneragency" and inline.event.partnership_id == london.pk
    assert PartnerAgency.objects.get(pk=inline.object_id).status == "unfunded_attending"

    # Add and delete a need-to-know rule.
    response = client.post(reverse("admin:access_needtoknowrule_add"),
                           {"partnership": london.pk, "category": "health_clinical", "agency_kind": "probation"})
    assert response.status_code == 302
    rule = NeedToKnowRule.objects.get(partnership=london, category="health_clinical", agency_kind="probation")
    added = _events("admin.add").get()
    assert added.operation == "collection" and added.partnership_id == london.pk
    assert {(c.field, c.new_value) for c in added.field_changes.all()} >= {("agency_kind", "probation")}
    response = client.post(reverse("admin:access_needtoknowrule_delete", args=[rule.pk]), {"post": "yes"})
    assert response.status_code == 302
    deleted = _events("admin.delete").get()
    assert deleted.operation == "erasure" and deleted.subjects.get().object_id == rule.pk


def test_many_to_many_changes_are_logged(client, london, staff):
    from masip.access.models import InformationSharingAgreement

    client.force_login(staff["london-manager"])
    agreement = InformationSharingAgreement.objects.filter(partnership=london).first()
    url = reverse("admin:access_informationsharingagreement_change", args=[agreement.pk])
    data = _admin_form(client, url)
    removed = data["parties"].pop()
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    change = FieldChange.objects.get(field="parties")
    assert change.old_value == f"removed {removed}" and change.event.partnership_id == london.pk


def test_a_superusers_bulk_delete_is_logged_per_record(client, superuser, cheshire):
    from masip.access.models import NeedToKnowRule

    client.force_login(superuser)
    rules = list(NeedToKnowRule.objects.filter(partnership=cheshire).values_list("pk", flat=True)[:3])
    response = client.post(reverse("admin:access_needtoknowrule_changelist"),
                           {"action": "delete_selected", "_selected_action": [str(pk) for pk in rules], "post": "yes"})
    assert response.status_code == 302
    assert sorted(e.subjects.get().object_id for e in _events("admin.delete")) == sorted(rules)
    assert {e.user_id for e in _events("admin.delete")} == {superuser.pk}


def test_a_password_change_in_the_admin_is_logged_without_the_password(client, superuser, staff):
    client.force_login(superuser)
    target = staff["london-advocate"]
    url = reverse("admin:auth_user_password_change", args=[target.pk])
    response = client.post(url, {"password1": "a new long passphrase 77", "password2": "a new long passphrase 77",
                                 "usable_password": "true"})
    assert response.status_code == 302
    change = FieldChange.objects.get(event__action="admin.change", field="password", object_id=target.pk)
    assert change.new_value == "(withheld)" and "pbkdf2" not in change.old_value and "md5" not in change.new_value


def test_writes_outside_the_admin_are_not_logged_as_admin_changes(london):
    from masip.access.models import NeedToKnowRule

    NeedToKnowRule.objects.create(partnership=london, category="probation", agency_kind="helpline")
    assert not AuditEvent.objects.filter(action__startswith="admin.").exists()
