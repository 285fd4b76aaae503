from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError

from masip.access.models import (
    Category,
    InformationSharingAgreement,
    NeedToKnowRule,
    validate_agreement_parties,
)
from masip.core.forms import ModelChoiceField, ModelMultipleChoiceField
from masip.partnerships.admin import ManagedByPartnershipAdmin


class AgreementForm(forms.ModelForm):
    categories = forms.MultipleChoiceField(choices=Category.choices, widget=forms.CheckboxSelectMultiple)

    class Meta:
        model = InformationSharingAgreement
        fields = [
            "partnership", "title", "reference", "parties", "categories", "lawful_basis", "lawful_basis_detail",
            "valid_from", "valid_to", "signed_by", "signed_on",
        ]
        field_classes = {"partnership": ModelChoiceField, "parties": ModelMultipleChoiceField}

    def clean(self):
        data = super().clean()
        parties = list(data.get("parties") or [])
        if data.get("partnership") and data.get("valid_from") and not self.errors:
            candidate = InformationSharingAgreement(
                pk=self.instance.pk, partnership=data["partnership"], categories=list(data.get("categories") or []),
                valid_from=data["valid_from"], valid_to=data.get("valid_to"),
            )
            try:
                validate_agreement_parties(candidate, parties)
            except ValidationError as exc:
                raise ValidationError(exc.messages) from exc
        return data


@admin.register(InformationSharingAgreement)
class AgreementAdmin(ManagedByPartnershipAdmin):
    form = AgreementForm
    list_display = ("title", "partnership", "valid_from", "valid_to", "lawful_basis")
    list_filter = (("partnership", admin.RelatedOnlyFieldListFilter),)
    filter_horizontal = ("parties",)


@admin.register(NeedToKnowRule)
class NeedToKnowAdmin(ManagedByPartnershipAdmin):
    list_display = ("partnership", "category", "agency_kind")
    list_filter = (("partnership", admin.RelatedOnlyFieldListFilter), "category")
