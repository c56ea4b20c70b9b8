from django.urls import path

from . import views

app_name = "references"

urlpatterns = [
    path("sources/<int:pk>/", views.SourceDetailView.as_view(), name="source_detail"),
    path(
        "articles/<slug:slug>/sources.<str:fmt>",
        views.ArticleSourcesExportView.as_view(),
        name="article_sources_export",
    ),
]
