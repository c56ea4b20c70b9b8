from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "api"
    verbose_name = "Syndication API"

    def ready(self):
        from . import schema, sync  # noqa: F401  (importing schema registers the partner key with drf-spectacular)

        sync.connect()
