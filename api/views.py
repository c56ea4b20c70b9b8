"""
The syndication API: read-only resources over what readers may see (``published()``), nothing else.

Each resource is one line of :data:`RESOURCES`; its queryset, serializer and prefetches all come from the
model's ``reviewed_content`` declaration. Every answer carries an ``ETag`` (a hash of the body) and a
``Last-Modified`` (the latest change among the records it shows; for a list, also among those that left it) and
answers conditional requests with 304. What readers can no longer see is listed as withdrawn (:class:`Withdrawal`,
written by :mod:`api.sync`): next to an incremental sync's first page, and as a resource of its own.
"""

import datetime
import hashlib
import re
from dataclasses import dataclass, field

from django.conf import settings
from django.db import transaction
from django.db.models import Prefetch, Q
from django.db.models.functions import Greatest
from django.shortcuts import get_object_or_404
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.http import http_date, quote_etag
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_serializer,
    extend_schema_view,
)
from rest_framework import exceptions, mixins, pagination, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.utils.urls import replace_query_param

from articles.models import Article, CodeSystem, Condition, Contributor, InvalidCode, Product, SideEffect
from articles.models.codes import normalize
from ivig_site.numbers import whole_number
from references.models import Citation, Source
from review.content import CHILDREN, FIELD, MANY, parts
from review.models import Reviewed
from translations.reading import localize

from . import serializers as api_serializers
from .models import Withdrawal
from .serializers import note_moment
from .sync import last_change


class SyncCursorPagination(pagination.CursorPagination):
    """
    Oldest change first, so a partner who follows ``next`` to the end has seen every change so far.

    A cursor is readable and checked by one pattern (:data:`CURSOR_PATTERN`): ``p`` and the position (the last
    change's time in microseconds since 1970), ``o`` and an offset past records changed at that same moment, ``r``
    to walk backwards. Any cursor that fits the pattern is a place in the list; anything else is refused with 400.
    """

    ordering = ("changed_at", "id")
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200
    invalid_cursor_message = "This cursor is not one we gave out; start again without it."
    page_size_message = "A page size is a whole number from 1 to 200."

    def decode_cursor(self, request):
        encoded = request.query_params.get(self.cursor_query_param)
        if encoded is None:
            return None
        match = _CURSOR.fullmatch(encoded)
        if match is None:
            raise exceptions.ValidationError({"cursor": [self.invalid_cursor_message]})
        position, offset, reverse = match.groups()
        return pagination.Cursor(
            offset=min(int(offset or 0), self.offset_cutoff),
            reverse=bool(reverse),
            position=None if position is None else _EPOCH + datetime.timedelta(microseconds=int(position)),
        )

    def encode_cursor(self, cursor):
        encoded = ""
        if cursor.position is not None:
            encoded += f"p{(cursor.position - _EPOCH) // datetime.timedelta(microseconds=1)}"
        if cursor.offset:
            encoded += f"o{cursor.offset}"
        if cursor.reverse:
            encoded += "r"
        return replace_query_param(self.base_url, self.cursor_query_param, encoded)

    def _get_position_from_instance(self, instance, ordering):
        return getattr(instance, ordering[0].lstrip("-"))

    def get_page_size(self, request):
        asked = request.query_params.get(self.page_size_query_param)
        if asked is None:
            return self.page_size
        number = whole_number(asked, minimum=1, maximum=self.max_page_size)
        if number is None:
            raise exceptions.ValidationError({"page_size": [self.page_size_message]})
        return number

    def get_schema_operation_parameters(self, view):
        return [
            {
                "name": self.cursor_query_param,
                "required": False,
                "in": "query",
                "description": "Where to go on from: the value in `next` (or `previous`). Opaque to partners.",
                "schema": {"type": "string", "pattern": CURSOR_PATTERN},
            },
            {
                "name": self.page_size_query_param,
                "required": False,
                "in": "query",
                "description": f"Records per page, {self.page_size} unless asked.",
                "schema": {"type": "integer", "minimum": 1, "maximum": self.max_page_size},
            },
        ]


# A position of at most 16 digits is a time before the year 2286; an offset past 1,000 counts as 1,000.
CURSOR_PATTERN = r"^(?:p([0-9]{1,16}))?(?:o([0-9]{1,4}))?(r)?$"
_CURSOR = re.compile(CURSOR_PATTERN.strip("^$"))
_EPOCH = datetime.datetime(1970, 1, 1, tzinfo=datetime.UTC)


class WithdrawalPagination(SyncCursorPagination):
    ordering = ("withdrawn_at", "id")


class SinceField(serializers.DateTimeField):
    """
    A moment to sync from (ISO 8601). Every RFC 3339 date-time is one: a moment before the year 1 or after 9999
    once in UTC (“0001-01-01T00:00:00+05:00”) means from the beginning, or not yet.
    """

    def enforce_timezone(self, value):
        try:
            return super().enforce_timezone(value)
        except serializers.ValidationError:
            if value.tzinfo is None or value.year not in (1, 9999):
                raise
            edge = datetime.datetime.min if value.year == 1 else datetime.datetime.max
            return edge.replace(tzinfo=datetime.UTC)


class FilterSerializer(serializers.Serializer):
    """The query parameters every resource understands."""

    modified_since = SinceField(
        required=False,
        help_text="Only records changed at or after this time (ISO 8601), for incremental sync; the first page "
        "also lists the records of this kind withdrawn since then.",
    )
    reviewed_since = serializers.DateField(
        required=False, help_text="Only records last reviewed on or after this date."
    )

    def apply(self, queryset):
        data = self.validated_data
        if "modified_since" in data:
            queryset = queryset.filter(changed_at__gte=data["modified_since"])
        if "reviewed_since" in data:
            queryset = queryset.filter(last_reviewed_on__gte=data["reviewed_since"])
        return queryset


class ConditionFilter(FilterSerializer):
    condition = serializers.SlugField(required=False, help_text="A condition's slug, e.g. “itp”.")


class ArticleFilter(ConditionFilter):
    kind = serializers.ChoiceField(choices=Article.Kind.choices, required=False)

    def apply(self, queryset):
        data = self.validated_data
        if "condition" in data:
            queryset = queryset.filter(conditions__in=Condition.objects.published().filter(slug=data["condition"]))
        if "kind" in data:
            queryset = queryset.filter(kind=data["kind"])
        return super().apply(queryset)


class ProductFilter(ConditionFilter):
    def apply(self, queryset):
        if "condition" in self.validated_data:
            slug = self.validated_data["condition"]
            queryset = queryset.filter(approvals__condition__in=Condition.objects.published().filter(slug=slug))
        return super().apply(queryset.distinct())


class SourceFilter(FilterSerializer):
    kind = serializers.ChoiceField(choices=Source.Kind.choices, required=False)

    def apply(self, queryset):
        if "kind" in self.validated_data:
            queryset = queryset.filter(kind=self.validated_data["kind"])
        return super().apply(queryset)


def published_queryset(model):
    """
    ``model.objects.published()`` with everything its declared content shows, unpublished records left out, and
    ``changed_at``: when partners could first see the record as it is, its ``modified``. That is when it was last
    saved, or when it went live if that came later (a publication set for a later time changes no row then).
    """
    queryset = model.objects.published().annotate(changed_at=Greatest("modified_at", "published_at"))
    queryset = queryset.select_related("fact_checker", "medical_reviewer")
    for part in parts(model):
        related = part.field.related_model
        if part.kind == FIELD and part.field.is_relation:
            queryset = queryset.select_related(part.name)
        elif part.kind == MANY and issubclass(related, Reviewed):
            queryset = queryset.prefetch_related(Prefetch(part.name, queryset=related.objects.published()))
        elif part.kind == CHILDREN:
            queryset = queryset.prefetch_related(Prefetch(part.name, queryset=_published_children(part)))
    return queryset


def _published_children(part):
    """A list of child rows, without those that point at a record readers may not see."""
    children = part.child_model.objects.all()
    if part.child_model is Citation:
        children = Citation.objects.for_display()
    condition = Q()
    for child_field in part.child_model._meta.concrete_fields:
        if child_field.name in part.parent_links or not child_field.is_relation:
            continue
        if issubclass(child_field.related_model, Reviewed):
            condition &= Q(**{f"{child_field.name}__in": child_field.related_model.objects.published()})
            children = children.select_related(child_field.name)
    return children.filter(condition)


class ConditionalResponseMixin:
    """
    ``ETag`` and ``Last-Modified`` on every successful answer, and 304 to a conditional request.

    These views only read, so they run outside the request's transaction: a refused request's count on
    its partner key must survive the rollback DRF makes on every error response.
    """

    @classmethod
    def as_view(cls, *args, **kwargs):
        return transaction.non_atomic_requests(super().as_view(*args, **kwargs))

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        patch_cache_control(response, no_cache=True)
        if request.method not in ("GET", "HEAD") or response.status_code != 200:
            return response
        if isinstance(response, Response):
            response.render()
        digest = hashlib.sha256(response["Content-Type"].encode() + b"\n" + response.content).hexdigest()
        etag = quote_etag(digest[:40])
        response["ETag"] = etag
        last_modified = getattr(self, "last_modified", None)
        timestamp = int(last_modified.timestamp()) if last_modified else None
        if timestamp:
            response["Last-Modified"] = http_date(timestamp)
        return get_conditional_response(request._request, etag=etag, last_modified=timestamp, response=response)


# --- The OpenAPI description of what every answer carries -------------------------------------------------------

_HEADER = OpenApiParameter.HEADER
# The language asked for: ``lang``, or ``languageCode`` as the Infobutton's partners write it.
LANG, LANGUAGE_CODE = "lang", "languageCode"
LANGUAGE_PARAMETERS = [
    OpenApiParameter(
        LANG,
        OpenApiTypes.STR,
        OpenApiParameter.QUERY,
        enum=[code for code, _name in settings.LANGUAGES],
        description="The language of the text: each record comes in it where a reviewed translation is published, "
        "else in English, saying so in its `translation` (`available: false`). English when left out.",
    ),
    OpenApiParameter(
        LANGUAGE_CODE,
        OpenApiTypes.STR,
        OpenApiParameter.QUERY,
        enum=[code for code, _name in settings.LANGUAGES],
        description=f"The same as `{LANG}`, as the Infobutton's partners write it; `{LANG}` wins if both are given.",
    ),
]
VALIDATORS = [
    OpenApiParameter(
        "ETag",
        str,
        _HEADER,
        required=True,
        response=[200, 304],
        description="A hash of the body: send it back as `If-None-Match` to be told 304 while nothing changed.",
    ),
    OpenApiParameter(
        "Last-Modified",
        str,
        _HEADER,
        response=[200, 304],
        description="The latest change among what the answer shows (records that left a list included), "
        "to the second: send it back as `If-Modified-Since`. Absent when there is nothing to date.",
    ),
    OpenApiParameter(
        "Cache-Control",
        str,
        _HEADER,
        required=True,
        response=[200, 304],
        description="`no-cache`: ask again each time.",
    ),
    OpenApiParameter(
        "Retry-After",
        int,
        _HEADER,
        required=True,
        response=[429],
        description="Seconds to wait before asking again.",
    ),
    OpenApiParameter(
        "WWW-Authenticate", str, _HEADER, required=True, response=[401], description="`Api-Key`: how to send a key."
    ),
    OpenApiParameter(
        "If-None-Match", str, _HEADER, description="The `ETag` of the answer you hold: 304 while it is still current."
    ),
    OpenApiParameter(
        "If-Modified-Since",
        str,
        _HEADER,
        description="The `Last-Modified` of the answer you hold: 304 unless something changed since (ignored with "
        "`If-None-Match`).",
    ),
]
ERRORS = {
    304: OpenApiResponse(description="Not modified since the answer whose validators you sent: no body."),
    400: OpenApiResponse(api_serializers.ErrorSerializer, description="A parameter is not valid."),
    401: OpenApiResponse(api_serializers.ErrorSerializer, description="The API key is not valid."),
    429: OpenApiResponse(api_serializers.ErrorSerializer, description="Over the rate limit; see Retry-After."),
}
NOT_FOUND = {404: OpenApiResponse(api_serializers.ErrorSerializer, description="No published record here.")}


def paginated(name, serializer, withdrawn=False):
    """The schema of one page of a list: ``next``, ``previous``, ``results`` and, for records, ``withdrawn``."""
    fields = {
        "next": serializers.URLField(allow_null=True, help_text="The next page; null on the last one."),
        "previous": serializers.URLField(allow_null=True, help_text="The page before; null on the first one."),
        "results": serializer(many=True),
    }
    if withdrawn:
        fields["withdrawn"] = api_serializers.WithdrawalSerializer(
            many=True,
            help_text="On the first page of a list asked with `modified_since`: the records of this kind withdrawn "
            "since then (unpublished, archived, merged or deleted). Remove them. Empty otherwise.",
        )
    return extend_schema_serializer(many=False)(type(name, (serializers.Serializer,), fields))


# --- Published records ---------------------------------------------------------------------------------------


class DatedBySerializerMixin:
    """``Last-Modified`` from what the serializers noted (:func:`api.serializers.note_modified`) as they wrote."""

    def get_serializer_context(self):
        context = super().get_serializer_context()
        self._context = context
        return context

    @property
    def last_modified(self):
        return getattr(self, "_context", {}).get("last_modified")


class ReviewedViewSet(DatedBySerializerMixin, ConditionalResponseMixin, viewsets.ReadOnlyModelViewSet):
    model = None
    filter_class = FilterSerializer
    pagination_class = SyncCursorPagination

    def get_queryset(self):
        return published_queryset(self.model)

    def get_serializer_class(self):
        return api_serializers.serializer_for(self.model)

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        codes = [code for code, _name in settings.LANGUAGES]
        asked = {name: request.query_params[name] for name in (LANG, LANGUAGE_CODE) if name in request.query_params}
        for name, value in asked.items():  # as documented: one of the site's language codes
            if value not in codes:
                raise serializers.ValidationError(
                    {name: [f"“{value[:20]}” is not a language of this site; choose one of {', '.join(codes)}."]}
                )
        self.language = asked.get(LANG) or asked.get(LANGUAGE_CODE) or settings.LANGUAGE_CODE

    def get_serializer_context(self):
        context = super().get_serializer_context()  # the same dict the serializers note dates in
        context["language"] = getattr(self, "language", settings.LANGUAGE_CODE)
        return context

    def get_serializer(self, *args, **kwargs):
        if args and getattr(self, "language", None):  # records in the language asked for, where reviewed
            if kwargs.get("many", False):
                args = (list(args[0]), *args[1:])
                localize(args[0], self.language)
            else:
                localize([args[0]], self.language)
        return super().get_serializer(*args, **kwargs)

    def filter_queryset(self, queryset):
        if self.action != "list":
            return queryset
        filters = self.filter_class(data=self.request.query_params.dict())  # "x=" is a bad value, not no value
        filters.is_valid(raise_exception=True)
        self.filters = filters.validated_data
        return filters.apply(queryset)

    def list(self, request, *args, **kwargs):
        response = super().list(request, *args, **kwargs)
        response.data["withdrawn"] = self.withdrawn()
        # A record that leaves the list (withdrawn, or no longer matching a filter) moves its date too.
        note_moment(self._context, last_change(self.model))
        return response

    def withdrawn(self):
        """The withdrawals a sync since ``modified_since`` must apply: on its first page, whatever the other filters."""
        since = self.filters.get("modified_since")
        if since is None or self.request.query_params.get(self.paginator.cursor_query_param):
            return []
        withdrawals = Withdrawal.objects.of(self.model).current().since(since)
        withdrawals = withdrawals.select_related("content_type").prefetch_related("replaced_by")
        return api_serializers.WithdrawalSerializer(withdrawals, many=True, context=self._context).data


@dataclass
class Resource:
    model: type
    prefix: str
    basename: str
    lookup: str = "slug"
    lookup_regex: str = "[-a-zA-Z0-9_]+"
    filter_class: type = FilterSerializer
    description: str = ""
    extra_actions: dict = field(default_factory=dict)

    @property
    def singular(self):
        return self.prefix.removesuffix("s")


def viewset_for(resource):
    name = resource.model._meta.verbose_name_plural
    attrs = {
        "model": resource.model,
        "filter_class": resource.filter_class,
        "lookup_field": resource.lookup,
        "lookup_value_regex": resource.lookup_regex,
        **resource.extra_actions,
    }
    viewset = type(f"{resource.model.__name__}ViewSet", (ReviewedViewSet,), attrs)
    api_serializers.ROUTES[resource.model] = (resource.basename, resource.lookup, resource.prefix)
    record = api_serializers.serializer_for(resource.model)
    lookup = OpenApiParameter(
        resource.lookup,
        OpenApiTypes.STR,
        OpenApiParameter.PATH,
        pattern=f"^{resource.lookup_regex}$",
        description="The record's id." if resource.lookup == "pk" else "The record's slug, e.g. “itp”.",
    )
    return extend_schema_view(
        list=extend_schema(
            summary=f"Published {name}",
            description=resource.description,
            parameters=[resource.filter_class, *LANGUAGE_PARAMETERS, *VALIDATORS],
            responses={200: paginated(f"{resource.model.__name__}Page", record, withdrawn=True), **ERRORS},
            tags=[str(name)],
        ),
        retrieve=extend_schema(
            summary=f"One published {resource.model._meta.verbose_name}",
            parameters=[lookup, *LANGUAGE_PARAMETERS, *VALIDATORS],
            responses={200: record, **ERRORS, **NOT_FOUND},
            tags=[str(name)],
        ),
    )(viewset)


# ICD-10 codes as partners write them: “D69.3”, “d693”, “D69”.
ICD10_PATH_PATTERN = r"^[A-Za-z][0-9][0-9A-Za-z](\.?[0-9A-Za-z]{1,4})?$"


@extend_schema(
    summary="The published condition with this ICD-10 code",
    description="Exact code, with or without the dot (“D69.3”, “d693”). The Infobutton endpoint also climbs the "
    "hierarchy; this one does not.",
    parameters=[
        OpenApiParameter("code", OpenApiTypes.STR, OpenApiParameter.PATH, pattern=ICD10_PATH_PATTERN),
        *VALIDATORS,
    ],
    responses={200: api_serializers.serializer_for(Condition), **ERRORS, **NOT_FOUND},
    tags=["conditions"],
)
@action(detail=False, url_path=r"icd10/(?P<code>[^/]+)", url_name="icd10")
def by_icd10(self, request, code):
    try:
        if not re.fullmatch(ICD10_PATH_PATTERN, code):
            raise InvalidCode(f"“{code[:20]}” is not an ICD-10 code; codes look like “D69.3”.")
        code = normalize(CodeSystem.ICD10CM, code)
    except InvalidCode as error:
        raise exceptions.ValidationError({"code": [str(error)]}) from error
    found = self.get_queryset().filter(codes__system=CodeSystem.ICD10CM, codes__code=code, codes__last_code="")
    condition = get_object_or_404(found.distinct())
    return Response(self.get_serializer(condition).data)


RESOURCES = [
    Resource(
        Condition,
        "conditions",
        "condition",
        description="Conditions IVIG treats, each with its ICD-10 code.",
        extra_actions={"by_icd10": by_icd10},
    ),
    Resource(Article, "articles", "article", filter_class=ArticleFilter, description="Articles for patients."),
    Resource(Product, "products", "product", filter_class=ProductFilter, description="IVIG and SCIG products."),
    Resource(SideEffect, "side-effects", "sideeffect", description="Side effects of immunoglobulin treatment."),
    Resource(
        Source,
        "sources",
        "source",
        lookup="pk",
        lookup_regex="[0-9]{1,18}",
        filter_class=SourceFilter,
        description="The sources our pages cite.",
    ),
    Resource(Contributor, "contributors", "contributor", description="Writers and fact-checkers."),
]
VIEWSETS = [(resource, viewset_for(resource)) for resource in RESOURCES]


# --- Withdrawals -----------------------------------------------------------------------------------------------

KINDS = {name: resource for resource in RESOURCES for name in (resource.prefix, resource.singular)}


class WithdrawalFilter(serializers.Serializer):
    since = SinceField(
        required=False,
        help_text="Only records withdrawn at or after this time (ISO 8601): the start of your last sync.",
    )
    kind = serializers.ChoiceField(
        choices=list(KINDS),
        required=False,
        help_text="Only records of this kind: a resource's name as in its address (“conditions”), or its singular.",
    )


@extend_schema_view(
    list=extend_schema(
        summary="Withdrawn records",
        description="Records partners may hold that readers can no longer see: unpublished or archived by a reviewer, "
        "merged into another record, or deleted. Remove them. A record published again leaves this list (and "
        "is back in its own). Oldest withdrawal first, with the same cursor pagination and validators as every list.",
        parameters=[WithdrawalFilter, *VALIDATORS],
        responses={200: paginated("WithdrawalPage", api_serializers.WithdrawalSerializer), **ERRORS},
        tags=["withdrawals"],
    )
)
class WithdrawalViewSet(
    DatedBySerializerMixin, ConditionalResponseMixin, mixins.ListModelMixin, viewsets.GenericViewSet
):
    serializer_class = api_serializers.WithdrawalSerializer
    pagination_class = WithdrawalPagination

    def get_queryset(self):
        return Withdrawal.objects.current().select_related("content_type").prefetch_related("replaced_by")

    def filter_queryset(self, queryset):
        filters = WithdrawalFilter(data=self.request.query_params.dict())
        filters.is_valid(raise_exception=True)
        kind = filters.validated_data.get("kind")
        self.models = [KINDS[kind].model] if kind else [resource.model for resource in RESOURCES]
        queryset = queryset.of(*self.models)
        if "since" in filters.validated_data:
            queryset = queryset.since(filters.validated_data["since"])
        return queryset

    def list(self, request, *args, **kwargs):
        response = super().list(request, *args, **kwargs)
        note_moment(self._context, last_change(*self.models))
        return response
