"""Who may see and change what: the one place that knows the rule.

A user's roles give them a *scope*: the district (district officer), one committee (its
secretary or staff), one branch (its secretary, with the party groups under it), one unit
(its liaison), or themselves (a member, through ``Member.user``). Every scoped model uses
``ScopedQuerySet``; ``Model.objects.for_user(user)`` returns what the user may read and
``for_user(user, write=True)`` what they may change. Views fetch single objects through
``get_for_user``: out of scope is 404 (existence does not leak), read-only is 403.

The rules below are keyed by model label. A new scoped model adds its rule here, and the
URL-walk test in ``tests/test_url_scope_matrix.py`` makes sure each page has an expectation.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from django.apps import apps
from django.core.exceptions import PermissionDenied
from django.db import connection, models
from django.db.models import Exists, OuterRef, Q
from django.http import Http404
from django.utils import timezone

NOTHING = Q(pk__in=[])
# In ``_build_scope``'s one query, the rows that carry the user's member record and the count
# of their unread notifications (no role is named so).
MEMBER_ROW = "(member)"
UNREAD_ROW = "(unread)"

# What each role reaches: the district's officers their district; a committee's secretary and
# staff their committee (its side, with the district); a branch secretary their branch (and its
# party groups); a unit's liaison their unit. ``_build_scope`` reads a user's roles through it,
# ``role_holders`` finds the users the other way round.
ROLE_REACH = {
    "district_officer": "district",
    "committee_secretary": "committee",
    "committee_staff": "committee",
    "branch_secretary": "branch",
    "unit_liaison": "unit",
}


@dataclass(frozen=True)
class Scope:
    """What one user's role assignments reach. Built once per request (see ``scope_of``)."""

    user_id: int | None = None
    superuser: bool = False
    district_ids: frozenset[int] = field(default_factory=frozenset)
    committee_ids: frozenset[int] = field(default_factory=frozenset)
    branch_ids: frozenset[int] = field(default_factory=frozenset)
    unit_ids: frozenset[int] = field(default_factory=frozenset)
    member_id: int | None = None
    # Committees readable (not writable) because a branch, a unit or the member is there.
    read_committee_ids: frozenset[int] = field(default_factory=frozenset)
    # The committees of the branches (and party groups) in ``branch_ids``: where the user is a
    # branch secretary (read with the roles, so ``_side_or_branch_secretary`` needs no query).
    branch_committee_ids: frozenset[int] = field(default_factory=frozenset)
    # ``can_write`` answers, by (model, pk), for the rest of the request: a page and its cards
    # ask the same question several times (an activity's page asked it three times).
    writes: dict = field(default_factory=dict, compare=False, repr=False)
    # The bell's count, read in the same query as the roles (``None``: not read, a superuser).
    unread_notifications: int | None = field(default=None, compare=False)

    @property
    def is_district_officer(self) -> bool:
        return self.superuser or bool(self.district_ids)


def scope_of(user) -> Scope:
    """The user's scope, cached on the user object for the rest of the request."""
    if user is None or not user.is_authenticated or not user.is_active:
        return Scope()
    cached = getattr(user, "_portal_scope", None)
    if cached is not None:
        return cached
    if user.is_superuser:
        scope = Scope(user_id=user.pk, superuser=True)
    else:
        scope = _build_scope(user)
    user._portal_scope = scope
    return scope


# The user's role assignments (one row per assignment, and for a unit's party organisation one
# per committee it is a member organisation of), their member record and their unread
# notifications' count: see ``_build_scope``. Table names are the models' own.
_SCOPE_SQL = """
    SELECT ra.role, ra.district_id, ra.committee_id, ra.branch_id, b.committee_id, ra.unit_id,
           cm.committee_id, cm.left_on
    FROM {role} ra
    LEFT JOIN {branch} b ON b.id = ra.branch_id
    LEFT JOIN {membership} cm ON cm.branch_id = b.id
    WHERE ra.user_id = %s
    UNION ALL
    SELECT '{member_row}', NULL, m.committee_id, NULL, NULL, m.id, NULL, NULL
    FROM {member} m WHERE m.user_id = %s
    UNION ALL
    SELECT '{unread_row}', COUNT(*), NULL, NULL, NULL, NULL, NULL, NULL
    FROM {notification} n WHERE n.user_id = %s AND n.read_at IS NULL
"""


def _build_scope(user) -> Scope:
    RoleAssignment = apps.get_model("core", "RoleAssignment")
    Notification = apps.get_model("core", "Notification")
    Member = apps.get_model("members", "Member")
    Branch = apps.get_model("branches", "Branch")
    CommitteeMembership = apps.get_model("branches", "CommitteeMembership")

    districts, committees, branches, units, read_committees = set(), set(), set(), set(), set()
    branch_committees = set()
    # One row per assignment, and for a unit's party organisation one per committee it is a
    # member organisation of (read with each of them). The user's member record (if any)
    # comes in the same query, as one more row: its pk in
    # the unit column, its committee in the committee column; and so does the count of their
    # unread notifications (the bell in the navigation bar), in the district column. Written
    # out rather than composed with the ORM: every signed-in request runs it, and composing
    # the three parts cost 3 ms of the request's CPU, the statement itself a tenth of that.
    with connection.cursor() as cursor:
        cursor.execute(_SCOPE_SQL.format(
            role=RoleAssignment._meta.db_table, branch=Branch._meta.db_table,
            membership=CommitteeMembership._meta.db_table, member=Member._meta.db_table,
            notification=Notification._meta.db_table, member_row=MEMBER_ROW,
            unread_row=UNREAD_ROW,
        ), [user.pk, user.pk, user.pk])
        rows = cursor.fetchall()
    today = timezone.localdate()
    member_id = unread = None
    for (role, district_id, committee_id, branch_id, branch_committee_id, unit_id,
         member_of, left_on) in rows:
        if role == UNREAD_ROW:
            unread = district_id
            continue
        if role == MEMBER_ROW:
            member_id = unit_id
            read_committees.add(committee_id)
            continue
        reach = ROLE_REACH.get(role)
        if reach == "district":
            districts.add(district_id)
        elif reach == "committee":
            committees.add(committee_id)
        elif reach == "branch":
            branches.add(branch_id)
            branch_committees.add(branch_committee_id)
            read_committees.add(branch_committee_id)
            if isinstance(left_on, str):  # SQLite gives a date as text through the UNION
                left_on = date.fromisoformat(left_on)
            if member_of is not None and (left_on is None or left_on >= today):
                read_committees.add(member_of)
        elif reach == "unit":
            units.add(unit_id)

    if units:
        # A unit's liaison reads the committees the unit works with: where its party
        # organisation is a member organisation today, and where it has a co-building
        # agreement in force.
        Agreement = apps.get_model("units", "Agreement")
        read_committees.update(
            CommitteeMembership.objects.filter(
                CommitteeMembership.current_q(), branch__unit_id__in=units
            ).values_list("committee_id", flat=True)
        )
        read_committees.update(
            Agreement.objects.filter(Agreement.in_force_q(), unit_id__in=units)
            .values_list("committee_id", flat=True)
        )
    return Scope(
        user_id=user.pk,
        district_ids=frozenset(districts),
        committee_ids=frozenset(committees),
        branch_ids=frozenset(branches),
        unit_ids=frozenset(units),
        member_id=member_id,
        read_committee_ids=frozenset(read_committees),
        branch_committee_ids=frozenset(branch_committees),
        unread_notifications=unread,
    )


def _committee_rule(s: Scope, write: bool, via: str = "") -> Q:
    """Rows whose committee (reached through ``via``, e.g. ``"committee__"``) is in scope."""
    pk = f"{via}pk" if via else "pk"
    q = Q(**{f"{via}district_id__in": s.district_ids}) | Q(**{f"{pk}__in": s.committee_ids})
    if not write:
        q |= Q(**{f"{pk}__in": s.read_committee_ids})
    return q


def _district_rule(s: Scope, write: bool) -> Q:
    return Q(pk__in=s.district_ids)


def _committee_children_rule(s: Scope, write: bool) -> Q:
    # Seats and venues: readable with the committee, changed by its secretary and the district.
    return _committee_rule(s, write, via="committee__")


def _branch_rule(s: Scope, write: bool) -> Q:
    # A branch secretary changes their branch and the party groups under it; reading the
    # committee's structure comes with reading the committee, and a unit's party organisation
    # (with its groups) is read with every committee it is a member organisation of. Only the
    # committee that keeps its record (and the district) changes it.
    own = Q(pk__in=s.branch_ids) | Q(parent_id__in=s.branch_ids)
    q = _committee_rule(s, write, via="committee__") | own
    if not write:
        CommitteeMembership = apps.get_model("branches", "CommitteeMembership")
        Committee = apps.get_model("committees", "Committee")
        orgs = CommitteeMembership.objects.filter(
            CommitteeMembership.current_q(),
            committee__in=Committee.objects.filter(_committee_rule(s, write=False)),
        ).values("branch_id")
        q |= Q(pk__in=orgs) | Q(parent_id__in=orgs)
    return q


def _membership_rule(s: Scope, write: bool) -> Q:
    # A committee's member organisations: listed with the committee, kept by its side; whoever
    # reads an organisation reads which committees it belongs to.
    q = _committee_rule(s, write, via="committee__")
    if not write:
        Branch = apps.get_model("branches", "Branch")
        q |= Q(branch__in=Branch.objects.filter(_branch_rule(s, False)).values("pk"))
    return q


def _in_service_group_rule(s: Scope, write: bool) -> Q:
    # The committee's in-service member groups: read with the committee, kept by its side.
    return _committee_rule(s, write, via="committee__")


def _unit_rule(s: Scope, write: bool) -> Q:
    # Units are public organisations of the district: anyone working in the district may read
    # the list (to pick a unit in a form); only the district and the unit's liaison change one.
    q = Q(district_id__in=s.district_ids) | Q(pk__in=s.unit_ids)
    if not write:
        Committee = apps.get_model("committees", "Committee")
        reachable = s.committee_ids | s.read_committee_ids
        if reachable:
            q |= Q(
                district_id__in=Committee.objects.filter(pk__in=reachable).values("district_id")
            )
    return q


def _member_rule(s: Scope, write: bool) -> Q:
    # Personal records: the district, the member's committee, their branch's secretary, and
    # (to read) the member themselves. Reading a committee does not open its roster.
    q = (
        Q(committee__district_id__in=s.district_ids)
        | Q(committee_id__in=s.committee_ids)
        | Q(branch_id__in=s.branch_ids)
        | Q(party_group_id__in=s.branch_ids)
    )
    if s.committee_ids:
        # A committee also holds the members whose membership is in its branches, and the
        # in-service members who checked in (or ask to check in) there.
        CheckIn = apps.get_model("members", "CheckIn")
        q |= Q(branch__committee_id__in=s.committee_ids) | Q(
            pk__in=CheckIn.objects.filter(
                committee_id__in=s.committee_ids, status__in=["pending", "confirmed"]
            ).values("member_id")
        )
    if not write and s.member_id:
        q |= Q(pk=s.member_id)
    return q


def _via_member(rule_for_member):
    """Records that hang off a member (check-ins, transfers, commitments, appraisals) follow
    the member's rule."""

    def rule(s: Scope, write: bool) -> Q:
        q = rule_for_member(s, write)
        return Q(member__in=apps.get_model("members", "Member").objects.filter(q).values("pk"))

    return rule


def _checkin_rule(s: Scope, write: bool) -> Q:
    # The committee checked into decides on it, besides whoever holds the member's record.
    return _via_member(_member_rule)(s, write) | _committee_rule(s, write=True, via="committee__")


def _commitment_rule(s: Scope, write: bool) -> Q:
    # Whoever holds the member's record, and the side of the committee the commitment is made
    # to (it reviews it, even for a seat holder living elsewhere); the member reads their own.
    return _via_member(_member_rule)(s, write) | _committee_rule(s, write=True, via="committee__")


def _via_commitment(s: Scope, write: bool) -> Q:
    Commitment = apps.get_model("members", "Commitment")
    return Q(commitment__in=Commitment.objects.filter(_commitment_rule(s, write)).values("pk"))


def _signup_rule(s: Scope, write: bool) -> Q:
    # The committee signed up to decides; the applicant reads their own.
    q = _committee_rule(s, write=True, via="committee__")
    if not write:
        q |= Q(user_id=s.user_id)
    return q


def _roster_import_rule(s: Scope, write: bool) -> Q:
    # Imports hold ID numbers until written: only those who may change the committee's roster.
    return _committee_rule(s, write=True, via="committee__")


def _agreement_rule(s: Scope, write: bool) -> Q:
    # Between the committee's side (who writes it) and the unit's liaison (who reads their
    # own): a liaison does not read what other units agreed with the same committee.
    q = _committee_rule(s, write=True, via="committee__")
    if not write:
        q |= Q(unit_id__in=s.unit_ids)
    return q


def _need_rule(s: Scope, write: bool) -> Q:
    # Needs are read with the committee (liaisons of partner units included, to offer help);
    # the committee's side writes them, a branch secretary those their branch raised.
    return _committee_rule(s, write, via="committee__") | Q(branch_id__in=s.branch_ids)


def _resource_rule(s: Scope, write: bool) -> Q:
    # Offered by a unit to a committee: its liaison and the committee's side both keep it;
    # nobody else (another unit's liaison included) sees what a unit offers.
    return _committee_rule(s, write=True, via="committee__") | Q(unit_id__in=s.unit_ids)


def _project_rule(s: Scope, write: bool) -> Q:
    # Run by the committee; the units taking part read it.
    q = _committee_rule(s, write, via="committee__")
    if not write and s.unit_ids:
        Project = apps.get_model("units", "Project")
        q |= Q(pk__in=Project.units.through.objects.filter(unit_id__in=s.unit_ids).values(
            "project_id"
        ))
    return q


def _activity_rule(s: Scope, write: bool) -> Q:
    # Read with the committee (its members, branch secretaries and partner units' liaisons
    # included), and by the liaisons of the units co-organising it and the members who signed
    # up or attended (a volunteer from another community); written by the committee's side.
    q = _committee_rule(s, write, via="committee__")
    if write:
        return q
    if s.unit_ids:
        Activity = apps.get_model("activities", "Activity")
        q |= Q(pk__in=Activity.units.through.objects.filter(unit_id__in=s.unit_ids).values(
            "activity_id"
        ))
    if s.member_id:
        Signup = apps.get_model("activities", "ActivitySignup")
        Attendance = apps.get_model("activities", "Attendance")
        q |= Q(pk__in=Signup.objects.filter(member_id=s.member_id).values("activity_id")) | Q(
            pk__in=Attendance.objects.filter(member_id=s.member_id).values("activity_id")
        )
    return q


def _via_activity(s: Scope, write: bool) -> Q:
    # Photos follow their activity.
    Activity = apps.get_model("activities", "Activity")
    return Q(activity__in=Activity.objects.filter(_activity_rule(s, write)).values("pk"))


def _funding_rule(s: Scope, write: bool) -> Q:
    # Money stays with the committee's side; a unit's liaison reads the lines their unit gave.
    q = _committee_rule(s, write=True, via="committee__")
    if not write:
        q |= Q(unit_id__in=s.unit_ids)
    return q


def _committee_money_rule(s: Scope, write: bool) -> Q:
    return _committee_rule(s, write=True, via="committee__")


def _activity_person_rule(s: Scope, write: bool) -> Q:
    # Sign-ups and attendance: kept by the activity's committee side; the member reads their own.
    q = _committee_rule(s, write=True, via="activity__committee__")
    if not write and s.member_id:
        q |= Q(member_id=s.member_id)
    return q


def _branch_committees(s: Scope):
    """The committees of the branches a branch secretary runs (a subquery)."""
    return apps.get_model("branches", "Branch").objects.filter(pk__in=s.branch_ids).values(
        "committee_id"
    )


def _meeting_rule(s: Scope, write: bool) -> Q:
    # The committee's side keeps all its meetings; a branch secretary keeps those of their
    # branch and its party groups and reads the committee's own; a member reads the meetings
    # they were expected at; a unit's liaison the joint meetings their unit took part in.
    q = (
        _committee_rule(s, write=True, via="committee__")
        | Q(branch_id__in=s.branch_ids)
        | Q(branch__parent_id__in=s.branch_ids)
    )
    if write:
        return q
    if s.branch_ids:
        q |= Q(branch__isnull=True, committee_id__in=_branch_committees(s))
    if s.member_id:
        MeetingAttendance = apps.get_model("meetings", "MeetingAttendance")
        q |= Q(pk__in=MeetingAttendance.objects.filter(member_id=s.member_id).values(
            "meeting_id"))
    if s.unit_ids:
        Meeting = apps.get_model("meetings", "Meeting")
        q |= Q(pk__in=Meeting.units.through.objects.filter(unit_id__in=s.unit_ids).values(
            "meeting_id"))
    if s.branch_ids:
        # a joint party lecture or organisational life their branch is invited to
        JointInvitation = apps.get_model("meetings", "JointInvitation")
        q |= Q(pk__in=JointInvitation.objects.filter(branch_id__in=s.branch_ids).values(
            "meeting_id"))
    return q


def _joint_invitation_rule(s: Scope, write: bool) -> Q:
    # An invitation to a joint meeting: adopted (written) by whoever changes the invited branch
    # (its secretary, its committee's side); read also by whoever reads the meeting.
    Branch = apps.get_model("branches", "Branch")
    q = Q(branch__in=Branch.objects.filter(_branch_rule(s, True)).values("pk"))
    if write:
        return q
    Meeting = apps.get_model("meetings", "Meeting")
    return q | Q(meeting__in=Meeting.objects.filter(_meeting_rule(s, False)).values("pk"))


def _via_meeting(s: Scope, write: bool) -> Q:
    # Agenda items, attendance, addenda and attachments follow their meeting.
    Meeting = apps.get_model("meetings", "Meeting")
    return Q(meeting__in=Meeting.objects.filter(_meeting_rule(s, write)).values("pk"))


def _matter_rule(s: Scope, write: bool) -> Q:
    # Matters name residents and their disputes: the committee's side keeps them; branch
    # secretaries of the committee read them, and so do the member or unit who raised one or
    # answers for it (a team answers through its leader).
    q = _committee_rule(s, write=True, via="committee__")
    if write:
        return q
    if s.branch_ids:
        q |= Q(committee_id__in=_branch_committees(s))
    if s.member_id:
        q |= (
            Q(raised_by_member_id=s.member_id)
            | Q(responsible_member_id=s.member_id)
            | Q(responsible_team__leader_id=s.member_id)  # their team answers for it
        )
    if s.unit_ids:
        q |= Q(raised_by_unit_id__in=s.unit_ids) | Q(responsible_unit_id__in=s.unit_ids)
    return q


def _visit_rule(s: Scope, write: bool) -> Q:
    # Visits (走街串户) name households and shops and what was heard there: kept by the
    # committee's side, read by its branch secretaries (as matters are) and by the members who
    # made the visit or recorded it. A member records visits in their own committee
    # (``meetings.visits.may_record``); only the committee's side changes one afterwards.
    q = _committee_rule(s, write=True, via="committee__")
    if write:
        return q
    if s.branch_ids:
        q |= Q(committee_id__in=_branch_committees(s))
    if s.member_id:
        Visit = apps.get_model("meetings", "Visit")
        q |= Q(pk__in=Visit.visitors.through.objects.filter(member_id=s.member_id).values(
            "visit_id"))
    return q


def _side_or_branch_secretary(s: Scope, committee) -> bool:
    """The committee's side (its district's officers, its secretaries and staff) or the
    secretary of one of its branches or party groups (their committees read with the roles:
    no query)."""
    return (s.superuser or committee.district_id in s.district_ids
            or committee.pk in s.committee_ids or committee.pk in s.branch_committee_ids)


def reads_committee_matters(user, committee) -> bool:
    """Whether the user reads every matter of the committee (and so its matter figures), as
    ``_matter_rule`` has it: the committee's side and the secretaries of its branches. Others
    read only the matters they raised or answer for. No query."""
    return _side_or_branch_secretary(scope_of(user), committee)


def reads_committee_roster(user, committee) -> bool:
    """Whether the committee's roster is the reader's to read: its side and the secretaries of
    its branches (who read their branch's members there). A member reads only their own
    record and a unit's liaison none, so a roster would show them a part as if it were the
    whole. No query."""
    return _side_or_branch_secretary(scope_of(user), committee)


def reads_every_member(user, committee) -> bool:
    """Whether ``_member_rule`` lets the user read every member whose record the committee
    keeps: the district's officers and the committee's secretaries and staff (no query). A
    roster of such a reader needs no rule in its query: at a city's scale the rule's joins and
    subqueries made the roster's count read every row of the committee (issue 16)."""
    s = scope_of(user)
    return s.superuser or committee.district_id in s.district_ids or (
        committee.pk in s.committee_ids
    )


def reads_committee_compliance(user, committee) -> bool:
    """Whether the user reads the committee's compliance calendar (its meetings and its
    branches' held or missing): the committee's side and the secretaries of its branches, who
    keep those meetings; members and units' liaisons do not. No query."""
    return _side_or_branch_secretary(scope_of(user), committee)


def _via_matter(s: Scope, write: bool) -> Q:
    Matter = apps.get_model("meetings", "Matter")
    return Q(matter__in=Matter.objects.filter(_matter_rule(s, write)).values("pk"))


def _notice_sender_q(s: Scope, via: str = "") -> Q:
    # A notice is kept by its sender's side: the district's officers for the district's own
    # and its committees' notices, a committee's secretaries and staff for the committee's.
    return (
        Q(**{f"{via}sender_committee__isnull": True, f"{via}district_id__in": s.district_ids})
        | Q(**{f"{via}sender_committee__district_id__in": s.district_ids})
        | Q(**{f"{via}sender_committee_id__in": s.committee_ids})
    )


def _own_receipt_q(s: Scope, via: str = "") -> Q:
    # A receipt is answered by its holder's side: a committee's secretaries and staff, a
    # branch's secretary, a unit's liaisons. (The district reads them as the sender, it does
    # not sign them.)
    return (
        Q(**{f"{via}committee_id__in": s.committee_ids})
        | Q(**{f"{via}branch_id__in": s.branch_ids})
        | Q(**{f"{via}unit_id__in": s.unit_ids})
    )


def _notice_rule(s: Scope, write: bool) -> Q:
    # Written by its sender's side; read by them and by the recipients' sides, each of whom
    # sees the notice and nothing of the other recipients.
    q = _notice_sender_q(s)
    if not write:
        NoticeRecipient = apps.get_model("notices", "NoticeRecipient")
        q |= Q(pk__in=NoticeRecipient.objects.filter(_own_receipt_q(s)).values("notice_id"))
    return q


def _notice_recipient_rule(s: Scope, write: bool) -> Q:
    # Signed and answered by its holder's side; read also by the notice's sender's side.
    q = _own_receipt_q(s)
    if not write:
        q |= _notice_sender_q(s, via="notice__")
    return q


def _via_notice_recipient(s: Scope, write: bool) -> Q:
    # Replies follow their receipt.
    NoticeRecipient = apps.get_model("notices", "NoticeRecipient")
    return Q(recipient__in=NoticeRecipient.objects.filter(
        _notice_recipient_rule(s, write)).values("pk"))


def _via_notice(s: Scope, write: bool) -> Q:
    Notice = apps.get_model("notices", "Notice")
    return Q(notice__in=Notice.objects.filter(_notice_rule(s, write)).values("pk"))


def _via_notice_reply(s: Scope, write: bool) -> Q:
    NoticeReply = apps.get_model("notices", "NoticeReply")
    return Q(reply__in=NoticeReply.objects.filter(_via_notice_recipient(s, write)).values("pk"))


def _own_rule(s: Scope, write: bool) -> Q:
    # Notifications: each user's own.
    return Q(user_id=s.user_id)


def counts_attendance_of(user, member) -> bool:
    """Whether ``_activity_person_rule`` lets the user count any of a member's attendance: the
    member themselves and the committee's side (of the activities' committees). A branch
    secretary counts none, so their view of a member shows no hours rather than a zero."""
    s = scope_of(user)
    return bool(s.superuser or s.district_ids or s.committee_ids or s.member_id == member.pk)


def role_holders(reach: str, ids) -> dict[int, set[int]]:
    """The other way round from ``scope_of``: for each of ``ids`` (districts, committees,
    branches or units, as ``reach`` says), the active users whose role reaches it there, as
    ``{id: user ids}``; a committee's are its side without the district. One query."""
    RoleAssignment = apps.get_model("core", "RoleAssignment")
    roles = [role for role, reaches in ROLE_REACH.items() if reaches == reach]
    rows = RoleAssignment.objects.filter(
        role__in=roles, user__is_active=True, **{f"{reach}_id__in": set(ids)}
    ).values_list(f"{reach}_id", "user_id")
    holders: dict[int, set[int]] = defaultdict(set)
    for target, user_id in rows:
        holders[target].add(user_id)
    return holders


def _period_report_rule(s: Scope, write: bool) -> Q:
    # Reports by period hold a district's or a committee's figures: the district's officers
    # read and request their district's and its committees' reports; a committee's secretaries
    # and staff their committee's. Nobody else, not even a reader of the committee.
    return (
        Q(district_id__in=s.district_ids)
        | Q(committee__district_id__in=s.district_ids)
        | Q(committee_id__in=s.committee_ids)
    )


def _service_rating_rule(s: Scope, write: bool) -> Q:
    # The community's rating of a checked-in member's service: kept by the committee's side of
    # the check-in's committee; read (on the feedback sheet) by the liaison of the member's
    # employer unit.
    q = _committee_rule(s, write=True, via="checkin__committee__")
    if not write:
        q |= Q(checkin__member__employer_unit_id__in=s.unit_ids)
    return q


def _community_rating_rule(s: Scope, write: bool) -> Q:
    # Members' anonymous ratings of a community: read (only ever as counts) by the committee's
    # side and the district; written by no one through a scope (the member's service writes
    # it with their ballot).
    return NOTHING if write else _committee_rule(s, write=True, via="committee__")


def _community_ballot_rule(s: Scope, write: bool) -> Q:
    # Who rated a community: the member alone reads their own ballots (nobody lists them).
    return Q(member_id=s.member_id) if (s.member_id and not write) else NOTHING


def _role_assignment_rule(s: Scope, write: bool) -> Q:
    # Assignments are managed in the admin; a user reads only their own.
    return NOTHING if write else Q(user_id=s.user_id)


RULES = {
    "committees.district": _district_rule,
    "committees.committee": _committee_rule,
    "committees.seat": _committee_children_rule,
    "committees.venue": _committee_children_rule,
    "branches.branch": _branch_rule,
    "branches.committeemembership": _membership_rule,
    "members.inservicegroup": _in_service_group_rule,
    "units.unit": _unit_rule,
    "members.member": _member_rule,
    "members.checkin": _checkin_rule,
    "members.transfer": _via_member(_member_rule),
    "members.commitment": _commitment_rule,
    "members.commitmentnote": _via_commitment,
    "members.appraisal": _via_member(_member_rule),
    # A correction request: the member reads their own; whoever may edit the member decides.
    "members.correctionrequest": _via_member(_member_rule),
    "members.signup": _signup_rule,
    "members.rosterimport": _roster_import_rule,
    "units.agreement": _agreement_rule,
    "units.need": _need_rule,
    "units.resource": _resource_rule,
    "units.project": _project_rule,
    "activities.activity": _activity_rule,
    "activities.activityphoto": _via_activity,
    "activities.funding": _funding_rule,
    "activities.serviceteam": _committee_children_rule,
    "activities.activitysignup": _activity_person_rule,
    "activities.attendance": _activity_person_rule,
    # a venue's improvements name the money that paid for them: the committee's side's
    "activities.venueimprovement": _committee_money_rule,
    "activities.servicerating": _service_rating_rule,
    "activities.communityrating": _community_rating_rule,
    "activities.communityballot": _community_ballot_rule,
    "meetings.meeting": _meeting_rule,
    "meetings.meetingattendance": _via_meeting,
    "meetings.agendaitem": _via_meeting,
    "meetings.minutesaddendum": _via_meeting,
    "meetings.meetingattachment": _via_meeting,
    "meetings.jointinvitation": _joint_invitation_rule,
    "meetings.matter": _matter_rule,
    "meetings.matterfollowup": _via_matter,
    "meetings.visit": _visit_rule,
    "notices.notice": _notice_rule,
    "notices.noticerecipient": _notice_recipient_rule,
    "notices.noticereply": _via_notice_recipient,
    "notices.noticeattachment": _via_notice,
    "notices.replyfile": _via_notice_reply,
    "overview.periodreport": _period_report_rule,
    "core.roleassignment": _role_assignment_rule,
    "core.notification": _own_rule,
}


class ScopedQuerySet(models.QuerySet):
    def for_user(self, user, *, write: bool = False):
        scope = scope_of(user)
        if scope.superuser:
            return self.all()
        if scope.user_id is None:
            return self.none()
        rule = RULES[self.model._meta.label_lower]
        return self.filter(rule(scope, write))


def get_for_user(user, model, *, write: bool = False, queryset=None, **lookup):
    """One object the user may read (else 404) and, with ``write``, change (else 403).

    Whether the user may change it is read in the same query (an ``EXISTS`` beside the row)
    and remembered for the request, so a later ``can_write(user, obj)`` costs nothing."""
    base = queryset if queryset is not None else model.objects.all()
    scope = scope_of(user)
    found = base.for_user(user)
    if not scope.superuser and scope.user_id is not None:
        found = found.annotate(_writable=Exists(
            model.objects.for_user(user, write=True).filter(pk=OuterRef("pk"))
        ))
    try:
        obj = found.get(**lookup)
    except model.DoesNotExist:
        raise Http404(f"No {model._meta.object_name} matches the given query.") from None
    if hasattr(obj, "_writable"):
        scope.writes[(model._meta.label_lower, obj.pk)] = obj._writable
    if write and not can_write(user, obj):
        raise PermissionDenied
    return obj


def can_write(user, obj) -> bool:
    """Whether the user may change this object (one query the first time in a request;
    superusers none)."""
    scope = scope_of(user)
    if scope.superuser:
        return True
    key = (type(obj)._meta.label_lower, obj.pk)
    if key not in scope.writes:
        scope.writes[key] = (
            type(obj).objects.for_user(user, write=True).filter(pk=obj.pk).exists()
        )
    return scope.writes[key]


def writes_committee(user, committee) -> bool:
    """``can_write(user, committee)`` for a loaded committee, read from the scope without a
    query: the same rule as ``_committee_rule`` with ``write=True``."""
    s = scope_of(user)
    return s.superuser or committee.district_id in s.district_ids or committee.pk in s.committee_ids


def writes_district(user, district_id) -> bool:
    """``can_write(user, district)`` read from the scope without a query (``_district_rule``)."""
    s = scope_of(user)
    return s.superuser or district_id in s.district_ids


def reads_committee(user, committee) -> bool:
    """``Committee.objects.for_user(user)`` holds ``committee`` (a loaded one): the same rule
    as ``_committee_rule``, read from the scope without a query (a page's breadcrumb asks
    before linking)."""
    s = scope_of(user)
    if s.superuser:
        return True
    return (committee.district_id in s.district_ids or committee.pk in s.committee_ids
            or committee.pk in s.read_committee_ids)


def can_see_full_id_number(user, member) -> bool:
    """Full ID numbers: the district's officers and the member themselves; everyone else
    sees them masked. (Views still log each full view: ``members.services``.)"""
    scope = scope_of(user)
    if scope.superuser:
        return True
    if scope.member_id is not None and scope.member_id == member.pk:
        return True
    return can_see_full_id_numbers_of(user, member.committee)


def can_see_full_id_numbers_of(user, committee) -> bool:
    """``can_see_full_id_number`` for every member of ``committee`` at once: the district's
    officers (the members themselves see only their own)."""
    scope = scope_of(user)
    return scope.superuser or committee.district_id in scope.district_ids


def is_self_or_writer(user, member_id, obj, *, writes: bool | None = None) -> bool:
    """The member ``member_id`` themselves, or whoever may change ``obj`` (their record, the
    activity they signed up for, ...). ``writes``: ``can_write(user, obj)`` when the caller
    has it already (a page asks both), saving its query."""
    scope = scope_of(user)
    if scope.member_id is not None and scope.member_id == member_id:
        return True
    return can_write(user, obj) if writes is None else writes


def is_member_or_writer(user, member, *, writes: bool | None = None) -> bool:
    """The member themselves, or whoever may change their record: they see the mobile and
    address in full, and write the member's commitments."""
    return is_self_or_writer(user, member.pk, member, writes=writes)


can_see_contact_details = is_member_or_writer


def checkin_targets(user):
    """Committees a member may check in to: every committee of their district (public names)."""
    scope = scope_of(user)
    Committee = apps.get_model("committees", "Committee")
    if scope.member_id is None:
        return Committee.objects.none()
    Member = apps.get_model("members", "Member")
    return Committee.objects.filter(
        district_id__in=Member.objects.filter(pk=scope.member_id).values("committee__district_id")
    )


def signup_targets():
    """Committees open to self-registration: every committee (their names are public)."""
    return apps.get_model("committees", "Committee").objects.all()


def full_id_number_q(user) -> Q:
    """``can_see_full_id_number`` for many member rows at once (exports): the rows of the
    user's districts and their own."""
    scope = scope_of(user)
    if scope.superuser:
        return Q(pk__isnull=False)
    visible = Q(committee__district_id__in=scope.district_ids)
    if scope.member_id is not None:
        visible |= Q(pk=scope.member_id)
    return visible


def contact_details_q(user) -> Q:
    """``can_see_contact_details`` for many member rows at once (exports): the rows the user
    may change, and their own."""
    scope = scope_of(user)
    if scope.superuser:
        return Q(pk__isnull=False)
    Member = apps.get_model("members", "Member")
    visible = Q(pk__in=Member.objects.for_user(user, write=True).values("pk"))
    if scope.member_id is not None:
        visible |= Q(pk=scope.member_id)
    return visible


def sees_unit_liaisons(user, unit, *, writes_unit: bool | None = None) -> bool:
    """Who the unit's liaisons are (their accounts) is for those who may change the unit (the
    district, the liaisons) and the committee's side of a committee with an agreement in force
    with it; the unit's public contact is on its page for everyone else. ``writes_unit``: what
    the page already asked (``can_write(user, unit)``), so as not to ask again."""
    if writes_unit is None:
        writes_unit = can_write(user, unit)
    if writes_unit:
        return True
    Agreement = apps.get_model("units", "Agreement")
    Committee = apps.get_model("committees", "Committee")
    return Agreement.objects.filter(
        Agreement.in_force_q(), unit=unit,
        committee__in=Committee.objects.for_user(user, write=True),
    ).exists()
