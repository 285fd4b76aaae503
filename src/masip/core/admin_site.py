"""The Django admin, scoped and recorded.

Unit managers maintain their partnership's reference data in the admin, so
every registered ModelAdmin declares whose rows a non-superuser may see
(`ScopedAdminMixin.scope_queryset`); the same scope decides foreign-key and
many-to-many choices (what the related model's own admin shows the user),
changelist filters naming another partnership's records, and "not found" for
a record out of scope. A test (access/tests/test_admin_scope.py) fails on a
registered admin that does not declare its scope.

Every write made through an admin page is recorded in the audit trail: the
site marks the request as an admin request (`current_admin_request`), and the
audit app, which registers its own signal handlers, logs each row added,
changed or deleted meanwhile, with its field changes (audit/admin_trail.py).
Core knows no domain: the scopes are defined by the apps that register models.
"""

from __future__ import annotations

from contextvars import ContextVar
from functools import wraps
from typing import Any

from django.contrib import admin
from django.core.exceptions import FieldDoesNotExist
from django.db.models import Model, QuerySet
from django.http import Http404

_admin_request: ContextVar[Any] = ContextVar("masip_admin_request", default=None)


def current_admin_request() -> Any:
    """The request of the admin page being served, if the current code runs inside one."""
    return _admin_request.get()


class MasipAdminSite(admin.AdminSite):
    site_header = "MASIP administration"
    site_title = "MASIP administration"
    index_title = "Reference data"

    def admin_view(self, view, cacheable=False):
        inner = super().admin_view(view, cacheable)

        @wraps(inner)
        def recorded(request, *args, **kwargs):
            token = _admin_request.set(request)
            try:
                return inner(request, *args, **kwargs)
            finally:
                _admin_request.reset(token)

        return recorded


def _is_superuser(request) -> bool:
    return bool(getattr(request.user, "is_superuser", False))


# Changelist parameters that name related records by id (Django's filters use these).
_ID_LOOKUPS = ("", "__id", "__pk", "__exact", "__id__exact", "__pk__exact", "__in", "__id__in", "__pk__in")


class ScopedChoicesMixin:
    """Foreign-key and many-to-many choices are what the related model's admin shows this user:
    nothing from another partnership, and nothing at all from a model with no admin."""

    admin_site: admin.AdminSite  # from the ModelAdmin or InlineModelAdmin this is mixed into

    def _visible(self, request, model) -> QuerySet:
        related_admin = self.admin_site._registry.get(model)
        if related_admin is None:
            return model._default_manager.none()
        return related_admin.get_queryset(request)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if not _is_superuser(request) and "queryset" not in kwargs:
            kwargs["queryset"] = self._visible(request, db_field.remote_field.model)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if not _is_superuser(request) and "queryset" not in kwargs:
            kwargs["queryset"] = self._visible(request, db_field.remote_field.model)
        return super().formfield_for_manytomany(db_field, request, **kwargs)


class ScopedAdminMixin(ScopedChoicesMixin):
    """Put first in a ModelAdmin's bases. Subclasses define `scope_queryset`."""

    model: type[Model]  # from the ModelAdmin this is mixed into

    def scope_queryset(self, request, queryset: QuerySet) -> QuerySet:  # pragma: no cover - abstract
        raise NotImplementedError(f"{type(self).__name__} must say whose rows a unit manager may see")

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        return queryset if _is_superuser(request) else self.scope_queryset(request, queryset)

    def get_object(self, request, object_id, from_field=None):
        """Out of scope (or absent) is "not found", not the admin's redirect with a message."""
        obj = super().get_object(request, object_id, from_field)
        if obj is None:
            raise Http404("Not found")
        return obj

    def changelist_view(self, request, extra_context=None):
        if not _is_superuser(request):
            self._refuse_foreign_filters(request)
        return super().changelist_view(request, extra_context)

    def _refuse_foreign_filters(self, request) -> None:
        for key, values in request.GET.lists():
            name = key.split("__", 1)[0]
            try:
                field = self.model._meta.pk if name == "pk" else self.model._meta.get_field(name)
            except FieldDoesNotExist:
                continue
            if key[len(name):] not in _ID_LOOKUPS:
                continue
            if getattr(field, "primary_key", False):
                visible_rows = self.get_queryset(request)
            elif field.is_relation and field.related_model is not None:
                visible_rows = self._visible(request, field.related_model)
            else:
                continue
            ids = {part for value in values for part in value.split(",") if part}
            if not ids <= {str(pk) for pk in visible_rows.values_list("pk", flat=True)}:
                raise Http404("Not found")


class SuperuserOnlyMixin(ScopedAdminMixin):
    """Programme administration (groups, API tokens, two-factor devices, sign-in records):
    superusers only, whatever permissions a group grants."""

    def scope_queryset(self, request, queryset):
        return queryset.none()

    def has_module_permission(self, request):
        return _is_superuser(request)

    def has_view_permission(self, request, obj=None):
        return _is_superuser(request) and super().has_view_permission(request, obj)

    def has_add_permission(self, request, *args):
        return _is_superuser(request) and super().has_add_permission(request, *args)

    def has_change_permission(self, request, obj=None):
        return _is_superuser(request) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return _is_superuser(request) and super().has_delete_permission(request, obj)


class ProgrammeReferenceMixin(ScopedAdminMixin):
    """Reference data shared by every partnership: a unit manager may read it; only a
    superuser (programme administration) adds, changes or deletes it, since a change
    made for one partnership would change it for all."""

    def scope_queryset(self, request, queryset):
        return queryset

    def has_add_permission(self, request, *args):
        return _is_superuser(request) and super().has_add_permission(request, *args)

    def has_change_permission(self, request, obj=None):
        return _is_superuser(request) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return _is_superuser(request) and super().has_delete_permission(request, obj)


def restrict_unscoped_admins(site: admin.AdminSite) -> list[str]:
    """Default deny: an admin registered without a declared scope (a third-party app's, such as
    groups, API tokens, two-factor devices or sign-in records) is for superusers only."""
    restricted = []
    for model, model_admin in list(site._registry.items()):
        if isinstance(model_admin, ScopedAdminMixin):
            continue
        original = type(model_admin)
        site.unregister(model)
        site.register(
            model, type(f"SuperuserOnly{original.__name__}", (SuperuserOnlyMixin, original), {"__module__": __name__})
        )
        restricted.append(model._meta.label)
    return restricted
