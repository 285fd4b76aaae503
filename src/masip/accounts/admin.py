from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from masip.accounts.models import User


@admin.register(User)
class StaffUserAdmin(UserAdmin):
    list_display = ("username", "first_name", "last_name", "agency", "is_active", "is_staff")
    list_filter = ("agency", "is_active", "is_staff")
    fieldsets = (*UserAdmin.fieldsets, ("Agency", {"fields": ("agency", "is_demo_account")}))
