from django.apps import AppConfig


class WorkspaceConfig(AppConfig):
    """The pages that read across contexts: home (work waiting), search, the health check,
    and the service navigation. On the top floor, so `core` stays free of domain imports."""

    name = "masip.workspace"
    verbose_name = "Workspace (home and search)"
