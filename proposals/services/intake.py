"""Creating cases: every channel (kiosk, QR, paper, reception day, Open311,
a deputy's suggestion) ends in ``case_create``."""

from dataclasses import dataclass

from django.db import IntegrityError, connections, transaction
from django.db.models.signals import post_save, pre_save
from django.db.models.sql import InsertQuery
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts import crypto
from stations.services import ReceptionError, held_day_for_recorder

from ..models import Case, CaseEvent, CaseKind, CasePhoto, CaseState, Category, Channel
from ..tracking import new_tracking_code
from .workflow import announce


@dataclass
class CaseCreated:
    case: Case
    created: bool  # False when the submission key had been seen: the earlier case


def case_create(
    *,
    kind: str = CaseKind.OPINION,
    title: str,
    content: str,
    channel: str,
    station=None,
    region=None,
    category=None,
    address: str = "",
    latitude=None,
    longitude=None,
    addressed_deputy=None,
    responsible_deputy=None,
    resident_name: str = "",
    phone: str = "",
    contact_email: str = "",
    consent_given: bool = False,
    received_on=None,
    submitted_by=None,
    submission_key: str | None = None,
    key_lookup: bool = True,
    device_id: str = "",
    actor_label: str = "",
    photos=(),
    now=None,
) -> CaseCreated:
    """Create a case in state "submitted" with its first history row.

    Idempotent on ``submission_key``: a repeated POST (double tap, a retried
    request) returns the case the first one created.

    ``photos`` are files already checked and re-encoded by the caller
    (``intake.photos.clean_photos``); they are saved with the case, in the
    same transaction, and only when the case is new.

    ``key_lookup=False``: do not look ``submission_key`` up before inserting;
    a repeat is then found by the key's unique constraint (the INSERT fails
    and the earlier case is returned). Cheaper where repeats are rare (the
    kiosk: one query less per submission); the result is the same.
    """
    if submission_key and key_lookup:
        existing = Case.objects.filter(submission_key=submission_key).first()
        if existing is not None:
            return CaseCreated(existing, False)
    now = now or timezone.now()
    phone = crypto.normalize_phone(phone)
    case = Case(
        kind=kind,
        title=title,
        content=content,
        channel=channel,
        station=station,
        region=region,
        category=category,
        address=address,
        latitude=latitude,
        longitude=longitude,
        addressed_deputy=addressed_deputy,
        responsible_deputy=responsible_deputy,
        resident_name=resident_name,
        phone_encrypted=crypto.encrypt(phone),
        phone_masked=crypto.mask_phone(phone),
        phone_last4=phone[-4:] if phone else "",
        contact_email=contact_email,
        consent_given=consent_given,
        is_anonymous=not (resident_name or phone or contact_email),
        received_on=received_on or timezone.localdate(now),
        submitted_by=submitted_by,
        submission_key=submission_key or None,
        device_id=device_id,
        state=CaseState.SUBMITTED,
        state_changed_at=now,
        submitted_at=now,
    )
    if region is None and station is not None:
        case.region_id = station.region_id  # no query for the station's region
    for _attempt in range(5):
        case.tracking_code = new_tracking_code()
        try:
            event = CaseEvent(
                action="submit",
                from_state="",
                to_state=CaseState.SUBMITTED,
                actor=submitted_by if submitted_by is not None and submitted_by.is_authenticated else None,
                actor_label=actor_label,
                data={"channel": channel},
                created_at=now,
            )
            with transaction.atomic():
                _insert_case_and_event(case, event)
                for photo in photos:
                    CasePhoto.objects.create(case=case, image=photo)
            announce(event)
            return CaseCreated(case, True)
        except IntegrityError:
            case.pk = None
            if submission_key:
                existing = Case.objects.filter(submission_key=submission_key).first()
                if existing is not None:
                    return CaseCreated(existing, False)
            # Otherwise a tracking-code collision: draw again.
    raise RuntimeError("could not allocate a tracking code")


def _insert_case_and_event(case: Case, event: CaseEvent) -> None:
    """Save a new case and its first history row.

    On PostgreSQL both rows go in ONE statement (``WITH c AS (INSERT … RETURNING
    id) INSERT INTO caseevent … SELECT … FROM c``): the kiosk's hot path, where
    two ``Model.save`` calls were a fifth of a submission's CPU. The values
    are prepared exactly as ``save()`` prepares them (each field's
    ``pre_save`` and ``get_db_prep_save``, Django's insert compiler for the
    case), and the same ``pre_save`` / ``post_save`` signals are sent, so
    listeners (the notifications app's dispatch row) see no difference.
    Elsewhere (SQLite): two ordinary saves.
    """
    connection = connections[Case.objects.db]
    if connection.vendor != "postgresql":
        case.save(force_insert=True)
        event.case = case
        event.save(force_insert=True)
        return
    using = connection.alias
    for obj in (case, event):
        pre_save.send(sender=type(obj), instance=obj, raw=False, using=using, update_fields=None)

    meta = Case._meta
    query = InsertQuery(Case)
    query.insert_values([f for f in meta.local_concrete_fields if not f.primary_key and not f.generated], [case])
    ((case_sql, case_params),) = query.get_compiler(connection=connection).as_sql()

    columns, values, event_params = [], [], []
    case_fk = CaseEvent._meta.get_field("case")
    for field in CaseEvent._meta.local_concrete_fields:
        if field.primary_key:
            continue
        columns.append(connection.ops.quote_name(field.column))
        if field is case_fk:
            values.append("c.id")
        else:
            values.append("%s")
            event_params.append(field.get_db_prep_save(field.pre_save(event, add=True), connection=connection))
    qn = connection.ops.quote_name
    # Identifiers from the models' metadata, every value a parameter.
    sql = (
        f"WITH c AS ({case_sql} RETURNING {qn(meta.pk.column)} AS id) "  # noqa: S608
        f"INSERT INTO {qn(CaseEvent._meta.db_table)} ({', '.join(columns)}) "
        f"SELECT {', '.join(values)} FROM c RETURNING {qn(case_fk.column)}, {qn(CaseEvent._meta.pk.column)}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*case_params, *event_params])
        case_id, event_id = cursor.fetchone()
    case.pk, event.pk = case_id, event_id
    event.case = case
    for obj in (case, event):
        obj._state.adding, obj._state.db = False, using
        post_save.send(sender=type(obj), instance=obj, created=True, update_fields=None, raw=False, using=using)


def case_phone(case: Case) -> str:
    """The resident's full number. Callers must have checked
    ``access.can_see_full_phone`` and log the reveal (``PhoneRevealLog``)."""
    return crypto.decrypt(case.phone_encrypted)


# --- Opinions collected on a reception day --------------------------------------------
MSG_TITLE_REQUIRED = _("请填写意见标题。")
MSG_CONTENT_REQUIRED = _("请填写意见内容。")
MSG_BAD_PHONE = _("手机号格式不正确，请填写 11 位手机号。")
MSG_CONSENT_REQUIRED = _("留下姓名或电话须经群众同意个人信息使用。")
MSG_BAD_CATEGORY = _("请选择有效的类别。")


def reception_opinion_create(
    *,
    user,
    reception_day_id: int,
    title: str,
    content: str,
    category_id: int | None = None,
    resident_name: str = "",
    phone: str = "",
    address: str = "",
    consent_given: bool = False,
    submission_key: str | None = None,
) -> Case:
    """Enter an opinion collected on the reception day as a case (channel
    "reception"), received on the day's date. Entered by a deputy, the case
    is addressed to that deputy, so it appears among their cases."""
    title = (title or "").strip()
    content = (content or "").strip()
    resident_name = (resident_name or "").strip()
    if not title:
        raise ReceptionError(MSG_TITLE_REQUIRED)
    if not content:
        raise ReceptionError(MSG_CONTENT_REQUIRED)
    phone = crypto.normalize_phone(phone)
    if phone and not crypto.is_valid_mobile(phone):
        raise ReceptionError(MSG_BAD_PHONE)
    if (phone or resident_name) and not consent_given:
        raise ReceptionError(MSG_CONSENT_REQUIRED)
    category = None
    if category_id:
        category = Category.objects.filter(pk=category_id, is_active=True).first()
        if category is None:
            raise ReceptionError(MSG_BAD_CATEGORY)
    day = held_day_for_recorder(user, reception_day_id)
    deputy = getattr(user, "deputy", None)
    return case_create(
        kind=CaseKind.OPINION,
        title=title,
        content=content,
        channel=Channel.RECEPTION,
        station=day.station,
        category=category,
        address=(address or "").strip(),
        addressed_deputy=deputy,
        resident_name=resident_name,
        phone=phone,
        consent_given=consent_given,
        received_on=day.date,
        submitted_by=user,
        submission_key=submission_key,
        actor_label=str(_("代表")) if deputy is not None else str(_("联络员")),
    ).case
