from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from articles.models import Article

from .importers import FORMAT_NAMES, read_references

MAX_UPLOAD_BYTES = 2 * 1024 * 1024


class EditableArticleChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, article):
        if article.is_working_copy:
            return _("%(title)s (new version, not yet live)") % {"title": article.title}
        return f"{article.title} ({article.get_status_display().lower()})"


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
    article = EditableArticleChoiceField(
        label=_("Cite them in"),
        required=False,
        queryset=Article.objects.filter(status__in=Article.EDITABLE_STATUSES).order_by("title"),
        help_text=_(
            "Optional. The imported sources are added to this article’s list in the export’s order. Only articles "
            "you can edit are offered: for a published article, start a new version first."
        ),
    )

    records = None

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
