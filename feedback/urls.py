from django.urls import path

from . import views

app_name = "feedback"

urlpatterns = [
    path("articles/<slug:slug>/feedback/", views.FeedbackView.as_view(), name="article_feedback"),
]
