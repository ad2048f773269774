from django.urls import path, register_converter

from . import views


class QRFormat:
    regex = "svg|png"

    def to_python(self, value):
        return value

    def to_url(self, value):
        return value


register_converter(QRFormat, "qrfmt")

app_name = "intake"

urlpatterns = [
    path("kiosk/<str:code>/", views.kiosk, name="kiosk"),
    path("kiosk/<str:code>/device/", views.kiosk_device, name="kiosk_device"),
    path("submitted/<str:token>/", views.done, name="done"),
    path("d/<str:public_id>/", views.deputy_form, name="deputy"),
    path("d/<str:public_id>/qr.<qrfmt:fmt>", views.deputy_qr, name="deputy_qr"),
    path("d/<str:public_id>/poster/", views.deputy_poster, name="deputy_poster"),
    path("track/", views.track, name="track"),
]
