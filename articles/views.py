from django.utils.cache import add_never_cache_headers
from django.views.generic import DetailView, TemplateView

from .models import Article, Condition


class PreviewMixin:
    """
    Readers get published content only; staff who may view unpublished content
    see it too (a preview), never cached so a draft cannot linger anywhere.
    """

    preview_permission = None

    def is_visible_to_readers(self, obj):
        raise NotImplementedError

    def get_context_data(self, **kwargs):
        return super().get_context_data(preview=not self.is_visible_to_readers(self.object), **kwargs)

    def can_preview(self):
        user = self.request.user
        return user.is_authenticated and user.has_perm(self.preview_permission)

    def render_to_response(self, context, **response_kwargs):
        response = super().render_to_response(context, **response_kwargs)
        if self.can_preview():
            add_never_cache_headers(response)
        return response


class HomeView(TemplateView):
    template_name = "articles/home.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            latest_articles=Article.objects.published().for_listing()[:10],
            conditions=Condition.objects.published(),
            **kwargs,
        )


class ArticleDetailView(PreviewMixin, DetailView):
    preview_permission = "articles.view_article"

    def is_visible_to_readers(self, article):
        return article.is_live

    def get_queryset(self):
        return Article.objects.visible_to(self.request.user).for_detail()


class ConditionDetailView(PreviewMixin, DetailView):
    preview_permission = "articles.view_condition"

    def is_visible_to_readers(self, condition):
        return condition.is_published

    def get_queryset(self):
        if self.can_preview():
            return Condition.objects.all()
        return Condition.objects.published()

    def get_context_data(self, **kwargs):
        condition = self.object
        return super().get_context_data(
            articles=Article.objects.visible_to(self.request.user).filter(conditions=condition).for_listing(),
            approvals=condition.approvals.select_related("product").order_by("product__brand_name", "region"),
            related_conditions=condition.related_conditions.published(),
            **kwargs,
        )
