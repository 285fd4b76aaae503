"""django.contrib.admin with this project's site (core/admin_site.py). A module of its own:
an apps module holding two AppConfig classes would confuse Django's choice of default."""

from django.contrib.admin.apps import AdminConfig


class MasipAdminConfig(AdminConfig):
    default_site = "masip.core.admin_site.MasipAdminSite"

    def ready(self) -> None:
        super().ready()  # discovers every app's admin module
        from masip.core.admin_site import restrict_unscoped_admins

        assert self.module is not None  # set by AppConfig.__init__ for an installed app
        restrict_unscoped_admins(self.module.site)
