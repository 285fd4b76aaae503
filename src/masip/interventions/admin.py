from django.contrib import admin

from masip.interventions.models import InterventionType


@admin.register(InterventionType)
class InterventionTypeAdmin(admin.ModelAdmin):
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
