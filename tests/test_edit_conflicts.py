"""
Two editors with the same record open: a save never reverts what the saver did not touch. Ana and Ben are real
members of Editors; each opens the admin form as a browser does, and whoever saves second is merged with the
first, part by part (fields, many-to-many, inline rows), or asked to choose where both changed the same part.
"""

import pytest
from django.core import signing

from articles.models import Article, ArticleSideEffect
from references.models import Citation, Source
from review.models import Status
from tests.admin_forms import _AdminFormReader, admin_change_url
from tests.factories import (
    ArticleFactory,
    ArticleSideEffectFactory,
    ConditionFactory,
    ContributorFactory,
    SideEffectFactory,
    SourceAuthorFactory,
    SourceFactory,
)
from tests.people import member_of

pytestmark = pytest.mark.django_db

SIDE_EFFECTS = "article_side_effects"
LESS = "less_common"


@pytest.fixture
def ana():
    return editor_called("ana", "Ana")


@pytest.fixture
def ben():
    return editor_called("ben", "Ben")


def editor_called(username, first_name):
    user = member_of("Editors", username)
    user.first_name = first_name
    user.save()
    return user


def read_form(html):
    reader = _AdminFormReader()
    reader.feed(html)
    return reader.data


def open_form(client, user, record):
    """What ``user``'s browser holds after opening ``record``'s change form."""
    client.force_login(user)
    return read_form(client.get(admin_change_url(record)).content.decode())


def save(client, user, record, form, **changes):
    """``user`` presses Save on ``form`` (as opened earlier) with some fields changed."""
    client.force_login(user)
    values = {name: value if isinstance(value, list) else [value] for name, value in changes.items()}
    return client.post(admin_change_url(record), {**form, **values})


def messages_of(response):
    return [str(message) for message in response.wsgi_request._messages]


def saved(record):
    return type(record).objects.get(pk=record.pk)


def side_effect_rows(article):
    rows = ArticleSideEffect.objects.filter(article=article).order_by("position")
    return list(rows.values_list("side_effect__name", "frequency"))


def conflict_panel(response):
    """The "Saved version vs. your form" panel above the form's fields."""
    page = response.content.decode()
    start = page.index('id="edit-merge"')
    return page[start : page.index('<fieldset class="module', start)]


# --- The case: a field only the other editor changed is kept -------------------------------------------


def test_a_save_keeps_a_field_only_the_other_editor_changed(client, ana, ben):
    article = ArticleFactory(draft=True, title="Infusion day", dek="What happens on the day.")
    bens_form = open_form(client, ben, article)
    assert save(client, ana, article, open_form(client, ana, article), dek="Ana's better summary.").status_code == 302

    response = save(client, ben, article, bens_form, title="Your infusion day")

    assert response.status_code == 302
    article = saved(article)
    assert (article.title, article.dek) == ("Your infusion day", "Ana's better summary.")
    said = " ".join(messages_of(response))
    assert "Ana saved this article after you opened it" in said
    assert "Kept Ana’s change to the summary." in said and "Saved your change to the title." in said


def test_saving_an_untouched_stale_form_reverts_nothing(client, ana, ben):
    condition = ConditionFactory()
    article = ArticleFactory(draft=True, body="<p>First text.</p>", kind=Article.Kind.NEWS)
    bens_form = open_form(client, ben, article)
    author = ContributorFactory(name="Nia Writer")
    changes = {
        "body": "<p>Ana rewrote the text.</p>",
        "kind": Article.Kind.COLUMN,
        "author": str(author.pk),
        "conditions": [str(condition.pk)],
    }
    save(client, ana, article, open_form(client, ana, article), **changes)

    assert save(client, ben, article, bens_form).status_code == 302

    article = saved(article)
    assert article.body == "<p>Ana rewrote the text.</p>"
    assert (article.kind, article.author) == (Article.Kind.COLUMN, author)
    assert list(article.conditions.all()) == [condition]


def test_a_field_i_changed_is_saved_over_an_older_version(client, ana, ben):
    article = ArticleFactory(draft=True, title="Infusion day", body="<p>Old text.</p>")
    bens_form = open_form(client, ben, article)
    save(client, ana, article, open_form(client, ana, article), title="Ana's title")

    response = save(client, ben, article, bens_form, body="<p>Ben's text.</p>")

    assert response.status_code == 302
    assert (saved(article).title, saved(article).body) == ("Ana's title", "<p>Ben's text.</p>")


def test_both_making_the_same_change_saves_without_a_question(client, ana, ben):
    article = ArticleFactory(draft=True, title="Infusion day")
    bens_form = open_form(client, ben, article)
    save(client, ana, article, open_form(client, ana, article), title="Your infusion day")

    assert save(client, ben, article, bens_form, title="Your infusion day").status_code == 302
    assert saved(article).title == "Your infusion day"


# --- Both changed the same field: refused, shown side by side, resolved by a choice -----------------------------


def test_both_changing_a_field_is_refused_and_shows_both_versions_side_by_side(client, ana, ben):
    article = ArticleFactory(draft=True, title="Infusion day", dek="What happens on the day.")
    bens_form = open_form(client, ben, article)
    save(client, ana, article, open_form(client, ana, article), title="Ana's title for the day")

    response = save(client, ben, article, bens_form, title="Ben's title for the day", dek="Ben's summary.")

    assert response.status_code == 200
    page = response.content.decode()
    assert "Ana saved this article" in page and "you both changed the title" in page
    assert "have NOT been saved" in page
    panel = conflict_panel(response)
    assert "Saved version vs. your form" in panel and "Saved by Ana (theirs)" in panel and "Your form (mine)" in panel
    assert "<mark>Ana&#x27;s </mark>" in panel and "<mark>Ben&#x27;s </mark>" in panel  # word by word
    assert "Keep theirs" in panel and "Keep mine" in panel
    form = read_form(page)
    assert form["title"] == ["Ben's title for the day"] and form["dek"] == ["Ben's summary."]  # Ben's input kept
    assert (saved(article).title, saved(article).dek) == ("Ana's title for the day", "What happens on the day.")


def test_keep_mine_saves_my_version_and_still_keeps_their_other_changes(client, ana, ben):
    article = ArticleFactory(draft=True, title="Infusion day", dek="What happens on the day.")
    bens_form = open_form(client, ben, article)
    save(client, ana, article, open_form(client, ana, article), title="Ana's title", dek="Ana's summary.")
    refused = save(client, ben, article, bens_form, title="Ben's title")

    form = read_form(refused.content.decode())
    assert form["keep-title"] == ["mine"]  # what the form holds is what is saved unless Ben says otherwise
    assert form["dek"] == ["Ana's summary."]  # the page shows what the next save keeps
    response = save(client, ben, article, form)

    assert response.status_code == 302
    assert (saved(article).title, saved(article).dek) == ("Ben's title", "Ana's summary.")


def test_keep_theirs_saves_their_version_and_my_other_changes(client, ana, ben):
    article = ArticleFactory(draft=True, title="Infusion day", body="<p>Old text.</p>")
    bens_form = open_form(client, ben, article)
    save(client, ana, article, open_form(client, ana, article), title="Ana's title")
    refused = save(client, ben, article, bens_form, title="Ben's title", body="<p>Ben's text.</p>")

    response = save(client, ben, article, read_form(refused.content.decode()), **{"keep-title": "theirs"})

    assert response.status_code == 302
    assert (saved(article).title, saved(article).body) == ("Ana's title", "<p>Ben's text.</p>")


def test_a_choice_made_against_an_older_save_is_asked_again(client, ana, ben, django_user_model):
    cleo = editor_called("cleo", "Cleo")
    article = ArticleFactory(draft=True, title="Infusion day")
    bens_form = open_form(client, ben, article)
    save(client, ana, article, open_form(client, ana, article), title="Ana's title")
    refused = save(client, ben, article, bens_form, title="Ben's title")
    save(client, cleo, article, open_form(client, cleo, article), title="Cleo's title")

    response = save(client, ben, article, read_form(refused.content.decode()), **{"keep-title": "mine"})

    assert response.status_code == 200
    assert "Cleo&#x27;s" in conflict_panel(response) and "Ben&#x27;s" in conflict_panel(response)
    assert saved(article).title == "Cleo's title"


def test_rich_text_both_changed_shows_the_changed_paragraph_word_by_word(client, ana, ben):
    article = ArticleFactory(draft=True, body="<p>Most people feel fine.</p><p>Drink water before the infusion.</p>")
    bens_form = open_form(client, ben, article)
    ana_body = "<p>Most people feel fine.</p><p>Drink plenty of water before the infusion.</p>"
    save(client, ana, article, open_form(client, ana, article), body=ana_body)

    response = save(client, ben, article, bens_form, body="<p>Most people feel fine.</p><p>Drink water before it.</p>")

    assert response.status_code == 200
    panel = conflict_panel(response)
    assert "Drink <mark>plenty of </mark>water before <mark>the infusion.</mark>" in panel  # Ana's, in her column
    assert "Drink water before <mark>it.</mark>" in panel  # Ben's
    assert saved(article).body == ana_body


def test_a_refused_save_for_another_reason_shows_and_keeps_the_merged_field(client, ana, ben):
    article = ArticleFactory(draft=True, title="Infusion day", dek="What happens on the day.")
    bens_form = open_form(client, ben, article)
    save(client, ana, article, open_form(client, ana, article), dek="Ana's summary.")
    refused = save(client, ben, article, bens_form, title="", body="<p>Ben's text.</p>")

    assert refused.status_code == 200
    assert "Kept Ana’s change to the summary." in conflict_panel(refused)
    form = read_form(refused.content.decode())
    assert form["dek"] == ["Ana's summary."] and form["body"] == ["<p>Ben's text.</p>"]
    response = save(client, ben, article, form, title="Ben's title")

    assert response.status_code == 302
    article = saved(article)
    assert (article.title, article.dek, article.body) == ("Ben's title", "Ana's summary.", "<p>Ben's text.</p>")


# --- Many-to-many and foreign keys -----------------------------------------------------------------------------


def test_conditions_only_the_other_editor_changed_are_kept(client, ana, ben):
    first, second = ConditionFactory(), ConditionFactory()
    article = ArticleFactory(draft=True, conditions=[first])
    bens_form = open_form(client, ben, article)
    save(client, ana, article, open_form(client, ana, article), conditions=[str(first.pk), str(second.pk)])

    assert save(client, ben, article, bens_form, title="Ben's title").status_code == 302
    assert set(saved(article).conditions.all()) == {first, second}


def test_conditions_i_removed_stay_removed_when_the_other_editor_changed_something_else(client, ana, ben):
    first, second = ConditionFactory(), ConditionFactory()
    article = ArticleFactory(draft=True, conditions=[first, second])
    bens_form = open_form(client, ben, article)
    save(client, ana, article, open_form(client, ana, article), title="Ana's title")

    assert save(client, ben, article, bens_form, conditions=[str(first.pk)]).status_code == 302
    assert list(saved(article).conditions.all()) == [first]
    assert saved(article).title == "Ana's title"


def test_conditions_both_changed_are_a_conflict_naming_each_condition(client, ana, ben):
    first = ConditionFactory(name="Kawasaki disease")
    second = ConditionFactory(name="Immune thrombocytopenia")
    third = ConditionFactory(name="Guillain-Barré syndrome")
    article = ArticleFactory(draft=True, conditions=[first])
    bens_form = open_form(client, ben, article)
    save(client, ana, article, open_form(client, ana, article), conditions=[str(first.pk), str(second.pk)])

    response = save(client, ben, article, bens_form, conditions=[str(first.pk), str(third.pk)])

    assert response.status_code == 200
    panel = conflict_panel(response)
    assert "Immune thrombocytopenia" in panel and "Guillain-Barré syndrome" in panel
    assert set(saved(article).conditions.all()) == {first, second}
    resolved = save(client, ben, article, read_form(response.content.decode()), **{"keep-conditions": "theirs"})
    assert resolved.status_code == 302
    assert set(saved(article).conditions.all()) == {first, second}


# --- Inline rows: each inline is one part ---------------------------------------------------------------------


def test_inline_rows_only_the_other_editor_changed_are_kept(client, ana, ben):
    article = ArticleFactory(draft=True)
    row = ArticleSideEffectFactory(article=article, side_effect=SideEffectFactory(name="Headache"), position=1)
    bens_form = open_form(client, ben, article)
    anas_form = open_form(client, ana, article)
    extra = SideEffectFactory(name="Chills")
    save(
        client,
        ana,
        article,
        anas_form,
        **{f"{SIDE_EFFECTS}-0-frequency": "rare", f"{SIDE_EFFECTS}-1-side_effect": str(extra.pk),
           f"{SIDE_EFFECTS}-1-position": "2", f"{SIDE_EFFECTS}-1-frequency": "common"},
    )  # fmt: skip
    assert side_effect_rows(article) == [("Headache", "rare"), ("Chills", "common")]

    response = save(client, ben, article, bens_form, title="Ben's title")

    assert response.status_code == 302
    assert side_effect_rows(article) == [("Headache", "rare"), ("Chills", "common")]
    assert saved(article).title == "Ben's title"
    assert ArticleSideEffect.objects.filter(pk=row.pk).exists()


def test_an_inline_row_the_other_editor_deleted_stays_deleted(client, ana, ben):
    article = ArticleFactory(draft=True)
    ArticleSideEffectFactory(article=article, side_effect=SideEffectFactory(name="Headache"), position=1)
    bens_form = open_form(client, ben, article)
    save(client, ana, article, open_form(client, ana, article), **{f"{SIDE_EFFECTS}-0-DELETE": "on"})
    assert side_effect_rows(article) == []

    response = save(client, ben, article, bens_form, title="Ben's title")

    assert response.status_code == 302
    assert side_effect_rows(article) == [] and saved(article).title == "Ben's title"


def test_both_deleting_the_same_inline_row_saves_without_a_question(client, ana, ben):
    article = ArticleFactory(draft=True)
    ArticleSideEffectFactory(article=article, side_effect=SideEffectFactory(name="Headache"), position=1)
    bens_form = open_form(client, ben, article)
    save(client, ana, article, open_form(client, ana, article), **{f"{SIDE_EFFECTS}-0-DELETE": "on"})

    response = save(client, ben, article, bens_form, title="Ben's title", **{f"{SIDE_EFFECTS}-0-DELETE": "on"})

    assert response.status_code == 302
    assert side_effect_rows(article) == [] and saved(article).title == "Ben's title"


def test_inline_rows_i_changed_are_saved_when_the_other_editor_changed_something_else(client, ana, ben):
    article = ArticleFactory(draft=True, title="Infusion day")
    ArticleSideEffectFactory(article=article, side_effect=SideEffectFactory(name="Headache"), position=1)
    bens_form = open_form(client, ben, article)
    save(client, ana, article, open_form(client, ana, article), title="Ana's title")

    response = save(client, ben, article, bens_form, **{f"{SIDE_EFFECTS}-0-frequency": "rare"})

    assert response.status_code == 302
    assert side_effect_rows(article) == [("Headache", "rare")] and saved(article).title == "Ana's title"


def test_inline_rows_both_changed_are_refused_and_resolved_by_the_choice(client, ana, ben):
    article = ArticleFactory(draft=True)
    ArticleSideEffectFactory(article=article, side_effect=SideEffectFactory(name="Headache"), position=1)
    bens_form = open_form(client, ben, article)
    save(client, ana, article, open_form(client, ana, article), **{f"{SIDE_EFFECTS}-0-frequency": "rare"})

    refused = save(client, ben, article, bens_form, title="Ben's title", **{f"{SIDE_EFFECTS}-0-frequency": LESS})

    assert refused.status_code == 200
    page = refused.content.decode()
    assert "Ana also changed the side effects in this article after you opened this page" in page
    assert 'name="keep-article_side_effects"' in page
    assert side_effect_rows(article) == [("Headache", "rare")] and saved(article).title != "Ben's title"

    form = read_form(page)
    assert save(client, ben, article, form).status_code == 302  # keep mine, as the form holds
    assert side_effect_rows(article) == [("Headache", LESS)] and saved(article).title == "Ben's title"


def test_keep_theirs_for_inline_rows_keeps_the_saved_rows(client, ana, ben):
    article = ArticleFactory(draft=True)
    ArticleSideEffectFactory(article=article, side_effect=SideEffectFactory(name="Headache"), position=1)
    bens_form = open_form(client, ben, article)
    save(client, ana, article, open_form(client, ana, article), **{f"{SIDE_EFFECTS}-0-frequency": "rare"})
    refused = save(client, ben, article, bens_form, title="Ben's title", **{f"{SIDE_EFFECTS}-0-frequency": LESS})

    form = read_form(refused.content.decode())
    response = save(client, ben, article, form, **{"keep-article_side_effects": "theirs"})

    assert response.status_code == 302
    assert side_effect_rows(article) == [("Headache", "rare")] and saved(article).title == "Ben's title"


def test_a_citation_the_other_editor_added_is_kept(client, ana, ben):
    article = ArticleFactory(draft=True, dek="What happens on the day.")
    source = SourceFactory(title="Adverse effects of immunoglobulin therapy")
    bens_form = open_form(client, ben, article)
    prefix = "references-citation-content_type-object_id"
    anas = save(
        client, ana, article, open_form(client, ana, article),
        **{f"{prefix}-0-source": str(source.pk), f"{prefix}-0-position": "1"},
    )  # fmt: skip
    assert anas.status_code == 302 and Citation.objects.filter(source=source).count() == 1

    response = save(client, ben, article, bens_form, dek="Ben's summary.")

    assert response.status_code == 302
    assert [c.source for c in Citation.objects.filter(object_id=article.pk)] == [source]
    assert saved(article).dek == "Ben's summary."


def test_a_sources_authors_only_the_other_editor_changed_are_kept(client, ana, ben):
    source = SourceFactory(draft=True, title="Adverse effects of immunoglobulin therapy")
    SourceAuthorFactory(source=source, family_name="Guo", given_names="Y", position=1)
    bens_form = open_form(client, ben, source)
    save(client, ana, source, open_form(client, ana, source), **{"authors-0-given_names": "Yanli"})

    assert save(client, ben, source, bens_form, volume="10").status_code == 302
    source = Source.objects.get(pk=source.pk)
    assert list(source.authors.values_list("family_name", "given_names")) == [("Guo", "Yanli")]
    assert source.volume == "10"


# --- The base the merge trusts: missing or changed, nothing is saved and nothing is lost ------------------------


def test_a_changed_edit_version_is_refused_and_keeps_the_input(client, ana):
    article = ArticleFactory(draft=True, title="Infusion day")
    form = open_form(client, ana, article)
    token = form["edit_version"][0]

    for tampered in [token[:-3] + "abc", "7", signing.dumps({"parts": {}}, salt="review.edit_version")]:
        response = save(client, ana, article, form, edit_version=tampered, title="Ana's title")

        assert response.status_code == 200
        page = response.content.decode()
        assert "edit version has been changed or damaged" in page
        assert read_form(page)["title"] == ["Ana's title"]
        assert saved(article).title == "Infusion day"


def test_the_edit_version_of_another_record_is_refused(client, ana):
    article, other = ArticleFactory(draft=True, title="Infusion day"), ArticleFactory(draft=True)
    form = open_form(client, ana, article)

    response = save(client, ana, article, form, edit_version=open_form(client, ana, other)["edit_version"][0])

    assert response.status_code == 200 and "changed or damaged" in response.content.decode()


def test_a_form_without_its_edit_version_is_refused_and_keeps_the_input(client, ana):
    article = ArticleFactory(draft=True, title="Infusion day")
    form = open_form(client, ana, article)
    del form["edit_version"]

    response = save(client, ana, article, form, title="Ana's title")

    assert response.status_code == 200
    assert "missing its edit version" in response.content.decode()
    assert read_form(response.content.decode())["title"] == ["Ana's title"]
    assert saved(article).title == "Infusion day"


# --- Save and submit ---------------------------------------------------------------------------------------------


def test_a_merged_save_and_submit_saves_but_waits_for_the_editor_to_read_it(client, ana, ben):
    article = ArticleFactory(draft=True, title="Infusion day", dek="What happens on the day.")
    bens_form = open_form(client, ben, article)
    save(client, ana, article, open_form(client, ana, article), dek="Ana's summary.")

    response = save(client, ben, article, bens_form, title="Ben's title", _submit_for_review="1")

    assert response.status_code == 302
    article = saved(article)
    assert (article.title, article.dek, article.status) == ("Ben's title", "Ana's summary.", Status.DRAFT)
    assert any("NOT submitted for review" in message for message in messages_of(response))


def test_a_conflicting_save_and_submit_submits_nothing(client, ana, ben):
    article = ArticleFactory(draft=True, title="Infusion day")
    bens_form = open_form(client, ben, article)
    save(client, ana, article, open_form(client, ana, article), title="Ana's title")

    response = save(client, ben, article, bens_form, title="Ben's title", _submit_for_review="1")

    assert response.status_code == 200 and "nothing was submitted for review" in response.content.decode()
    assert (saved(article).title, saved(article).status) == ("Ana's title", Status.DRAFT)
