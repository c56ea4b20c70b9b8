from django.views.generic import DetailView

from articles.views import PreviewMixin, StaffPreviewMixin

from .models import Page


class PageDetailView(PreviewMixin, DetailView):
    preview_permission = "pages.view_page"

    def is_visible_to_readers(self, page):
        return page.is_live

    def get_queryset(self):
        return Page.objects.visible_to(self.request.user)


class PagePreviewView(StaffPreviewMixin, PageDetailView):
    def preview_queryset(self):
        return Page.objects.all()
