from django.core.checks import Error, register

from masip.assessments.engine import DefinitionError


@register()
def instrument_definitions_load(app_configs, **kwargs):
    """Every instrument definition (and loaded wording) must load cleanly."""
    from masip.assessments.instruments import registry

    registry.cache_clear()
    try:
        registry()
    except DefinitionError as exc:
        return [Error(str(problem), id="masip.E101") for problem in exc.problems]
    return []
