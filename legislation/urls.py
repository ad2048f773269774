from django.urls import path

from . import views

app_name = "legislation"

urlpatterns = [
    path("", views.draft_list, name="list"),
    path("track/", views.track, name="track"),
    path("s/<str:code>/", views.station_entry, name="station"),
    path("<int:pk>/", views.draft_page, name="draft"),
    path("<int:pk>/s/<str:code>/", views.draft_page, name="draft_station"),
    path("<int:pk>/submitted/", views.done, name="done"),
    path("<int:pk>/s/<str:code>/submitted/", views.done, name="done_station"),
    path("<int:pk>/versions/<int:number>/", views.version_diff, name="version_diff"),
    path("manage/", views.manage_list, name="manage_list"),
    path("manage/new/", views.draft_new, name="draft_new"),
    path("manage/<int:pk>/", views.manage, name="manage"),
    path("manage/<int:pk>/merge/", views.manage_merge, name="merge"),
    path("manage/<int:pk>/summary/", views.manage_summary, name="summary"),
    path("manage/<int:pk>/forum/", views.forum_new, name="forum"),
    path("manage/<int:pk>/paper/", views.paper_new, name="paper"),
    path("manage/<int:pk>/moderation/", views.moderation, name="moderation"),
    path("manage/<int:pk>/stats/", views.stats, name="stats"),
    path("manage/<int:pk>/reports/", views.report_compile, name="report_compile"),
    path("manage/<int:pk>/version/", views.version_new, name="version_new"),
    path("manage/<int:pk>/extend/", views.extend, name="extend"),
    path("manage/comments/<int:comment_pk>/unmerge/", views.comment_unmerge, name="unmerge"),
    path("manage/comments/<int:comment_pk>/tags/", views.comment_tags, name="tags"),
    path("manage/comments/<int:comment_pk>/feedback/", views.comment_feedback, name="feedback"),
    path("manage/comments/<int:comment_pk>/moderate/", views.comment_moderate, name="moderate"),
    path("manage/comments/<int:comment_pk>/reveal/", views.comment_reveal, name="reveal"),
    path("reports/<int:report_pk>/forward/", views.report_forward, name="report_forward"),
    path("reports/<int:report_pk>/<str:fmt>/", views.report_file, name="report_file"),
]
