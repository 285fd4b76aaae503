"""System checks that refuse unsafe production configuration."""

from django.conf import settings
from django.core.checks import Error, Tags, register


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
