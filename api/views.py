"""
The syndication API: read-only resources over what readers may see (``published()``), nothing else.

Each resource is one line of :data:`RESOURCES`; its queryset, serializer and prefetches all come from the
model's ``reviewed_content`` declaration. Every answer carries an ``ETag`` (a hash of the body) and a
``Last-Modified`` (the latest change among the records it shows) and answers conditional requests with 304.
"""

import hashlib
from base64 import b64decode
from dataclasses import dataclass, field
from urllib import parse

from django.db import transaction
from django.db.models import Prefetch, Q
from django.shortcuts import get_object_or_404
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.dateparse import parse_datetime
from django.utils.http import http_date, quote_etag
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import exceptions, pagination, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from articles.models import Article, Condition, Contributor, Product, SideEffect
from infobutton.codes import InvalidCode, normalize_icd10
from ivig_site.numbers import whole_number
from references.models import Citation, Source
from review.content import CHILDREN, FIELD, MANY, parts
from review.models import Reviewed

from . import serializers as api_serializers


class SyncCursorPagination(pagination.CursorPagination):
    """Oldest change first, so a partner who follows ``next`` to the end has seen every change so far."""

    ordering = ("modified_at", "id")
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200

    def decode_cursor(self, request):
        encoded = request.query_params.get(self.cursor_query_param)
        if encoded is None:
            return None
        try:
            tokens = parse.parse_qs(
                b64decode(encoded.encode("ascii"), validate=True).decode("ascii"), strict_parsing=True
            )
            if set(tokens) - {"o", "r", "p"}:
                raise ValueError
            cursor = super().decode_cursor(request)
            if cursor.position is not None and parse_datetime(cursor.position) is None:
                raise ValueError
        except (ValueError, UnicodeError, exceptions.NotFound) as error:
            raise exceptions.ValidationError({"cursor": [self.invalid_cursor_message]}) from error
        return cursor

    def get_page_size(self, request):
        asked = request.query_params.get(self.page_size_query_param)
        if asked is None:
            return self.page_size
        number = whole_number(asked, minimum=1)
        if number is None:
            raise exceptions.ValidationError({"page_size": ["A page size is a whole number from 1."]})
        return min(number, self.max_page_size)

    invalid_cursor_message = "This cursor is not one we gave out; start again without it."


class FilterSerializer(serializers.Serializer):
    """The query parameters every resource understands."""

    modified_since = serializers.DateTimeField(
        required=False, help_text="Only records saved at or after this time (ISO 8601), for incremental sync."
    )
    reviewed_since = serializers.DateField(
        required=False, help_text="Only records last reviewed on or after this date."
    )

    def apply(self, queryset):
        data = self.validated_data
        if "modified_since" in data:
            queryset = queryset.filter(modified_at__gte=data["modified_since"])
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
    """``model.objects.published()`` with everything its declared content shows, unpublished records left out."""
    queryset = model.objects.published().select_related("fact_checker", "medical_reviewer")
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


ERRORS = {
    400: OpenApiResponse(api_serializers.ErrorSerializer, description="A parameter is not valid."),
    401: OpenApiResponse(api_serializers.ErrorSerializer, description="The API key is not valid."),
    429: OpenApiResponse(api_serializers.ErrorSerializer, description="Over the rate limit; see Retry-After."),
}
NOT_FOUND = {404: OpenApiResponse(api_serializers.ErrorSerializer, description="No published record here.")}


class ReviewedViewSet(ConditionalResponseMixin, viewsets.ReadOnlyModelViewSet):
    model = None
    filter_class = FilterSerializer
    pagination_class = SyncCursorPagination

    def get_queryset(self):
        return published_queryset(self.model)

    def get_serializer_class(self):
        return api_serializers.serializer_for(self.model)

    def filter_queryset(self, queryset):
        if self.action != "list":
            return queryset
        filters = self.filter_class(data=self.request.query_params.dict())  # "x=" is a bad value, not no value
        filters.is_valid(raise_exception=True)
        return filters.apply(queryset)

    def get_serializer_context(self):
        context = super().get_serializer_context()
        self._context = context
        return context

    @property
    def last_modified(self):
        return getattr(self, "_context", {}).get("last_modified")


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
    api_serializers.ROUTES[resource.model] = (resource.basename, resource.lookup)
    return extend_schema_view(
        list=extend_schema(
            summary=f"Published {name}",
            description=resource.description,
            parameters=[resource.filter_class],
            responses={200: api_serializers.serializer_for(resource.model)(many=True), **ERRORS},
            tags=[str(name)],
        ),
        retrieve=extend_schema(
            summary=f"One published {resource.model._meta.verbose_name}",
            responses={200: api_serializers.serializer_for(resource.model), **ERRORS, **NOT_FOUND},
            tags=[str(name)],
        ),
    )(viewset)


@extend_schema(
    summary="The published condition with this ICD-10 code",
    description="Exact code, with or without the dot (“D69.3”, “d693”). The Infobutton endpoint also climbs the "
    "hierarchy; this one does not.",
    responses={200: api_serializers.serializer_for(Condition), **ERRORS, **NOT_FOUND},
    tags=["conditions"],
)
@action(detail=False, url_path=r"icd10/(?P<code>[^/]+)", url_name="icd10")
def by_icd10(self, request, code):
    try:
        code = normalize_icd10(code)
    except InvalidCode as error:
        raise exceptions.ValidationError({"code": [str(error)]}) from error
    condition = get_object_or_404(self.get_queryset(), icd10_code=code)
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
        lookup_regex="[0-9]+",
        filter_class=SourceFilter,
        description="The sources our pages cite.",
    ),
    Resource(Contributor, "contributors", "contributor", description="Writers and fact-checkers."),
]
VIEWSETS = [(resource, viewset_for(resource)) for resource in RESOURCES]
