from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "api"
    verbose_name = "Syndication API"

    def ready(self):
        from . import schema  # noqa: F401  (registers the partner key with drf-spectacular)
