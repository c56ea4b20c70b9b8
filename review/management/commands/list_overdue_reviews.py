from django.core.management.base import BaseCommand
from django.utils import timezone

from review.content import reviewed_models


class Command(BaseCommand):
    help = (
        "List published records of every reviewed kind (articles, conditions, products, side effects, sources, "
        "contributor profiles, site pages) that are overdue for their periodic review or were flagged for a fresh "
        "one, one per line, for a daily email or cron job. Prints nothing when none are due."
    )

    def handle(self, *args, **options):
        today = timezone.localdate()
        count = 0
        for model in reviewed_models():
            for record in model.objects.overdue_for_review(today).order_by("next_review_due", "pk"):
                if record.review_reason:
                    why = "flagged: " + " / ".join(record.review_reason.splitlines())
                else:
                    days = (today - record.next_review_due).days
                    why = f"review was due {record.next_review_due:%Y-%m-%d} ({days} days ago)"
                self.stdout.write(f"{record} — {why} — {record.get_absolute_url()}")
                count += 1
        if options["verbosity"] >= 2:
            self.stdout.write(f"{count} record(s) need a review.")
