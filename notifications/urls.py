from django.urls import path

from . import subscriptions, views

app_name = "notifications"

urlpatterns = [
    path("", views.notification_list, name="list"),
    path("<int:pk>/read/", views.notification_read, name="read"),
    path("read-all/", views.notification_read_all, name="read_all"),
    # Public: residents subscribe to a station's reception days (SMS code) and unsubscribe.
    path("subscribe/<str:code>/", subscriptions.subscribe, name="subscribe"),
    path("unsubscribe/<str:token>/", subscriptions.unsubscribe, name="unsubscribe"),
]
