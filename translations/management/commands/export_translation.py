from django.core.management.base import BaseCommand, CommandError

from translations.exchange import _lookup, export_po
from translations.languages import is_translation_language


class Command(BaseCommand):
    help = "Write a record's translated parts as a PO file for a translator, e.g. articles.condition:12 --language es."

    def add_arguments(self, parser):
        parser.add_argument("record", help="app_label.model:id, e.g. articles.condition:12")
        parser.add_argument("--language", required=True, help="The language to translate into, e.g. es.")
        parser.add_argument("--output", help="The file to write; standard output when left out.")

    def handle(self, record, language, output=None, **options):
        source = _lookup(record)
        if source is None:
            raise CommandError(f"No translatable record “{record}”: write it as app_label.model:id.")
        if not is_translation_language(language):
            raise CommandError(f"“{language}” is not one of the site's translation languages.")
        text = export_po(source, language)
        if output:
            with open(output, "w", encoding="utf-8") as file:
                file.write(text)
        else:
            self.stdout.write(text)
