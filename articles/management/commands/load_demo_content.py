from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.utils.text import get_text_list

from articles.demo_content import create_demo_staff, load_demo_content


class Command(BaseCommand):
    help = (
        "Add the demo conditions, products, side effects, contributors, sources and articles. "
        "Safe to run again: only missing rows are added, and rows that already exist are left as they are."
    )

    def handle(self, *args, verbosity=1, **options):
        created = load_demo_content(verbosity=verbosity, stdout=self.stdout)
        call_command("render_published", verbosity=verbosity)
        staff = create_demo_staff() if settings.DEBUG else []
        if verbosity < 1:
            return
        for login in staff:
            self.stdout.write(
                f"Demo {login['group'][:-1].lower()}: log in at /admin/ as “{login['username']}” with password "
                f"“{login['password']}” (local development only)."
            )
        if not created:
            self.stdout.write("Demo content is already loaded; nothing created.")
            return
        parts = [
            f"{count} {model._meta.verbose_name if count == 1 else model._meta.verbose_name_plural}"
            for model, count in created.items()
            if not model._meta.auto_created
        ]
        links = sum(count for model, count in created.items() if model._meta.auto_created)
        if links:
            parts.append(f"{links} link{'' if links == 1 else 's'} between them")
        self.stdout.write(self.style.SUCCESS(f"Demo content loaded: created {get_text_list(parts, 'and')}."))
