from django.apps import AppConfig


class ReferencesConfig(AppConfig):
    name = "references"
    verbose_name = "Sources and citations"

    def ready(self):
        from . import checks  # noqa: F401 -- registers the system check
