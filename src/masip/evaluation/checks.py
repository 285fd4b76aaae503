"""Deploy check: production refuses to run without the evaluation's pseudonymisation key."""

from django.conf import settings
from django.core.checks import Error, Tags, register


@register(Tags.security, deploy=True)
def evaluation_key_is_set(app_configs, **kwargs):
    key = getattr(settings, "MASIP_EVALUATION_KEY", "")
    demo_key = getattr(settings, "INSECURE_DEMO_EVALUATION_KEY", None)
    if settings.DEMO_MODE:
        return []
    if not key or key == demo_key:
        return [Error(
            "MASIP_EVALUATION_KEY is not set: pseudonymised extracts need a key held outside the database.",
            hint="Set MASIP_EVALUATION_KEY in the deployment's environment to at least 32 random characters; "
                 "keep it out of the database and its backups.",
            id="masip.E101",
        )]
    if len(key) < 32:
        return [Error("MASIP_EVALUATION_KEY is too short.", hint="Use at least 32 random characters.",
                      id="masip.E102")]
    return []
