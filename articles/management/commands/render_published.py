from django.core.management.base import BaseCommand
from django.db import transaction

from review.rendering import render_published


class Command(BaseCommand):
    help = (
        "Render and store the reader pages of every published article, condition, product and side effect, "
        "and clear any stored for records that are not published. Safe to run again; run it after every "
        "migrate on deploy (pages without stored parts are rendered on every request until then)."
    )

    def handle(self, *args, verbosity=1, **options):
        with transaction.atomic():
            count = render_published()
        if verbosity > 1:
            self.stdout.write(f"Rendered {count} published page{'' if count == 1 else 's'}.")
