from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from ops.backups import BackupError, create_backup


class Command(BaseCommand):
    help = "Back up the database and the uploaded files into one .tar.gz archive (see the README's Operations)."

    def add_arguments(self, parser):
        parser.add_argument("--output", default=settings.BASE_DIR / "backups", help="Folder for the archive.")

    def handle(self, *args, output, **options):
        try:
            archive = create_backup(output)
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(str(archive))
