from django.apps import AppConfig


class AccessConfig(AppConfig):
    name = "masip.access"
    verbose_name = "Access policy"

    def ready(self) -> None:
        from masip.access.models import ensure_need_to_know_defaults
        from masip.partnerships.registry import register_on_partnership_saved

        # A partnership saved through the admin gets the shipped need-to-know rules.
        register_on_partnership_saved(ensure_need_to_know_defaults)
