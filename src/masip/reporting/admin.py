from django.contrib import admin

from masip.partnerships.admin import ManagedByPartnershipAdmin
from masip.reporting.models import CollectionBasis


@admin.register(CollectionBasis)
class CollectionBasisAdmin(ManagedByPartnershipAdmin):
    """How each partnership collects each return figure (or that it does not): its manager's to keep."""

    list_display = ("partnership", "figure", "collected", "note")
    list_filter = (("partnership", admin.RelatedOnlyFieldListFilter), "figure", "collected")
