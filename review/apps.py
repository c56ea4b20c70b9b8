from django.apps import AppConfig
from django.db.models.signals import post_migrate


class ReviewConfig(AppConfig):
    name = "review"
    verbose_name = "Review"

    def ready(self):
        import reversion

        from . import guard, uploads
        from .content import child_models, reviewed_models, version_options
        from .roles import sync_groups

        # Before the admin's autodiscovery: a VersionAdmin would otherwise register every field.
        for model in reviewed_models():
            fields, follow = version_options(model)
            reversion.register(model, fields=fields, follow=follow)
            for child in child_models(model):
                if not reversion.is_registered(child):
                    reversion.register(child)
        guard.connect()
        post_migrate.connect(sync_groups, sender=self)
        uploads.connect(self)  # which uploads each record shows, so readers get only those of published ones
