"""Reference data in the Django admin, for superusers and unit managers.

A unit manager (staff, in the "Unit managers" group) sees and edits only the
partnerships they manage: their operating model, meeting series, partner
agencies, need-to-know rules, agreements and staff memberships. Another
partnership's rows are "not found", and are never offered as choices
(core/admin_site.py). An agency is shared reference data: a manager sees the
agencies of their partnerships (partners, or employers of their staff) and
agencies not yet used anywhere, and changes one only when every partnership
that uses it is theirs - changing an agency's kind changes what its staff may
read wherever they work.
"""

from __future__ import annotations

from django.contrib import admin
from django.contrib.auth import get_user_model
from django.db.models import Q

from masip.core.admin_site import ScopedAdminMixin, ScopedChoicesMixin
from masip.partnerships import registry
from masip.partnerships.models import (
    Agency,
    MeetingSeries,
    Membership,
    OperatingModel,
    PartnerAgency,
    Partnership,
    Role,
)


def managed_partnership_ids(user) -> set[int]:
    return set(
        Membership.objects.filter(user=user, role=Role.UNIT_MANAGER, is_active=True).values_list(
            "partnership_id", flat=True
        )
    )


def _managed(request) -> set[int]:
    """Cached on the request: the admin asks several times per page."""
    cached = getattr(request, "_masip_managed_partnerships", None)
    if cached is None:
        cached = managed_partnership_ids(request.user)
        request._masip_managed_partnerships = cached
    return cached


class ManagedByPartnershipAdmin(ScopedAdminMixin, admin.ModelAdmin):
    """Rows that belong to one partnership: the unit manager's partnerships only (superusers see all)."""

    partnership_path = "partnership"

    def scope_queryset(self, request, queryset):
        return queryset.filter(**{f"{self.partnership_path}__in": _managed(request)})


class PartnerAgencyInline(ScopedChoicesMixin, admin.TabularInline):
    model = PartnerAgency
    extra = 0


@admin.register(Partnership)
class PartnershipAdmin(ManagedByPartnershipAdmin):
    partnership_path = "pk"
    list_display = ("name", "code", "unit_name", "police_force")
    readonly_fields = ("next_referral_number", "next_case_number")
    inlines = [PartnerAgencyInline]

    def has_add_permission(self, request):
        return request.user.is_superuser

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        registry.partnership_saved(obj)  # access gives it the shipped need-to-know rules

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser


class MeetingSeriesInline(ScopedChoicesMixin, admin.StackedInline):
    model = MeetingSeries
    extra = 0


@admin.register(OperatingModel)
class OperatingModelAdmin(ManagedByPartnershipAdmin):
    list_display = ("partnership", "version", "effective_from", "co_located", "revisiting_policy", "tracking_months_after_closure")
    list_filter = (("partnership", admin.RelatedOnlyFieldListFilter),)
    inlines = [MeetingSeriesInline]


@admin.register(Membership)
class MembershipAdmin(ManagedByPartnershipAdmin):
    list_display = ("user", "partnership", "role", "job_title", "is_active")
    list_filter = (("partnership", admin.RelatedOnlyFieldListFilter), "role", "is_active")
    search_fields = ("user__username", "user__first_name", "user__last_name", "job_title")
    autocomplete_fields = ("user",)


def visible_agencies(request, queryset):
    managed = _managed(request)
    User = get_user_model()
    partner_here = PartnerAgency.objects.filter(partnership_id__in=managed).values("agency_id")
    employer_here = User.objects.filter(memberships__partnership_id__in=managed).values("agency_id")
    used = PartnerAgency.objects.values("agency_id")
    employs = User.objects.filter(agency__isnull=False).values("agency_id")
    return queryset.filter(
        Q(pk__in=partner_here) | Q(pk__in=employer_here) | (~Q(pk__in=used) & ~Q(pk__in=employs))
    )


def partnerships_using(agency: Agency) -> set[int]:
    """Every partnership whose staff or partners an agency's kind affects."""
    partners = set(agency.partner_roles.values_list("partnership_id", flat=True))
    employers = set(
        Membership.objects.filter(user__agency=agency).values_list("partnership_id", flat=True)
    )
    return partners | employers


@admin.register(Agency)
class AgencyAdmin(ScopedAdminMixin, admin.ModelAdmin):
    list_display = ("name", "short_name", "kind")
    list_filter = ("kind",)
    search_fields = ("name", "short_name")

    def scope_queryset(self, request, queryset):
        return visible_agencies(request, queryset)

    def has_change_permission(self, request, obj=None):
        allowed = super().has_change_permission(request, obj)
        if not allowed or obj is None or request.user.is_superuser:
            return allowed
        return partnerships_using(obj) <= _managed(request)
