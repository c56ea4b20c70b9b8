from django.contrib import admin
from rest_framework_api_key.admin import APIKeyModelAdmin

from .models import PartnerKey


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
