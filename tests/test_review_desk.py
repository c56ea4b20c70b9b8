"""
The editors' and reviewers' change page, for every reviewed model through the shared ReviewedAdmin: the
reviewer's desk at the top, saving and submitting in one step, errors where the eye is, and images that
must be described before review.
"""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from reversion.models import Version

from articles.models import Article
from references.models import Source
from review import workflow
from tests.admin_forms import _AdminFormReader, admin_change_url, change_through_admin
from tests.factories import (
    ArticleFactory,
    CitationFactory,
    ConditionFactory,
    SideEffectFactory,
    SourceAuthorFactory,
    SourceFactory,
)
from tests.test_uploads import image_bytes

pytestmark = pytest.mark.django_db

Status = Article.Status
IMPORT_URL = reverse("admin:references_source_import")


def form_data(client, record):
    reader = _AdminFormReader()
    reader.feed(client.get(admin_change_url(record)).content.decode())
    return reader.data


def in_review(editor, **fields):
    article = ArticleFactory(draft=True, **fields)
    return workflow.perform(article, "submit", editor)


# --- The reviewer's desk ------------------------------------------------------------------------------------


def test_the_state_and_the_reviewers_actions_come_before_the_form(client, editor, reviewer):
    article = in_review(editor)
    client.force_login(reviewer)

    page = client.get(admin_change_url(article)).content.decode()

    bar = page.index('id="review-bar"')
    form = page.index('id="article_form"')
    assert bar < page.index('id="action-fact_check"') < form
    assert bar < page.index('id="action-request_changes"') < form
    assert "<strong>In review</strong>" in page[bar : page.index('id="action-fact_check"')]


def test_the_desk_shows_the_text_as_readers_will_with_numbered_citations(client, editor, reviewer):
    source = SourceFactory(title="Adverse effects of immunoglobulin therapy", citation_key="guo-2018")
    article = ArticleFactory(draft=True, body="<p>Headaches are common [cite:guo-2018].</p>")
    CitationFactory(article=article, source=source, position=1)
    article = workflow.perform(article, "submit", editor)
    client.force_login(reviewer)

    page = client.get(admin_change_url(article)).content.decode()

    desk = page[page.index('id="review-desk"') : page.index('id="article_form"')]
    reader_url = reverse("admin:articles_article_reader", args=[article.pk])
    assert f'src="{reader_url}"' in desk  # the reader view is a page of its own, framed in the desk
    reader = client.get(reader_url).content.decode()
    assert 'Headaches are common<sup class="citation"><a href="#source-1" id="cite-1-1">1</a></sup>.' in reader
    assert '<li id="source-1">' in reader and "Adverse effects of immunoglobulin therapy" in reader
    assert "common [cite:guo-2018]" not in page[page.index('id="article_form"') :]  # nor in the read-only body


def test_a_three_word_change_reads_as_three_words(client, editor, reviewer, publish_through_review):
    paragraph = "Most people feel tired for a day or two after an infusion, and some get a mild headache."
    article = publish_through_review(ArticleFactory(draft=True, body=f"<p>{paragraph}</p><p>Drink water.</p>"))
    copy = workflow.start_new_version(article, editor)
    copy.body = f"<p>{paragraph.replace('a day or two', 'up to three days')}</p><p>Drink water.</p>"
    copy.save()
    copy = workflow.perform(copy, "submit", editor)
    client.force_login(reviewer)

    page = client.get(admin_change_url(copy)).content.decode()

    diff = page[page.index('id="review-diff-heading"') : page.index('id="article_form"')]
    assert "<del>a day or two </del><ins>up to three days </ins>after an infusion" in diff
    assert "diff-removed" not in diff  # the paragraph is not replaced wholesale


def test_the_desk_names_the_version_it_compares_with_and_its_date_as_the_site_writes_dates(client, editor, reviewer):
    article = workflow.perform(in_review(editor), "fact_check", reviewer)
    article = workflow.perform(article, "request_changes", reviewer, "Say how long the tiredness lasts.")
    article = workflow.perform(article, "submit", editor)
    client.force_login(reviewer)

    page = client.get(admin_change_url(article)).content.decode()

    today = timezone.localdate()
    heading = page[page.index('id="review-diff-heading"') : page.index("</h3>", page.index('id="review-diff-heading"'))]
    assert f"fact-checked on {today.day} {today:%B} {today.year}" in heading  # "6 December 2026", not "December 06"


def test_a_first_version_shows_all_its_content_as_new(client, editor, reviewer):
    article = in_review(editor, title="Infusion day", meta_description="What happens on the day.")
    client.force_login(reviewer)

    page = client.get(admin_change_url(article)).content.decode()

    diff = page[page.index('id="review-diff-heading"') : page.index('id="article_form"')]
    assert "All of it is new: a first version" in diff
    assert "+ Infusion day</p>" in diff
    assert "+ What happens on the day.</p>" in diff
    assert "Antibodies from donors." in diff


def test_the_desk_is_there_for_every_reviewed_model(client, editor, reviewer):
    side_effect = workflow.perform(SideEffectFactory(draft=True, name="Chills"), "submit", editor)
    client.force_login(reviewer)

    page = client.get(admin_change_url(side_effect)).content.decode()

    assert page.index('id="action-fact_check"') < page.index('id="sideeffect_form"')
    assert "+ Chills</p>" in page


def test_a_changed_body_image_and_its_description_show_in_the_diff(client, editor, reviewer, publish_through_review):
    article = publish_through_review(
        ArticleFactory(draft=True, body='<p>Before.</p><p><img src="/media/uploads/drip.png" alt="A drip"></p>')
    )
    copy = workflow.start_new_version(article, editor)
    copy.body = '<p>Before.</p><p><img src="/media/uploads/drip.png" alt="An infusion pump and drip"></p>'
    copy.save()
    client.force_login(reviewer)

    page = client.get(admin_change_url(copy)).content.decode()
    assert "[image /media/uploads/drip.png: <del>A </del><ins>An infusion pump and </ins>drip]" in page


# --- Saving what is on screen before it is submitted ----------------------------------------------------------


def test_save_and_submit_submits_what_is_on_screen(client, editor):
    article = ArticleFactory(draft=True, body="<p>Old text.</p>")
    client.force_login(editor)

    response = change_through_admin(client, article, body="<p>Text typed just now.</p>", _submit_for_review="1")

    assert response.status_code == 302
    article.refresh_from_db()
    assert article.status == Status.IN_REVIEW
    assert article.body == "<p>Text typed just now.</p>"


def test_the_workflow_bar_submits_through_the_form_not_behind_its_back(client, editor):
    article = ArticleFactory(draft=True)
    client.force_login(editor)

    page = client.get(admin_change_url(article)).content.decode()

    bar = page[page.index('id="review-bar"') : page.index('id="article_form"')]
    assert 'form="article_form" name="_submit_for_review"' in bar
    assert 'id="action-submit"' not in page
    assert page.count('name="_submit_for_review"') == 2  # in the bar and beside Save


def test_a_refused_save_submits_nothing_and_says_so(client, editor):
    article = ArticleFactory(draft=True, body="<p>Old text.</p>")
    client.force_login(editor)
    data = form_data(client, article)
    article.body = "<p>Saved meanwhile in another tab.</p>"
    article.lock_version += 1
    article.save()

    response = client.post(admin_change_url(article), {**data, "body": ["<p>Mine.</p>"], "_submit_for_review": ["1"]})

    assert response.status_code == 200
    article.refresh_from_db()
    assert (article.status, article.body) == (Status.DRAFT, "<p>Saved meanwhile in another tab.</p>")
    page = response.content.decode()
    assert "nothing was submitted for review" in page
    assert "Mine." in page


# --- Errors where the eye is --------------------------------------------------------------------------------


def test_a_refused_upload_says_next_to_the_field_that_the_file_must_be_chosen_again(client, editor):
    article = ArticleFactory(draft=True)
    client.force_login(editor)
    data = form_data(client, article)
    hero = SimpleUploadedFile("infusion-chair.png", image_bytes(), content_type="image/png")

    response = client.post(
        admin_change_url(article), {**data, "title": [""], "hero_image": hero, "hero_image_alt": ["A chair"]}
    )

    assert response.status_code == 200
    errors = response.context["adminform"].form.errors["hero_image"]
    assert "“infusion-chair.png”" in errors[0] and "Choose it again" in errors[0]
    article.refresh_from_db()
    assert not article.hero_image


def test_the_error_summary_at_the_top_links_to_every_field_and_names_the_marker(client, editor):
    article = ArticleFactory(draft=True)
    client.force_login(editor)

    response = change_through_admin(client, article, title="", body="<p>Works well [cite:nobody-2099].</p>")

    page = response.content.decode()
    summary = page[page.index('id="error-summary"') : page.index("</ul>", page.index('id="error-summary"'))]
    assert page.index('id="error-summary"') < page.index('id="id_title"')
    assert '<a href="#id_title">Title: This field is required.</a>' in summary
    assert '<a href="#id_body">Body: The text cites [cite:nobody-2099]' in summary
    # ...and next to the body itself, not only at the foot of the page
    assert "[cite:nobody-2099]" in str(response.context["adminform"].form.errors["body"])


def test_an_inline_row_error_is_in_the_summary(client, editor):
    article = ArticleFactory(draft=True)
    client.force_login(editor)

    response = change_through_admin(client, article, **{"article_side_effects-0-position": "first"})

    page = response.content.decode()
    summary = page[page.index('id="error-summary"') :]
    assert (
        'href="#id_article_side_effects-0-position">Side effect in this article: Order: Enter a whole number.'
        in summary
    )


# --- Alt text before review --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "image",
    ['<img src="/media/uploads/2026/05/pump.png">', '<img src="/media/uploads/2026/05/pump.png" alt=" ">'],
    ids=["no alt", "blank alt"],
)
def test_an_image_without_a_description_cannot_be_submitted_and_is_named(editor, image):
    article = ArticleFactory(draft=True, body=f"<p>The pump.</p><p>{image}</p>")

    with pytest.raises(workflow.WorkflowError) as refused:
        workflow.perform(article, "submit", editor)

    assert "“pump.png” in body" in refused.value.messages[0]
    article.refresh_from_db()
    assert article.status == Status.DRAFT


def test_described_and_decorative_images_may_be_submitted(editor):
    article = ArticleFactory(
        draft=True,
        body=(
            '<p><img src="/m/pump.png" alt="An infusion pump"></p>'
            '<p><img src="/m/line.png" alt="" role="presentation"></p>'
        ),
    )
    assert 'role="presentation"' in article.body  # the sanitizer keeps the decorative choice

    assert workflow.perform(article, "submit", editor).status == Status.IN_REVIEW


def test_every_rich_text_field_is_checked_not_only_an_articles_body(editor):
    condition = ConditionFactory(draft=True, overview="<p>Fine.</p>", treatment='<p><img src="/m/ice-pack.png"></p>')

    with pytest.raises(workflow.WorkflowError, match=r"“ice-pack\.png” in treatment"):
        workflow.perform(condition, "submit", editor)


# --- History: inside the admin, any two versions compared ---------------------------------------------------


def history_url(record):
    return reverse(f"admin:{record._meta.app_label}_{record._meta.model_name}_history", args=[record.pk])


def compare_url(record):
    return reverse(f"admin:{record._meta.app_label}_{record._meta.model_name}_compare_versions", args=[record.pk])


def test_any_two_versions_can_be_compared_word_by_word(client, editor):
    article = ArticleFactory(draft=True, body="<p>Infusions take two hours.</p>")
    client.force_login(editor)
    change_through_admin(client, article)
    change_through_admin(client, article, body="<p>Infusions take three hours.</p>")
    change_through_admin(client, article, body="<p>Infusions take three to four hours.</p>", title="Infusion day")
    first, second, _ = sorted(Version.objects.get_for_object(article), key=lambda version: version.pk)

    page = client.get(compare_url(article), {"from": first.pk, "to": second.pk}).content.decode()
    assert "<del>two </del><ins>three </ins>hours." in page
    assert "Infusion day" not in page[page.index('id="version-diff"') :]

    latest = client.get(compare_url(article)).content.decode()  # the last two by default
    assert "three <ins>to four </ins>hours." in latest
    assert "+ Infusion day</p>" in latest


def test_the_history_of_a_published_record_explains_instead_of_refusing(client, reviewer, publish_through_review):
    article = publish_through_review(ArticleFactory(draft=True))
    client.force_login(reviewer)

    page = client.get(history_url(article))

    assert page.status_code == 200
    text = page.content.decode()
    assert "no old version can be restored into it" in text and "start a new version" in text
    assert 'id="compare-versions"' in text or "No saved versions yet." in text


def test_versions_are_compared_with_their_sources(client, editor):
    source = SourceFactory(title="Dosing of immunoglobulin")
    article = ArticleFactory(draft=True, body="<p>Doses vary.</p>")
    client.force_login(editor)
    change_through_admin(client, article, body="<p>Doses vary by weight.</p>")
    CitationFactory(article=article, source=source, position=1)
    change_through_admin(client, article, body=f"<p>Doses vary by weight {source.marker}.</p>")

    page = client.get(compare_url(article)).content.decode()

    diff = page[page.index('id="version-diff"') :]
    assert "<h4>Citations</h4>" in diff or "<h4>Sources" in diff
    assert "Dosing of immunoglobulin" in diff


# --- Import that updates library records through review -------------------------------------------------------

# Test data for the import mechanics; the added names are not checked against the publication.
GUO_RIS = """TY  - JOUR
AU  - Guo, Y.
AU  - Tian, X.
AU  - Wang, X.
AU  - Xiao, Z.
TI  - Adverse effects of immunoglobulin therapy
T2  - Frontiers in Immunology
J2  - Front Immunol
PY  - 2018
VL  - 9
SP  - 1299
DO  - 10.3389/fimmu.2018.01299
ER  -
"""


def guo_in_the_library():
    source = SourceFactory(
        title="Adverse effects of immunoglobulin therapy", doi="10.3389/fimmu.2018.01299", has_more_authors=True
    )
    SourceAuthorFactory(source=source, family_name="Guo", given_names="Y", position=1)
    SourceAuthorFactory(source=source, family_name="Tian", given_names="X", position=2)
    return source


def test_the_import_preview_shows_how_a_library_record_differs(client, editor):
    guo_in_the_library()
    client.force_login(editor)

    page = client.post(IMPORT_URL, {"text": GUO_RIS}).content.decode()

    differences = page[page.index('class="import-differences"') :]
    assert "<h4>Authors</h4>" in differences
    assert "+ Wang X</p>" in differences and "+ Xiao Z</p>" in differences
    assert 'name="update"' in differences and "Start a new version of the library’s record" in differences


def test_an_editor_updates_a_published_source_from_an_import_through_review(client, editor):
    source = guo_in_the_library()
    client.force_login(editor)

    response = client.post(IMPORT_URL, {"text": GUO_RIS, "update": ["1"], "import": "1"})

    copy = Source.objects.get(draft_of=source)
    assert response.status_code == 302 and response.url == admin_change_url(copy)
    assert [str(author) for author in copy.authors.all()] == ["Guo Y", "Tian X", "Wang X", "Xiao Z"]
    assert copy.status == Status.DRAFT
    source.refresh_from_db()
    assert [str(author) for author in source.authors.all()] == ["Guo Y", "Tian X"]  # readers: until reviewed
    assert source.citation_key == copy.citation_key


def test_an_image_description_without_an_image_is_refused_next_to_the_image(client, editor):
    article = ArticleFactory(draft=True)
    client.force_login(editor)

    response = change_through_admin(client, article, hero_image_alt="An infusion chair")

    assert response.status_code == 200
    assert "a description for this image but no image" in str(response.context["adminform"].form.errors["hero_image"])
    article.refresh_from_db()
    assert article.hero_image_alt == ""
