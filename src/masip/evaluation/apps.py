from django.apps import AppConfig


class EvaluationConfig(AppConfig):
    name = "masip.evaluation"
    verbose_name = "Evaluation: pseudonymised extracts, locked analysis plans and results"

    def ready(self) -> None:
        from masip.evaluation import checks  # noqa: F401  (registers the deploy check on the key)
