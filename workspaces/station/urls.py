"""The liaison officer's workspace (/station/)."""

from django.urls import path

from . import views

app_name = "station_workspace"

urlpatterns = [
    path("", views.home, name="home"),
    path("<str:code>/", views.station, name="station"),
    path("<str:code>/entry/", views.entry, name="entry"),
]
