from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "masip.audit"
    verbose_name = "Audit trail"

    def ready(self) -> None:
        from masip.audit import admin_trail
        from masip.audit.verify import verify_chain
        from masip.core.health import register_deep_check

        register_deep_check("audit_chain", lambda: verify_chain().ok)
        admin_trail.connect()  # every write made through an admin page is logged
