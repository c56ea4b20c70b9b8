from django.contrib import admin
from django.db.models import Count, Exists, OuterRef
from django.db.models.functions import Now
from django.utils.translation import gettext_lazy as _

from .models import Upload, UploadUse


class UploadUseInline(admin.TabularInline):
    model = UploadUse
    fields = ["content_type", "object_id", "live_from"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    verbose_name_plural = _("records that show it")

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Upload)
class UploadAdmin(admin.ModelAdmin):
    """Every uploaded image: who uploaded it, through what, and which records show it. Kept by the site itself."""

    list_display = ["name", "origin", "field", "uploaded_by", "uploaded_at", "is_public", "records"]
    list_filter = ["origin", "uploaded_at"]
    list_select_related = ["uploaded_by"]
    search_fields = ["name", "chosen_name", "field", "uploaded_by__username"]
    date_hierarchy = "uploaded_at"
    fields = ["name", "chosen_name", "origin", "field", "uploaded_by", "uploaded_at"]
    readonly_fields = fields
    inlines = [UploadUseInline]

    def get_queryset(self, request):
        public = UploadUse.objects.filter(upload=OuterRef("pk"), live_from__lte=Now())
        return super().get_queryset(request).annotate(public=Exists(public), record_count=Count("uses"))

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=_("readers see it"), boolean=True, ordering="public")
    def is_public(self, upload):
        return upload.public

    @admin.display(description=_("records"), ordering="record_count")
    def records(self, upload):
        return upload.record_count
