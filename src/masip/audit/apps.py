from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "masip.audit"
    verbose_name = "Audit trail"
