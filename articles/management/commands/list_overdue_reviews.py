from django.core.management.base import BaseCommand
from django.utils import timezone

from articles.models import Article


class Command(BaseCommand):
    help = (
        "List published articles that are overdue for their periodic review or were flagged for a fresh one, "
        "one per line, for a daily email or cron job. Prints nothing when none are due."
    )

    def handle(self, *args, **options):
        today = timezone.localdate()
        overdue = Article.objects.overdue_for_review(today).select_related("author").order_by("next_review_due")
        for article in overdue:
            if article.review_reason:
                why = "flagged: " + " / ".join(article.review_reason.splitlines())
            else:
                days = (today - article.next_review_due).days
                why = f"review was due {article.next_review_due:%Y-%m-%d} ({days} days ago)"
            self.stdout.write(f"{article.title} — {why} — {article.get_absolute_url()}")
        if options["verbosity"] >= 2:
            self.stdout.write(f"{len(overdue)} article(s) need a review.")
