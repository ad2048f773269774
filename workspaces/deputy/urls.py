"""The deputy's workspace (/deputy/)."""

from django.urls import path

from . import views

app_name = "deputy_workspace"

urlpatterns = [
    path("", views.home, name="home"),
    path("cases/<int:pk>/", views.case_detail, name="case"),
    path("cases/<int:pk>/note/", views.case_note, name="case_note"),
    path("cases/<int:pk>/contact/", views.case_contact, name="case_contact"),
    path("cases/<int:pk>/supervision/", views.case_supervision, name="case_supervision"),
    path("cases/<int:pk>/feedback/", views.case_feedback, name="case_feedback"),
    path("cases/<int:pk>/resubmit/", views.case_resubmit, name="case_resubmit"),
    path("cases/<int:pk>/cosign/", views.case_cosign, name="case_cosign"),
    path("cases/<int:pk>/phone/", views.case_phone, name="case_phone"),
    path("suggestions/new/", views.suggestion_new, name="suggestion_new"),
    path("stations/", views.stations, name="stations"),
    path("stations/<int:station_id>/signup/", views.reception_signup_view, name="reception_signup"),
    path("receptions/<int:pk>/", views.reception_detail, name="reception"),
    path("receptions/<int:pk>/withdraw/", views.reception_withdraw_view, name="reception_withdraw"),
    path("receptions/<int:pk>/opinions/", views.reception_opinion, name="reception_opinion"),
    path("record/", views.duty_record, name="record"),
    path("record/activities/", views.duty_activity_add, name="activity_add"),
    path("record/activities/<int:pk>/delete/", views.duty_activity_remove, name="activity_delete"),
    path("qr/", views.qr_poster, name="qr"),
]
