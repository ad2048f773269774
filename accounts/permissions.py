"""Django permission groups for the roles. Created by ``ensure_role_groups``
(run by migrate's post_migrate and by seed_demo), so a new staff account
only needs its group and its region."""

from django.contrib.auth.models import Group, Permission

from .models import Role

# app_label -> models staff may change in admin (within their region).
STAFF_MODELS = {
    "stations": ["station", "stationmembership", "stationassessment", "assessmentresult", "receptionday", "receptionsubscription"],
    "deputies": ["deputy", "mandate", "deputygroup", "dutyactivity", "congress"],
    "units": ["handlingunit"],
    "proposals": ["case", "casenote", "contactrecord", "supervisionrecord", "caseassignment", "reply", "feedback", "caseevent"],
    "regions": ["region"],
    "open311": ["apikey"],
}
# Read-only for staff: configuration that superusers maintain.
STAFF_VIEW_ONLY = {
    "proposals": ["category", "replyclass", "deadlinepolicy", "phonereveallog"],
    "stations": ["checklistitem"],
    "deputies": ["tier"],
    "workcalendar": ["workdayoverride"],
}


def ensure_role_groups() -> None:
    staff, _created = Group.objects.get_or_create(name=str(Role.STAFF.label))
    perms = []
    for app, models in STAFF_MODELS.items():
        perms += list(Permission.objects.filter(content_type__app_label=app, content_type__model__in=models))
    for app, models in STAFF_VIEW_ONLY.items():
        perms += list(Permission.objects.filter(content_type__app_label=app, content_type__model__in=models, codename__startswith="view_"))
    staff.permissions.set(perms)
    leader, _created = Group.objects.get_or_create(name=str(Role.LEADER.label))
    leader.permissions.set(perms)
