"""The liaison officer's workspace (/station/)."""

from django.urls import path

from . import views

app_name = "station_workspace"

urlpatterns = [
    path("", views.home, name="home"),
    path("<str:code>/", views.station, name="station"),
    path("<str:code>/cases/<int:pk>/", views.case_detail, name="case"),
    path("<str:code>/cases/<int:pk>/reveal/", views.case_reveal, name="case_reveal"),
    path("<str:code>/cases/<int:pk>/answer/", views.case_answer, name="case_answer"),
    path("<str:code>/cases/<int:pk>/receipt/", views.receipt, name="receipt"),
    path("<str:code>/entry/", views.entry, name="entry"),
    path("<str:code>/receptions/", views.receptions, name="receptions"),
    path("<str:code>/receptions/<int:pk>/", views.reception_detail, name="reception"),
    path("<str:code>/receptions/<int:pk>/cancel/", views.reception_cancel_view, name="reception_cancel"),
    path("<str:code>/posts/", views.posts, name="posts"),
    path("<str:code>/posts/<int:pk>/publish/", views.post_publish, name="post_publish"),
]
