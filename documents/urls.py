from django.urls import path

from . import views

app_name = "documents"

urlpatterns = [
    path("case/<int:pk>/assignment/", views.assignment_sheet, name="assignment_sheet"),
    path("case/<int:pk>/receipt/", views.receipt, name="receipt"),
    path("case/<int:pk>/reply/", views.reply_cover, name="reply_cover"),
    path("case/<int:pk>/file/", views.case_file, name="case_file"),
    path("assignments/", views.assignment_batch, name="assignment_batch"),
]
