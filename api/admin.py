from django.contrib import admin
from django.db import models
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework_api_key.admin import APIKeyModelAdmin
from rest_framework_api_key.models import APIKey

from .models import PartnerKey, WebhookDelivery, WebhookSubscription, Withdrawal

# The library's own key model is not ours: its keys open nothing here, so the admin offers only partner keys.
admin.site.unregister(APIKey)


@admin.register(PartnerKey)
class PartnerKeyAdmin(APIKeyModelAdmin):
    list_display = [*APIKeyModelAdmin.list_display, "organization", "rate_limit", "requests", "refused", "last_used_at"]
    search_fields = [*APIKeyModelAdmin.search_fields, "organization", "contact_email"]
    readonly_fields = ["requests", "refused", "last_used_at", "created"]

    def get_readonly_fields(self, request, obj=None):
        return [*super().get_readonly_fields(request, obj), *self.readonly_fields]

    fieldsets = [
        (None, {"fields": ["organization", "name", "contact_email", "prefix"]}),
        ("Limits and use", {"fields": ["rate_limit", "requests", "refused", "last_used_at"]}),
        ("Validity", {"fields": ["expiry_date", "revoked", "created"]}),
    ]


@admin.register(WebhookSubscription)
class WebhookSubscriptionAdmin(admin.ModelAdmin):
    list_display = ["partner", "url", "active", "on_published", "on_updated", "on_withdrawn", "waiting", "given_up"]
    list_filter = ["active"]
    list_select_related = ["partner"]
    search_fields = ["url", "partner__organization"]
    autocomplete_fields = ["partner"]
    readonly_fields = ["secret", "created_at"]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    fieldsets = [
        (None, {"fields": ["partner", "url", "active"]}),
        (_("Events sent"), {"fields": ["on_published", "on_updated", "on_withdrawn"]}),
        (_("Signing"), {"fields": ["secret", "created_at"]}),
    ]

    def get_fieldsets(self, request, obj=None):
        # The secret is made when the subscription is saved: shown from then on, to give to the partner.
        return self.fieldsets if obj else self.fieldsets[:2]

    def get_queryset(self, request):
        State = WebhookDelivery.State
        return (
            super()
            .get_queryset(request)
            .annotate(
                waiting_count=Count("deliveries", filter=Q(deliveries__state=State.PENDING)),
                given_up_count=Count("deliveries", filter=Q(deliveries__state=State.FAILED)),
            )
        )

    @admin.display(description=_("waiting"), ordering="waiting_count")
    def waiting(self, obj):
        return obj.waiting_count

    @admin.display(description=_("given up"), ordering="given_up_count")
    def given_up(self, obj):
        return obj.given_up_count


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(admin.ModelAdmin):
    """The outbox: what was sent to whom, what the partner answered, and what was given up on."""

    list_display = [
        "created_at",
        "event",
        "record",
        "subscription",
        "state",
        "attempts",
        "last_result",
        "next_attempt_at",
    ]
    list_filter = ["state", "event", "subscription"]
    list_select_related = ["subscription__partner"]
    date_hierarchy = "created_at"
    actions = ["send_again"]
    fields = [
        "message_id",
        "subscription",
        "event",
        "state",
        "attempts",
        "last_attempt_at",
        "last_result",
        "next_attempt_at",
        "delivered_at",
        "created_at",
        "payload",
    ]
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    @admin.display(description=_("record"))
    def record(self, obj):
        data = obj.payload.get("data", {})
        return f"{data.get('kind', '')} #{data.get('id', '')} {data.get('name', '')}".strip()

    @admin.action(permissions=["change"], description=_("Send the selected deliveries again"))
    def send_again(self, request, queryset):
        for delivery in queryset:
            delivery.state = WebhookDelivery.State.PENDING
            delivery.attempts = 0
            delivery.next_attempt_at = timezone.now()
            delivery.save()
        self.message_user(request, _("They are sent on the next run of deliver_webhooks."))


@admin.register(Withdrawal)
class WithdrawalAdmin(admin.ModelAdmin):
    """What partners are told to remove; written by the workflow, never by hand."""

    list_display = ["withdrawn_at", "content_type", "name", "reason", "republished_at"]
    list_filter = ["reason", "content_type"]
    search_fields = ["name", "slug", "comment"]
    date_hierarchy = "withdrawn_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
