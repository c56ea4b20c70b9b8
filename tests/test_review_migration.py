"""
The upgrade that brought every reviewed model under review: what readers saw before stays published and
is recorded as such, what they did not see stays hidden, and the articles' records move to the shared ones.
"""

import datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

BEFORE = [
    ("articles", "0004_editor_and_reviewer_groups"),
    ("references", "0003_citations_retractions_keys"),
    ("pages", "0001_initial"),
    ("review", None),
]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    executor.loader.build_graph()
    return executor.loader.project_state([target for target in targets if target[1]]).apps


@pytest.fixture
def upgraded(transactional_db, django_user_model):
    old = migrate(BEFORE)
    user = old.get_model("auth", "User").objects.create(username="olivia", is_staff=True)
    Condition = old.get_model("articles", "Condition")
    shown = Condition.objects.create(name="Shown", slug="shown", summary="On the site.", is_published=True)
    hidden = Condition.objects.create(name="Hidden", slug="hidden", summary="Not yet.", is_published=False)
    Page = old.get_model("pages", "Page")
    Page.objects.create(title="Disclaimer", slug="disclaimer", body="<p>x</p>", is_published=True)
    Page.objects.create(title="Draft policy", slug="draft-policy", body="<p>x</p>", is_published=False)
    Contributor = old.get_model("articles", "Contributor")
    author = Contributor.objects.create(name="Ana Author", slug="ana-author", is_writer=True)
    old.get_model("articles", "SideEffect").objects.create(name="Chills", slug="chills", description="Cold.")
    old.get_model("articles", "Product").objects.create(
        brand_name="Gamma", slug="gamma", nonproprietary_name="immune globulin", manufacturer="Example"
    )
    source = old.get_model("references", "Source").objects.create(title="A trial", year=2020)
    article = old.get_model("articles", "Article").objects.create(
        title="IVIG guide",
        slug="ivig-guide",
        dek="About IVIG.",
        body="<p>Text.</p>",
        author=author,
        status="published",
        published_at=timezone.now() - datetime.timedelta(days=3),
        funding_disclosure="None.",
        conflict_of_interest="None.",
    )
    old.get_model("references", "Citation").objects.create(article=article, source=source, position=1)
    old.get_model("articles", "ArticleEvent").objects.create(article=article, actor=user, action="publish")
    old.get_model("articles", "FactCheck").objects.create(
        article=article, reviewer=user, contributor=author, lock_version=1, snapshot={"title": "IVIG guide"}
    )

    migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
    return {"shown": shown.pk, "hidden": hidden.pk, "article": article.pk, "user": user.pk}


def test_the_upgrade_keeps_what_readers_saw_says_so_and_moves_the_article_records(upgraded, client):
    """One test for the three outcomes: each migration round trip costs half a minute."""
    from articles.models import Article, Condition, Contributor, Product, SideEffect
    from pages.models import Page
    from references.models import Source
    from review.models import FactCheck, ReviewEvent

    # What readers saw stays published; nothing hidden appears.
    assert Condition.objects.get(pk=upgraded["shown"]).is_live
    assert not Condition.objects.get(pk=upgraded["hidden"]).is_live
    assert Page.objects.get(slug="disclaimer").is_live and not Page.objects.get(slug="draft-policy").is_live
    for model in (Contributor, Product, SideEffect, Source):
        assert model.objects.get().is_live
    assert client.get("/conditions/shown/").status_code == 200
    assert client.get("/conditions/hidden/").status_code == 404
    assert client.get("/about/draft-policy/").status_code == 404

    # Each record's history says why it is published.
    event = ReviewEvent.objects.for_object(Product.objects.get()).get()
    assert event.action == "upgrade" and "recorded as published by the upgrade" in event.comment

    # The article's records and citations move to the shared ones.
    article = Article.objects.get(pk=upgraded["article"])
    assert [c.source.title for c in article.citations.all()] == ["A trial"]
    assert ReviewEvent.objects.for_object(article).get().actor_id == upgraded["user"]
    assert FactCheck.objects.for_object(article).get().snapshot == {"title": "IVIG guide"}
    assert "A trial" in client.get("/articles/ivig-guide/").content.decode()
