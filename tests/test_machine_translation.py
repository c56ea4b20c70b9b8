"""An optional machine-translation step: it only ever makes a draft, which goes through review like any other."""

import json
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from review.guard import WorkflowError
from review.models import ReviewEvent, Status
from review.workflow import perform
from tests.factories import ConditionFactory, TranslationFactory
from tests.people import member_of
from translations.machine import machine_draft
from translations.models import Translation

pytestmark = pytest.mark.django_db


class TranslatorStub(BaseHTTPRequestHandler):
    """A LibreTranslate-compatible server: "ES " before the text; ``drop_citations`` loses the markers."""

    drop_citations = False
    asked = []

    def do_POST(self):
        payload = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        type(self).asked.append(payload)
        text = payload["q"].replace("[cite:perez-2017]", "") if self.drop_citations else payload["q"]
        body = json.dumps({"translatedText": f"ES {text}"}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def service(settings):
    server = HTTPServer(("127.0.0.1", 0), TranslatorStub)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    settings.MACHINE_TRANSLATION_URL = f"http://127.0.0.1:{server.server_port}/translate"
    TranslatorStub.asked, TranslatorStub.drop_citations = [], False
    yield TranslatorStub
    server.shutdown()
    server.server_close()


@pytest.fixture
def condition():
    return ConditionFactory(
        name="Immune thrombocytopenia",
        slug="itp",
        summary="Low platelets [cite:perez-2017].",
        overview="<p>About ITP.</p>",
        treatment="",
    )


def draft_url(condition):
    content_type = ContentType.objects.get_for_model(condition)
    query = f"?source={content_type.pk}-{condition.pk}&language=es"
    return reverse("admin:translations_translation_machine_draft") + query


def test_a_machine_draft_is_a_draft_for_review_and_readers_see_nothing(client, service, condition):
    editor = member_of("Editors", "ed")
    draft = machine_draft(condition, "es", editor)
    assert draft.status == Status.DRAFT
    assert draft.text["summary"] == "ES Low platelets [cite:perez-2017]."
    assert draft.text["overview"] == "ES <p>About ITP.</p>"  # sanitized like any rich text
    assert {asked["format"] for asked in service.asked} == {"text", "html"}
    assert {asked["target"] for asked in service.asked} == {"es"}
    assert ReviewEvent.objects.for_object(draft).filter(action="machine_draft").exists()
    assert client.get("/es/conditions/itp/").status_code == 404
    assert perform(draft, "submit", editor).status == Status.IN_REVIEW  # then a Spanish-reading reviewer checks it


def test_a_draft_that_lost_a_citation_cannot_be_submitted(service, condition):
    service.drop_citations = True
    editor = member_of("Editors", "ed")
    draft = machine_draft(condition, "es", editor)
    with pytest.raises(WorkflowError, match="Keep every citation"):
        perform(draft, "submit", editor)


def test_a_machine_draft_never_overwrites_a_translation(service, condition):
    TranslationFactory(source=condition, text={"name": "Trombocitopenia inmunitaria"})
    with pytest.raises(WorkflowError, match="already has a translation"):
        machine_draft(condition, "es", member_of("Editors", "ed"))
    assert Translation.objects.get().text == {"name": "Trombocitopenia inmunitaria"}


def test_when_the_service_is_down_nothing_is_saved_and_the_editor_is_told(client, settings, condition):
    settings.MACHINE_TRANSLATION_URL = "http://127.0.0.1:9/translate"  # nothing listens there
    client.force_login(member_of("Editors", "ed"))
    content_type = ContentType.objects.get_for_model(condition)
    url = (
        reverse("admin:translations_translation_machine_draft")
        + f"?source={content_type.pk}-{condition.pk}&language=es"
    )
    response = client.post(url, follow=True)
    assert "did not answer" in response.content.decode()
    assert not Translation.objects.exists()


def test_the_offer_appears_only_where_a_service_is_set_up(client, settings, service, condition):
    client.force_login(member_of("Editors", "ed"))
    change = reverse("admin:articles_condition_change", args=[condition.pk])
    assert "draft it by machine translation" in client.get(change).content.decode()
    settings.MACHINE_TRANSLATION_URL = ""
    assert "draft it by machine translation" not in client.get(change).content.decode()


def test_reviewers_cannot_make_machine_drafts(client, service, condition):
    client.force_login(member_of("Reviewers", "rev"))
    content_type = ContentType.objects.get_for_model(condition)
    url = (
        reverse("admin:translations_translation_machine_draft")
        + f"?source={content_type.pk}-{condition.pk}&language=es"
    )
    assert client.post(url).status_code == 403
    assert not Translation.objects.exists()
