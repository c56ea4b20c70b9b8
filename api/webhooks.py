"""
Webhooks: partners who subscribed are told, by a signed POST, when a record they may copy is published, updated or
withdrawn, so they need not poll.

Events are written to an outbox (:class:`~api.models.WebhookDelivery`) when the transaction that changed the
content commits, never sent from the request that published: a partner's server that is slow or down cannot delay
or break a publication. ``manage.py deliver_webhooks`` (:func:`deliver_due`) sends them, and retries a failure
(no answer, or any status but 2xx) after 1, 2, 4, 8… times ``WEBHOOK_RETRY_SECONDS``, up to
``WEBHOOK_MAX_ATTEMPTS`` attempts; then it gives up and the admin shows it.

Each POST is signed as the Standard Webhooks specification says (https://www.standardwebhooks.com/): headers
``webhook-id``, ``webhook-timestamp`` and ``webhook-signature: v1,<base64 HMAC-SHA256>`` over
``<id>.<timestamp>.<body>``, keyed with the subscription's secret (base64 after ``whsec_``), so partners can
verify with any of that specification's libraries or a few lines of their own.
"""

import base64
import datetime
import hashlib
import hmac
import json
import logging
import time
from urllib.error import HTTPError, URLError
from urllib.request import HTTPRedirectHandler, Request, build_opener

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from review.models import Status

from .models import WebhookDelivery, WebhookSubscription

logger = logging.getLogger(__name__)
Event = WebhookDelivery.Event


# --- Writing the outbox ----------------------------------------------------------------------------------------


def announce_records(event, shown, due=None):
    """Tell subscribers that the records in ``shown`` (``{model: {pk, ...}}``) were published or updated."""
    from .sync import resources

    kinds = resources()
    shown = {model: set(pks) for model, pks in shown.items() if model in kinds and pks}
    if shown:
        _after_commit(lambda: _enqueue(event, _records_data(shown, kinds), due))


def announce_withdrawal(withdrawal):
    """Tell subscribers that a record was withdrawn, with what the API's withdrawals resource says of it."""
    from .serializers import WithdrawalSerializer

    data = dict(WithdrawalSerializer(withdrawal, context={}).data)
    _after_commit(lambda: _enqueue(Event.WITHDRAWN, [data]))


def _after_commit(function):
    def safely():
        try:
            function()
        except Exception:  # the content is published; a partner's notice must never undo or break that
            logger.exception("Could not queue webhook deliveries")

    transaction.on_commit(safely)


def _records_data(shown, kinds):
    """What an event says of each record (addresses relative to the site): partners fetch ``api_url`` for the rest."""
    from .serializers import api_url

    data = []
    for model, pks in shown.items():
        # Published, or published for a later time (whose message waits until then).
        for record in model.objects.filter(pk__in=pks, status=Status.PUBLISHED).order_by("pk"):
            data.append(
                {
                    "kind": kinds[model].prefix,
                    "id": record.pk,
                    "slug": getattr(record, "slug", None),
                    "name": str(record),
                    "api_url": api_url(record, None),
                    "canonical_url": record.get_absolute_url(),
                    "modified": max(record.modified_at, record.published_at).isoformat(),
                }
            )
    return data


def _enqueue(event, items, due=None):
    subscriptions = list(
        WebhookSubscription.objects.filter(active=True, partner__revoked=False, **{f"on_{event}": True})
    )
    if not subscriptions or not items:
        return
    now = timezone.now()
    WebhookDelivery.objects.bulk_create(
        WebhookDelivery(
            subscription=subscription,
            event=event,
            payload={"type": event, "timestamp": now.isoformat(), "data": item},
            next_attempt_at=max(due or now, now),
            created_at=now,
        )
        for subscription in subscriptions
        for item in items
    )


# --- Sending ---------------------------------------------------------------------------------------------------


def absolute(data, site_url):
    """``data`` with every site-relative address (a key ending in ``url`` whose value starts with ``/``) made whole."""
    if isinstance(data, dict):
        return {
            key: site_url + value
            if key.endswith("url") and isinstance(value, str) and value.startswith("/")
            else absolute(value, site_url)
            for key, value in data.items()
        }
    if isinstance(data, list):
        return [absolute(item, site_url) for item in data]
    return data


def signature(secret, message_id, timestamp, body):
    """The ``webhook-signature`` header's value: ``v1,`` and the base64 HMAC-SHA256 of ``id.timestamp.body``."""
    key = base64.b64decode(secret.removeprefix("whsec_"))
    signed = message_id.encode() + b"." + str(timestamp).encode() + b"." + body
    return "v1," + base64.b64encode(hmac.new(key, signed, hashlib.sha256).digest()).decode()


class _NoRedirects(HTTPRedirectHandler):
    """A redirect is an answer other than 2xx, so a failure: the partner should fix its address."""

    def redirect_request(self, *args, **kwargs):
        return None


_opener = build_opener(_NoRedirects)


def post(delivery):
    """POST ``delivery`` to its subscription; returns ``(delivered, what happened)``."""
    body = json.dumps(absolute(delivery.payload, settings.SITE_URL.rstrip("/")), separators=(",", ":")).encode()
    message_id = f"msg_{delivery.message_id.hex}"
    timestamp = int(time.time())
    request = Request(
        delivery.subscription.url,
        data=body,
        method="POST",
        headers={
            "Content-Type": "application/json",
            "User-Agent": f"{settings.SITE_NAME} webhooks",
            "webhook-id": message_id,
            "webhook-timestamp": str(timestamp),
            "webhook-signature": signature(delivery.subscription.secret, message_id, timestamp, body),
        },
    )
    try:
        with _opener.open(request, timeout=settings.WEBHOOK_TIMEOUT) as response:
            status = response.status
    except HTTPError as error:
        status = error.code
    except (URLError, OSError, ValueError) as error:
        return False, f"Not delivered: {getattr(error, 'reason', error)}"[:300]
    return 200 <= status < 300, f"HTTP {status}"


def retry_delay(attempts):
    """How long to wait after the ``attempts``-th failed attempt: doubling each time."""
    return datetime.timedelta(seconds=settings.WEBHOOK_RETRY_SECONDS * 2 ** (attempts - 1))


def attempt(delivery):
    """One attempt at ``delivery``, its outcome saved: delivered, to be retried later, or given up."""
    delivered, result = post(delivery)
    now = timezone.now()
    delivery.attempts += 1
    delivery.last_attempt_at = now
    delivery.last_result = result
    if delivered:
        delivery.state = WebhookDelivery.State.DELIVERED
        delivery.delivered_at = now
    elif delivery.attempts >= settings.WEBHOOK_MAX_ATTEMPTS:
        delivery.state = WebhookDelivery.State.FAILED
        logger.warning("Gave up on webhook %s to %s: %s", delivery.message_id, delivery.subscription.url, result)
    else:
        delivery.next_attempt_at = now + retry_delay(delivery.attempts)
    delivery.save()
    return delivery


def deliver_due(now=None):
    """Attempt every delivery due at ``now`` once, oldest first; returns ``(delivered, not delivered)`` counts."""
    now = now or timezone.now()
    delivered = failed = 0
    while True:
        with transaction.atomic():
            # Several senders may run: each takes a row no other one holds.
            delivery = (
                WebhookDelivery.objects.due(now)
                .select_related("subscription")
                .select_for_update(skip_locked=True, of=("self",))
                .order_by("next_attempt_at", "id")
                .first()
            )
            if delivery is None:
                return delivered, failed
            if attempt(delivery).state == WebhookDelivery.State.DELIVERED:
                delivered += 1
            else:
                failed += 1
