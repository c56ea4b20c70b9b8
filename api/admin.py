from django.contrib import admin
from rest_framework_api_key.admin import APIKeyModelAdmin
from rest_framework_api_key.models import APIKey

from .models import PartnerKey

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
