"""Reference data in the Django admin, for superusers and unit managers.

A unit manager (staff, in the "Unit managers" group) sees and edits only the
partnerships they manage: their operating model, meeting series, partner
agencies and staff memberships.
"""

from __future__ import annotations

from django.contrib import admin

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


class ManagedByPartnershipAdmin(admin.ModelAdmin):
    """Limits rows to the unit manager's partnerships (superusers see all)."""

    partnership_path = "partnership"

    def get_queryset(self, request):
        qs = super().get_queryset(request)
        if request.user.is_superuser:
            return qs
        return qs.filter(**{f"{self.partnership_path}__in": managed_partnership_ids(request.user)})

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "partnership" and not request.user.is_superuser:
            kwargs["queryset"] = Partnership.objects.filter(pk__in=managed_partnership_ids(request.user))
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class PartnerAgencyInline(admin.TabularInline):
    model = PartnerAgency
    extra = 0


@admin.register(Partnership)
class PartnershipAdmin(ManagedByPartnershipAdmin):
    partnership_path = "pk"
    list_display = ("name", "code", "unit_name", "police_force")
    readonly_fields = ("next_referral_number", "next_case_number")
    inlines = [PartnerAgencyInline]

    def get_queryset(self, request):
        qs = admin.ModelAdmin.get_queryset(self, request)
        if request.user.is_superuser:
            return qs
        return qs.filter(pk__in=managed_partnership_ids(request.user))

    def has_add_permission(self, request):
        return request.user.is_superuser

    def save_model(self, request, obj, form, change):
        from masip.access.models import ensure_need_to_know_defaults

        super().save_model(request, obj, form, change)
        ensure_need_to_know_defaults(obj)

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser


class MeetingSeriesInline(admin.StackedInline):
    model = MeetingSeries
    extra = 0


@admin.register(OperatingModel)
class OperatingModelAdmin(ManagedByPartnershipAdmin):
    list_display = ("partnership", "version", "effective_from", "co_located", "tracking_months_after_closure")
    list_filter = (("partnership", admin.RelatedOnlyFieldListFilter),)
    inlines = [MeetingSeriesInline]


@admin.register(Membership)
class MembershipAdmin(ManagedByPartnershipAdmin):
    list_display = ("user", "partnership", "role", "job_title", "is_active")
    list_filter = (("partnership", admin.RelatedOnlyFieldListFilter), "role", "is_active")
    search_fields = ("user__username", "user__first_name", "user__last_name", "job_title")
    autocomplete_fields = ("user",)


@admin.register(Agency)
class AgencyAdmin(admin.ModelAdmin):
    list_display = ("name", "short_name", "kind")
    list_filter = ("kind",)
    search_fields = ("name", "short_name")
