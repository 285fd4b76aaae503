from django.apps import AppConfig


class SharingConfig(AppConfig):
    name = "masip.sharing"
    verbose_name = "Information shared by partner agencies"

    def ready(self) -> None:
        from masip.sharing import timeline  # noqa: F401  (registers timeline entries)
