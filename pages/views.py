from django.views.generic import DetailView

from articles.views import PreviewMixin

from .models import Page


class PageDetailView(PreviewMixin, DetailView):
    preview_permission = "pages.view_page"

    def is_visible_to_readers(self, page):
        return page.is_published

    def get_queryset(self):
        return Page.objects.all() if self.can_preview() else Page.objects.published()
