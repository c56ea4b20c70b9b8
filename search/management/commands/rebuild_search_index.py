from django.core.management.base import BaseCommand

from search.indexing import enabled, rebuild


class Command(BaseCommand):
    help = "Index every published record for search again (PostgreSQL; the index is otherwise kept current on save)."

    def handle(self, *args, **options):
        if not enabled():
            self.stdout.write("Search reads the records directly on this database; there is no index to build.")
            return
        count = rebuild()
        if options["verbosity"] > 1:
            self.stdout.write(f"Indexed {count} published records.")
