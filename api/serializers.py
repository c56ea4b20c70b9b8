"""
Serializers made from each reviewed model's ``reviewed_content`` declaration (see :mod:`review.content`).

Nothing here lists a model's fields: a declared field becomes a JSON field of the same name, a rich-text
field an ``{"html", "text"}`` pair with numbered citations, a reviewed record it shows (an author, a
condition) a link that is present only while that record is published, and a list of child rows (approvals,
side-effect links, authors) a list of objects made the same way. Citations become numbered sources. Around
that, every resource carries the same block of review metadata, its addresses, licence and attribution.
"""

import re
from html import unescape

from django.conf import settings
from django.db import models
from django.urls import NoReverseMatch, reverse
from django.utils.translation import override
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from references.formatting import format_source
from references.markers import render_record_text, strip_markers
from references.models import Citation
from review.content import FIELD, MANY, parts
from review.models import Reviewed
from richtext.fields import plain_text

from . import terms
from .models import Withdrawal

# model → (route basename, lookup field, resource name); filled in by api.views when the resources are declared.
ROUTES = {}


def api_url(obj, request):
    route = ROUTES.get(type(obj))
    if route is None:
        return None
    basename, lookup, _name = route
    try:
        path = reverse(f"api:{basename}-detail", kwargs={lookup: getattr(obj, lookup)})
    except NoReverseMatch:
        return None
    return request.build_absolute_uri(path) if request else path


def reader_url(obj, request):
    path = obj.get_absolute_url()
    return request.build_absolute_uri(path) if request else path


def note_modified(context, obj):
    """
    Remember the latest change among the records a response shows: its ``Last-Modified``. A record changes when
    it is saved and when it goes live (a publication set for a later time changes nothing in its row then).
    """
    stamp = getattr(obj, "modified_at", None)
    published = getattr(obj, "published_at", None)
    if stamp is not None and published is not None:
        stamp = max(stamp, published)
    note_moment(context, stamp)


def note_moment(context, stamp):
    if stamp is not None and (context.get("last_modified") is None or stamp > context["last_modified"]):
        context["last_modified"] = stamp


class LinkSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    url = serializers.URLField(help_text="The reader's page.")
    api_url = serializers.URLField(allow_null=True, help_text="This record in the API.")


@extend_schema_field(LinkSerializer(allow_null=True))
class LinkField(serializers.Field):
    """A reviewed record shown by another one: a link while it is published, ``null`` otherwise."""

    def __init__(self, **kwargs):
        kwargs["read_only"] = True
        super().__init__(**kwargs)

    def to_representation(self, obj):
        if obj is None or (isinstance(obj, Reviewed) and not obj.is_live):
            return None
        note_modified(self.context, obj)
        request = self.context.get("request")
        return {"id": obj.pk, "name": str(obj), "url": reader_url(obj, request), "api_url": api_url(obj, request)}


@extend_schema_field(LinkSerializer(many=True))
class LinksField(LinkField):
    """A many-to-many relation to reviewed records; the queryset prefetched holds the published ones only."""

    def get_attribute(self, instance):
        return list(getattr(instance, self.source).all())

    def to_representation(self, objs):
        links = [super(LinksField, self).to_representation(obj) for obj in objs]
        return [link for link in links if link is not None]


class RichTextSerializer(serializers.Serializer):
    html = serializers.CharField(help_text="Sanitized HTML; citations are superscript numbers of `citations`.")
    text = serializers.CharField(help_text="The same words as plain text, without citation markers.")


def numbered_citations(record):
    """``record``'s citations of published sources, in order (prefetched that way by the view)."""
    if not hasattr(record, "_api_citations"):
        relation = getattr(record, "citations", None)
        record._api_citations = list(relation.all()) if relation is not None else []
    return record._api_citations


def rendered_text(record):
    if not hasattr(record, "_api_rendered"):
        record._api_rendered = render_record_text(record, numbered_citations(record))
    return record._api_rendered


_BLOCK_TAG = re.compile(r"</?(?:p|h[1-6]|li|ul|ol|br|hr|blockquote|table|caption|tr|td|th)\b[^>]*>", re.IGNORECASE)


def text_of(html):
    """Rich text as plain words, blocks kept apart and entities decoded, without citation markers."""
    return unescape(plain_text(_BLOCK_TAG.sub(" ", strip_markers(html))))


@extend_schema_field(RichTextSerializer)
class RichTextField(serializers.Field):
    def __init__(self, name, **kwargs):
        self.name_in_record = name
        super().__init__(source="*", read_only=True, **kwargs)

    def to_representation(self, record):
        raw = getattr(record, self.name_in_record) or ""
        html = rendered_text(record).get(self.name_in_record, strip_markers(raw))
        return {"html": str(html), "text": text_of(raw)}


class PlainTextField(serializers.CharField):
    """Plain text as readers see it: citation markers removed."""

    def to_representation(self, value):
        return strip_markers(super().to_representation(value))


@extend_schema_field({"type": "string", "format": "uri", "nullable": True})
class OptionalURLField(serializers.CharField):
    """A web address, or ``null`` when there is none (never an empty string posing as a URI)."""

    def to_representation(self, value):
        return value or None


class SourceSummarySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    formatted = serializers.CharField(help_text="The reference as printed on our pages (AMA or Vancouver), text.")
    doi = serializers.CharField(allow_blank=True)
    pmid = serializers.CharField(allow_blank=True)
    link = OptionalURLField(help_text="The DOI address, else the web address; null when there is neither.")
    retracted_on = serializers.DateField(allow_null=True)
    api_url = serializers.URLField(allow_null=True)


class NumberedSourceSerializer(serializers.Serializer):
    number = serializers.IntegerField(help_text="The number the text's superscripts use.")
    source = SourceSummarySerializer()


@extend_schema_field(NumberedSourceSerializer(many=True))
class CitationsField(serializers.Field):
    def __init__(self, **kwargs):
        super().__init__(source="*", read_only=True, **kwargs)

    def to_representation(self, record):
        request = self.context.get("request")
        numbered = []
        for number, citation in enumerate(numbered_citations(record), start=1):
            source = citation.source
            note_modified(self.context, source)
            numbered.append(
                {
                    "number": number,
                    "source": {
                        "id": source.pk,
                        "title": source.title,
                        "formatted": format_source(source, html=False),
                        "doi": source.doi,
                        "pmid": source.pmid,
                        "link": source.link or None,
                        "retracted_on": source.retracted_on,
                        "api_url": api_url(source, request),
                    },
                }
            )
        return numbered


class ReviewSerializer(serializers.Serializer):
    """The review metadata every resource carries, from the fields every reviewed model shares."""

    last_reviewed = serializers.DateField(source="last_reviewed_on", allow_null=True)
    next_review_due = serializers.DateField(allow_null=True)
    reviewed_by = LinkField(source="fact_checker", help_text="Who reviewed it, as readers are told.")
    fact_checked_by = LinkField(source="fact_checker", help_text="The reviewer whose fact-check published it.")
    medically_reviewed_by = LinkField(
        source="medical_reviewer", help_text="The clinician who medically reviewed it, if one did, as readers are told."
    )


class ReviewedSerializer(serializers.ModelSerializer):
    """What every resource starts with; :func:`serializer_for` adds the model's declared content."""

    serializer_field_mapping = {
        **serializers.ModelSerializer.serializer_field_mapping,
        models.TextField: PlainTextField,
        models.URLField: OptionalURLField,
    }

    canonical_url = serializers.SerializerMethodField(help_text="The canonical address of the reader's page.")
    api_url = serializers.SerializerMethodField()
    modified = serializers.DateTimeField(
        source="changed_at",
        help_text="Changes when the record is saved or goes live, and when a record it shows is published, changed "
        "or withdrawn.",
    )
    published = serializers.DateTimeField(source="published_at")
    last_updated = serializers.DateField(source="updated_on", allow_null=True, help_text="“Last updated” as shown.")
    review = ReviewSerializer(source="*")
    licence = serializers.SerializerMethodField()
    attribution = serializers.SerializerMethodField()
    language = serializers.SerializerMethodField(
        help_text="The language of the record's text: “en”, or the language asked for with ``lang`` where a reviewed "
        "translation into it is published."
    )
    translation = serializers.SerializerMethodField(
        help_text="With ``lang`` other than “en”: whether the record is available in that language, and if so who "
        "fact-checked the translation, when, and whether the English has changed since (``outdated``)."
    )

    COMMON = [
        "id",
        "language",
        "translation",
        "canonical_url",
        "api_url",
        "modified",
        "published",
        "last_updated",
        "review",
        "licence",
        "attribution",
    ]

    def to_representation(self, instance):
        note_modified(self.context, instance)
        with override(getattr(instance, "shown_language", None) or settings.LANGUAGE_CODE):  # its addresses too
            return super().to_representation(instance)

    def get_language(self, obj) -> str:
        return getattr(obj, "shown_language", None) or settings.LANGUAGE_CODE

    def get_translation(self, obj) -> dict | None:
        asked = self.context.get("language") or settings.LANGUAGE_CODE
        if asked == settings.LANGUAGE_CODE:
            return None
        translation = getattr(obj, "translation", None)
        if translation is None or translation.language != asked:
            return {"language": asked, "available": False}
        request = self.context.get("request")
        with override(settings.LANGUAGE_CODE):
            english = reader_url(obj, request)
        return {
            "language": asked,
            "available": True,
            "outdated": translation.source_version < obj.content_version,
            "english_url": english,
            "fact_checked_by": translation.fact_checker.name if translation.fact_checker_id else None,
            "last_reviewed": translation.last_reviewed_on,
            "translated_from_version": translation.source_version,
        }

    def get_canonical_url(self, obj) -> str:
        return reader_url(obj, self.context.get("request"))

    def get_api_url(self, obj) -> str:
        return api_url(obj, self.context.get("request"))

    def get_licence(self, obj) -> str:
        return terms.licence()

    def get_attribution(self, obj) -> str:
        return terms.attribution(self.get_canonical_url(obj))


def _declared_field(part):
    """The serializer field for one declared part, or None to let ModelSerializer build it."""
    field = part.field
    if part.kind == FIELD:
        if part.is_rich_text:
            return RichTextField(part.name)
        if field.is_relation:
            return LinkField()
        return None
    if part.kind == MANY:
        return LinksField()
    if part.child_model is Citation:
        return CitationsField()
    return child_serializer(part)(many=True, read_only=True)


def child_serializer(part):
    """A serializer for one declared list of child rows: their own fields, with reviewed records as links."""
    model = part.child_model
    skip = part.parent_links | {model._meta.pk.name}
    names = [field.name for field in model._meta.concrete_fields if field.name not in skip]
    attrs = {
        field.name: LinkField() for field in model._meta.concrete_fields if field.is_relation and field.name in names
    }
    attrs["Meta"] = type("Meta", (), {"model": model, "fields": names})
    return type(f"{model.__name__}Serializer", (serializers.ModelSerializer,), attrs)


_serializers = {}


def serializer_for(model, extra=None):
    """The read-only serializer for ``model``: the shared block plus every part of its ``reviewed_content``."""
    if model not in _serializers:
        attrs = dict(extra or {})
        names = list(ReviewedSerializer.COMMON)
        for part in parts(model):
            names.append(part.name)
            declared = _declared_field(part)
            if declared is not None:
                attrs[part.name] = declared
        # Read-only properties a model keeps in its resource for partners of earlier versions (e.g. ``icd10_code``).
        names.extend(name for name in getattr(model, "api_compatibility", ()) if name not in names)
        names.extend(name for name in (extra or {}) if name not in names)
        attrs["Meta"] = type("Meta", (), {"model": model, "fields": names, "read_only_fields": names})
        attrs["__doc__"] = f"A published {model._meta.verbose_name} with its reviewed content and review metadata."
        _serializers[model] = type(f"{model.__name__}Serializer", (ReviewedSerializer,), attrs)
    return _serializers[model]


class WithdrawalSerializer(serializers.ModelSerializer):
    """
    A record partners may hold that readers can no longer see: remove it. Its addresses are where it was; they
    now answer 404.
    """

    kind = serializers.SerializerMethodField(help_text="The resource it was listed in, e.g. “conditions”.")
    id = serializers.IntegerField(source="object_id", help_text="Its id, as in that resource.")
    slug = serializers.SerializerMethodField(help_text="Its slug, for the kinds addressed by one.")
    api_url = serializers.SerializerMethodField(help_text="Where the API served it.")
    canonical_url = serializers.SerializerMethodField(help_text="Where readers saw it.")
    withdrawn = serializers.DateTimeField(source="withdrawn_at", help_text="When readers stopped seeing it.")
    reason = serializers.ChoiceField(
        choices=Withdrawal.Reason.choices,
        help_text="unpublished or archived by a reviewer, merged into another record, or deleted.",
    )
    comment = serializers.CharField(help_text="Why, in the reviewer's words; or which record it was merged into.")
    replaced_by = LinkField(help_text="For a merge, the record that replaces it (while that one is published).")

    class Meta:
        model = Withdrawal
        fields = [
            "kind",
            "id",
            "slug",
            "name",
            "api_url",
            "canonical_url",
            "withdrawn",
            "reason",
            "comment",
            "replaced_by",
        ]

    def get_kind(self, obj) -> str:
        route = ROUTES.get(obj.content_type.model_class())
        return route[2] if route else obj.content_type.model

    def get_slug(self, obj) -> str | None:
        return obj.slug or None

    def _absolute(self, path):
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request and path else path

    def get_api_url(self, obj) -> str:
        return self._absolute(obj.api_path)

    def get_canonical_url(self, obj) -> str:
        return self._absolute(obj.reader_path)


class ErrorSerializer(serializers.Serializer):
    """An error; a 400 also names each parameter at fault, with its problems as a list."""

    detail = serializers.CharField(help_text="What was wrong with the request, in plain words.")
