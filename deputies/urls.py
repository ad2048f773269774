from django.urls import path

from . import views

app_name = "deputies"

urlpatterns = [
    path("", views.deputy_list, name="list"),
    path("<str:public_id>/", views.deputy_detail, name="detail"),
]
