from __future__ import annotations

from django.conf import settings
from django.urls import reverse

from masip.access import policy


def current_partnership(request):
    """The partnership a page is about: the one the view named, else the user's only one."""
    named = getattr(request, "partnership", None)
    if named is not None:
        return named
    ids = policy.casework_partnership_ids(request.user)
    if len(ids) == 1:
        return policy.memberships(request.user)[next(iter(ids))].partnership
    return None


def service(request):
    context = {"service_name": "MASIP stalking case system", "demo_mode": settings.DEMO_MODE}
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return context
    partnership = current_partnership(request)
    items = [("Home", reverse("workspace:home"), "home")]
    if partnership is not None and policy.does_casework_in(user, partnership):
        slug = partnership.slug
        items += [
            ("Triage queue", reverse("referrals:triage_queue", args=[slug]), "triage"),
            ("Referrals", reverse("referrals:list", args=[slug]), "referrals"),
            ("New referral", reverse("referrals:create", args=[slug]), "new_referral"),
            ("Cases", reverse("cases:list", args=[slug]), "cases"),
            ("Meetings", reverse("meetings:list", args=[slug]), "meetings"),
            ("Actions", reverse("meetings:actions", args=[slug]), "actions"),
            ("Monitoring", reverse("monitoring:queue", args=[slug]), "monitoring"),
            ("Returns and training", reverse("reporting:returns", args=[slug]), "reporting"),
            ("Search", reverse("workspace:search"), "search"),
        ]
    if policy.allows(user, policy.Action.PROGRAMME_VIEW):
        items.append(("Programme returns", reverse("reporting:programme_returns"), "programme"))
    if user.is_staff:
        items.append(("Admin", reverse("admin:index"), "admin"))
    active = getattr(request, "nav", "")
    if policy.managed_partnership_ids(user):
        items.append(("Staff", reverse("audit:staff"), "staff"))
    context.update(
        session_timeout_seconds=settings.SESSION_COOKIE_AGE,
        current_partnership=partnership,
        nav_items=[{"text": t, "href": h, "active": key == active} for t, h, key in items],
    )
    return context
