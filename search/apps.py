from django.apps import AppConfig


class SearchConfig(AppConfig):
    name = "search"
    verbose_name = "Search"

    def ready(self):
        from django.db.backends.signals import connection_created
        from django.db.models.signals import post_delete, post_migrate, post_save

        from . import indexing
        from .engine import SOURCES

        for source in SOURCES:
            post_save.connect(indexing._saved, sender=source.model, dispatch_uid=f"search-index-{source.kind}")
            post_delete.connect(indexing._deleted, sender=source.model, dispatch_uid=f"search-drop-{source.kind}")
        # A translation published or withdrawn is found, or no longer, in its language.
        post_save.connect(indexing._saved, sender="translations.Translation", dispatch_uid="search-index-translation")
        post_delete.connect(indexing._saved, sender="translations.Translation", dispatch_uid="search-drop-translation")
        connection_created.connect(indexing._connected, dispatch_uid="search-trigram-threshold")
        post_migrate.connect(indexing._migrated, sender=self, dispatch_uid="search-build-index")
