from django.urls import path

from .views import infobutton

app_name = "infobutton"

urlpatterns = [path("", infobutton, name="infobutton")]
