from django.urls import path

from . import views

app_name = "stations"

urlpatterns = [
    path("", views.station_list, name="list"),
    path("<slug:code>/", views.station_detail, name="detail"),
    path("<slug:code>/poster/", views.station_poster, name="poster"),
    path("<slug:code>/qr.svg", views.station_qr, {"fmt": "svg"}, name="qr_svg"),
    path("<slug:code>/qr.png", views.station_qr, {"fmt": "png"}, name="qr_png"),
    path("<slug:code>/photos/<int:pk>/", views.post_photo, name="post_photo"),
]
