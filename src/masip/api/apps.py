from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "masip.api"
    verbose_name = "API"
