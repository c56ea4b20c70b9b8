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


def with_review_note(queryset):
    """What a page's review note and numbered sources need: its fact-checker and its published sources."""
    sources = Citation.objects.for_display().filter(source__in=Source.objects.published())
    return queryset.select_related("fact_checker").prefetch_related(Prefetch("citations", queryset=sources))


class PreviewMixin:
    """
    The page of one reviewed record (``model``). Readers get published records only; staff who may view
    the model see every record too (a preview), never cached so a draft cannot linger anywhere.
    """

    def records(self):
        return self.model.objects.visible_to(self.request.user)

    def with_page_data(self, queryset):
        """``queryset`` with what the page shows besides the record, fetched in a fixed number of queries."""
        return queryset

    def get_queryset(self):
        return self.with_page_data(self.records())

    def get_context_data(self, **kwargs):
        return super().get_context_data(preview=not self.object.is_live, **kwargs)

    def can_preview(self):
        user, opts = self.request.user, self.model._meta
        return user.is_authenticated and user.has_perm(f"{opts.app_label}.view_{opts.model_name}")

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
            conditions=Condition.objects.published().treated_with_ivig(),
            **kwargs,
        )


class ArticleListView(ListView):
    paginate_by = 20

    def get_queryset(self):
        return Article.objects.published().for_listing()


class ArticleDetailView(PreviewMixin, DetailView):
    model = Article

    def with_page_data(self, queryset):
        return queryset.for_detail()

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
            reading_minutes=reading_minutes(*article.reading_texts()),
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

    def records(self):
        return self.model.objects.all()


class ArticlePreviewView(StaffPreviewMixin, ArticleDetailView):
    pass


class ConditionListView(ListView):
    def get_queryset(self):
        return Condition.objects.published().with_ivig_use().order_by("-treated_with_ivig", "name")


class ConditionDetailView(PreviewMixin, DetailView):
    model = Condition

    def with_page_data(self, queryset):
        return with_review_note(queryset)

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
    model = Product

    def with_page_data(self, queryset):
        return with_review_note(queryset.for_detail())

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
        groups = {seriousness: [] for seriousness in reversed(SideEffect.Seriousness)}
        for effect in self.object_list:
            groups[SideEffect.Seriousness(effect.seriousness)].append(effect)
        return super().get_context_data(groups=[(key.label, items) for key, items in groups.items() if items], **kwargs)


class SideEffectDetailView(PreviewMixin, DetailView):
    model = SideEffect

    def with_page_data(self, queryset):
        return with_review_note(queryset)

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
    model = Contributor

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
    pass


class ProductPreviewView(StaffPreviewMixin, ProductDetailView):
    pass


class SideEffectPreviewView(StaffPreviewMixin, SideEffectDetailView):
    pass


class ContributorPreviewView(StaffPreviewMixin, ContributorDetailView):
    pass
