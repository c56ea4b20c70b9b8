from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.cache import add_never_cache_headers
from django.views.generic import DetailView, View

from .exporters import BIBTEX_CONTENT_TYPE, RIS_CONTENT_TYPE, to_bibtex, to_ris
from .formatting import format_source
from .models import Citation, Source

EXPORTS = {"ris": (to_ris, RIS_CONTENT_TYPE), "bib": (to_bibtex, BIBTEX_CONTENT_TYPE)}


def export_response(article, fmt):
    """``article``'s (or another citing page's) sources, in their numbered order, as a RIS or BibTeX download."""
    if fmt not in EXPORTS:
        raise Http404
    write, content_type = EXPORTS[fmt]
    citations = article.citations.for_display()
    if article.is_live:  # what readers download matches what they read: published sources only
        citations = citations.filter(source__in=Source.objects.published())
    sources = [citation.source for citation in citations]
    response = HttpResponse(write(sources), content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{article.slug}-sources.{fmt}"'
    return response


class SourcesExportView(View):
    """A published page's sources for a reader's reference manager; drafts answer 404."""

    model = None  # set in the URLconf: Article, Condition…
    translated = True  # references are the same in every language

    def get(self, request, slug, fmt):
        return export_response(get_object_or_404(self.model.objects.published(), slug=slug), fmt)


class SourceDetailView(DetailView):
    """One source, its identifiers and the published articles that cite it."""

    context_object_name = "source"

    def get_queryset(self):
        user = self.request.user
        if user.is_authenticated and user.has_perm("references.view_source"):
            return Source.objects.prefetch_related("authors")  # new versions too: staff preview them
        return Source.objects.cited_in_published().prefetch_related("authors")

    def get_context_data(self, **kwargs):
        source = self.object
        return super().get_context_data(
            reference=format_source(source),
            reference_text=format_source(source, html=False),
            citing=[
                (model._meta.verbose_name_plural, records)
                for model in Citation.citing_models()
                if (
                    records := model.objects.published()
                    .filter(citations__source=source.draft_of or source)
                    .distinct()
                    .order_by("pk")
                )
            ],
            **kwargs,
        )

    def render_to_response(self, context, **response_kwargs):
        response = super().render_to_response(context, **response_kwargs)
        if self.request.user.is_authenticated and self.request.user.has_perm("references.view_source"):
            add_never_cache_headers(response)
        return response
