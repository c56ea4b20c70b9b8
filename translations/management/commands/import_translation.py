from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError

from review.guard import NotEditable, WorkflowError
from translations.exchange import TranslationFileError, import_po


class Command(BaseCommand):
    help = (
        "Save a translator's PO file as the translation's draft, or a new version of a published translation, for "
        "review; nothing is published. --user names the editor it is saved for."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="The PO file, as export_translation wrote it and a translator filled it in.")
        parser.add_argument("--user", required=True, help="The username of the editor saving it.")

    def handle(self, file, user, **options):
        by = get_user_model().objects.filter(username=user, is_active=True).first()
        if by is None:
            raise CommandError(f"No active user “{user}”.")
        try:
            with open(file, "rb") as handle:
                result = import_po(handle.read(), by)
        except OSError as error:
            raise CommandError(f"Cannot read {file}: {error.strerror}.") from error
        except (TranslationFileError, NotEditable, WorkflowError, ValidationError, PermissionDenied) as error:
            raise CommandError(" ".join(getattr(error, "messages", [str(error)]))) from error
        translation = result.translation
        self.stdout.write(f"Saved {translation} as {translation.get_status_display().lower()} for review.")
        if result.changed_in_english:
            self.stdout.write(f"The English changed since the export: {', '.join(result.changed_in_english)}.")
