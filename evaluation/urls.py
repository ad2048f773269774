from django.urls import path

from . import views

app_name = "evaluation"

urlpatterns = [
    path("me/", views.my_score, name="my_score"),
    path("me/report/", views.my_report_new, name="my_report_new"),
    path("me/record/", views.my_record, name="my_record"),
    path("me/record.xlsx", views.my_record, {"fmt": "xlsx"}, name="my_record_xlsx"),
    path("staff/", views.staff_ranking, name="staff_ranking"),
    path("staff/reports/", views.staff_reports, name="staff_reports"),
    path("staff/reports/<int:pk>/review/", views.staff_report_review, name="staff_report_review"),
    path("staff/<int:table_pk>/deputy/<int:deputy_pk>/", views.staff_deputy, name="staff_deputy"),
    path("staff/<int:table_pk>/deputy/<int:deputy_pk>/record/", views.staff_deputy, {"fmt": "html"}, name="staff_deputy_record"),
    path("staff/<int:table_pk>/deputy/<int:deputy_pk>/record.xlsx", views.staff_deputy, {"fmt": "xlsx"}, name="staff_deputy_xlsx"),
]

urlpatterns += [
    path("staff/voter-reports/", views.staff_voter_reports, name="staff_voter_reports"),
    path("staff/voter-reports/<int:pk>/", views.staff_voter_report, name="staff_voter_report"),
    path("ballot/<str:token>/", views.ballot, name="ballot"),
]
