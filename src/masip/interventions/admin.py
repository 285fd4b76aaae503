from django.contrib import admin

from masip.core.admin_site import ProgrammeReferenceMixin
from masip.interventions.models import InterventionType


@admin.register(InterventionType)
class InterventionTypeAdmin(ProgrammeReferenceMixin, admin.ModelAdmin):
    """Shared by every partnership: unit managers read the list; programme administration
    (superusers) adds and renames types, since a change for one partnership changes it for all."""

    list_display = [
        "name",
        "code",
        "usual_mode",
        "is_clinical",
        "is_service_referral",
        "needs_consent",
        "is_active",
    ]
    list_filter = ["is_active", "is_clinical", "is_service_referral"]
    search_fields = ["name", "code"]
    ordering = ["display_order", "name"]

    def has_delete_permission(self, request, obj=None):
        return False  # recorded interventions keep their type; retire one with "is active" instead
