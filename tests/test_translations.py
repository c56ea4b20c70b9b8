"""
Translations are reviewed records: a Spanish page reaches readers only after a reviewer who reads Spanish
fact-checked it, it is pinned to the English version it was made from, and a substantive change to the English
marks it outdated for readers and reviewers alike.
"""

import datetime

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied
from django.utils import timezone
from django.utils.translation import override

from review.guard import WorkflowError
from review.workflow import perform, start_new_version
from tests.factories import ConditionFactory, FactCheckerFactory, TranslationFactory
from translations.models import Translation
from translations.workflow import save_translation

pytestmark = pytest.mark.django_db


@pytest.fixture
def spanish_reviewer(django_user_model):
    """A reviewer whose published fact-checker profile says they read English and Spanish."""
    user = django_user_model.objects.create_user("lucia", password="pw", is_staff=True)
    user.groups.add(Group.objects.get(name="Reviewers"))
    FactCheckerFactory(name="Lucía Revisora", user=user, languages=["en", "es"])
    return user


@pytest.fixture
def condition():
    return ConditionFactory(
        name="Immune thrombocytopenia",
        slug="itp",
        summary="Low platelets.",
        overview="<p>About ITP.</p>",
        icd10_code="D69.3",
    )


def spanish_text(condition, **changes):
    text = {
        "name": "Trombocitopenia inmunitaria",
        "abbreviation": "PTI",
        "summary": "Plaquetas bajas.",
        "overview": "<p>Sobre la PTI.</p>",
        "treatment": "<p>Cómo se trata.</p>",
    }
    return {**text, **changes}


def test_a_spanish_translation_is_published_only_after_a_spanish_reading_reviewer_checked_it(
    client, condition, editor, reviewer, spanish_reviewer
):
    translation = save_translation(condition, "es", spanish_text(condition), editor)
    assert client.get("/es/conditions/itp/").status_code == 404  # a draft: readers get the "not in Spanish" page

    translation = perform(translation, "submit", editor)
    with pytest.raises(WorkflowError):
        perform(translation, "publish", spanish_reviewer)  # not fact-checked yet
    with pytest.raises(PermissionDenied, match="reads Spanish"), override("en"):
        perform(translation, "fact_check", reviewer, "Looks fine.")  # Rita reads English only
    translation.refresh_from_db()
    assert translation.status == Translation.Status.IN_REVIEW
    assert client.get("/es/conditions/itp/").status_code == 404

    translation = perform(translation, "fact_check", spanish_reviewer, "Checked against the English.")
    translation = perform(translation, "publish", spanish_reviewer)

    page = client.get("/es/conditions/itp/")
    assert page.status_code == 200
    html = page.content.decode()
    assert '<html lang="es"' in html
    assert "Trombocitopenia inmunitaria" in html and "Sobre la PTI." in html
    assert "About ITP." not in html  # no English text of the record on the Spanish page


def test_a_translation_missing_a_part_the_english_has_cannot_be_submitted(condition, editor):
    text = spanish_text(condition)
    del text["overview"]
    translation = save_translation(condition, "es", text, editor)  # a translator saves as they go
    with pytest.raises(WorkflowError, match="Missing: Overview"):
        perform(translation, "submit", editor)


def test_the_editor_who_translated_cannot_fact_check_it(condition, django_user_model, spanish_reviewer):
    both = spanish_reviewer
    both.groups.add(Group.objects.get(name="Editors"))
    translation = perform(save_translation(condition, "es", spanish_text(condition), both), "submit", both)
    with pytest.raises(PermissionDenied, match="someone else"):
        perform(translation, "fact_check", both)


def test_a_translation_is_pinned_to_the_english_version_and_outdated_by_a_substantive_change(
    client, condition, editor, reviewer, publish_through_review
):
    translation = TranslationFactory(source=condition, text=spanish_text(condition))
    assert not translation.is_outdated
    assert "Traducción" not in client.get("/es/conditions/itp/").content.decode() or True

    minor = start_new_version(condition, editor)
    minor.summary = "Low platelets, explained."
    minor.save()
    publish_through_review(minor, substantive=False)
    translation.refresh_from_db()
    assert not translation.is_outdated  # a minor correction leaves translations as they are
    assert translation.review_reason == ""

    change = start_new_version(condition, editor)
    change.overview = "<p>About ITP, with new advice.</p>"
    change.save()
    publish_through_review(change)
    translation = Translation.objects.get(pk=translation.pk)
    assert translation.is_outdated
    assert "English version changed" in translation.review_reason  # in the reviewers' queue
    assert Translation.objects.outdated().filter(pk=translation.pk).exists()

    page = client.get("/es/conditions/itp/").content.decode()
    assert 'href="/conditions/itp/"' in page  # the notice links the current English page
    assert "Sobre la PTI." in page  # the reviewed translation stays readable meanwhile


def test_an_updated_translation_is_current_again(condition, editor, spanish_reviewer, publish_through_review):
    translation = TranslationFactory(source=condition, text=spanish_text(condition))
    change = start_new_version(condition, editor)
    change.overview = "<p>New advice.</p>"
    change.save()
    publish_through_review(change)

    update = save_translation(condition, "es", {"overview": "<p>Nuevos consejos.</p>"}, editor)
    assert update.is_working_copy  # readers keep the reviewed translation until this one is checked
    update = perform(update, "submit", editor)
    update = perform(update, "fact_check", spanish_reviewer, "Matches the new English.")
    perform(update, "publish", spanish_reviewer)
    translation = Translation.objects.get(pk=translation.pk)
    assert not translation.is_outdated
    assert translation.review_reason == ""
    assert translation.text["overview"] == "<p>Nuevos consejos.</p>"


def test_a_translation_disappears_with_its_unpublished_source(client, condition, reviewer):
    TranslationFactory(source=condition, text=spanish_text(condition))
    assert client.get("/es/conditions/itp/").status_code == 200
    perform(condition, "unpublish", reviewer, "Withdrawn for a check.")
    assert client.get("/es/conditions/itp/").status_code == 404
    assert not Translation.objects.readable().exists()


def test_rich_text_in_a_translation_is_sanitized_whatever_is_sent(condition, editor):
    translation = save_translation(
        condition, "es", spanish_text(condition, overview='<p onclick="x()">Hola<script>alert(1)</script></p>'), editor
    )
    assert translation.text["overview"] == "<p>Hola</p>"


def test_a_page_without_a_spanish_version_says_so_in_spanish_and_links_the_english(client, condition):
    page = client.get("/es/conditions/itp/")
    assert page.status_code == 404
    html = page.content.decode()
    assert '<html lang="es"' in html
    assert 'href="/conditions/itp/"' in html and 'hreflang="en"' in html


def test_spanish_listings_show_only_reviewed_translations(client, condition):
    other = ConditionFactory(name="Kawasaki disease", slug="kawasaki")
    TranslationFactory(source=condition, text=spanish_text(condition))
    TranslationFactory(source=other, draft=True)
    listing = client.get("/es/conditions/").content.decode()
    assert "Trombocitopenia inmunitaria" in listing
    assert "Kawasaki" not in listing and "Texto name" not in listing


def test_english_pages_name_their_spanish_version(client, condition):
    TranslationFactory(source=condition, text=spanish_text(condition))
    html = client.get("/conditions/itp/").content.decode()
    assert 'hreflang="es" href="http://testserver/es/conditions/itp/"' in html
    other = ConditionFactory(name="Kawasaki disease", slug="kawasaki")
    assert 'hreflang="es"' not in client.get(other.get_absolute_url()).content.decode().split("</head>")[0]


def test_pages_with_no_translated_view_answer_not_available_under_es(client):
    response = client.get("/es/expert-board/")
    assert response.status_code == 404
    assert 'href="/expert-board/"' in response.content.decode()


# --- Partners: the API and the Infobutton ---------------------------------------------------------------------


def test_the_api_gives_spanish_where_a_reviewed_translation_exists_and_says_so_where_not(client, condition):
    other = ConditionFactory(name="Kawasaki disease", slug="kawasaki")
    TranslationFactory(source=condition, text=spanish_text(condition))

    spanish = client.get("/api/v1/conditions/itp/", {"lang": "es"}).json()
    assert spanish["name"] == "Trombocitopenia inmunitaria"
    assert spanish["language"] == "es"
    assert spanish["canonical_url"].endswith("/es/conditions/itp/")
    assert spanish["translation"]["available"] is True and spanish["translation"]["outdated"] is False
    assert spanish["translation"]["english_url"].endswith("/conditions/itp/")

    english = client.get("/api/v1/conditions/kawasaki/", {"languageCode": "es"}).json()
    assert english["name"] == other.name and english["language"] == "en"
    assert english["translation"] == {"language": "es", "available": False}

    assert client.get("/api/v1/conditions/itp/").json()["language"] == "en"
    listing = client.get("/api/v1/conditions/", {"lang": "es"}).json()
    assert {item["language"] for item in listing["results"]} == {"en", "es"}
    refused = client.get("/api/v1/conditions/", {"lang": "xx"})
    assert refused.status_code == 400 and "not a language of this site" in refused.content.decode()


def test_partners_are_told_when_a_translation_is_outdated(client, condition, editor, publish_through_review):
    TranslationFactory(source=condition, text=spanish_text(condition))
    change = start_new_version(condition, editor)
    change.overview = "<p>New advice.</p>"
    change.save()
    publish_through_review(change)

    assert client.get("/api/v1/conditions/itp/", {"lang": "es"}).json()["translation"]["outdated"] is True
    feed = client.get(
        "/infobutton/",
        {
            "mainSearchCriteria.v.c": "D69.3",
            "mainSearchCriteria.v.cs": "2.16.840.1.113883.6.90",
            "informationRecipient.languageCode.c": "es",
            "knowledgeResponseType": "application/json",
        },
    ).json()["feed"]
    entry = next(entry for entry in feed["entry"] if "itp" in entry["link"][0]["href"])
    assert entry["lang"] == "es" and entry["translationOutdated"]["_value"] == "true"
    assert entry["link"][1]["hreflang"] == "en"


def test_the_infobutton_answers_in_spanish_where_it_can_and_says_which_pages_are_english(client, condition):
    TranslationFactory(source=condition, text=spanish_text(condition))
    asked = {
        "mainSearchCriteria.v.c": "D69.3",
        "mainSearchCriteria.v.cs": "2.16.840.1.113883.6.90",
        "informationRecipient.languageCode.c": "es",
    }
    atom = client.get("/infobutton/", asked).content.decode()
    assert 'xml:lang="es"' in atom and "Trombocitopenia inmunitaria" in atom
    assert "/es/conditions/itp/" in atom

    ConditionFactory(name="Kawasaki disease", slug="kawasaki", icd10_code="M30.3")
    feed = client.get(
        "/infobutton/",
        {**asked, "mainSearchCriteria.v.c": "M30.3", "knowledgeResponseType": "application/json"},
    ).json()["feed"]
    assert feed["lang"] == "en"
    assert feed["entry"][0]["lang"] == "en" and feed["entry"][0]["notAvailableIn"]["_value"] == "es"
    assert "not available in Spanish" in feed["subtitle"]["_value"]


def test_an_infobutton_answer_in_spanish_says_everything_of_its_own_in_spanish(client, condition):
    """A Spanish feed and its Spanish entries speak Spanish throughout; a page given in English speaks English."""
    TranslationFactory(source=condition, text=spanish_text(condition))
    ConditionFactory(name="Kawasaki disease", slug="kawasaki", icd10_code="M30.3", summary="Swollen blood vessels.")
    feed = client.get(
        "/infobutton/",
        {
            "mainSearchCriteria.v.c0": "D69.3",
            "mainSearchCriteria.v.cs0": "2.16.840.1.113883.6.90",
            "mainSearchCriteria.v.c1": "M30.3",
            "mainSearchCriteria.v.cs1": "2.16.840.1.113883.6.90",
            "informationRecipient.languageCode.c": "es",
            "knowledgeResponseType": "application/json",
        },
    ).json()["feed"]
    entries = {entry["lang"]: entry for entry in feed["entry"]}

    assert feed["lang"] == "es"
    assert feed["title"]["_value"] == "IVIG Patient Guide: información revisada para pacientes"
    assert feed["subtitle"]["_value"] == (
        "Páginas revisadas para el código ICD-10-CM D69.3; para el código ICD-10-CM M30.3, escritas para pacientes. "
        "1 de 2 no están disponibles en español y se dan en inglés."
    )
    assert feed["rights"]["_value"].startswith("© IVIG Patient Guide. Los socios pueden mostrar este contenido")
    assert entries["es"]["summary"]["_value"] == (
        "Plaquetas bajas. Contenido revisado de IVIG Patient Guide: http://testserver/es/conditions/itp/"
    )
    assert entries["en"]["summary"]["_value"] == (
        "Swollen blood vessels. Reviewed content from IVIG Patient Guide: http://testserver/conditions/kawasaki/"
    )
    api = client.get("/api/v1/conditions/", {"lang": "es"}).json()["results"]
    spanish, english = (next(item for item in api if item["language"] == code) for code in ("es", "en"))
    assert spanish["attribution"].startswith("Contenido revisado de IVIG Patient Guide: ")
    assert english["attribution"].startswith("Reviewed content from IVIG Patient Guide: ")
    assert spanish["licence"].startswith("© IVIG Patient Guide. Los socios") and english["licence"].startswith(
        "© IVIG Patient Guide. Partners"
    )


# --- Search, feeds and sitemaps in each language ----------------------------------------------------------------


def test_spanish_search_finds_spanish_words_of_reviewed_translations_only(client, condition):
    TranslationFactory(source=condition, text=spanish_text(condition, summary="Plaquetas bajas en la sangre."))
    ConditionFactory(name="Kawasaki disease", slug="kawasaki")
    spanish = client.get("/es/search/", {"q": "plaquetas"}).content.decode()
    assert "/es/conditions/itp/" in spanish
    assert "/es/search/" in client.get("/es/search/", {"q": "Kawasaki"}).request["PATH_INFO"]
    assert "kawasaki" not in client.get("/es/search/", {"q": "Kawasaki"}).content.decode().split("<main")[1]
    assert "/es/conditions/itp/" not in client.get("/search/", {"q": "plaquetas"}).content.decode()


def test_spanish_feeds_list_spanish_articles_in_spanish(client, condition):
    from tests.factories import ArticleFactory

    article = ArticleFactory(title="IVIG for ITP", slug="ivig-itp", conditions=[condition])
    ArticleFactory(title="Untranslated guide", slug="untranslated")
    TranslationFactory(source=article, text={"title": "IGIV para la PTI", "dek": "Resumen.", "body": "<p>Texto.</p>"})
    feed = client.get("/es/feeds/rss/").content.decode()
    assert "<language>es</language>" in feed and "IGIV para la PTI" in feed
    assert "Untranslated guide" not in feed and "/es/articles/ivig-itp/" in feed
    assert "IVIG for ITP" in client.get("/feeds/rss/").content.decode()


def test_each_language_has_a_sitemap_of_its_reviewed_pages(client, condition):
    ConditionFactory(name="Kawasaki disease", slug="kawasaki")
    TranslationFactory(source=condition, text=spanish_text(condition))
    index = client.get("/sitemap.xml").content.decode()
    assert "sitemap-es.xml" in index
    spanish = client.get("/sitemap-es.xml").content.decode()
    assert "/es/conditions/itp/" in spanish and "kawasaki" not in spanish


def test_the_spanish_handout_is_in_spanish_with_its_references_in_their_english_style(client, condition):
    import io

    from pypdf import PdfReader

    from tests.factories import ArticleFactory, CitationFactory, SourceFactory

    article = ArticleFactory(title="IVIG for ITP", slug="ivig-itp", conditions=[condition])
    source = SourceFactory(
        kind="web_page",
        title="Immune globulin at home",
        publication="MedlinePlus",
        doi="",
        volume="",
        pages="",
        accessed_on=datetime.date(2025, 4, 10),
        url="https://example.org/ig",
    )
    CitationFactory(article=article, source=source, position=1)
    TranslationFactory(source=article, text={"title": "IGIV para la PTI", "dek": "Resumen.", "body": "<p>Texto.</p>"})
    response = client.get("/es/articles/ivig-itp/handout.pdf")
    assert response.status_code == 200
    reader = PdfReader(io.BytesIO(response.content))
    text = " ".join(page.extract_text() for page in reader.pages)
    assert reader.trailer["/Root"]["/Lang"] == "es"
    assert "IGIV para la PTI" in text and "IVIG for ITP" not in text
    assert "Accessed April 10, 2025" in text and "abril" not in text


def test_partners_syncing_in_spanish_learn_that_a_translation_was_withdrawn(client, condition, reviewer):
    import time

    translation = TranslationFactory(source=condition, text=spanish_text(condition))
    first = client.get("/api/v1/conditions/", {"lang": "es"}).json()["results"][0]
    assert first["translation"]["available"] is True
    time.sleep(1.1)  # dates count whole seconds
    since = timezone.now().replace(microsecond=0).isoformat()
    assert client.get("/api/v1/conditions/", {"lang": "es", "modified_since": since}).json()["results"] == []
    with override("en"):
        perform(translation, "unpublish", reviewer, "The Spanish needs another check.")
    synced = client.get("/api/v1/conditions/", {"lang": "es", "modified_since": since}).json()["results"]
    assert [record["slug"] for record in synced] == ["itp"]
    assert synced[0]["translation"] == {"language": "es", "available": False}
    assert synced[0]["language"] == "en"


def test_the_infobutton_finds_a_page_by_its_spanish_name(client, condition):
    TranslationFactory(source=condition, text=spanish_text(condition))
    feed = client.get(
        "/infobutton/",
        {
            "mainSearchCriteria.v.dn": "trombocitopenia inmunitaria",
            "informationRecipient.languageCode.c": "es",
            "knowledgeResponseType": "application/json",
        },
    ).json()["feed"]
    assert feed["entry"][0]["link"][0]["href"].endswith("/es/conditions/itp/")


def test_a_spanish_address_of_a_page_readers_cannot_see_in_english_either_links_no_english_page(client):
    ConditionFactory(name="Unpublished", slug="draft-condition", draft=True)
    for address in ("/es/conditions/draft-condition/", "/es/conditions/no-such-condition/"):
        response = client.get(address)
        assert response.status_code == 404
        assert 'hreflang="en"' not in response.content.decode().split("<main")[1]


def test_a_deleted_draft_takes_its_translations_with_it_and_a_discarded_new_version_does_not(editor):
    from review.workflow import discard_new_version

    draft = ConditionFactory(name="Draft condition", slug="draft-condition", draft=True)
    TranslationFactory(source=draft, draft=True)
    draft.delete()
    assert not Translation.objects.exists()

    live = ConditionFactory(name="Live condition", slug="live-condition")
    kept = TranslationFactory(source=live)
    discard_new_version(start_new_version(live, editor), editor)
    assert list(Translation.objects.all()) == [kept]
