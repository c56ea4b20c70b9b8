"""
Partners' API keys (issued in the admin, each with its own rate limit and a count of its use), the withdrawals an
incremental sync reports, and the webhooks that tell partners of changes.
"""

import base64
import secrets
import uuid

from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.validators import URLValidator
from django.db import models
from django.db.models import F, Max, Q
from django.db.models.functions import Coalesce, Greatest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework_api_key.models import AbstractAPIKey

from review.content import reviewed_models


class PartnerKey(AbstractAPIKey):
    """
    A key a partner (a hospital, clinic or patient portal) sends as ``Authorization: Api-Key …``.
    Only a hash is stored: the key itself is shown once, when it is created.
    """

    organization = models.CharField(
        _("organization"), max_length=200, help_text=_("Who uses the key, e.g. “St Example Hospital patient portal”.")
    )
    contact_email = models.EmailField(_("contact email"), blank=True, help_text=_("Whom to tell about changes."))
    rate_limit = models.PositiveIntegerField(
        _("requests per hour"),
        null=True,
        blank=True,
        help_text=_("Leave empty for the standard limit for partners (API_KEY_RATE, e.g. 1000 an hour)."),
    )
    requests = models.PositiveBigIntegerField(_("requests answered"), default=0, editable=False)
    refused = models.PositiveBigIntegerField(
        _("requests refused"), default=0, editable=False, help_text=_("Refused with 429 for going over the limit.")
    )
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True, editable=False)

    class Meta(AbstractAPIKey.Meta):
        ordering = ["organization", "name"]
        verbose_name = _("partner API key")
        verbose_name_plural = _("partner API keys")

    def __str__(self):
        return f"{self.organization}: {self.name}" if self.name else self.organization

    def count_request(self, refused=False):
        """One more request with this key, counted in the database so every worker adds to the same total."""
        counter = "refused" if refused else "requests"
        type(self).objects.filter(pk=self.pk).update(**{counter: F(counter) + 1, "last_used_at": timezone.now()})


def new_webhook_secret():
    """A signing secret as the Standard Webhooks specification spells it: ``whsec_`` and 32 random bytes in base64."""
    return "whsec_" + base64.b64encode(secrets.token_bytes(32)).decode()


class WithdrawalQuerySet(models.QuerySet):
    def of(self, *models_):
        """Withdrawals of records of these models."""
        return self.filter(content_type__in=list(ContentType.objects.get_for_models(*models_).values()))

    def current(self):
        """
        What partners are told to remove: withdrawals whose record has not come back. A record published again is
        marked ``republished_at`` at once; one published again for a later time drops out when its time comes.
        """
        live = Q()
        for model in reviewed_models():
            content_type = ContentType.objects.get_for_model(model)
            live |= Q(content_type=content_type, object_id__in=model.objects.published().values("pk"))
        return self.filter(republished_at__isnull=True).exclude(live)

    def since(self, moment):
        return self.filter(withdrawn_at__gte=moment)

    def last_change(self):
        """When the withdrawals here last changed: a record withdrawn, or one come back (None if never)."""
        return self.aggregate(last=Max(Greatest("withdrawn_at", Coalesce("republished_at", "withdrawn_at"))))["last"]


class Withdrawal(models.Model):
    """
    A tombstone: a record partners may have copied that readers can no longer see (unpublished, archived, merged
    into another or deleted), with when and why, so an incremental sync removes it too. Written by the API's
    signal receivers (``api.sync``); one per record, kept when the record comes back so validators still move.
    """

    class Reason(models.TextChoices):
        UNPUBLISHED = "unpublished", _("Unpublished")
        ARCHIVED = "archived", _("Archived")
        MERGED = "merged", _("Merged into another record")
        DELETED = "deleted", _("Deleted")

    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, verbose_name=_("kind of record"))
    object_id = models.PositiveBigIntegerField(_("record id"))
    record = GenericForeignKey("content_type", "object_id")
    name = models.CharField(_("name"), max_length=300, help_text=_("The record's title or name when it was withdrawn."))
    slug = models.CharField(
        _("slug"), max_length=200, blank=True, help_text=_("Its address on the site, if it has one.")
    )
    api_path = models.CharField(
        _("API address"), max_length=500, help_text=_("Where the API served it, e.g. /api/v1/conditions/itp/.")
    )
    reader_path = models.CharField(_("reader address"), max_length=500, help_text=_("Where readers saw it."))
    reason = models.CharField(_("reason"), max_length=20, choices=Reason)
    comment = models.TextField(_("why"), blank=True, help_text=_("The reviewer's comment, or what it was merged into."))
    replaced_by_id = models.PositiveBigIntegerField(_("replaced by (id)"), null=True, blank=True)
    replaced_by = GenericForeignKey("content_type", "replaced_by_id")
    withdrawn_at = models.DateTimeField(_("withdrawn at"), db_index=True)
    republished_at = models.DateTimeField(
        _("published again at"),
        null=True,
        blank=True,
        help_text=_("Set when the record is published again: partners are no longer told to remove it."),
    )

    objects = WithdrawalQuerySet.as_manager()

    class Meta:
        ordering = ["withdrawn_at", "id"]
        verbose_name = _("withdrawal")
        verbose_name_plural = _("withdrawals")
        constraints = [
            models.UniqueConstraint(fields=["content_type", "object_id"], name="api_one_withdrawal_per_record")
        ]

    def __str__(self):
        return f"{self.content_type.name} “{self.name}” {self.get_reason_display().lower()}"


class WebhookSubscription(models.Model):
    """A partner's address, told by a signed POST when syndicated records are published, updated or withdrawn."""

    partner = models.ForeignKey(
        PartnerKey, on_delete=models.CASCADE, related_name="webhooks", verbose_name=_("partner key"),
        help_text=_("The partner whose key this address belongs with; revoking the key stops its deliveries."),
    )  # fmt: skip
    url = models.URLField(
        _("address"),
        max_length=500,
        validators=[URLValidator(schemes=["https"])],
        help_text=_("The partner's HTTPS address that receives the POSTs, e.g. https://portal.example.org/ivig-hook."),
    )
    secret = models.CharField(
        _("signing secret"),
        max_length=100,
        default=new_webhook_secret,
        editable=False,
        help_text=_("Give it to the partner: each POST is signed with it (see the README, “Webhooks”)."),
    )
    active = models.BooleanField(_("active"), default=True, help_text=_("Untick to stop sending without deleting."))
    on_published = models.BooleanField(_("published"), default=True, help_text=_("A record goes live."))
    on_updated = models.BooleanField(
        _("updated"),
        default=True,
        help_text=_("A new version goes live, or a record it shows changes or is withdrawn."),
    )
    on_withdrawn = models.BooleanField(
        _("withdrawn"), default=True, help_text=_("A record is unpublished, archived, merged or deleted.")
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["partner__organization", "url"]
        verbose_name = _("webhook subscription")
        verbose_name_plural = _("webhook subscriptions")

    def __str__(self):
        return f"{self.partner.organization}: {self.url}"

    def wants(self, event):
        return getattr(self, f"on_{event}")


class WebhookDeliveryQuerySet(models.QuerySet):
    def due(self, now=None):
        """Deliveries waiting for their next attempt whose time has come, to subscriptions still in use."""
        now = now or timezone.now()
        return self.filter(
            Q(subscription__partner__expiry_date__isnull=True) | Q(subscription__partner__expiry_date__gt=now),
            state=WebhookDelivery.State.PENDING,
            next_attempt_at__lte=now,
            subscription__active=True,
            subscription__partner__revoked=False,
        )


class WebhookDelivery(models.Model):
    """One event for one subscription: the outbox row ``manage.py deliver_webhooks`` sends and retries."""

    class Event(models.TextChoices):
        PUBLISHED = "published", _("Published")
        UPDATED = "updated", _("Updated")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    class State(models.TextChoices):
        PENDING = "pending", _("Waiting to be sent")
        DELIVERED = "delivered", _("Delivered")
        FAILED = "failed", _("Given up")

    message_id = models.UUIDField(_("message id"), default=uuid.uuid4, unique=True, editable=False)
    subscription = models.ForeignKey(
        WebhookSubscription, on_delete=models.CASCADE, related_name="deliveries", verbose_name=_("subscription")
    )
    event = models.CharField(_("event"), max_length=20, choices=Event)
    payload = models.JSONField(_("payload"), help_text=_("What is sent, with addresses relative to SITE_URL."))
    state = models.CharField(_("state"), max_length=20, choices=State, default=State.PENDING, db_index=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"), default=timezone.now, db_index=True)
    last_attempt_at = models.DateTimeField(_("last attempt"), null=True, blank=True)
    last_result = models.CharField(_("last result"), max_length=300, blank=True, help_text=_("e.g. “HTTP 503”."))
    delivered_at = models.DateTimeField(_("delivered"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    objects = WebhookDeliveryQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("webhook delivery")
        verbose_name_plural = _("webhook deliveries")

    def __str__(self):
        record = f"{self.payload.get('kind', '')} #{self.payload.get('id', '')}"
        return f"{self.get_event_display()}: {record} → {self.subscription}"
