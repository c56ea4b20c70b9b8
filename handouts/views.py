from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.utils.http import content_disposition_header
from django.views.generic import DetailView

from articles.care import care_card
from articles.models import Article
from articles.rendering import Outline
from articles.views import PreviewMixin, StaffPreviewMixin
from translations.reading import localize_related
from translations.views import TranslatedPageMixin

from .pdf import cached_pdf, render_pdf


class ArticleHandoutView(TranslatedPageMixin, PreviewMixin, DetailView):
    """
    A published article as a one-page printable PDF. Staff who may view articles get a marked preview of
    any article, never cached (the rules of the article page itself, see ``PreviewMixin``).
    """

    model = Article
    template_name = "handouts/article.html"

    def with_page_data(self, queryset):
        return queryset.for_detail()

    def page_url(self):
        return self.request.build_absolute_uri(self.object.get_absolute_url())

    def get_context_data(self, **kwargs):
        article = self.object
        if self.translation is not None:  # its side effects' warning signs in its language, where translated
            localize_related(article, self.translation.language)
        # As on the article page: a fact-checked article without a review date was last checked when updated.
        reviewed_on = article.last_reviewed_on or (article.updated_on if article.fact_checker_id else None)
        return super().get_context_data(
            page_url=self.page_url(),
            reviewed_on=reviewed_on,
            headings=Outline.from_html(article.body).headings,
            care_card=care_card(article.article_side_effects.all()),
            printed_on=timezone.localdate(),
            **kwargs,
        )

    def filename(self):
        return f"{self.object.slug}-handout{'' if self.object.is_live else '-preview'}.pdf"

    def render_to_response(self, context, **response_kwargs):
        html = render_to_string(self.template_name, context, request=self.request)
        preview = self.can_preview()
        # Previews are rendered afresh and kept nowhere, as the article page's previews are.
        pdf = (render_pdf if preview else cached_pdf)(html, base_url=self.page_url())
        response = HttpResponse(pdf, content_type="application/pdf")
        response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=self.filename())
        # Search engines should send readers to the page, which is always the current version.
        response["X-Robots-Tag"] = "noindex"
        if preview:
            add_never_cache_headers(response)
        return response


class ArticlePreviewHandoutView(StaffPreviewMixin, ArticleHandoutView):
    """The handout of any version of an article, new versions included: staff who may view articles only."""
