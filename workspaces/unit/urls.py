from django.urls import path

from . import views

app_name = "unit"

urlpatterns = [
    path("", views.home, name="home"),
    path("cases/<int:pk>/", views.case_detail, name="case"),
    path("cases/<int:pk>/start/", views.start_handling, name="start"),
    path("cases/<int:pk>/dispute/", views.dispute, name="dispute"),
    path("cases/<int:pk>/contact/", views.add_contact, name="contact"),
    path("cases/<int:pk>/reply/", views.reply, name="reply"),
    path("cases/<int:pk>/phone/", views.reveal_phone, name="reveal_phone"),
]
