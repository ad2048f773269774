from django.urls import path

from . import views

app_name = "exports"

urlpatterns = [
    path("", views.job_list, name="list"),
    path("new/<slug:kind>/", views.new, name="new"),
    path("<int:pk>/", views.job, name="job"),
    path("<int:pk>/status/", views.job_status, name="job_status"),
    path("<int:pk>/download/", views.download, name="download"),
]
