from django.contrib import admin

from articles.admin import ReviewerPublishesMixin

from .models import Page


@admin.register(Page)
class PageAdmin(ReviewerPublishesMixin, admin.ModelAdmin):
    list_display = ["title", "slug", "is_published", "footer_position", "modified_at"]
    list_filter = ["is_published"]
    list_editable = ["footer_position"]
    search_fields = ["title", "summary", "body"]
    prepopulated_fields = {"slug": ["title"]}
    fields = ["title", "slug", "summary", "body", "is_published", "footer_position"]
