from django.urls import path

from references.views import SourcesExportView

from . import feeds, views
from .models import Article, Condition, Product, SideEffect

app_name = "articles"

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("articles/", views.ArticleListView.as_view(), name="article_list"),
    path("articles/<slug:slug>/", views.ArticleDetailView.as_view(), name="article_detail"),
    path("articles/<slug:slug>/sources.<str:fmt>", SourcesExportView.as_view(model=Article), name="article_sources"),
    path(
        "conditions/<slug:slug>/sources.<str:fmt>", SourcesExportView.as_view(model=Condition), name="condition_sources"
    ),
    path("products/<slug:slug>/sources.<str:fmt>", SourcesExportView.as_view(model=Product), name="product_sources"),
    path(
        "side-effects/<slug:slug>/sources.<str:fmt>",
        SourcesExportView.as_view(model=SideEffect),
        name="sideeffect_sources",
    ),
    path("preview/articles/<int:pk>/", views.ArticlePreviewView.as_view(), name="article_preview"),
    path("preview/conditions/<int:pk>/", views.ConditionPreviewView.as_view(), name="condition_preview"),
    path("preview/products/<int:pk>/", views.ProductPreviewView.as_view(), name="product_preview"),
    path("preview/side-effects/<int:pk>/", views.SideEffectPreviewView.as_view(), name="sideeffect_preview"),
    path("preview/contributors/<int:pk>/", views.ContributorPreviewView.as_view(), name="contributor_preview"),
    path("conditions/", views.ConditionListView.as_view(), name="condition_list"),
    path("conditions/<slug:slug>/", views.ConditionDetailView.as_view(), name="condition_detail"),
    path("conditions/<slug:slug>/rss/", feeds.ConditionFeed(), name="condition_rss"),
    path("conditions/<slug:slug>/atom/", feeds.ConditionAtomFeed(), name="condition_atom"),
    path("products/", views.ProductListView.as_view(), name="product_list"),
    path("products/<slug:slug>/", views.ProductDetailView.as_view(), name="product_detail"),
    path("side-effects/", views.SideEffectListView.as_view(), name="side_effect_list"),
    path("side-effects/<slug:slug>/", views.SideEffectDetailView.as_view(), name="side_effect_detail"),
    path("contributors/<slug:slug>/", views.ContributorDetailView.as_view(), name="contributor_detail"),
    path("expert-board/", views.ExpertBoardView.as_view(), name="expert_board"),
    path("feeds/rss/", feeds.LatestArticlesFeed(), name="rss"),
    path("feeds/atom/", feeds.LatestArticlesAtomFeed(), name="atom"),
]
