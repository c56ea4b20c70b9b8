from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from .models import Feedback


@admin.register(Feedback)
class FeedbackAdmin(admin.ModelAdmin):
    """Readers' answers, read-only except for “dealt with”; filter by article to see one page's feedback."""

    list_display = ["created_at", "article", "helpful", "reason", "short_comment", "is_resolved"]
    list_filter = ["helpful", "reason", "is_resolved", ("article", admin.RelatedOnlyFieldListFilter), "created_at"]
    list_select_related = ["article"]
    list_editable = ["is_resolved"]
    search_fields = ["comment", "article__title"]
    date_hierarchy = "created_at"
    fields = ["article", "helpful", "reason", "comment", "created_at", "is_resolved"]
    readonly_fields = ["article", "helpful", "reason", "comment", "created_at"]
    actions = ["mark_resolved"]

    def has_add_permission(self, request):
        return False

    @admin.display(description=_("comment"))
    def short_comment(self, feedback):
        return feedback.comment if len(feedback.comment) <= 80 else feedback.comment[:79] + "…"

    @admin.action(description=_("Mark as dealt with"), permissions=["change"])
    def mark_resolved(self, request, queryset):
        for feedback in queryset:
            feedback.is_resolved = True
            feedback.save(update_fields=["is_resolved"])
