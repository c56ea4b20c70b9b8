from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from ivig_site.numbers import whole_number
from review.rendering import render_published


def shard(value):
    part, _slash, count = value.partition("/")
    part, count = whole_number(part, minimum=1), whole_number(count, minimum=1)
    if part is None or count is None or part > count:
        raise CommandError(f"--shard takes K/N with 1 ≤ K ≤ N, such as 1/2; not “{value}”.")
    return part - 1, count


class Command(BaseCommand):
    help = (
        "Render and store the reader pages of every published article, condition, product and side effect, "
        "and clear any stored for records that are not published. Safe to run again; run it after every "
        "migrate on deploy (pages without stored parts are rendered on every request until then)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--shard",
            default="1/1",
            help="Render only part K of N (e.g. 1/2 and 2/2 in two processes side by side, on a large site).",
        )

    def handle(self, *args, verbosity=1, **options):
        part = shard(options["shard"])
        with transaction.atomic():
            count = render_published(shard=part)
        if verbosity > 1:
            self.stdout.write(f"Rendered {count} published page{'' if count == 1 else 's'}.")
