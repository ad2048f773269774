"""A million cases with their whole history, generated as rows.

Each case is simulated along the workflow (``proposals.workflow``):
submitted → reviewed (accept, or return / redirect / merge / reject / answer
on the spot) → assigned (sometimes disputed and reassigned) → in handling
(contact records) → replied → feedback (unsatisfied → re-handling → second
reply) → closed, publication, follow-up. Every step has a random delay; the
simulation stops at "now", so the state of a case follows from its age and
every state appears, with timestamps, deadlines, lead unit, assignments and
CaseEvent history that agree. A small share of cases stall in a stage and
become overdue (``overdue_since`` + a ``mark_overdue`` event).
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field

from django.db import connection, transaction

from accounts import crypto
from proposals.models import (
    Case,
    CaseAssignment,
    CaseEvent,
    CaseSigner,
    Category,
    ContactRecord,
    DeadlinePolicy,
    Feedback,
    ReplyClass,
    SupervisionRecord,
)
from proposals.models import Reply as ReplyModel
from proposals.tracking import ALPHABET, LENGTH
from workcalendar.workdays import add_workdays

from . import texts
from .people import Org, chinese_name
from .writer import CopyPipeline, TableWriter, is_postgresql, next_id

DAY = 86400
UTC = dt.UTC
TZ_OFFSET = 8 * 3600  # Asia/Shanghai, no DST
EPOCH = dt.datetime(1970, 1, 1, tzinfo=UTC)

CHANNELS = [("kiosk", 35), ("station_qr", 28), ("deputy_qr", 10), ("paper", 12), ("reception", 10), ("hotline", 3), ("open311", 2)]
RATINGS = [("satisfied", 72), ("basic", 20), ("unsatisfied", 8)]
REPLY_CLASS_WEIGHTS = [("A", 58), ("B", 28), ("C", 14)]
SUPERVISION_LEVELS = ["ordinary", "ordinary", "committee", "key"]


def _weighted(rng: random.Random, pairs):
    return rng.choices([p[0] for p in pairs], weights=[p[1] for p in pairs])[0]


@dataclass
class Policy:
    """Deadlines (mirrors proposals.DeadlinePolicy defaults)."""

    assign_workdays: int = 5
    dispute_workdays: int = 7
    opinion_reply_workdays: int = 15
    suggestion_reply_months: int = 3
    suggestion_extended_months: int = 6
    rereply_months: int = 1


def _add_months(day: dt.date, months: int) -> dt.date:
    import calendar

    month = day.month - 1 + months
    year = day.year + month // 12
    month = month % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


@dataclass
class Writers:
    cases: TableWriter
    events: TableWriter
    assignments: TableWriter
    contacts: TableWriter
    replies: TableWriter
    feedbacks: TableWriter
    supervision: TableWriter
    signers: TableWriter
    reminders: TableWriter | None = None
    ids: dict[str, int] = field(default_factory=dict)

    def named(self) -> dict[str, TableWriter]:
        # Foreign-key order: cases first, replies before feedback.
        out = {
            "cases": self.cases, "events": self.events, "assignments": self.assignments, "contacts": self.contacts,
            "replies": self.replies, "feedbacks": self.feedbacks, "supervision": self.supervision, "signers": self.signers,
        }  # fmt: skip
        if self.reminders is not None:
            out["reminders"] = self.reminders
        return out

    def all(self):
        return list(self.named().values())


CASE_COLUMNS = [
    "id", "kind", "tracking_code", "title", "content", "category_id", "address", "latitude", "longitude", "channel", "station_id",
    "region_id", "addressed_deputy_id", "responsible_deputy_id", "resident_name", "phone_encrypted", "phone_masked", "phone_last4",
    "contact_email", "consent_given", "is_anonymous", "received_on", "submitted_by_id", "submission_key", "device_id", "state",
    "state_changed_at", "merged_into_id", "suggestion_id", "lead_unit_id", "supervision_level", "deadline", "deadline_kind",
    "overdue_since", "reply_extended", "reply_class_id", "satisfaction", "follow_up_status", "is_published", "submitted_at",
    "accepted_at", "assigned_at", "replied_at", "closed_at", "published_at", "implemented_at", "updated_at",
]  # fmt: skip
EVENT_COLUMNS = ["id", "case_id", "action", "from_state", "to_state", "actor_id", "actor_label", "reason", "data", "created_at"]


class CaseGenerator:
    def __init__(self, org: Org, *, rng: random.Random, now: dt.datetime, years: int, stats: dict, phone_pool: int = 3000):
        self.org = org
        self.rng = rng
        self.now_ts = int(now.timestamp())
        self.start_ts = self.now_ts - years * 365 * DAY
        self.stats = stats
        self._dates: dict[int, dt.date] = {}
        self.policy = Policy()
        self.categories = list(Category.objects.filter(is_active=True).values_list("pk", "code"))
        if not self.categories:
            raise RuntimeError("no categories: run migrate first")
        self.reply_classes = {rc.code: rc for rc in ReplyClass.objects.filter(is_active=True)}
        self.existing_codes = set(Case.objects.values_list("tracking_code", flat=True))
        self.reminder_model = reminder_model()
        self.reminder_offsets = DeadlinePolicy.current().reminder_offset_list
        self.today = self.local_date(self.now_ts)
        send = reminder_send_time()
        self.send_seconds = send.hour * 3600 + send.minute * 60
        self._workday_cache: dict[tuple[dt.date, int], dt.date] = {}
        self._last_case_at_station: dict[int, int] = {}
        # Phones: encryption is slow per row, so encrypt a pool and reuse it.
        self.phones = []
        for _ in range(phone_pool):
            number = f"1{rng.choice('3456789')}{rng.randint(0, 999_999_999):09d}"
            self.phones.append((crypto.encrypt(number), crypto.mask_phone(number), number[-4:]))
        # Busier and quieter stations (a long tail).
        sids = list(org.station_ids)
        rng.shuffle(sids)
        self.station_ids = sids
        self.station_weights = [1.0 / (1 + i) ** 0.6 for i in range(len(sids))]
        cum, total = [], 0.0
        for w in self.station_weights:
            total += w
            cum.append(total)
        self.station_cum = cum
        self.county_region_of_station = {}
        region_to_county = {}
        for township_id, county in org.tree.county_of.items():
            region_to_county[township_id] = county.pk
        for county in org.tree.county_level:
            region_to_county[county.pk] = county.pk
        county_list = [c.pk for c in org.tree.county_level]
        for sid in sids:
            region_id = org.station_region[sid]
            county_id = region_to_county.get(region_id)
            if county_id is None:  # a city-level (online) station: one of its counties handles the case
                prefix = next(
                    (r.prefix for r in [*org.tree.cities, org.tree.province] if r.pk == region_id),
                    "",
                )
                candidates = [c.pk for c in org.tree.county_level if c.code.startswith(prefix)] or county_list
                county_id = candidates[sid % len(candidates)]
            self.county_region_of_station[sid] = county_id
        self.township_regions = set(org.township_unit)
        self.region_names = {r.pk: r.name for r in [*org.tree.townships, *org.tree.counties, *org.tree.cities, org.tree.province]}

    # --- helpers --------------------------------------------------------------
    def ts(self, seconds: int) -> dt.datetime:
        return EPOCH + dt.timedelta(seconds=seconds)

    def local_date(self, seconds: int) -> dt.date:
        day = (seconds + TZ_OFFSET) // DAY
        value = self._dates.get(day)
        if value is None:
            value = self._dates[day] = dt.date(1970, 1, 1) + dt.timedelta(days=day)
        return value

    def workdays_after(self, day: dt.date, n: int) -> dt.date:
        key = (day, n)
        value = self._workday_cache.get(key)
        if value is None:
            value = self._workday_cache[key] = add_workdays(day, n)
        return value

    def new_tracking_code(self) -> str:
        choice = self.rng.choice
        while True:
            code = "".join([choice(ALPHABET) for _ in range(LENGTH)])
            if code not in self.existing_codes:
                self.existing_codes.add(code)
                return code

    def delay(self, low_days: float, high_days: float) -> int:
        # Skewed towards the short end: most steps are quick, some drag.
        r = self.rng.random()
        return int((low_days + (high_days - low_days) * r * r) * DAY)

    # --- generation ---------------------------------------------------------
    def writers(self) -> Writers:
        big = 10**9
        s = self.stats
        w = Writers(
            cases=TableWriter(Case, CASE_COLUMNS, big, s),
            events=TableWriter(CaseEvent, EVENT_COLUMNS, big, s),
            assignments=TableWriter(
                CaseAssignment,
                [
                    "id",
                    "case_id",
                    "unit_id",
                    "role",
                    "assigned_at",
                    "assigned_by_id",
                    "dispute_until",
                    "disputed_at",
                    "dispute_reason",
                    "is_active",
                    "case_open",
                ],
                big,
                s,
            ),
            contacts=TableWriter(
                ContactRecord, ["id", "case_id", "unit_id", "author_id", "contact_date", "way", "party", "summary", "created_at"], big, s
            ),
            replies=TableWriter(
                ReplyModel,
                ["id", "case_id", "unit_id", "author_id", "round", "text", "reply_class_id", "on_the_spot", "created_at"],
                big,
                s,
            ),
            feedbacks=TableWriter(
                Feedback,
                ["id", "case_id", "reply_id", "rater", "deputy_id", "rating", "attitude_rating", "result_rating", "comment", "created_at"],
                big,
                s,
            ),
            supervision=TableWriter(
                SupervisionRecord, ["id", "case_id", "level", "kind", "date", "summary", "author_id", "created_at"], big, s
            ),
            signers=TableWriter(CaseSigner, ["id", "case_id", "deputy_id", "role", "status", "invited_at", "responded_at"], big, s),
        )
        if self.reminder_model is not None:
            w.reminders = TableWriter(
                self.reminder_model,
                ["id", "case_id", "kind", "deadline", "deadline_kind", "due_at", "status", "created_at", "processed_at"],
                big,
                s,
            )
        w.ids = {name: next_id(writer.model) for name, writer in w.named().items()}
        return w

    def generate(self, count: int, *, chunk: int = 20_000, progress=None) -> dict[str, int]:
        w = self.writers()
        # The pipeline's thread has its own connection: it cannot see rows of
        # an enclosing uncommitted transaction (a test), so none there.
        pipeline = CopyPipeline() if is_postgresql() and not connection.in_atomic_block else None
        try:
            self._generate(w, pipeline, count, chunk, progress)
        finally:
            if pipeline is not None:
                pipeline.close()
        return {name: writer.written for name, writer in w.named().items()}

    def _generate(self, w: Writers, pipeline, count: int, chunk: int, progress) -> None:
        done = 0
        # Submission times in order, so ids follow time as they do in production.
        while done < count:
            n = min(chunk, count - done)
            days = self.rng.choices(range(1, 1 + (self.now_ts - self.start_ts) // DAY), k=n)
            times = sorted(self.now_ts - d * DAY + self.rng.randint(0, DAY - 1) for d in days)
            stations = self.rng.choices(self.station_ids, cum_weights=self.station_cum, k=n)
            for t0, sid in zip(times, stations, strict=True):
                self.one_case(w, min(t0, self.now_ts - 60), sid)
            if pipeline is not None:
                pipeline.submit([writer.render() for writer in w.all()])
            else:
                with transaction.atomic():
                    for writer in w.all():
                        writer.flush()
            done += n
            if progress:
                progress(done)

    def one_case(self, w: Writers, t0: int, sid: int) -> None:  # noqa: C901 - one simulation, read top to bottom
        rng = self.rng
        org = self.org
        now = self.now_ts
        ids = w.ids
        cid = ids["cases"]
        ids["cases"] += 1
        # This case's assignment rows start here (the writers flush between
        # cases only): their case_open is set once the final state is known.
        first_assignment = len(w.assignments.rows)
        members = org.station_members.get(sid) or []
        county_id = self.county_region_of_station[sid]
        staff = org.staff_of_county.get(county_id)
        region_id = org.station_region[sid]
        cat_id, cat_code = rng.choice(self.categories)
        problems, wishes = texts.PROBLEMS.get(cat_code, texts.PROBLEMS["other"])
        problem = rng.choice(problems)
        is_suggestion = bool(members) and rng.random() < 0.08
        kind = "suggestion" if is_suggestion else "opinion"
        channel = "deputy" if is_suggestion else _weighted(rng, CHANNELS)
        place = rng.choice(texts.COMMUNITY_WORDS) + rng.choice(texts.COMMUNITY_SUFFIXES)
        rname = self.region_names.get(region_id, "")
        address = f"{rname}{rng.choice(texts.ROADS)}{rng.randint(1, 400)}号{rng.choice(texts.ESTATES)}小区"
        if is_suggestion:
            title = f"关于解决{place}{problem}问题的建议"
            content = (
                f"在进站接待和走访中，多名群众反映{address}一带{problem}。"
                f"建议有关部门{rng.choice(wishes)}，并建立长效机制，切实回应群众关切。"
            )
        else:
            title = f"{place}{problem}"
            content = f"{address}附近{problem}，已经持续一段时间，给周边居民生活带来不便。希望有关部门{rng.choice(wishes)}。"
        lead_deputy = rng.choice(members) if is_suggestion else None
        addressed = rng.choice(members) if channel == "deputy_qr" and members else None
        anonymous = not is_suggestion and channel in ("kiosk", "station_qr") and rng.random() < 0.08
        if anonymous or is_suggestion:
            resident_name, phone = "", ("", "", "")
        else:
            resident_name, phone = chinese_name(rng), rng.choice(self.phones)
        submitted_by = org.station_liaison.get(sid) if channel in ("paper", "reception") else None
        if is_suggestion:
            submitted_by = org.deputy_user.get(lead_deputy)
        ev = w.events.add
        eid = ids["events"]

        def event(action, from_state, to_state, t, actor=None, label="", reason="", data=None):
            nonlocal eid
            ev((eid, cid, action, from_state, to_state, actor, label, reason, data or {}, self.ts(t)))
            eid += 1

        c = {
            "state": "submitted", "state_changed_at": t0, "merged_into": None, "lead_unit": None, "supervision_level": "",
            "deadline": None, "deadline_kind": "", "overdue_since": None, "reply_extended": False, "reply_class": None,
            "satisfaction": "", "follow_up": "", "published": False, "accepted_at": None, "assigned_at": None,
            "replied_at": None, "closed_at": None, "published_at": None, "implemented_at": None, "responsible": lead_deputy,
            "reply_deadline": None, "first_reply": None,
        }  # fmt: skip
        submit_label = "代表" if is_suggestion else ("联络员" if submitted_by else "群众")
        event("submit", "", "submitted", t0, submitted_by, submit_label, data={"channel": channel})
        if is_suggestion:
            w.signers.add((ids["signers"], cid, lead_deputy, "lead", "accepted", self.ts(t0), self.ts(t0)))
            ids["signers"] += 1
            others = [d for d in members if d != lead_deputy]
            for d in rng.sample(others, min(len(others), rng.randint(0, 3))):
                status = "accepted" if rng.random() < 0.9 else "declined"
                w.signers.add((ids["signers"], cid, d, "cosigner", status, self.ts(t0), self.ts(t0 + self.delay(0.1, 3))))
                ids["signers"] += 1

        def move(action, to_state, t, actor=None, label="", reason="", data=None):
            event(action, c["state"], to_state, t, actor, label, reason, data)
            c["state"] = to_state
            c["state_changed_at"] = t

        t = t0 + self.delay(0.05, 4)
        while True:  # a single pass; "break" stops the simulation at the current state
            if t > now:
                break
            # 初审 review
            r = rng.random()
            if r < 0.10 and not is_suggestion:
                if r < 0.02:
                    move("return", "returned", t, staff, "工作人员", rng.choice(texts.RETURN_REASONS))
                elif r < 0.04:
                    move("redirect", "redirected", t, staff, "工作人员", rng.choice(texts.REDIRECT_REASONS))
                elif r < 0.055 and self._last_case_at_station.get(sid):
                    into = self._last_case_at_station[sid]
                    c["merged_into"] = into
                    move("merge", "merged", t, staff, "工作人员", "与已受理的同类意见合并办理", {"into": into})
                elif r < 0.065:
                    move("reject", "rejected", t, staff, "工作人员", rng.choice(texts.REJECT_REASONS))
                else:
                    who = org.station_liaison.get(sid) or staff
                    text = f"{rng.choice(texts.REPLY_OPENINGS)}{rng.choice(texts.REPLY_BODIES['A'])}{texts.REPLY_CLOSING}"
                    w.replies.add((ids["replies"], cid, None, who, 1, text, self.reply_classes["A"].pk, True, self.ts(t)))
                    ids["replies"] += 1
                    c["reply_class"] = "A"
                    c["replied_at"] = t
                    c["closed_at"] = t
                    move("answer_on_spot", "closed", t, who, "工作人员", text)
                break
            move("accept", "accepted", t, staff, "工作人员")
            c["accepted_at"] = t
            c["deadline"] = self.workdays_after(self.local_date(t), self.policy.assign_workdays)
            c["deadline_kind"] = "assign"
            self._last_case_at_station[sid] = cid
            if rng.random() < 0.004:
                break  # stalls before assignment
            t += self.delay(0.2, 6)
            if t > now:
                break
            # 交办 assignment
            dept_map = org.departments.get(county_id) or {}
            township_unit = org.township_unit.get(region_id)
            candidates = [dept_map[i] for i in texts.CATEGORY_DEPARTMENTS.get(cat_code, [20]) if i in dept_map]
            if township_unit and (rng.random() < 0.3 or not candidates):
                lead = township_unit
            else:
                lead = rng.choice(candidates) if candidates else township_unit
            if lead is None:
                break
            co = []
            if rng.random() < 0.15 and dept_map:
                other = rng.choice(list(dept_map.values()))
                if other != lead:
                    co.append(other)
            if not is_suggestion and members:
                c["responsible"] = rng.choice(members)
            assign_t = t
            assign_day = self.local_date(t)
            for unit, role in [(lead, "lead"), *[(u, "co") for u in co]]:
                w.assignments.add(
                    (
                        ids["assignments"], cid, unit, role, self.ts(t), staff,
                        self.workdays_after(assign_day, self.policy.dispute_workdays), None, "", True, True,
                    )
                )  # fmt: skip
                ids["assignments"] += 1
            c["lead_unit"] = lead
            c["assigned_at"] = t
            move(
                "assign", "assigned", t, staff, "工作人员",
                data={"lead_unit": lead, "co_units": co, "responsible_deputy": c["responsible"]},
            )  # fmt: skip
            c["deadline"] = c["reply_deadline"] = self._reply_deadline(assign_day, is_suggestion)
            c["deadline_kind"] = "reply"
            unit_user = (org.unit_users.get(lead) or [None])[0]
            # 交办异议 a wrong assignment goes back and is reassigned
            if rng.random() < 0.03:
                t += self.delay(0.5, 5)
                if t > now:
                    break
                reason = "该事项不属于本单位职责范围，请重新交办。"
                move("dispute", "disputed", t, unit_user, "承办单位", reason)
                # The disputed assignment stays active until staff reassign.
                rows = w.assignments.rows
                first = len(rows) - 1 - len(co)
                rows[first] = rows[first][:7] + (self.ts(t), reason) + rows[first][9:]
                if rng.random() < 0.15:
                    break  # waiting for staff
                t += self.delay(0.3, 4)
                if t > now:
                    break
                for k in range(first, first + 1 + len(co)):
                    rows[k] = rows[k][:9] + (False,) + rows[k][10:]
                new_lead = township_unit if lead != township_unit and township_unit else rng.choice(list(dept_map.values()) or [lead])
                lead = new_lead
                assign_t = t
                assign_day = self.local_date(t)
                w.assignments.add(
                    (
                        ids["assignments"], cid, lead, "lead", self.ts(t), staff,
                        self.workdays_after(assign_day, self.policy.dispute_workdays), None, "", True, True,
                    )
                )  # fmt: skip
                ids["assignments"] += 1
                c["lead_unit"] = lead
                c["assigned_at"] = t
                move("reassign", "assigned", t, staff, "工作人员", "根据承办单位异议重新交办", {"lead_unit": lead, "co_units": []})
                c["deadline"] = c["reply_deadline"] = self._reply_deadline(assign_day, is_suggestion)
                unit_user = (org.unit_users.get(lead) or [None])[0]
            # 签收办理 start handling
            t += self.delay(0.05, 3)
            if t > now:
                break
            move("start_handling", "in_handling", t, unit_user, "承办单位")
            # 督办 supervision, any time from here
            if rng.random() < 0.04:
                st = t + self.delay(1, 10)
                if st <= now:
                    level = rng.choice(SUPERVISION_LEVELS)
                    c["supervision_level"] = level
                    summary = rng.choice(texts.SUPERVISION_SUMMARIES)
                    kind_ = rng.choice(["notice", "site_visit", "hearing"])
                    w.supervision.add((ids["supervision"], cid, level, kind_, self.local_date(st), summary, staff, self.ts(st)))
                    ids["supervision"] += 1
                    event("supervise", c["state"], c["state"], st, staff, "工作人员", summary, {"level": level, "kind": kind_})
            if is_suggestion and rng.random() < 0.05:
                xt = t + self.delay(5, 40)
                if xt <= now:
                    c["reply_extended"] = True
                    c["deadline"] = c["reply_deadline"] = _add_months(self.local_date(assign_t), self.policy.suggestion_extended_months)
                    event("extend", c["state"], c["state"], xt, staff, "工作人员", "涉及面广、处理难度大，经批准延长答复期限")
            if rng.random() < 0.012:
                self._overdue(c, event)
                break  # stalls in handling
            handle_days = (20, 100) if is_suggestion else (3, 28)
            reply_t = t + self.delay(*handle_days)
            for k in range(rng.choice([1, 1, 2])):
                ct = t + (reply_t - t) * (k + 1) // 3
                if ct <= now:
                    w.contacts.add(
                        (
                            ids["contacts"], cid, lead, unit_user, self.local_date(ct), rng.choice(["phone", "visit", "meeting", "site"]),
                            "deputy" if is_suggestion or rng.random() < 0.5 else "resident",
                            rng.choice(texts.CONTACT_SUMMARIES), self.ts(ct),
                        )
                    )  # fmt: skip
                    ids["contacts"] += 1
            t = reply_t
            if t > now:
                self._overdue(c, event)
                break
            round_ = 1
            closed = False
            while True:
                # 答复 reply
                cls = _weighted(rng, REPLY_CLASS_WEIGHTS)
                text = f"{rng.choice(texts.REPLY_OPENINGS)}{rng.choice(texts.REPLY_BODIES[cls])}{texts.REPLY_CLOSING}"
                reply_id = ids["replies"]
                w.replies.add((reply_id, cid, lead, unit_user, round_, text, self.reply_classes[cls].pk, False, self.ts(t)))
                ids["replies"] += 1
                if c["deadline"] and self.local_date(t) > c["deadline"]:
                    event("mark_overdue", c["state"], c["state"], self._overdue_ts(c["deadline"]), None, "系统")
                move("reply", "replied", t, unit_user, "承办单位", data={"reply_class": cls, "round": round_})
                c["reply_class"] = cls
                c["replied_at"] = t
                c["first_reply"] = c["first_reply"] or t
                c["deadline"] = None
                c["deadline_kind"] = ""
                # 测评 feedback: the deputy (suggestions, most opinions) or the resident
                t += self.delay(0.5, 14)
                if t > now:
                    break
                rater_deputy = c["responsible"] if (is_suggestion or rng.random() < 0.6) and c["responsible"] else None
                if rater_deputy is None and anonymous:
                    # nobody to rate: staff close after the feedback period
                    t += self.delay(10, 20)
                    if t > now:
                        break
                    move("close", "closed", t, staff, "工作人员", "群众匿名，无法回访，按期办结")
                    closed = True
                    break
                rating = _weighted(rng, RATINGS) if round_ == 1 else _weighted(rng, RATINGS[:2])
                comment = rng.choice(texts.FEEDBACK_COMMENTS) if rating == "unsatisfied" else ""
                w.feedbacks.add(
                    (
                        ids["feedbacks"], cid, reply_id, "deputy" if rater_deputy else "resident", rater_deputy, rating,
                        rating if rng.random() < 0.5 else "", rating if rng.random() < 0.5 else "", comment, self.ts(t),
                    )
                )  # fmt: skip
                ids["feedbacks"] += 1
                actor = org.deputy_user.get(rater_deputy) if rater_deputy else None
                label = "代表" if rater_deputy else "群众"
                c["satisfaction"] = rating
                if rating == "unsatisfied":
                    move("feedback_unsatisfied", "rehandling", t, actor, label, comment, {"rating": rating})
                    c["deadline"] = _add_months(self.local_date(t), self.policy.rereply_months)
                    c["deadline_kind"] = "rereply"
                    round_ += 1
                    t += self.delay(3, 35)
                    if t > now:
                        self._overdue(c, event)
                        break
                    continue
                move("feedback", "evaluated", t, actor, label, data={"rating": rating})
                t += self.delay(0.3, 8)
                if t > now:
                    break
                move("close", "closed", t, staff, "工作人员")
                closed = True
                break
            if closed:
                c["closed_at"] = t
                if self.reply_classes[c["reply_class"]].requires_follow_up:
                    c["follow_up"] = "following"
                    it = t + self.delay(30, 300)
                    if it <= now and rng.random() < 0.5:
                        c["follow_up"] = "implemented"
                        c["implemented_at"] = it
                        event("implemented", "closed", "closed", it, staff, "工作人员", "经回访确认已落实")
                if rng.random() < 0.4:
                    pt = t + self.delay(1, 10)
                    if pt <= now:
                        c["published"] = True
                        c["published_at"] = pt
                        event("publish", "closed", "closed", pt, staff, "工作人员")
            break
        if c["state"] in ("accepted", "assigned", "disputed", "in_handling", "rehandling"):
            self._overdue(c, event)
        if c["state"] in ("returned", "redirected", "merged", "rejected", "closed"):
            c["deadline"] = None
            c["deadline_kind"] = ""
            rows = w.assignments.rows
            for k in range(first_assignment, len(rows)):
                rows[k] = rows[k][:10] + (False,)
        ids["events"] = eid
        if w.reminders is not None and c["reply_deadline"]:
            self._reminders(w, cid, c)
        ts = self.ts
        w.cases.add(
            (
                cid, kind, self.new_tracking_code(), title, content, cat_id, address, None, None, channel, sid, region_id,
                addressed, c["responsible"], resident_name, phone[0], phone[1], phone[2], "", not anonymous, anonymous,
                self.local_date(t0), submitted_by, None, f"kiosk-{org.station_code[sid]}" if channel == "kiosk" else "", c["state"],
                ts(c["state_changed_at"]), c["merged_into"], None, c["lead_unit"], c["supervision_level"], c["deadline"],
                c["deadline_kind"], c["overdue_since"], c["reply_extended"],
                self.reply_classes[c["reply_class"]].pk if c["reply_class"] else None, c["satisfaction"], c["follow_up"],
                c["published"], ts(t0), _opt(ts, c["accepted_at"]), _opt(ts, c["assigned_at"]), _opt(ts, c["replied_at"]),
                _opt(ts, c["closed_at"]), _opt(ts, c["published_at"]), _opt(ts, c["implemented_at"]),
                ts(max(c["state_changed_at"], c["published_at"] or 0, c["implemented_at"] or 0)),
            )
        )  # fmt: skip

    def _reminders(self, w: Writers, cid: int, c: dict) -> None:
        """The reminders the sweep sent for the reply deadline while the case
        waited for its reply (before today: today's are the sweep's to make)."""
        deadline = c["reply_deadline"]
        stop = self.local_date(c["first_reply"]) if c["first_reply"] else self.today
        stages = [(f"before_{n}", self.workdays_after(deadline, -n)) for n in self.reminder_offsets]
        stages += [("due", deadline), ("overdue", deadline + dt.timedelta(days=1)), ("escalate", deadline + dt.timedelta(days=1))]
        for kind, day in stages:
            if day >= stop or day >= self.today:
                continue
            due = (day - dt.date(1970, 1, 1)).days * DAY + self.send_seconds - TZ_OFFSET
            w.reminders.add((w.ids["reminders"], cid, kind, deadline, "reply", self.ts(due), "sent", self.ts(due), self.ts(due + 60)))
            w.ids["reminders"] += 1

    def _reply_deadline(self, day: dt.date, is_suggestion: bool) -> dt.date:
        if is_suggestion:
            return _add_months(day, self.policy.suggestion_reply_months)
        return self.workdays_after(day, self.policy.opinion_reply_workdays)

    def _overdue_ts(self, deadline: dt.date) -> int:
        # 01:00 local on the day after the deadline: when the nightly sweep runs.
        return (deadline - dt.date(1970, 1, 1)).days * DAY + DAY + 3600 - TZ_OFFSET

    def _overdue(self, c: dict, event) -> None:
        """An open case past its deadline is marked overdue by the sweep."""
        if c["overdue_since"] is not None or not c["deadline"]:
            return
        mark = self._overdue_ts(c["deadline"])
        if mark <= self.now_ts:
            c["overdue_since"] = c["deadline"] + dt.timedelta(days=1)
            event("mark_overdue", c["state"], c["state"], mark, None, "系统")


def reminder_model():
    """notifications.Reminder if the notifications app has it, else None."""
    from django.apps import apps

    try:
        return apps.get_model("notifications", "Reminder")
    except LookupError:
        return None


def reminder_send_time() -> dt.time:
    try:
        from notifications.conf import send_after
    except ImportError:
        return dt.time(8, 0)
    return send_after()


def _opt(ts, value):
    return None if value is None else ts(value)
