from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.views.generic import DetailView, ListView, TemplateView

from feedback.forms import FeedbackForm
from references.models import Citation, Source

from .models import Article, Condition, Contributor, Product, ProductSideEffect, SideEffect
from .rendering import Outline, group_side_effects, reading_minutes
from .structured_data import StructuredData

RELATED_ARTICLES = 4
RECENT_ARTICLES = 5


def published_citations():
    """A record's numbered sources as readers see them: published sources only, with their authors."""
    return Prefetch("citations", queryset=Citation.objects.for_display().filter(source__in=Source.objects.published()))


class PreviewMixin:
    """
    Readers get published content only; staff who may view unpublished content
    see it too (a preview), never cached so a draft cannot linger anywhere.
    """

    preview_permission = None

    def is_visible_to_readers(self, obj):
        return obj.is_live

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


def group_by_kind(articles):
    """``[(kind label, [article, ...]), ...]`` in the order kinds are declared, each group in the given order."""
    groups = {kind: [] for kind in Article.Kind}
    for article in articles:
        groups[Article.Kind(article.kind)].append(article)
    return [(kind.label, items) for kind, items in groups.items() if items]


class HomeView(TemplateView):
    template_name = "articles/home.html"

    def get_context_data(self, **kwargs):
        published = Article.objects.published()
        featured = published.filter(kind=Article.Kind.THERAPY_GUIDE).select_related("author").first()
        return super().get_context_data(
            featured_guide=featured,
            latest_articles=published.exclude(pk=featured.pk if featured else None).for_listing()[:6],
            conditions=Condition.objects.published(),
            **kwargs,
        )


class ArticleListView(ListView):
    paginate_by = 20

    def get_queryset(self):
        return Article.objects.published().for_listing()


class ArticleDetailView(PreviewMixin, DetailView):
    preview_permission = "articles.view_article"

    def get_queryset(self):
        return Article.objects.visible_to(self.request.user).for_detail()

    def get_context_data(self, **kwargs):
        article = self.object
        conditions = list(article.conditions.all())
        products = list(article.products.all())
        breadcrumbs = self.breadcrumbs(article, conditions)
        related = list(Article.objects.published().related_to(article).for_listing()[:RELATED_ARTICLES])
        recent = (
            Article.objects.published()
            .exclude(pk__in=[article.pk, *(other.pk for other in related)])
            .for_listing()[:RECENT_ARTICLES]
        )
        # Until the workflow records a review date, a fact-checked article was last checked when last updated.
        reviewed_on = article.last_reviewed_on or (article.updated_on if article.fact_checker_id else None)
        outline = Outline.from_html(article.body)
        return super().get_context_data(
            outline=outline,
            reading_minutes=reading_minutes(article.body),
            conditions=conditions,
            products=products,
            breadcrumbs=breadcrumbs,
            reviewed_on=reviewed_on,
            side_effect_groups=group_side_effects(article.article_side_effects.all()),
            related_articles=related,
            recent_articles=recent,
            feedback_form=FeedbackForm() if article.is_live else None,
            structured_data=StructuredData(self.request).article_page(
                article, conditions=conditions, products=products, breadcrumbs=breadcrumbs, reviewed_on=reviewed_on
            ),
            **kwargs,
        )

    @staticmethod
    def breadcrumbs(article, conditions):
        """``[(name, url), ...]``: home, the article's condition if it has just one (else all articles), itself."""
        if len(conditions) == 1:
            parent = (conditions[0].short_name, conditions[0].get_absolute_url())
        else:
            parent = ("Articles", reverse("articles:article_list"))
        return [("Home", reverse("articles:home")), parent, (article.title, article.get_absolute_url())]


class StaffPreviewMixin:
    """
    Any version of a record by its id, new versions included, as readers would see it once published:
    staff who may view the model only, never cached (see PreviewMixin).
    """

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path(), reverse("admin:login"))
        if not self.can_preview():
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_queryset(self):
        return self.preview_queryset()


class ArticlePreviewView(StaffPreviewMixin, ArticleDetailView):
    def preview_queryset(self):
        return Article.objects.for_detail()


class ConditionListView(ListView):
    def get_queryset(self):
        return Condition.objects.published()


class ConditionDetailView(PreviewMixin, DetailView):
    preview_permission = "articles.view_condition"

    def get_queryset(self):
        return (
            Condition.objects.visible_to(self.request.user)
            .select_related("fact_checker")
            .prefetch_related(published_citations())
        )

    def get_context_data(self, **kwargs):
        condition = self.object
        articles = Article.objects.published().filter(conditions=condition).for_listing()
        approvals = list(
            condition.approvals.filter(product__in=Product.objects.published())
            .select_related("product")
            .order_by("product__brand_name", "region")
        )
        products = list({approval.product.pk: approval.product for approval in approvals}.values())
        return super().get_context_data(
            articles_by_kind=group_by_kind(articles),
            approvals=approvals,
            related_conditions=condition.related_conditions.published(),
            structured_data=StructuredData(self.request).condition_page(condition, approved_products=products),
            **kwargs,
        )


class ProductListView(ListView):
    def get_queryset(self):
        return Product.objects.published().for_listing()


class ProductDetailView(PreviewMixin, DetailView):
    preview_permission = "articles.view_product"

    def get_queryset(self):
        return (
            Product.objects.visible_to(self.request.user)
            .for_detail()
            .select_related("fact_checker")
            .prefetch_related(published_citations())
        )

    def get_context_data(self, **kwargs):
        product = self.object
        links = list(product.product_side_effects.all())
        approvals = list(product.approvals.all())
        return super().get_context_data(
            approvals=approvals,
            side_effect_groups=group_side_effects(links),
            articles=Article.objects.published().filter(products=product).for_listing(),
            structured_data=StructuredData(self.request).product_page(
                product, side_effects=[link.side_effect for link in links], approvals=approvals
            ),
            **kwargs,
        )


class SideEffectListView(ListView):
    def get_queryset(self):
        return SideEffect.objects.published()

    def get_context_data(self, **kwargs):
        groups = {seriousness: [] for seriousness in SideEffect.Seriousness}
        for effect in self.object_list:
            groups[SideEffect.Seriousness(effect.seriousness)].append(effect)
        return super().get_context_data(groups=[(key.label, items) for key, items in groups.items() if items], **kwargs)


class SideEffectDetailView(PreviewMixin, DetailView):
    preview_permission = "articles.view_sideeffect"

    def get_queryset(self):
        return (
            SideEffect.objects.visible_to(self.request.user)
            .select_related("fact_checker")
            .prefetch_related(published_citations())
        )

    def get_context_data(self, **kwargs):
        effect = self.object
        return super().get_context_data(
            product_links=ProductSideEffect.objects.filter(
                side_effect=effect, product__in=Product.objects.published()
            ).select_related("product"),
            structured_data=StructuredData(self.request).side_effect_page(effect),
            articles=Article.objects.published().filter(side_effects=effect).for_listing(),
            **kwargs,
        )


class ContributorDetailView(PreviewMixin, DetailView):
    preview_permission = "articles.view_contributor"

    def get_queryset(self):
        return Contributor.objects.visible_to(self.request.user)

    def get_context_data(self, **kwargs):
        published = Article.objects.published().for_listing()
        return super().get_context_data(
            written=published.filter(author=self.object),
            fact_checked=published.filter(fact_checker=self.object),
            **kwargs,
        )


class ExpertBoardView(ListView):
    template_name = "articles/expert_board.html"

    def get_queryset(self):
        return Contributor.objects.published().filter(on_expert_board=True)


class ConditionPreviewView(StaffPreviewMixin, ConditionDetailView):
    def preview_queryset(self):
        return Condition.objects.select_related("fact_checker").prefetch_related(published_citations())


class ProductPreviewView(StaffPreviewMixin, ProductDetailView):
    def preview_queryset(self):
        return Product.objects.for_detail().select_related("fact_checker").prefetch_related(published_citations())


class SideEffectPreviewView(StaffPreviewMixin, SideEffectDetailView):
    def preview_queryset(self):
        return SideEffect.objects.select_related("fact_checker").prefetch_related(published_citations())


class ContributorPreviewView(StaffPreviewMixin, ContributorDetailView):
    def preview_queryset(self):
        return Contributor.objects.all()
