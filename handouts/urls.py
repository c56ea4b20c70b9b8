from django.urls import path

from . import views

app_name = "handouts"

urlpatterns = [
    path("articles/<slug:slug>/handout.pdf", views.ArticleHandoutView.as_view(), name="article_handout"),
    path("preview/articles/<int:pk>/handout.pdf", views.ArticlePreviewHandoutView.as_view(), name="article_preview"),
]
