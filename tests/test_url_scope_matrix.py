"""Every URL pattern × every persona: the scope rule, checked from the resolver.

A new URL pattern without an entry in EXPECTED fails ``test_every_url_has_an_expectation``,
so no page can be added without saying who may open it.
"""

import io
from datetime import date, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone
from PIL import Image

from activities import attendance, photos
from activities.models import Attendance, Funding, ServiceTeam, VenueImprovement
from branches.models import Branch, CommitteeMembership
from meetings import services as meeting_services
from meetings.models import AgendaItem, JointInvitation, MeetingAttendance, Visit
from members.checkins import poster_token
from members.models import (
    CheckIn,
    Commitment,
    CorrectionRequest,
    InServiceGroup,
    RosterImport,
)
from overview.models import PeriodReport
from tests import files
from tests.conftest import PERSONAS, persona_client
from tests.factories import ActivityFactory, MatterFactory, MeetingFactory, MemberFactory
from units.models import Agreement, Need, Project, Resource

LOGIN = 302  # anonymous: redirected to sign-in

# name -> (how to build the URL's kwargs from the world, {persona: status for GET})
# Objects are committee A's (or the district's). Statuses: 200 shown, 302 redirect,
# 403 read-only, 404 out of scope (existence hidden), 405 wrong method.
ALL = dict.fromkeys(PERSONAS)


def expect(anonymous, officer, secretary_a, secretary_b, branch_secretary, member):
    return dict(zip(PERSONAS, [anonymous, officer, secretary_a, secretary_b,
                               branch_secretary, member], strict=True))


PUBLIC = expect(200, 200, 200, 200, 200, 200)
READ_A = expect(LOGIN, 200, 200, 404, 200, 200)
WRITE_A = expect(LOGIN, 200, 200, 404, 403, 403)
WRITE_A_BRANCH = expect(LOGIN, 200, 200, 404, 200, 403)
DISTRICT_ONLY = expect(LOGIN, 200, 404, 404, 404, 404)
B_ONLY = expect(LOGIN, 200, 404, 200, 404, 404)
POST_ONLY = expect(LOGIN, 405, 405, 405, 405, 405)
# agreements and resources stay between the committee's side and the unit (and its liaison)
COMMITTEE_SIDE = expect(LOGIN, 200, 200, 404, 404, 404)
MEMBER_ONLY = expect(LOGIN, 404, 404, 404, 404, 200)  # pages of one's own member record


def a_commitment(w):
    return Commitment.objects.get_or_create(
        member=w.a_member, year=2024,
        defaults={"text": "每月参加一次志愿服务", "committee": w.a, "target": 12})[0]


def a_roster_import(w):
    return RosterImport.objects.get_or_create(
        committee=w.a, filename="名册.csv", defaults={"status": "ready"}
    )[0]


def an_invalid_roster_import(w):
    """An import of A with rows to correct, uploaded by A's secretary: its file to correct."""
    return RosterImport.objects.get_or_create(
        committee=w.a, filename="有误名册.csv", created_by=w.secretary_a,
        defaults={"status": "invalid", "corrections": b"PK", "bad_rows": 1,
                  "finished_at": timezone.now()},
    )[0]


def an_agreement(w):
    return Agreement.objects.get_or_create(
        unit=w.unit, committee=w.a, starts_on=date(2025, 1, 1),
        defaults={"ends_on": date(2027, 12, 31), "signed_on": date(2025, 1, 1),
                  "status": "in_force", "committee_commits": "场地", "unit_commits": "志愿者"},
    )[0]


def a_period_report(w, **holder):
    """A finished report by period of committee A (or, given ``district``, of the district)."""
    return PeriodReport.objects.create(
        **(holder or {"committee": w.a}), period_kind="year", first=date(2025, 1, 1),
        last=date(2025, 12, 31), status="done", content=b"PK", size=2,
        expires_at=timezone.now() + timedelta(days=7),
    )


def a_need(w):
    return Need.objects.get_or_create(committee=w.a, title="志愿者", kind="volunteers")[0]


def a_resource(w):
    an_agreement(w)
    return Resource.objects.get_or_create(
        unit=w.unit, committee=w.a, description="志愿者 10 名", kind="volunteers"
    )[0]


def a_project(w):
    return Project.objects.get_or_create(committee=w.a, title="清洁家园", owner="书记")[0]


def a_membership(w):
    org = Branch.objects.get_or_create(
        unit=w.unit, parent=None,
        defaults={"committee": w.a, "kind": "unit", "name": f"{w.unit.name}党支部"},
    )[0]
    return CommitteeMembership.objects.get_or_create(
        committee=w.a, branch=org, left_on=None, defaults={"joined_on": date(2020, 1, 1)}
    )[0]


def a_checkin(w):
    return CheckIn.objects.get_or_create(member=w.a_member, committee=w.a)[0]


def a_correction(w):
    return CorrectionRequest.objects.get_or_create(
        member=w.a_member, field="address", defaults={"proposed_value": "学苑小区3号楼"})[0]


def a_pending_checkin_to_b(w):
    # the member's own, waiting: only they withdraw it
    return CheckIn.objects.get_or_create(member=w.a_member, committee=w.b)[0]


def an_in_service_checkin(w):
    # an in-service member (membership at the employer) checked in to A
    member = MemberFactory(committee=w.a, branch=None, outside_organisation="运城市第一医院党委",
                           category="in_service", name="李在职")
    return CheckIn.objects.create(member=member, committee=w.a, status="confirmed",
                                  started_on=date(2025, 3, 1))


def a_units_person_checked_in(w):
    """A member employed by the world's unit, checked in to A: the unit has a sheet from A."""
    member = MemberFactory(committee=w.a, branch=None, outside_organisation="运城市第一医院党委",
                           category="in_service", name="王在职", employer_unit=w.unit)
    CheckIn.objects.create(member=member, committee=w.a, status="confirmed",
                           started_on=date(2025, 3, 1))
    return {"pk": w.unit.pk, "committee_pk": w.a.pk}


def an_in_service_group(w):
    return InServiceGroup.objects.get_or_create(committee=w.a, name="1号楼小组")[0]


def an_activity(w):
    return ActivityFactory(committee=w.a, title="清洁家园")


def a_photo(w):
    image = io.BytesIO()
    Image.new("RGB", (40, 30), "red").save(image, "PNG")
    return photos.store_photo(activity=an_activity(w), user=None,
                              upload=SimpleUploadedFile("p.png", image.getvalue()))


def a_funding_line(w):
    return Funding.objects.create(activity=an_activity(w), committee=w.a, source="community",
                                  amount=100, state="pledged", date=date(2026, 1, 1))


def a_team(w):
    return ServiceTeam.objects.get_or_create(committee=w.a, name="便民健康服务队",
                                             defaults={"kind": "health"})[0]


def a_matter(w):
    return MatterFactory(committee=w.a, title="楼道堆物纠纷")


def a_visit(w):
    """A visit in A that A's member made (so they read it)."""
    visit = Visit.objects.create(committee=w.a, visited_on=date(2026, 1, 5), address="解放路12号",
                                 heard="邻里和睦")
    visit.visitors.add(w.a_member)
    return visit


def a_meeting(w):
    meeting = MeetingFactory(committee=w.a)
    MeetingAttendance.objects.create(meeting=meeting, member=w.a_member, name=w.a_member.name)
    return meeting


def a_joint_meeting(w):
    """A joint party lecture of A with A's residents' branch invited and its member expected."""
    meeting = a_meeting(w)
    meeting.kind = "joint_lecture"
    meeting.save(update_fields=["kind"])
    JointInvitation.objects.create(meeting=meeting, branch=w.a_branch)
    return meeting


def a_joint_invitation(w):
    return JointInvitation.objects.get(meeting=a_joint_meeting(w))


def an_improvement(w):
    return VenueImprovement.objects.create(
        committee=w.a, venue=w.a_venue, on=date(2025, 5, 1), kind="renovation",
        description="装修")


def an_attachment(w):
    upload = files.pdf("会议纪要.pdf")
    return meeting_services.attachment_add(meeting=a_meeting(w), user=w.secretary_a, upload=upload)


def a_notification(w):
    from core.models import Notification

    return Notification.objects.get_or_create(user=w.secretary_a, key="test",
                                              defaults={"text": "例会提醒", "url": "/"})[0]


def an_attendance(w):
    return Attendance.objects.create(activity=an_activity(w), member=w.a_member,
                                     method="roster", hours=2)


def a_notice(w):
    """The district's notice to committee A (only), asking for a reply, with a file."""
    from notices import services as notice_services

    upload = files.pdf("通知.pdf")
    return notice_services.notice_send(
        user=w.officer, district=w.district, title="关于报送党员信息的通知",
        text="请于月底前报送。",
        due_on=timezone.localdate() + timedelta(days=7), reply_required=True, recipients=[w.a],
        files=[upload],
    )


def a_branch_notice(w):
    """Committee A's notice to its residents' branch."""
    from notices import services as notice_services

    return notice_services.notice_send(
        user=w.secretary_a, district=w.district, sender_committee=w.a, title="支部通知",
        text="请签收。", due_on=timezone.localdate() + timedelta(days=7), reply_required=False,
        recipients=[w.a_branch],
    )


def a_notice_reply(w):
    from notices import services as notice_services

    upload = files.pdf("报送.pdf")
    return notice_services.reply_submit(recipient=a_notice(w).recipients.get(),
                                        user=w.secretary_a, text="已报送。", files=[upload])


NOTICE_SENDER = expect(LOGIN, 200, 403, 404, 404, 404)
NOTICE_READERS = expect(LOGIN, 200, 200, 404, 404, 404)


EXPECTED = {
    "healthz": (lambda w: {}, PUBLIC),
    "readyz": (lambda w: {}, PUBLIC),
    # signed-in users are sent on to where they work
    "login": (lambda w: {}, expect(200, 302, 302, 302, 302, 302)),
    "logout": (lambda w: {}, expect(405, 405, 405, 405, 405, 405)),
    "password_change": (lambda w: {}, expect(LOGIN, 200, 200, 200, 200, 200)),
    "password_change_done": (lambda w: {}, expect(LOGIN, 200, 200, 200, 200, 200)),
    "password_reset": (lambda w: {}, PUBLIC),
    "password_reset_done": (lambda w: {}, PUBLIC),
    # a link that is not (or no longer) valid says so, to anyone
    "password_reset_confirm": (lambda w: {"uidb64": "MQ", "token": "set-password"}, PUBLIC),
    "password_reset_complete": (lambda w: {}, PUBLIC),
    "set_language": (lambda w: {}, expect(302, 302, 302, 302, 302, 302)),
    # home: the officer is sent to the district's dashboard; secretaries, branch secretaries
    # and members land on what waits for them.
    "overview:home": (lambda w: {}, expect(LOGIN, 302, 200, 200, 200, 200)),
    "overview:district-detail": (lambda w: {"pk": w.district.pk}, DISTRICT_ONLY),
    "overview:district-committees": (lambda w: {"pk": w.district.pk}, DISTRICT_ONLY),
    "overview:district-dashboard-export": (lambda w: {"pk": w.district.pk}, DISTRICT_ONLY),
    "committees:committee-create": (lambda w: {"district_pk": w.district.pk}, DISTRICT_ONLY),
    "overview:committee-detail": (lambda w: {"pk": w.a.pk}, READ_A),
    "overview:district-coverage": (lambda w: {"pk": w.district.pk}, DISTRICT_ONLY),
    "overview:committee-coverage": (lambda w: {"pk": w.a.pk}, COMMITTEE_SIDE),
    "overview:district-reports": (lambda w: {"pk": w.district.pk}, DISTRICT_ONLY),
    # who read whose personal data: the district's officers only
    "overview:district-access-log": (lambda w: {"pk": w.district.pk}, DISTRICT_ONLY),
    "overview:committee-reports": (lambda w: {"pk": w.a.pk}, COMMITTEE_SIDE),
    "overview:report-detail": (lambda w: {"pk": a_period_report(w).pk}, COMMITTEE_SIDE),
    "overview:report-download": (lambda w: {"pk": a_period_report(w).pk}, COMMITTEE_SIDE),
    "overview:committee-summary": (lambda w: {"pk": w.a.pk}, COMMITTEE_SIDE),
    "committees:committee-update": (lambda w: {"pk": w.a.pk}, WRITE_A),
    "committees:committee-delete": (lambda w: {"pk": w.a.pk},
                                    expect(LOGIN, 200, 403, 404, 403, 403)),
    "committees:seat-create": (lambda w: {"committee_pk": w.a.pk}, WRITE_A),
    "committees:seat-update": (lambda w: {"pk": w.a_seat.pk}, WRITE_A),
    "committees:seat-delete": (lambda w: {"pk": w.a_seat.pk}, WRITE_A),
    "committees:venue-create": (lambda w: {"committee_pk": w.a.pk}, WRITE_A),
    "committees:venue-update": (lambda w: {"pk": w.a_venue.pk}, WRITE_A),
    "committees:venue-delete": (lambda w: {"pk": w.a_venue.pk}, WRITE_A),
    "branches:branch-create": (lambda w: {"committee_pk": w.a.pk}, WRITE_A),
    "branches:branch-detail": (lambda w: {"pk": w.a_branch.pk}, READ_A),
    "branches:group-create": (lambda w: {"pk": w.a_branch.pk}, WRITE_A_BRANCH),
    "branches:branch-update": (lambda w: {"pk": w.a_branch.pk}, WRITE_A_BRANCH),
    "branches:branch-delete": (lambda w: {"pk": w.a_branch.pk}, WRITE_A),
    "branches:membership-create": (lambda w: {"committee_pk": w.a.pk}, WRITE_A),
    "branches:membership-end": (lambda w: {"pk": a_membership(w).pk}, WRITE_A),
    "members:committee-roster": (lambda w: {"pk": w.a.pk}, READ_A),
    "members:member-create": (lambda w: {"committee_pk": w.a.pk}, WRITE_A),
    "members:roster-export": (lambda w: {"pk": w.a.pk}, READ_A),
    "activities:feedback-sheet": (lambda w: {"pk": w.a.pk}, WRITE_A),
    # a unit's people's sheets: its liaisons (not a persona here) and the district; 404 for
    # everyone else (tests/activities/test_evaluation.py walks the liaisons)
    "activities:unit-feedback": (lambda w: {"pk": w.unit.pk}, DISTRICT_ONLY),
    "activities:unit-feedback-sheet": (a_units_person_checked_in, DISTRICT_ONLY),
    # two-way evaluation: the committee's side rates; a member rates their community
    # (anonymously); the district reads both directions per committee
    "activities:committee-evaluation": (lambda w: {"pk": w.a.pk}, WRITE_A),
    "activities:evaluation-rate": (lambda w: {"pk": w.a.pk}, WRITE_A),
    "activities:community-rating": (lambda w: {}, MEMBER_ONLY),
    "activities:district-evaluations": (lambda w: {"pk": w.district.pk}, DISTRICT_ONLY),
    "members:roster-import": (lambda w: {"pk": w.a.pk}, WRITE_A),
    "members:roster-import-template": (lambda w: {"pk": w.a.pk}, WRITE_A),
    # an import holds ID numbers until written: only the committee's writers see it at all
    "members:roster-import-detail": (lambda w: {"pk": a_roster_import(w).pk},
                                     expect(LOGIN, 200, 200, 404, 404, 404)),
    # the file to correct holds full ID numbers: its uploader and the district, nobody else
    "members:roster-import-corrections": (lambda w: {"pk": an_invalid_roster_import(w).pk},
                                          expect(LOGIN, 200, 200, 404, 404, 404)),
    "members:roster-import-confirm": (lambda w: {"pk": a_roster_import(w).pk}, POST_ONLY),
    "members:roster-import-discard": (lambda w: {"pk": a_roster_import(w).pk}, POST_ONLY),
    "members:branch-roster": (lambda w: {"pk": w.a_branch.pk}, READ_A),
    "members:member-detail": (lambda w: {"pk": w.a_member.pk}, READ_A),
    "members:member-update": (lambda w: {"pk": w.a_member.pk}, WRITE_A_BRANCH),
    "members:member-id-number": (lambda w: {"pk": w.a_member.pk}, POST_ONLY),
    "members:member-password-link": (lambda w: {"pk": w.a_member.pk}, POST_ONLY),
    "members:me": (lambda w: {}, MEMBER_ONLY),
    "members:my-checkin": (lambda w: {}, POST_ONLY),
    "members:my-data": (lambda w: {}, MEMBER_ONLY),
    "members:correction-create": (lambda w: {}, MEMBER_ONLY),
    "members:correction-list": (lambda w: {"pk": w.a.pk}, WRITE_A),
    # the member reads their own request on their page; whoever may edit them decides it
    "members:correction-decide": (lambda w: {"pk": a_correction(w).pk}, WRITE_A_BRANCH),
    "members:checkin-scan": (lambda w: {"token": poster_token(w.a)}, MEMBER_ONLY),
    "members:checkin-poster": (lambda w: {"pk": w.a.pk}, WRITE_A),
    "members:checkin-queue": (lambda w: {"pk": w.a.pk}, WRITE_A),
    "members:checkin-confirm": (lambda w: {"pk": a_checkin(w).pk}, POST_ONLY),
    "members:checkin-return": (lambda w: {"pk": a_checkin(w).pk}, POST_ONLY),
    "members:checkin-withdraw": (lambda w: {"pk": a_pending_checkin_to_b(w).pk}, MEMBER_ONLY),
    # in-service members are the committee's side's; their groups are read with the committee
    "members:checkin-end": (lambda w: {"pk": an_in_service_checkin(w).pk}, COMMITTEE_SIDE),
    "members:in-service": (lambda w: {"pk": w.a.pk}, WRITE_A),
    "members:in-service-move": (lambda w: {"pk": w.a.pk}, POST_ONLY),
    "members:in-service-groups": (lambda w: {"pk": w.a.pk}, READ_A),
    "members:in-service-group-create": (lambda w: {"pk": w.a.pk}, WRITE_A),
    "members:in-service-group-edit": (lambda w: {"pk": an_in_service_group(w).pk}, WRITE_A),
    "members:in-service-group-delete": (lambda w: {"pk": an_in_service_group(w).pk}, WRITE_A),
    "members:signup": (lambda w: {}, expect(200, 302, 302, 302, 302, 302)),
    "members:transfer-create": (lambda w: {"pk": w.a_member.pk}, WRITE_A_BRANCH),
    # the member writes their own commitments
    "members:commitment-create": (lambda w: {"pk": w.a_member.pk}, READ_A),
    "members:commitment-update": (lambda w: {"pk": a_commitment(w).pk}, READ_A),
    "members:commitment-note-create": (lambda w: {"pk": a_commitment(w).pk}, READ_A),
    "overview:my-commitments": (lambda w: {}, MEMBER_ONLY),
    "overview:committee-commitments": (lambda w: {"pk": w.a.pk}, WRITE_A),
    "overview:commitment-review": (lambda w: {"pk": a_commitment(w).pk}, WRITE_A),
    "members:board": (lambda w: {"pk": w.a.pk}, PUBLIC),
    "members:appraisal-summary": (lambda w: {"pk": w.a_branch.pk}, READ_A),
    "members:appraisal-record": (lambda w: {"pk": w.a_branch.pk}, WRITE_A_BRANCH),
    "units:unit-list": (lambda w: {}, expect(LOGIN, 200, 200, 200, 200, 200)),
    # The pickers' searches (JSON): what each answers is the persona's own for_user reads.
    "units:pick": (lambda w: {}, expect(LOGIN, 200, 200, 200, 200, 200)),
    "branches:pick": (lambda w: {}, expect(LOGIN, 200, 200, 200, 200, 200)),
    "activities:team-pick": (lambda w: {}, expect(LOGIN, 200, 200, 200, 200, 200)),
    "members:pick": (lambda w: {"pk": w.a.pk}, READ_A),
    # a unit is created by the district or a committee secretary of that district
    "units:unit-create": (lambda w: {}, expect(LOGIN, 200, 200, 200, 403, 403)),
    "units:unit-detail": (lambda w: {"pk": w.unit.pk}, expect(LOGIN, 200, 200, 200, 200, 200)),
    "units:unit-update": (lambda w: {"pk": w.unit.pk}, expect(LOGIN, 200, 403, 403, 403, 403)),
    "activities:unit-ledger-export": (
        lambda w: {"pk": w.unit.pk}, expect(LOGIN, 200, 200, 200, 200, 200)
    ),
    "units:agreement-list": (lambda w: {"pk": w.a.pk}, READ_A),
    "units:agreement-create": (lambda w: {"pk": w.a.pk}, WRITE_A),
    "units:agreement-detail": (lambda w: {"pk": an_agreement(w).pk}, COMMITTEE_SIDE),
    "units:agreement-update": (lambda w: {"pk": an_agreement(w).pk}, COMMITTEE_SIDE),
    "units:agreement-renew": (lambda w: {"pk": an_agreement(w).pk}, COMMITTEE_SIDE),
    "units:agreement-end": (lambda w: {"pk": an_agreement(w).pk}, COMMITTEE_SIDE),
    "units:agreement-seat-create": (lambda w: {"pk": an_agreement(w).pk}, COMMITTEE_SIDE),
    "units:need-list": (lambda w: {"pk": w.a.pk}, READ_A),
    # a branch secretary raises needs for their branch
    "units:need-create": (lambda w: {"pk": w.a.pk}, WRITE_A_BRANCH),
    "units:need-detail": (lambda w: {"pk": a_need(w).pk}, READ_A),
    "units:need-update": (lambda w: {"pk": a_need(w).pk}, WRITE_A),
    "units:need-match": (lambda w: {"pk": a_need(w).pk}, POST_ONLY),
    "units:resource-list": (lambda w: {"pk": w.a.pk}, READ_A),
    "units:resource-create": (lambda w: {"pk": w.a.pk}, WRITE_A),
    "units:resource-update": (lambda w: {"pk": a_resource(w).pk}, COMMITTEE_SIDE),
    "units:project-list": (lambda w: {"pk": w.a.pk}, READ_A),
    "units:project-detail": (lambda w: {"pk": a_project(w).pk}, READ_A),
    "units:project-update": (lambda w: {"pk": a_project(w).pk}, WRITE_A),
    # activities: read with the committee, written by its side; everyone has a list of their own
    "activities:activity-list": (lambda w: {}, expect(LOGIN, 200, 200, 200, 200, 200)),
    "activities:my-activities": (lambda w: {}, MEMBER_ONLY),
    "activities:activity-create": (lambda w: {"pk": w.a.pk}, WRITE_A),
    "activities:activity-calendar": (lambda w: {"pk": w.a.pk}, READ_A),
    "activities:activity-detail": (lambda w: {"pk": an_activity(w).pk}, READ_A),
    "activities:activity-update": (lambda w: {"pk": an_activity(w).pk}, WRITE_A),
    "activities:activity-cancel": (lambda w: {"pk": an_activity(w).pk}, WRITE_A),
    "activities:activity-outcome": (lambda w: {"pk": an_activity(w).pk}, WRITE_A),
    "activities:photo-file": (lambda w: {"pk": (p := a_photo(w)).activity_id, "photo_pk": p.pk},
                              READ_A),
    "activities:photo-delete": (
        lambda w: {"pk": (p := a_photo(w)).activity_id, "photo_pk": p.pk}, WRITE_A),
    "activities:signup": (lambda w: {"pk": an_activity(w).pk}, POST_ONLY),
    "activities:signup-cancel": (lambda w: {"pk": an_activity(w).pk}, POST_ONLY),
    "activities:signup-list": (lambda w: {"pk": an_activity(w).pk}, WRITE_A),
    "activities:qr": (lambda w: {"pk": an_activity(w).pk}, WRITE_A),
    # the token names the activity: any member of the district may check in; staff accounts
    # without a member record are told they cannot
    "activities:qr-checkin": (lambda w: {"token": attendance.activity_qr_token(an_activity(w))},
                              expect(LOGIN, 403, 403, 403, 403, 200)),
    "activities:attendance-roster": (lambda w: {"pk": an_activity(w).pk}, WRITE_A),
    "activities:attendance-update": (lambda w: {"pk": an_attendance(w).pk},
                                     expect(LOGIN, 200, 200, 404, 404, 403)),
    # money stays with the committee's side
    "activities:activity-funding-create": (lambda w: {"pk": an_activity(w).pk}, WRITE_A),
    "activities:project-funding-create": (lambda w: {"pk": a_project(w).pk}, WRITE_A),
    "activities:venue-improvements": (lambda w: {"pk": an_improvement(w).venue_id}, WRITE_A),
    "activities:improvement-create": (lambda w: {"pk": w.a_venue.pk}, WRITE_A),
    "activities:district-venue-area": (lambda w: {"pk": w.district.pk}, DISTRICT_ONLY),
    "activities:funding-update": (lambda w: {"pk": a_funding_line(w).pk}, COMMITTEE_SIDE),
    "activities:funding-delete": (lambda w: {"pk": a_funding_line(w).pk}, COMMITTEE_SIDE),
    "activities:committee-funding": (lambda w: {"pk": w.a.pk}, COMMITTEE_SIDE),
    "activities:team-list": (lambda w: {}, expect(LOGIN, 200, 200, 200, 200, 200)),
    "activities:team-create": (lambda w: {"pk": w.a.pk}, WRITE_A),
    "activities:team-detail": (lambda w: {"pk": a_team(w).pk}, READ_A),
    "activities:team-update": (lambda w: {"pk": a_team(w).pk}, WRITE_A),
    # matters name residents and disputes: the committee's side keeps them, its branch
    # secretaries read them; a member reads only what they raised or answer for
    # meetings: kept by the committee's side (and a branch's by its secretary), read by the
    # committee's branch secretaries and the members expected at them
    "meetings:meeting-list": (lambda w: {"pk": w.a.pk}, READ_A),
    "meetings:meeting-create": (lambda w: {"pk": w.a.pk}, WRITE_A),
    "meetings:branch-meeting-create": (lambda w: {"pk": w.a_branch.pk}, WRITE_A_BRANCH),
    "meetings:meeting-detail": (lambda w: {"pk": a_meeting(w).pk}, READ_A),
    "meetings:meeting-update": (lambda w: {"pk": a_meeting(w).pk}, WRITE_A),
    "meetings:meeting-attendance": (lambda w: {"pk": a_meeting(w).pk}, WRITE_A),
    "meetings:agenda-create": (lambda w: {"pk": a_meeting(w).pk}, WRITE_A),
    "meetings:agenda-update": (
        lambda w: {"pk": AgendaItem.objects.create(meeting=a_meeting(w), title="议题").pk},
        WRITE_A),
    "meetings:meeting-minutes": (lambda w: {"pk": a_meeting(w).pk}, WRITE_A),
    "meetings:meeting-sign-off": (lambda w: {"pk": a_meeting(w).pk}, WRITE_A),
    "meetings:meeting-addendum": (lambda w: {"pk": a_meeting(w).pk}, WRITE_A),
    "meetings:meeting-print": (lambda w: {"pk": a_meeting(w).pk}, READ_A),
    "meetings:meeting-qr": (lambda w: {"pk": a_meeting(w).pk}, WRITE_A),
    "meetings:meeting-qr-checkin": (
        lambda w: {"token": meeting_services.meeting_qr_token(a_meeting(w))},
        expect(LOGIN, 403, 403, 403, 403, 200),
    ),
    "meetings:attachment-upload": (lambda w: {"pk": a_meeting(w).pk}, POST_ONLY),
    "meetings:attachment-file": (
        lambda w: {"pk": (f := an_attachment(w)).meeting_id, "attachment_pk": f.pk}, READ_A),
    "meetings:committee-compliance": (lambda w: {"pk": w.a.pk},
                                        expect(LOGIN, 200, 200, 404, 200, 404)),
    "meetings:branch-compliance": (lambda w: {"pk": w.a_branch.pk},
                                     expect(LOGIN, 200, 200, 404, 200, 404)),
    "meetings:district-compliance": (lambda w: {"pk": w.district.pk}, DISTRICT_ONLY),
    # the member was expected (a seat holder): reads the meeting, may not change it
    "meetings:joint-branches": (lambda w: {"pk": a_joint_meeting(w).pk}, WRITE_A),
    "meetings:branch-joint-meetings": (lambda w: {"pk": w.a_branch.pk},
                                       expect(LOGIN, 200, 200, 404, 200, 404)),
    "meetings:joint-adopt": (lambda w: {"pk": a_joint_invitation(w).pk}, POST_ONLY),
    "core:notification-list": (lambda w: {}, expect(LOGIN, 200, 200, 200, 200, 200)),
    # one's own notifications only: opening it marks it read and goes to its page
    "core:notification-open": (lambda w: {"pk": a_notification(w).pk},
                               expect(LOGIN, 404, 302, 404, 404, 404)),
    "core:notification-read-all": (lambda w: {}, POST_ONLY),
    # two-step sign-in: the signed-in user's own account (no page takes an id); the personas
    # have it off, so the pages that change it once on send back to its page, and the code
    # step has nothing to ask
    "core:two-factor": (lambda w: {}, expect(LOGIN, 200, 200, 200, 200, 200)),
    "core:two-factor-setup": (lambda w: {}, expect(LOGIN, 200, 200, 200, 200, 200)),
    "core:two-factor-codes": (lambda w: {}, expect(LOGIN, 302, 302, 302, 302, 302)),
    "core:two-factor-backup-codes": (lambda w: {}, expect(LOGIN, 302, 302, 302, 302, 302)),
    "core:two-factor-disable": (lambda w: {}, expect(LOGIN, 302, 302, 302, 302, 302)),
    "core:two-factor-verify": (lambda w: {}, expect(LOGIN, 302, 302, 302, 302, 302)),
    "meetings:matter-list": (lambda w: {"pk": w.a.pk}, expect(LOGIN, 200, 200, 404, 200, 200)),
    "meetings:matter-create": (lambda w: {"pk": w.a.pk}, WRITE_A),
    "meetings:matter-detail": (lambda w: {"pk": a_matter(w).pk},
                                 expect(LOGIN, 200, 200, 404, 200, 404)),
    "meetings:matter-update": (lambda w: {"pk": a_matter(w).pk},
                                 expect(LOGIN, 200, 200, 404, 403, 404)),
    "meetings:matter-status": (lambda w: {"pk": a_matter(w).pk},
                                 expect(LOGIN, 200, 200, 404, 403, 404)),
    "meetings:matter-follow-up": (lambda w: {"pk": a_matter(w).pk},
                                    expect(LOGIN, 200, 200, 404, 403, 404)),
    "meetings:matter-flag": (lambda w: {"pk": a_matter(w).pk}, POST_ONLY),
    "meetings:matter-mediated": (lambda w: {"pk": a_matter(w).pk},
                                   expect(LOGIN, 200, 200, 404, 403, 404)),
    # visits (走街串户): kept by the committee's side, read by its branch secretaries and the
    # members who made them; a member of the committee records their own (a branch secretary
    # without a member record there reads them but records none)
    "meetings:visit-list": (lambda w: {"pk": w.a.pk}, READ_A),
    "meetings:visit-create": (lambda w: {"pk": w.a.pk}, expect(LOGIN, 200, 200, 404, 403, 200)),
    "meetings:visit-detail": (lambda w: {"pk": a_visit(w).pk}, READ_A),
    "meetings:visit-matter": (lambda w: {"pk": a_visit(w).pk}, WRITE_A),
    # notices: the district's to A; a committee's to its branch
    "notices:notice-list": (lambda w: {}, expect(LOGIN, 200, 200, 200, 200, 200)),
    "notices:district-notice-create": (lambda w: {"pk": w.district.pk}, DISTRICT_ONLY),
    "notices:committee-notice-create": (lambda w: {"pk": w.a.pk}, WRITE_A),
    "notices:notice-detail": (lambda w: {"pk": a_notice(w).pk}, NOTICE_READERS),
    "notices:notice-export": (lambda w: {"pk": a_notice(w).pk}, NOTICE_SENDER),
    "notices:notice-reopen": (lambda w: {"pk": a_notice(w).pk}, NOTICE_SENDER),
    "notices:attachment-file": (
        lambda w: {"pk": (n := a_notice(w)).pk, "attachment_pk": n.attachments.get().pk},
        NOTICE_READERS),
    "notices:receipt-sign": (lambda w: {"pk": a_notice(w).recipients.get().pk}, POST_ONLY),
    "notices:receipt-reply": (lambda w: {"pk": a_notice(w).recipients.get().pk},
                              expect(LOGIN, 403, 200, 404, 404, 404)),
    "notices:reply-return": (lambda w: {"pk": a_notice_reply(w).pk}, NOTICE_SENDER),
    "notices:reply-file": (
        lambda w: {"pk": (r := a_notice_reply(w)).pk, "file_pk": r.files.get().pk},
        NOTICE_READERS),
    "members:signup-approve": (lambda w: {"pk": 1}, POST_ONLY),
    "members:signup-return": (lambda w: {"pk": 1}, POST_ONLY),
}
# A second object for the same page, where the answer differs by object.
MORE = [
    # A branch secretary removes party groups of their branch, not the branch itself.
    ("branches:branch-delete", lambda w: {"pk": w.a_group.pk}, WRITE_A_BRANCH),
    # Another branch of the same committee is read-only to the branch secretary.
    ("branches:branch-update", lambda w: {"pk": w.a_retirees.pk}, WRITE_A),
    # Committee B's objects are out of every committee-A persona's sight.
    ("overview:committee-detail", lambda w: {"pk": w.b.pk}, B_ONLY),
    ("overview:committee-coverage", lambda w: {"pk": w.b.pk}, B_ONLY),
    ("overview:committee-reports", lambda w: {"pk": w.b.pk}, B_ONLY),
    ("overview:committee-summary", lambda w: {"pk": w.b.pk}, B_ONLY),
    # A district's report is the district's only.
    ("overview:report-detail", lambda w: {"pk": a_period_report(w, district=w.district).pk},
     DISTRICT_ONLY),
    ("overview:report-download",
     lambda w: {"pk": a_period_report(w, district=w.district).pk}, DISTRICT_ONLY),
    ("committees:seat-update", lambda w: {"pk": w.b_seat.pk}, B_ONLY),
    ("committees:venue-delete", lambda w: {"pk": w.b_venue.pk}, B_ONLY),
    ("branches:branch-detail", lambda w: {"pk": w.b_branch.pk}, B_ONLY),
    ("members:in-service-groups", lambda w: {"pk": w.b.pk}, B_ONLY),
    # A committee's notice to its branch: the branch's secretary reads and answers it.
    ("notices:notice-detail", lambda w: {"pk": a_branch_notice(w).pk},
     expect(LOGIN, 200, 200, 404, 200, 404)),
    ("notices:notice-export", lambda w: {"pk": a_branch_notice(w).pk},
     expect(LOGIN, 200, 200, 404, 403, 404)),
    ("notices:receipt-reply", lambda w: {"pk": a_branch_notice(w).recipients.get().pk},
     expect(LOGIN, 403, 403, 404, 200, 404)),
]
CASES = [(name, kwargs, statuses) for name, (kwargs, statuses) in EXPECTED.items()] + MORE
# Redirects that are not "please sign in".
OWN_REDIRECTS = {"set_language", "admin:index"}
# Namespaces checked through one representative entry above.
DELEGATED_NAMESPACES = {"admin"}


def _names(patterns, prefix=""):
    for p in patterns:
        if isinstance(p, URLResolver):
            ns = f"{prefix}{p.namespace}:" if p.namespace else prefix
            yield from _names(p.url_patterns, ns)
        elif isinstance(p, URLPattern) and p.name:
            yield prefix + p.name


def test_every_url_has_an_expectation():
    names = set(_names(get_resolver().url_patterns))
    unchecked = {
        n for n in names
        if n not in EXPECTED and n.split(":")[0] not in DELEGATED_NAMESPACES
    }
    assert not unchecked, f"URL patterns with no scope expectation: {sorted(unchecked)}"


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize(
    ("name", "kwargs", "statuses"), CASES, ids=[f"{c[0]}#{i}" for i, c in enumerate(CASES)]
)
def test_url_answers_each_persona_as_expected(client, world, name, kwargs, statuses, persona):
    client = persona_client(client, world, persona)
    response = client.get(reverse(name, kwargs=kwargs(world)))
    assert response.status_code == statuses[persona], (
        f"{name} as {persona}: got {response.status_code}, expected {statuses[persona]}"
    )
    if persona == "anonymous" and statuses[persona] == LOGIN and name not in OWN_REDIRECTS:
        assert response.url.startswith(reverse("login"))
