from django.conf import settings
from django.core.checks import Error, register

from .formatting import STYLES


@register()
def check_citation_style(app_configs, **kwargs):
    if settings.CITATION_STYLE in STYLES:
        return []
    return [
        Error(
            f"CITATION_STYLE is {settings.CITATION_STYLE!r}.",
            hint=f"Set it to one of {', '.join(STYLES)}.",
            id="references.E001",
        )
    ]
