from django.apps import AppConfig


class AccessConfig(AppConfig):
    name = "masip.access"
    verbose_name = "Access policy"
