from django.contrib import admin

from review.admin import ReviewedAdmin

from .models import Page
from .views import PagePreviewView


@admin.register(Page)
class PageAdmin(ReviewedAdmin):
    list_display = ["title", "slug", "footer_position", "modified_at"]
    search_fields = ["title", "summary", "body"]
    prepopulated_fields = {"slug": ["title"]}
    fields = ["title", "slug", "summary", "body", "footer_position"]
    reader_page_view = PagePreviewView
