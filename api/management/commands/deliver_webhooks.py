import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import close_old_connections

from api.webhooks import deliver_due


class Command(BaseCommand):
    help = (
        "Send partners' webhook deliveries that are due: each is POSTed, signed, once; a failure is retried later "
        "with a doubling wait, up to WEBHOOK_MAX_ATTEMPTS attempts. Runs once, or with --loop until stopped (for a "
        "process manager). Prints nothing unless -v 2."
    )

    def add_arguments(self, parser):
        parser.add_argument("--loop", action="store_true", help="Keep running, looking for due deliveries.")
        parser.add_argument(
            "--interval", type=float, default=10.0, help="Seconds between looks with --loop (default 10)."
        )

    def handle(self, *args, loop=False, interval=10.0, verbosity=1, **options):
        if not settings.SITE_URL:
            raise CommandError(
                "Set SITE_URL to the site's public address (e.g. https://ivig.example.org): the messages link to it."
            )
        while True:
            delivered, failed = deliver_due()
            if verbosity >= 2 and (delivered or failed or not loop):
                self.stdout.write(f"{delivered} delivered, {failed} not delivered (retried later or given up).")
            if not loop:
                return
            close_old_connections()
            try:
                time.sleep(interval)
            except KeyboardInterrupt:
                return
