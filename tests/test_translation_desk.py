"""The translation desk in the admin: an editor translates a page beside its English, a reviewer checks it."""

import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from review.models import Status
from tests.factories import ConditionFactory, FactCheckerFactory, TranslationFactory
from tests.people import member_of
from translations.models import Translation

pytestmark = pytest.mark.django_db


@pytest.fixture
def condition():
    return ConditionFactory(name="Immune thrombocytopenia", slug="itp", summary="Low platelets.", treatment="")


def add_url(condition, language="es"):
    content_type = ContentType.objects.get_for_model(condition)
    return (
        reverse("admin:translations_translation_add") + f"?source={content_type.pk}-{condition.pk}&language={language}"
    )


def form_data(**text):
    data = {"language": "es", "edit_version": ""}
    data.update({f"text_{name}": value for name, value in text.items()})
    return data


def test_the_condition_form_offers_to_translate_it(client, condition):
    client.force_login(member_of("Editors", "ed"))
    page = client.get(reverse("admin:articles_condition_change", args=[condition.pk])).content.decode()
    assert "Translate into Spanish" in page
    assert add_url(condition).replace("&", "&amp;") in page


def test_an_editor_translates_beside_the_english_and_saves_as_they_go(client, condition):
    client.force_login(member_of("Editors", "ed"))
    form = client.get(add_url(condition)).content.decode()
    assert 'lang="en"' in form and "Low platelets." in form  # the English beside each box
    assert 'name="text_summary"' in form and 'name="text_treatment"' in form

    response = client.post(add_url(condition), form_data(name="Trombocitopenia inmunitaria", summary=""))
    assert response.status_code == 302
    translation = Translation.objects.get()
    assert translation.status == Status.DRAFT and translation.text["name"] == "Trombocitopenia inmunitaria"
    assert translation.source_record == condition and translation.source_version == condition.content_version


def test_the_add_page_without_a_page_to_translate_explains_what_to_do(client):
    client.force_login(member_of("Editors", "ed"))
    response = client.get(reverse("admin:translations_translation_add"), follow=True)
    assert "Open the page to translate" in response.content.decode()
    for broken in ("?source=x", "?source=999-999", "?source=1-\x00"):
        assert client.get(reverse("admin:translations_translation_add") + broken).status_code in (200, 302, 400)


def test_a_second_translation_into_the_same_language_opens_the_first(client, condition):
    existing = TranslationFactory(source=condition, draft=True)
    client.force_login(member_of("Editors", "ed"))
    response = client.get(add_url(condition))
    assert response["Location"].endswith(f"/{existing.pk}/change/")


def test_a_reviewer_who_does_not_read_spanish_is_told_why_they_cannot_check_it(client, condition):
    translation = TranslationFactory(source=condition, status=Status.IN_REVIEW, published_at=None)
    reviewer = member_of("Reviewers", "rev")
    FactCheckerFactory(name="Rita Reviewer", user=reviewer)
    client.force_login(reviewer)
    url = reverse("admin:translations_translation_transition", args=[translation.pk, "fact_check"])
    response = client.post(url, {"comment": "Fine."}, follow=True)
    assert "reads Spanish" in response.content.decode()
    translation.refresh_from_db()
    assert translation.status == Status.IN_REVIEW


def test_the_desk_shows_the_translation_as_spanish_readers_will_see_it(client, condition):
    translation = TranslationFactory(source=condition, status=Status.IN_REVIEW, published_at=None)
    client.force_login(member_of("Reviewers", "rev"))
    frame = client.get(reverse("admin:translations_translation_reader", args=[translation.pk]))
    assert frame.status_code == 200
    assert "Texto name" in frame.content.decode()


def test_outdated_translations_are_a_filter_in_the_list(client, condition, editor, publish_through_review):
    from review.workflow import start_new_version

    translation = TranslationFactory(source=condition)
    change = start_new_version(condition, editor)
    change.summary = "Changed."
    change.save()
    publish_through_review(change)
    client.force_login(member_of("Reviewers", "rev"))
    listing = client.get(reverse("admin:translations_translation_changelist"), {"outdated": "yes"}).content.decode()
    assert str(translation) in listing
    change_form = client.get(reverse("admin:translations_translation_change", args=[translation.pk])).content.decode()
    assert "the English page has changed since" in change_form


def test_the_reviewer_compares_a_new_version_of_a_translation_part_by_part(client, condition, editor):
    from translations.workflow import save_translation

    TranslationFactory(source=condition, text={"name": "Trombocitopenia", "summary": "Plaquetas bajas."})
    update = save_translation(condition, "es", {"summary": "Pocas plaquetas en la sangre."}, editor)
    client.force_login(member_of("Reviewers", "rev"))
    page = client.get(reverse("admin:translations_translation_change", args=[update.pk])).content.decode()
    assert "Translated text: Summary" in page
    assert "Translated text: Name" not in page  # unchanged parts are not listed
    assert "{&#x27;" not in page and "{'name'" not in page  # no raw dictionary


def test_editors_find_a_translation_by_its_words_or_its_english_name(client, condition):
    TranslationFactory(source=condition, text={"name": "Trombocitopenia inmunitaria", "summary": "Plaquetas bajas."})
    client.force_login(member_of("Editors", "ed"))
    changelist = reverse("admin:translations_translation_changelist")
    listed = f"{condition} (Spanish)"
    for words in ("plaquetas", "thrombocytopenia"):
        assert listed in client.get(changelist, {"q": words}).content.decode(), words
    assert listed not in client.get(changelist, {"q": "kawasaki"}).content.decode()
