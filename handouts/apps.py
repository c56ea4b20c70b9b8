import logging

from django.apps import AppConfig


class HandoutsConfig(AppConfig):
    name = "handouts"
    verbose_name = "Printable handouts"

    def ready(self):
        # WeasyPrint announces every rendering step at INFO; our logs keep its warnings and errors only.
        logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)
