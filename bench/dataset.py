"""
The benchmark's synthetic site: the demo content plus enough published articles to reach a given size.

Every row is written as a reviewer leaves it (status published, a publication time in the past, a
fact-checker, review dates), so what the bench measures is exactly what readers see through
``published()``. Rows go in with ``bulk_create``: no save hooks, no version history, no workflow events; related
rows are given ids, not objects (Django's descriptors cost more than the rest of building them).

    python -m bench.dataset 10000 [--no-derive]   (run by ``python -m bench`` with DATABASE_URL set; prints JSON)

One function per model family; :func:`build` calls them in order.
"""

import datetime
import json
import random
import sys
from dataclasses import dataclass, field

# At 10,000 articles the issue's numbers were measured with 4,503 about ITP: close to half of them.
ITP_SHARE = 0.45
MAX_SOURCES = 50_000
SOURCES_PER_ARTICLE = 5
CITATIONS = (5, 40)
SIDE_EFFECTS = (3, 10)
PRODUCTS = (1, 8)
CONDITIONS = (1, 3)
EXTRA_CONDITIONS = 40
EXTRA_SIDE_EFFECTS = 30
EXTRA_PRODUCTS = 16
EXTRA_WRITERS = 24
EXTRA_FACT_CHECKERS = 6
# A search term most ITP articles contain, and one about a hundredth of all articles do.
COMMON_TERM, RARE_TERM = "platelet", "eltrombopag"
RARE_SHARE = 0.01
BATCH = 2000

VOCABULARY = (
    "infusion nurse dose antibodies immune treatment clinic weight hospital symptoms fatigue hydration "
    "premedication schedule insurance plasma donors batch reaction monitoring blood pressure pump vein "
    "appointment doctor diagnosis relapse remission tests kidney protein levels response therapy weeks "
    "months family school work travel vaccine infection fever headache rate hours chair pharmacy label"
)
WORDS = VOCABULARY.split()
SECTIONS = [
    "What it is",
    "Who it helps",
    "Before the infusion",
    "On the day",
    "Side effects to watch for",
    "Questions to ask",
]


@dataclass
class Built:
    """What :func:`build` made, and the pages the bench measures."""

    size: int
    counts: dict = field(default_factory=dict)
    pages: dict = field(default_factory=dict)


def build(size, seed=13, with_demo=True, derive=True):
    """
    Fill the database up to ``size`` published articles; return a :class:`Built`. With ``derive=False`` the
    stored page parts and search vectors are left for the caller to build (the bench does, in parallel).
    """
    from django.core.management import call_command
    from django.db import transaction

    from articles.demo_content import load_demo_content

    rng = random.Random(seed)
    now = datetime.datetime.now(tz=datetime.UTC)
    if with_demo:
        load_demo_content(verbosity=0)
    with transaction.atomic():
        people = build_contributors(rng, now)
        reviewed = Published(rng, now, people["fact_checkers"])
        conditions = build_conditions(reviewed)
        side_effects = build_side_effects(reviewed)
        products = build_products(reviewed, conditions, side_effects)
        sources = build_sources(reviewed, min(MAX_SOURCES, SOURCES_PER_ARTICLE * size))
        build_articles(reviewed, size, people["writers"], conditions, side_effects, products, sources)
        # Everything above is what a reviewer leaves behind; below, what publishing derives from it: the
        # stored page parts (render at publication) and the stored search vectors (PostgreSQL). The planner is
        # told about the rows first, as autovacuum would have: it would otherwise plan for empty tables.
        analyze()
        if derive:
            call_command("render_published", verbosity=0)
            call_command("rebuild_search_index", verbosity=0)
    return Built(size=size, counts=count_rows(), pages=pages_to_measure())


def analyze():
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")


class Published:
    """The review fields of a published record, with dates drawn from ``rng`` (all in the past)."""

    def __init__(self, rng, now, fact_checkers):
        self.rng, self.now, self.fact_checkers = rng, now, fact_checkers

    def fields(self):
        from review.models import Status

        published_at = self.now - datetime.timedelta(days=self.rng.uniform(2, 3 * 365))
        published_on = published_at.date()
        updated_on = min(published_on + datetime.timedelta(days=self.rng.randint(0, 200)), self.now.date())
        return {
            "status": Status.PUBLISHED,
            "published_at": published_at,
            "last_updated": updated_on,
            "fact_checker": self.rng.choice(self.fact_checkers),
            "last_reviewed_on": updated_on,
            "next_review_due": self.now.date() + datetime.timedelta(days=self.rng.randint(30, 365)),
        }


def words(rng, count):
    return " ".join(rng.choices(WORDS, k=count))


def build_contributors(rng, now):
    from articles.models import Contributor
    from review.models import Status

    published = {
        "status": Status.PUBLISHED,
        "published_at": now - datetime.timedelta(days=900),
        "last_reviewed_on": (now - datetime.timedelta(days=60)).date(),
        "next_review_due": (now + datetime.timedelta(days=300)).date(),
    }
    new = [
        Contributor(
            name=f"Bench Writer {n}", slug=f"bench-writer-{n}", credentials="RN", is_writer=True,
            bio=f"<p>{words(rng, 30)}</p>", **published,
        )
        for n in range(EXTRA_WRITERS)
    ] + [
        Contributor(
            name=f"Bench Reviewer {n}", slug=f"bench-reviewer-{n}", credentials="MD", is_fact_checker=True,
            is_medical_reviewer=True, bio=f"<p>{words(rng, 30)}</p>", **published,
        )
        for n in range(EXTRA_FACT_CHECKERS)
    ]  # fmt: skip
    if not Contributor.objects.filter(slug__startswith="bench-").exists():
        Contributor.objects.bulk_create(new)
    live = Contributor.objects.published().originals()
    return {"writers": list(live.filter(is_writer=True)), "fact_checkers": list(live.filter(is_fact_checker=True))}


def build_conditions(reviewed):
    from articles.models import Condition

    rng = reviewed.rng
    Condition.objects.filter(slug__startswith="bench-").exists() or Condition.objects.bulk_create(
        Condition(
            name=f"Bench condition {n}",
            slug=f"bench-condition-{n}",
            summary=words(rng, 25),
            overview=f"<p>{words(rng, 120)}</p>",
            treatment=f"<p>{words(rng, 120)}</p>",
            **reviewed.fields(),
        )
        for n in range(EXTRA_CONDITIONS)
    )
    return list(Condition.objects.published().originals().order_by("pk"))


def build_side_effects(reviewed):
    from articles.models import SideEffect

    rng = reviewed.rng
    seriousness = [SideEffect.Seriousness.MILD, SideEffect.Seriousness.SERIOUS]
    SideEffect.objects.filter(slug__startswith="bench-").exists() or SideEffect.objects.bulk_create(
        SideEffect(
            name=f"Bench side effect {n}",
            slug=f"bench-side-effect-{n}",
            seriousness=seriousness[n % 2],
            description=words(rng, 40),
            what_helps=words(rng, 25),
            when_to_seek_help=words(rng, 20),
            **reviewed.fields(),
        )
        for n in range(EXTRA_SIDE_EFFECTS)
    )
    return list(SideEffect.objects.published().originals().order_by("pk"))


def build_products(reviewed, conditions, side_effects):
    from articles.models import Frequency, Product, ProductApproval, ProductSideEffect

    rng = reviewed.rng
    if Product.objects.filter(slug__startswith="benchgam-").exists():
        return list(Product.objects.published().originals().order_by("pk"))
    new = Product.objects.bulk_create(
        Product(
            brand_name=f"Benchgam {n}",
            slug=f"benchgam-{n}",
            nonproprietary_name="immune globulin intravenous (human), 10% liquid",
            manufacturer=f"Bench Biologics {n % 4}",
            concentration="10%",
            notes=words(rng, 30),
            **reviewed.fields(),
        )
        for n in range(EXTRA_PRODUCTS)
    )
    ProductApproval.objects.bulk_create(
        ProductApproval(product=product, condition=condition, region="US", year=rng.randint(1990, 2024))
        for product in new
        for condition in rng.sample(conditions, 3)
    )
    ProductSideEffect.objects.bulk_create(
        ProductSideEffect(product=product, side_effect=effect, frequency=rng.choice(list(Frequency)))
        for product in new
        for effect in rng.sample(side_effects, 8)
    )
    return list(Product.objects.published().originals().order_by("pk"))


def build_sources(reviewed, total):
    """Top the library up to ``total`` published journal articles, each with one to six authors."""
    from references.models import Source, SourceAuthor

    rng = reviewed.rng
    have = Source.objects.published().originals().count()
    for start in range(0, max(0, total - have), BATCH):
        batch = Source.objects.bulk_create(
            Source(
                title=f"{words(rng, 8).capitalize()}: a study of {rng.choice(WORDS)} in immune disorders",
                publication=rng.choice(["Blood", "Front Immunol", "J Allergy Clin Immunol", "Transfusion"]),
                year=rng.randint(1995, 2025),
                volume=str(rng.randint(1, 150)),
                issue=str(rng.randint(1, 12)),
                pages=f"{(first := rng.randint(1, 900))}-{first + rng.randint(3, 20)}",
                doi=f"10.5555/bench.{n}",
                pmid=str(40_000_000 + n),
                citation_key=f"bench-{n}",
                **reviewed.fields(),
            )
            for n in range(have + start, min(have + start + BATCH, total))
        )
        SourceAuthor.objects.bulk_create(
            SourceAuthor(
                source_id=source.pk, position=position, family_name=f"Author{rng.randint(1, 9999)}", given_names="A B"
            )
            for source in batch
            for position in range(1, rng.randint(1, 6) + 1)
        )
    return list(Source.objects.published().originals().values_list("pk", "citation_key"))


def build_articles(reviewed, size, writers, conditions, side_effects, products, sources):
    """
    Top the published articles up to ``size``, each with its conditions (close to half of them ITP),
    products, side effects, citations, and a body that cites some of its sources with [cite:…] markers.
    """
    from django.contrib.contenttypes.models import ContentType

    from articles.models import Article, ArticleSideEffect, Frequency
    from references.models import Citation

    rng = reviewed.rng
    itp = next(condition for condition in conditions if condition.slug == "itp")
    others = [condition for condition in conditions if condition.pk != itp.pk]
    article_type = ContentType.objects.get_for_model(Article)
    texts = [words(rng, rng.randint(40, 90)).capitalize() for _ in range(500)]
    have = Article.objects.published().originals().count()
    for start in range(have, size, BATCH):
        plans = []
        for n in range(start, min(start + BATCH, size)):
            chosen = rng.sample(others, rng.randint(*CONDITIONS))
            if rng.random() < ITP_SHARE:
                chosen[0] = itp
            cited = rng.sample(sources, min(len(sources), rng.randint(*CITATIONS)))
            terms = [COMMON_TERM, f"{COMMON_TERM} counts"] if itp in chosen else []
            if rng.random() < RARE_SHARE:
                terms.append(RARE_TERM)
            article = Article(
                title=f"{rng.choice(SECTIONS)}: {words(rng, 5)} ({n})",
                slug=f"bench-article-{n}",
                kind=rng.choice(list(Article.Kind)),
                dek=words(rng, 30)[:290],
                body=article_body(rng, texts, [key for _, key in cited if key], terms),
                author=rng.choice(writers),
                funding_disclosure="None.",
                conflict_of_interest="None.",
                **reviewed.fields(),
            )
            plans.append((article, chosen, cited))
        Article.objects.bulk_create([article for article, _, _ in plans])
        through = {"conditions": Article.conditions.through, "products": Article.products.through}
        through["conditions"].objects.bulk_create(
            through["conditions"](article_id=article.pk, condition_id=condition.pk)
            for article, chosen, _ in plans
            for condition in chosen
        )
        through["products"].objects.bulk_create(
            through["products"](article_id=article.pk, product_id=product.pk)
            for article, _, _ in plans
            for product in rng.sample(products, rng.randint(*PRODUCTS))
        )
        ArticleSideEffect.objects.bulk_create(
            ArticleSideEffect(
                article_id=article.pk, side_effect_id=effect.pk, frequency=rng.choice(list(Frequency)), position=i
            )
            for article, _, _ in plans
            for i, effect in enumerate(rng.sample(side_effects, rng.randint(*SIDE_EFFECTS)), start=1)
        )
        Citation.objects.bulk_create(
            Citation(content_type=article_type, object_id=article.pk, source_id=pk, position=i)
            for article, _, cited in plans
            for i, (pk, _) in enumerate(cited, start=1)
        )


def article_body(rng, texts, cited_keys, terms):
    """
    Six sections of two to four paragraphs drawn from ``texts``, citing some of the article's sources with
    [cite:…] markers; the first paragraph names the search ``terms``.
    """
    sections = []
    for title in SECTIONS:
        paragraphs = []
        for _ in range(rng.randint(2, 4)):
            marker = f" [cite:{rng.choice(cited_keys)}]" if cited_keys and rng.random() < 0.6 else ""
            mention = f" Ask your care team about {' and '.join(terms)}." if terms else ""
            paragraphs.append(f"<p>{rng.choice(texts)}.{mention}{marker}</p>")
            terms = ()
        sections.append(f"<h2>{title}</h2>" + "".join(paragraphs))
    return "".join(sections)


def count_rows():
    from articles.models import Article, Condition, Product, SideEffect
    from references.models import Citation, Source

    itp = Condition.objects.published().originals().get(slug="itp")
    return {
        "published articles": Article.objects.published().originals().count(),
        "articles about ITP": Article.objects.published().filter(conditions=itp).count(),
        "sources": Source.objects.published().originals().count(),
        "citations": Citation.objects.count(),
        "conditions": Condition.objects.published().originals().count(),
        "products": Product.objects.published().originals().count(),
        "side effects": SideEffect.objects.published().originals().count(),
    }


def pages_to_measure():
    """``{name: path}``: the reader pages the bench drives, chosen from what is in the database."""
    from django.db.models import Count
    from django.urls import reverse

    from articles.models import Article, Condition, Product, SideEffect
    from articles.views import ArticleListView

    published = Article.objects.published().originals()
    guide = published.filter(slug="ivig-therapy").first() or (
        published.annotate(cited=Count("citations")).order_by("-cited", "pk").first()
    )
    product = Product.objects.published().annotate(n=Count("articles")).order_by("-n", "pk").first()
    effect = SideEffect.objects.published().annotate(n=Count("articles")).order_by("-n", "pk").first()
    last_page = max(1, -(-published.count() // ArticleListView.paginate_by))
    return {
        "home": reverse("articles:home"),
        "guide": guide.get_absolute_url(),
        "condition": Condition.objects.published().get(slug="itp").get_absolute_url(),
        "product": product.get_absolute_url(),
        "side_effect": effect.get_absolute_url(),
        "list": reverse("articles:article_list"),
        "list_deep": f"{reverse('articles:article_list')}?page={last_page}",
        "search": f"/search/?q={COMMON_TERM}",
        "search_rare": f"/search/?q={RARE_TERM}",
        "sitemap": "/sitemap.xml",
        "feed": reverse("articles:rss"),
    }


def main():
    import os

    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ivig_site.settings")
    django.setup()
    size = int(sys.argv[1])
    built = build(size, derive="--no-derive" not in sys.argv)
    print(json.dumps({"size": built.size, "counts": built.counts, "pages": built.pages}))


if __name__ == "__main__":
    main()
