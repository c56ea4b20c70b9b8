from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import F, IntegerField, Prefetch, Value
from django.http import Http404
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.views.generic import DetailView, ListView, TemplateView

from feedback.forms import FeedbackForm
from ivig_site.numbers import whole_number
from review.rendering import with_stored_parts
from translations.reading import localize, translated_only
from translations.views import TranslatedPageMixin

from .care import condition_card
from .models import Article, Condition, Contributor, Product, ProductSideEffect, SideEffect
from .publishing import breadcrumbs, page_context, reviewed_on

RELATED_ARTICLES = 4
RECENT_ARTICLES = 5
ARTICLES_PER_PAGE = 20


class ArticlePage(list):
    """
    One page of a list of articles, found without counting them all (a condition may hold thousands): it reads
    one row more than it shows to know whether a next page exists. Offers what includes/_pagination.html uses.
    ``articles`` is an article queryset; a deep page costs what the first does (``page_slice()``).
    """

    paginator = None

    def __init__(self, articles, number):
        self.number = number
        start = (number - 1) * ARTICLES_PER_PAGE
        rows = list(articles.page_slice(start, start + ARTICLES_PER_PAGE + 1))
        super().__init__(rows[:ARTICLES_PER_PAGE])
        self._has_next = len(rows) > ARTICLES_PER_PAGE

    def has_next(self):
        return self._has_next

    def has_previous(self):
        return self.number > 1

    def has_other_pages(self):
        return self.has_next() or self.has_previous()

    def next_page_number(self):
        return self.number + 1

    def previous_page_number(self):
        return self.number - 1


class ArticlePaginator(Paginator):
    """Django's paginator for an article queryset, reading a page as ``page_slice()`` does (see ArticlePage)."""

    def page(self, number):
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if top + self.orphans >= self.count:
            top = self.count
        return self._get_page(self.object_list.page_slice(bottom, top), number, self)


def article_page(request, articles, param="page"):
    """The page of ``articles`` the ``param`` query parameter asks for; anything but a page number shows page 1."""
    return ArticlePage(articles, whole_number(request.GET.get(param, ""), minimum=1, maximum=99_999) or 1)


def with_review_note(queryset):
    """What a page's review note needs besides its stored parts (the numbered sources): its reviewers."""
    return with_stored_parts(queryset).select_related("fact_checker", "medical_reviewer")


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
    translated = True  # lists what is published in the page's language

    def get_context_data(self, **kwargs):
        published = translated_only(Article.objects.published())
        featured = published.filter(kind=Article.Kind.THERAPY_GUIDE).select_related("author").first()
        return super().get_context_data(
            featured_guide=localize([featured])[0] if featured else None,
            latest_articles=localize(published.exclude(pk=featured.pk if featured else None).for_listing()[:6]),
            conditions=localize(translated_only(Condition.objects.published().treated_with_ivig())),
            **kwargs,
        )


class ArticleListView(ListView):
    paginate_by = 20
    paginator_class = ArticlePaginator
    translated = True

    def get_queryset(self):
        return translated_only(Article.objects.published()).for_listing()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["object_list"] = context["article_list"] = localize(context["object_list"])
        return context

    def paginate_queryset(self, queryset, page_size):
        # Django's int() would read "٣" as page 3: a page number is ASCII digits, as everywhere else.
        asked = self.request.GET.get(self.page_kwarg, "1")
        if asked != "last" and whole_number(asked, minimum=1) is None:
            raise Http404("There is no such page of articles.")
        return super().paginate_queryset(queryset, page_size)


class ArticleDetailView(TranslatedPageMixin, PreviewMixin, DetailView):
    model = Article

    def with_page_data(self, queryset):
        # What the page shows live; the body, sources, side effects and JSON-LD come from page_context().
        return (
            with_stored_parts(queryset)
            .select_related("author", "fact_checker", "medical_reviewer")
            .prefetch_related(
                Prefetch("conditions", queryset=Condition.objects.published().order_by("name")),
                Prefetch("products", queryset=Product.objects.published().for_listing()),
            )
        )

    def get_context_data(self, **kwargs):
        article = self.object
        conditions = localize(article.conditions.all())
        products = list(article.products.all())
        published = translated_only(Article.objects.published())
        related = localize(published.related_to(article, RELATED_ARTICLES).for_listing())
        # Recent articles are a list of titles and dates, not cards: no author or conditions to fetch.
        recent = localize(
            published.exclude(pk__in=[article.pk, *(other.pk for other in related)]).newest_first()[:RECENT_ARTICLES]
        )
        return super().get_context_data(
            conditions=conditions,
            products=products,
            breadcrumbs=breadcrumbs(article, conditions),
            reviewed_on=reviewed_on(article),
            related_articles=related,
            recent_articles=recent,
            feedback_form=FeedbackForm() if article.is_live else None,
            **page_context(self.parts_record(), self.request),
            **kwargs,
        )


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
    translated = True

    def get_queryset(self):
        published = translated_only(Condition.objects.published())
        return published.with_ivig_use().order_by("-treated_with_ivig", "name")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["object_list"] = context["condition_list"] = localize(context["object_list"])
        return context


class ConditionDetailView(TranslatedPageMixin, PreviewMixin, DetailView):
    model = Condition

    def with_page_data(self, queryset):
        return with_review_note(queryset)

    def get_context_data(self, **kwargs):
        condition = self.object
        original = condition.draft_of or condition  # a new version's page lists what links to the published one
        articles = article_page(
            self.request, translated_only(Article.objects.published()).filter(conditions=original).for_listing()
        )
        localize(articles)
        approvals = list(
            original.approvals.filter(product__in=Product.objects.published())
            .select_related("product")
            .order_by("product__brand_name", "region")
        )
        return super().get_context_data(
            articles_by_kind=group_by_kind(articles),
            articles_page=articles,
            approvals=approvals,
            care=condition_card(condition),
            related_conditions=localize(condition.related_conditions.published()),
            **page_context(self.parts_record(), self.request),
            **kwargs,
        )


class ProductListView(ListView):
    def get_queryset(self):
        return Product.objects.published().for_listing()


class ProductDetailView(PreviewMixin, DetailView):
    model = Product

    def with_page_data(self, queryset):
        return with_review_note(queryset.for_listing())

    def get_context_data(self, **kwargs):
        product = self.object
        approvals = list(product.approvals.all())
        return super().get_context_data(
            approvals=approvals,
            articles=article_page(
                self.request, Article.objects.published().filter(products=product.draft_of or product).for_listing()
            ),
            **page_context(product, self.request),
            **kwargs,
        )


class SideEffectListView(ListView):
    translated = True

    def get_queryset(self):
        return translated_only(SideEffect.objects.published())

    def get_context_data(self, **kwargs):
        groups = {seriousness: [] for seriousness in reversed(SideEffect.Seriousness)}
        for effect in localize(self.object_list):
            groups[SideEffect.Seriousness(effect.seriousness)].append(effect)
        return super().get_context_data(groups=[(key.label, items) for key, items in groups.items() if items], **kwargs)


class SideEffectDetailView(TranslatedPageMixin, PreviewMixin, DetailView):
    model = SideEffect

    def with_page_data(self, queryset):
        return with_review_note(queryset)

    def get_context_data(self, **kwargs):
        effect = self.object
        original = effect.draft_of or effect  # a new version's page lists what links to the published one
        published = translated_only(Article.objects.published())
        articles = article_page(self.request, published.filter(side_effects=original).for_listing())
        localize(articles)  # the page's own list, titles in the page's language
        return super().get_context_data(
            product_links=ProductSideEffect.objects.filter(
                side_effect=original, product__in=Product.objects.published()
            ).select_related("product"),
            **page_context(self.parts_record(), self.request),
            articles=articles,
            **kwargs,
        )


class ContributorDetailView(PreviewMixin, DetailView):
    model = Contributor

    def get_context_data(self, **kwargs):
        """What this person wrote, fact-checked and medically reviewed: a fixed number of queries however much."""
        published = Article.objects.published().for_listing()
        person = self.object.draft_of if self.object.is_working_copy else self.object
        return super().get_context_data(
            written=article_page(self.request, published.filter(author=person)),
            fact_checked=article_page(self.request, published.filter(fact_checker=person), param="checked"),
            medically_reviewed=article_page(self.request, published.filter(medical_reviewer=person), param="reviewed"),
            medically_reviewed_pages=medically_reviewed_pages(person),
            **kwargs,
        )


# The other pages a clinician may medically review, and the field that names each.
MEDICALLY_REVIEWED_KINDS = ((Condition, "name"), (Product, "brand_name"), (SideEffect, "name"))


def medically_reviewed_pages(person):
    """``[(kind, [record, ...]), ...]``: the condition, product and side-effect pages ``person`` medically
    reviewed, fetched in one query (a union) however many kinds there are."""
    kinds = [
        model.objects.published()
        .filter(medical_reviewer=person)
        .order_by()
        .annotate(kind=Value(index, output_field=IntegerField()), title=F(field))
        .values_list("pk", "slug", "kind", "title")
        for index, (model, field) in enumerate(MEDICALLY_REVIEWED_KINDS)
    ]
    groups = {}
    for pk, slug, kind, title in kinds[0].union(*kinds[1:], all=True).order_by("kind", "title"):
        model, field = MEDICALLY_REVIEWED_KINDS[kind]
        groups.setdefault(kind, []).append(model(pk=pk, slug=slug, **{field: title}))
    return [(MEDICALLY_REVIEWED_KINDS[kind][0]._meta.verbose_name_plural, records) for kind, records in groups.items()]


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
