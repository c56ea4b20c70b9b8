from django import forms
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from ivig_site.numbers import whole_number
from review.models import EDITABLE_STATUSES

from .importers import FORMAT_NAMES, read_references
from .models import Citation

MAX_UPLOAD_BYTES = 2 * 1024 * 1024


def record_key(record):
    """How a citing record is named in a form: its kind's content type and its id, e.g. ``"12-7"``."""
    return f"{ContentType.objects.get_for_model(record).pk}-{record.pk}"


class CitingRecordField(forms.ChoiceField):
    """An article, condition, product or side-effect page that an editor may change, to cite sources in."""

    def __init__(self, user=None, **kwargs):
        self.user = user
        super().__init__(choices=self.editable_records, **kwargs)

    def editable_records(self):
        choices = [("", "---------")]
        for model in Citation.citing_models():
            opts = model._meta
            if self.user is not None and not self.user.has_perm(f"{opts.app_label}.change_{opts.model_name}"):
                continue
            records = model.objects.filter(status__in=EDITABLE_STATUSES).order_by("pk")
            group = []
            for record in records:
                note = _("new version, not yet live") if record.is_working_copy else record.get_status_display().lower()
                group.append((record_key(record), f"{record} ({note})"))
            if group:
                choices.append((str(model._meta.verbose_name_plural).capitalize(), group))
        return choices

    def clean(self, value):
        value = super().clean(value)
        if not value:
            return None
        type_id, _sep, pk = value.partition("-")  # one of the choices, so two ids
        return ContentType.objects.get_for_id(whole_number(type_id)).get_object_for_this_type(pk=whole_number(pk))


class ImportForm(forms.Form):
    """An export pasted or uploaded; after ``is_valid()``, ``records`` holds every record, read and checked."""

    text = forms.CharField(
        label=_("Paste references"),
        required=False,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 12, "cols": 100, "spellcheck": "false"}),
        help_text=_(
            "Paste an export from Zotero, EndNote or Mendeley (RIS or BibTeX), or from PubMed (Send to → Citation "
            "manager, which gives MEDLINE)."
        ),
    )
    file = forms.FileField(
        label=_("…or upload the export file"),
        required=False,
        help_text=_("A .ris, .bib, .nbib or .txt file, up to 2 MB."),
    )
    format = forms.ChoiceField(
        label=_("Format"),
        required=False,
        choices=[("", _("Recognize it automatically")), *FORMAT_NAMES.items()],
    )
    cite_in = CitingRecordField(
        label=_("Cite them in"),
        required=False,
        help_text=_(
            "Optional. The imported sources are added to this page’s list in the export’s order. Only pages you "
            "can edit are offered: for a published one, start a new version first."
        ),
    )

    records = None

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["cite_in"].user = user

    def clean_file(self):
        upload = self.cleaned_data.get("file")
        if upload is None:
            return None
        if upload.size > MAX_UPLOAD_BYTES:
            raise ValidationError(_("The file is larger than 2 MB. Export fewer references at a time."))
        raw = upload.read()
        if b"\x00" in raw:  # text exports never hold NUL; word processors' and image files do
            raise ValidationError(
                _("The file is not a plain-text export (it contains binary data). Choose the .ris, .bib or .nbib "
                  "file the reference manager saved.")
            )  # fmt: skip
        for encoding in ("utf-8-sig", "cp1252"):
            try:
                return raw.decode(encoding)
            except UnicodeDecodeError:
                continue
        raise ValidationError(_("The file is not a text export. Choose the .ris, .bib or .nbib file itself."))

    def clean(self):
        cleaned = super().clean()
        text = cleaned.get("file") or cleaned.get("text") or ""
        if "file" in self.errors:
            return cleaned
        if not text.strip():
            raise ValidationError(_("Paste the exported references, or choose the export file."), code="empty")
        try:
            self.records = read_references(text, cleaned.get("format") or None)
        except ValidationError as error:
            self.add_error("text" if cleaned.get("text") else "file", error)
            return cleaned
        cleaned["text"] = text
        return cleaned
