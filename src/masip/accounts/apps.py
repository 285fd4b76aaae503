from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "masip.accounts"
    verbose_name = "Staff accounts"
