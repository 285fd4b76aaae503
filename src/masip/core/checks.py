"""System checks that refuse unsafe production configuration."""

from django.conf import settings
from django.core.checks import Error, Tags, Warning, register


@register(Tags.security, deploy=True)
def secret_key_is_set(app_configs, **kwargs):
    if settings.SECRET_KEY == settings.INSECURE_DEMO_SECRET_KEY and not settings.DEMO_MODE:
        return [
            Error(
                "DJANGO_SECRET_KEY is not set: the built-in key is for synthetic demo data only.",
                hint="Set DJANGO_SECRET_KEY to a long random value.",
                id="masip.E001",
            )
        ]
    return []


@register(Tags.security, deploy=True)
def audit_chain_key_is_set(app_configs, **kwargs):
    if not settings.MASIP_AUDIT_CHAIN_KEY and not settings.DEMO_MODE:
        return [
            Warning(
                "MASIP_AUDIT_CHAIN_KEY is not set: the audit trail's hash chain is keyed from DJANGO_SECRET_KEY, "
                "so rotating that key would make every earlier event fail `masip audit_verify`.",
                hint="Set MASIP_AUDIT_CHAIN_KEY to a long random value kept outside the database, and never change it.",
                id="masip.W001",
            )
        ]
    return []


@register(Tags.security, deploy=True)
def audit_is_enabled(app_configs, **kwargs):
    # MASIP_AUDIT_ENABLED=false exists only for the audit benchmark; nowhere else.
    if not settings.MASIP_AUDIT_ENABLED:
        return [
            Error(
                "MASIP_AUDIT_ENABLED is false: nothing anyone reads or changes would be recorded in the audit trail.",
                hint="Unset MASIP_AUDIT_ENABLED (it defaults to true). Turning it off is only for `make bench`.",
                id="masip.E002",
            )
        ]
    return []
