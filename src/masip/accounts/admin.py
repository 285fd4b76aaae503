"""Staff accounts in the admin: a unit manager sees (and only sees) the accounts of their
partnerships' staff, and accounts not yet placed in any partnership, so that they can add a
new colleague's membership. Creating and changing accounts is for superusers."""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.db.models import Q

from masip.accounts.models import User
from masip.core.admin_site import ScopedAdminMixin
from masip.partnerships.admin import managed_partnership_ids


@admin.register(User)
class StaffUserAdmin(ScopedAdminMixin, UserAdmin):
    list_display = ("username", "first_name", "last_name", "agency", "is_active", "is_staff")
    list_filter = (("agency", admin.RelatedOnlyFieldListFilter), "is_active", "is_staff")
    fieldsets = (*(UserAdmin.fieldsets or ()), ("Agency", {"fields": ("agency", "is_demo_account")}))

    def scope_queryset(self, request, queryset):
        managed = managed_partnership_ids(request.user)
        in_their_partnerships = Q(memberships__partnership_id__in=managed)
        unplaced = Q(memberships__isnull=True, is_superuser=False)
        return queryset.filter(pk__in=User.objects.filter(in_their_partnerships | unplaced).values("pk"))
