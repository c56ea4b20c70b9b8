from django.core.management.base import BaseCommand, CommandError

from ops.backups import BackupError, restore_backup


class Command(BaseCommand):
    help = (
        "Replace the database and the uploaded files with those of a backup archive made by backup_site, and "
        "reset everything derived from them (cached pages, stored page parts, search index, public uploads)."
    )

    def add_arguments(self, parser):
        parser.add_argument("archive", help="The .tar.gz archive to restore.")
        parser.add_argument("--yes", action="store_true", help="Do not ask for confirmation.")

    def handle(self, *args, archive, yes, **options):
        if not yes and _ask("This replaces every record and upload of the site. Type 'yes' to go on: ") != "yes":
            raise CommandError("Nothing was restored (run with --yes to skip the question).")
        try:
            expected, found = restore_backup(archive)
        except BackupError as error:
            raise CommandError(str(error)) from error
        missing = {label: (rows, found.get(label)) for label, rows in expected.items() if found.get(label) != rows}
        if missing:
            raise CommandError(f"Restored, but these row counts differ from the backup's: {missing}")
        if options["verbosity"] > 0:
            self.stdout.write(
                f"Restored {sum(expected.values())} rows in {len(expected)} tables, and the uploads; readers get "
                "the restored pages now (stored page parts, search index and public images made again from them)."
            )


def _ask(question):
    try:
        return input(question)
    except EOFError:  # no terminal: never assume yes
        return ""
