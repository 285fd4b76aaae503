from django.apps import AppConfig


class ReportingConfig(AppConfig):
    name = "masip.reporting"
    verbose_name = "Programme reporting"
