"""Partners' API keys: issued in the admin, each with its own rate limit and a count of its use."""

from django.db import models
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework_api_key.models import AbstractAPIKey


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
