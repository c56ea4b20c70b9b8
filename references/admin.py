from django.contrib import admin
from django.db import models
from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from .models import Citation, Source, SourceAuthor


class SourceAuthorInline(admin.TabularInline):
    model = SourceAuthor
    fields = ["position", "family_name", "given_names"]
    extra = 3


@admin.register(Source)
class SourceAdmin(admin.ModelAdmin):
    list_display = ["title", "first_author", "publication", "year", "kind", "doi", "pmid", "cited_in"]
    list_filter = ["kind", "year"]
    ordering = ["title"]
    search_fields = ["title", "publication", "doi", "pmid", "authors__family_name"]
    inlines = [SourceAuthorInline]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    fieldsets = [
        (None, {"fields": ["kind", "title", "has_more_authors"]}),
        (_("Where it was published"), {"fields": ["publication", "publisher", "year", "published_on"]}),
        (_("Volume, issue and pages"), {"fields": ["volume", "issue", "pages"]}),
        (_("Identifiers and links"), {"fields": ["doi", "pmid", "url", "accessed_on"]}),
    ]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(citation_count=Count("citations", distinct=True))
            .prefetch_related("authors")
        )

    @admin.display(description=_("first author"))
    def first_author(self, source):
        authors = source.authors.all()
        return str(authors[0]) if authors else "—"

    @admin.display(description=_("cited in"), ordering="citation_count")
    def cited_in(self, source):
        return source.citation_count


class CitationInline(admin.TabularInline):
    """The article's numbered sources, edited on the article's page."""

    model = Citation
    autocomplete_fields = ["source"]
    fields = ["position", "source"]
    extra = 1
    verbose_name = _("source")
    verbose_name_plural = _("sources (numbered in this order)")
