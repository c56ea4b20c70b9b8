from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.cache import add_never_cache_headers
from django.views.generic import DetailView, View

from articles.models import Article

from .exporters import BIBTEX_CONTENT_TYPE, RIS_CONTENT_TYPE, to_bibtex, to_ris
from .formatting import format_source
from .models import Source

EXPORTS = {"ris": (to_ris, RIS_CONTENT_TYPE), "bib": (to_bibtex, BIBTEX_CONTENT_TYPE)}


def export_response(article, fmt):
    """``article``'s sources, in their numbered order, as a RIS or BibTeX download."""
    if fmt not in EXPORTS:
        raise Http404
    write, content_type = EXPORTS[fmt]
    sources = [citation.source for citation in article.citations.for_display()]
    response = HttpResponse(write(sources), content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{article.slug}-sources.{fmt}"'
    return response


class ArticleSourcesExportView(View):
    """A published article's sources for a reader's reference manager; drafts answer 404."""

    def get(self, request, slug, fmt):
        return export_response(get_object_or_404(Article.objects.published(), slug=slug), fmt)


class SourceDetailView(DetailView):
    """One source, its identifiers and the published articles that cite it."""

    context_object_name = "source"

    def get_queryset(self):
        return Source.objects.visible_to(self.request.user).prefetch_related("authors")

    def get_context_data(self, **kwargs):
        source = self.object
        return super().get_context_data(
            reference=format_source(source),
            reference_text=format_source(source, html=False),
            articles=Article.objects.published().filter(citations__source=source).order_by("title"),
            **kwargs,
        )

    def render_to_response(self, context, **response_kwargs):
        response = super().render_to_response(context, **response_kwargs)
        if self.request.user.is_authenticated and self.request.user.has_perm("references.view_source"):
            add_never_cache_headers(response)
        return response
