"""
Partners' webhooks: a signed POST for each publish, update and withdrawal, sent by ``deliver_webhooks`` from an outbox
written when the change commits, retried with a growing wait, given up after the last attempt, never in the way of a
publication. A real HTTP server on a free local port receives them and checks every signature.
"""

import base64
import datetime
import hashlib
import hmac
import json
import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone

from api import webhooks
from api.models import PartnerKey, WebhookDelivery, WebhookSubscription, Withdrawal
from articles.models import Condition
from review import workflow
from tests import factories

pytestmark = pytest.mark.django_db


class Receiver:
    """A partner's endpoint: answers with the statuses queued (then 204) and keeps what it got, signature checked."""

    def __init__(self):
        self.statuses = []
        self.received = []
        self.secret = ""
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                receiver.received.append(
                    {
                        "headers": {name.lower(): value for name, value in self.headers.items()},
                        "body": json.loads(body),
                        "verified": receiver.verify(self, body),
                    }
                )
                self.send_response(receiver.statuses.pop(0) if receiver.statuses else 204)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/ivig-hook"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def verify(self, request, body):
        """The partner's side of the Standard Webhooks signature: HMAC-SHA256 of id.timestamp.body."""
        key = base64.b64decode(self.secret.removeprefix("whsec_"))
        signed = f"{request.headers['webhook-id']}.{request.headers['webhook-timestamp']}.".encode() + body
        expected = base64.b64encode(hmac.new(key, signed, hashlib.sha256).digest()).decode()
        return request.headers["webhook-signature"] == f"v1,{expected}"


@pytest.fixture
def receiver():
    running = Receiver()
    running.thread.start()
    yield running
    running.server.shutdown()
    running.server.server_close()


@pytest.fixture
def subscription(receiver, settings):
    settings.SITE_URL = "https://ivig.example.org"
    partner, _key = PartnerKey.objects.create_key(name="Portal", organization="St Example Hospital")
    # Created as the admin would, but with the local test server's plain-HTTP address (the admin asks for HTTPS).
    created = WebhookSubscription.objects.create(partner=partner, url=receiver.url)
    receiver.secret = created.secret
    return created


def deliver():
    call_command("deliver_webhooks")


def test_a_publication_is_posted_signed_and_retried_after_a_failure(
    receiver, subscription, publish_through_review, django_capture_on_commit_callbacks
):
    receiver.statuses = [503]
    with django_capture_on_commit_callbacks(execute=True):
        condition = publish_through_review(factories.ConditionFactory(draft=True, slug="zebra", name="Zebra"))

    deliver()
    delivery = WebhookDelivery.objects.get()
    assert (delivery.state, delivery.attempts, delivery.last_result) == ("pending", 1, "HTTP 503")
    assert delivery.next_attempt_at > timezone.now()
    deliver()  # not due yet: nothing is sent
    assert len(receiver.received) == 1

    WebhookDelivery.objects.update(next_attempt_at=timezone.now())  # the wait is over
    deliver()

    delivery.refresh_from_db()
    assert (delivery.state, delivery.attempts, delivery.last_result) == ("delivered", 2, "HTTP 204")
    first, second = receiver.received
    assert first["verified"] and second["verified"]
    assert first["headers"]["webhook-id"] == second["headers"]["webhook-id"] == f"msg_{delivery.message_id.hex}"
    assert second["body"]["type"] == "published"
    assert second["body"]["data"] == {
        "kind": "conditions",
        "id": condition.pk,
        "slug": "zebra",
        "name": str(condition),
        "api_url": "https://ivig.example.org/api/v1/conditions/zebra/",
        "canonical_url": "https://ivig.example.org/conditions/zebra/",
        "modified": Condition.objects.get(pk=condition.pk).modified_at.isoformat(),
    }


def test_a_publication_set_for_later_is_posted_when_it_goes_live(
    receiver, subscription, publish_through_review, django_capture_on_commit_callbacks
):
    live_at = timezone.now() + datetime.timedelta(hours=2)
    with django_capture_on_commit_callbacks(execute=True):
        publish_through_review(factories.ConditionFactory(draft=True, slug="zebra"), at=live_at)

    deliver()
    assert receiver.received == []
    assert WebhookDelivery.objects.get().next_attempt_at == live_at

    WebhookDelivery.objects.update(next_attempt_at=timezone.now())  # its time has come
    deliver()
    assert [message["body"]["data"]["slug"] for message in receiver.received] == ["zebra"]


def test_an_unpublish_is_posted_as_a_withdrawal_and_the_linking_record_as_updated(
    receiver, subscription, full_article, reviewer, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        workflow.perform(Condition.objects.get(slug="itp"), "unpublish", reviewer, "Out of date.")
    deliver()

    said = {message["body"]["type"]: message["body"]["data"] for message in receiver.received}
    assert all(message["verified"] for message in receiver.received)
    assert said["withdrawn"]["api_url"] == "https://ivig.example.org/api/v1/conditions/itp/"
    assert (said["withdrawn"]["reason"], said["withdrawn"]["comment"]) == ("unpublished", "Out of date.")
    assert said["updated"]["api_url"] == "https://ivig.example.org/api/v1/articles/ivig-for-itp/"


def test_a_subscription_gets_only_the_events_it_chose(
    subscription, full_article, reviewer, django_capture_on_commit_callbacks
):
    WebhookSubscription.objects.update(on_updated=False)
    with django_capture_on_commit_callbacks(execute=True):
        workflow.perform(Condition.objects.get(slug="itp"), "unpublish", reviewer, "Out of date.")
    assert list(WebhookDelivery.objects.values_list("event", flat=True)) == ["withdrawn"]


def test_a_delivery_is_given_up_after_the_last_attempt_and_the_admin_says_so(
    subscription, settings, admin_client, full_article, reviewer, django_capture_on_commit_callbacks
):
    settings.WEBHOOK_MAX_ATTEMPTS = 2
    with socket.socket() as closed:  # a port nobody listens on
        closed.bind(("127.0.0.1", 0))
        WebhookSubscription.objects.update(url=f"http://127.0.0.1:{closed.getsockname()[1]}/", on_updated=False)
    with django_capture_on_commit_callbacks(execute=True):
        workflow.perform(Condition.objects.get(slug="itp"), "unpublish", reviewer, "Out of date.")

    deliver()
    WebhookDelivery.objects.update(next_attempt_at=timezone.now())
    deliver()

    delivery = WebhookDelivery.objects.get()
    assert (delivery.state, delivery.attempts) == ("failed", 2)
    assert delivery.last_result.startswith("Not delivered")
    page = admin_client.get(reverse("admin:api_webhookdelivery_changelist"), {"state__exact": "failed"})
    assert "Given up" in page.content.decode() and "itp" not in delivery.last_result
    admin_client.post(
        reverse("admin:api_webhookdelivery_changelist"),
        {"action": "send_again", "_selected_action": [delivery.pk]},
    )
    delivery.refresh_from_db()
    assert (delivery.state, delivery.attempts) == ("pending", 0)


def test_the_wait_doubles_after_each_failure(settings):
    settings.WEBHOOK_RETRY_SECONDS = 60
    assert [webhooks.retry_delay(n).total_seconds() for n in (1, 2, 3, 4)] == [60, 120, 240, 480]


def test_a_webhook_failure_never_breaks_a_publication(
    subscription, publish_through_review, django_capture_on_commit_callbacks, monkeypatch
):
    def broken(*args, **kwargs):
        raise RuntimeError("the outbox table is unreachable")

    monkeypatch.setattr(webhooks, "_enqueue", broken)
    with django_capture_on_commit_callbacks(execute=True):
        condition = publish_through_review(factories.ConditionFactory(draft=True, slug="zebra"))
    assert Condition.objects.get(pk=condition.pk).is_live
    assert not WebhookDelivery.objects.exists()


def test_a_revoked_partner_key_stops_its_deliveries(
    receiver, subscription, publish_through_review, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        publish_through_review(factories.ConditionFactory(draft=True, slug="zebra"))
    PartnerKey.objects.update(revoked=True)
    deliver()
    assert receiver.received == []
    assert WebhookDelivery.objects.get().state == "pending"


def test_deliver_webhooks_with_loop_keeps_looking_until_stopped(
    receiver, subscription, publish_through_review, django_capture_on_commit_callbacks, monkeypatch
):
    waits = []

    def sleep(seconds):
        waits.append(seconds)
        if len(waits) == 1:  # a publication while the sender waits
            with django_capture_on_commit_callbacks(execute=True):
                publish_through_review(factories.ConditionFactory(draft=True, slug="later"))
        else:
            raise KeyboardInterrupt  # the process manager stops it

    monkeypatch.setattr("api.management.commands.deliver_webhooks.time.sleep", sleep)
    # Between passes the command drops stale connections; the test's own must outlive them, as for a request.
    monkeypatch.setattr("api.management.commands.deliver_webhooks.close_old_connections", lambda: None)
    with django_capture_on_commit_callbacks(execute=True):
        publish_through_review(factories.ConditionFactory(draft=True, slug="first"))

    call_command("deliver_webhooks", "--loop", "--interval", "3")

    assert waits == [3, 3]
    assert [message["body"]["data"]["slug"] for message in receiver.received] == ["first", "later"]


def test_deliver_webhooks_needs_the_sites_address(settings):
    settings.SITE_URL = ""
    with pytest.raises(CommandError, match="SITE_URL"):
        deliver()


def test_a_superuser_subscribes_a_partner_with_an_https_address_and_gets_a_secret(admin_client, db):
    partner, _key = PartnerKey.objects.create_key(name="Portal", organization="St Example Hospital")
    form = {
        "partner": partner.pk,
        "active": "on",
        "on_published": "on",
        "on_updated": "on",
        "on_withdrawn": "on",
    }
    url = reverse("admin:api_webhooksubscription_add")
    refused = admin_client.post(url, {**form, "url": "http://portal.example.org/hook"})
    assert refused.status_code == 200 and "Enter a valid URL." in refused.content.decode()

    admin_client.post(url, {**form, "url": "https://portal.example.org/hook"})
    subscription = WebhookSubscription.objects.get()
    assert subscription.secret.startswith("whsec_") and len(base64.b64decode(subscription.secret[6:])) == 32
    page = admin_client.get(reverse("admin:api_webhooksubscription_change", args=[subscription.pk]))
    assert subscription.secret in page.content.decode()


def test_editors_and_reviewers_cannot_see_webhooks_or_withdrawals(client, editor, reviewer):
    for user in (editor, reviewer):
        client.force_login(user)
        for name in ("webhooksubscription", "webhookdelivery", "withdrawal"):
            assert client.get(reverse(f"admin:api_{name}_changelist")).status_code == 403


def test_the_webhook_and_withdrawal_admin_pages_open_for_a_superuser(
    admin_client, subscription, full_article, reviewer, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        workflow.perform(Condition.objects.get(slug="itp"), "unpublish", reviewer, "Out of date.")
    delivery = WebhookDelivery.objects.filter(event="withdrawn").get()
    withdrawal = Withdrawal.objects.get()
    pages = {
        reverse("admin:api_webhooksubscription_changelist"): "St Example Hospital",
        reverse("admin:api_webhooksubscription_add"): "Events sent",
        reverse("admin:api_webhookdelivery_changelist"): "Waiting to be sent",
        reverse("admin:api_webhookdelivery_change", args=[delivery.pk]): str(delivery.message_id),
        reverse("admin:api_withdrawal_changelist"): "Immune thrombocytopenia",
        reverse("admin:api_withdrawal_change", args=[withdrawal.pk]): "Out of date.",
    }
    for url, text in pages.items():
        response = admin_client.get(url)
        assert response.status_code == 200, url
        assert text in response.content.decode(), url
