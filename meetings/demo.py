"""Meetings and matters demo data for ``seed_demo``: a year of monthly meetings in every
committee with agenda items, attendance and matters (解放路社区's disputes mediated on the spot
by its small-business members among them), joint meetings with the member organisations'
units, 学苑社区's work meeting and joint meeting that pooled the money for its premises, a few
months missing so the compliance calendar shows gaps, the branches' and party groups' 三会一课
records this year (潞村's groups study in the rooms they are named after, chaired by their
leaders), and terms (换届) of which one is overdue and one ends soon.

解放路 walks its streets (走街串户, 抓早抓小): its small-business members' visits to the shops and
households around them, each dispute they heard of raised from its visit, mediated on the spot
by the member named as its mediator (several flagged as a risk of a petition, 上访苗头), one
escalated to the street's judicial office; and visits where all was well.

Written in bulk; run once per district (nothing happens when the district has meetings).
"""

import random
from datetime import date, timedelta

from django.db.models import Q
from django.utils import timezone

from activities.demo import MEDIATORS
from activities.models import ServiceTeam
from branches.models import Branch, CommitteeMembership
from committees.models import Committee, Seat, Venue
from core.dates import local_datetime
from members.models import Member
from units.demo import RENOVATION
from units.models import Project, Unit

from .models import (
    AgendaItem,
    JointInvitation,
    Matter,
    MatterFollowUp,
    MatterKind,
    MatterOutcome,
    MatterStatus,
    Meeting,
    MeetingAttendance,
    MeetingAttendanceStatus,
    MeetingKind,
    MeetingStatus,
    MinutesAddendum,
    Visit,
    VisitPlace,
)
from .services import default_title, expected_attendees

MONTHLY_AGENDA = [
    "通报上月工作完成情况", "研究本月共建活动安排", "议定居民反映的急难愁盼问题",
    "在职党员报到服务情况", "驻区单位需求与资源对接",
]
MATTERS = [
    ("楼道堆物引发邻里纠纷", MatterKind.DISPUTE, "3号楼住户", "楼道堆放杂物影响通行，两户发生争执"),
    ("小区停车位不足", MatterKind.SERVICE, "居民代表", "晚间车辆乱停，消防通道被占"),
    ("增设老年助餐点的建议", MatterKind.PROPOSAL, "退休党员", "社区老人多，希望就近助餐"),
    ("广场舞噪音投诉", MatterKind.COMPLAINT, "5号楼住户", "晚间广场舞音量过大影响休息"),
    ("路灯损坏", MatterKind.SERVICE, "居民", "小区东门路灯损坏多日"),
    ("漏水责任纠纷", MatterKind.DISPUTE, "楼上楼下住户", "楼上漏水导致楼下天花板受损"),
]
DECIDED = "社区党委议定：分工负责，限期办结。"
# (title, parties, what happened)
JIEFANGLU_DISPUTES = [
    ("商铺占道经营纠纷", "临街商户与楼上住户", "临街商户占道摆放货物，与住户发生争执"),
    ("物业费收缴纠纷", "部分业主与物业公司", "部分业主与物业公司就收费标准产生分歧"),
    ("宠物扰邻纠纷", "两户邻居", "犬只夜间吠叫影响邻居休息，双方发生口角"),
    ("车位归属纠纷", "两户居民", "两户居民争用同一车位"),
    ("装修噪音纠纷", "商铺与居民", "商铺夜间装修，居民到店理论"),
    ("顾客退货纠纷", "商户与顾客", "顾客要求退货遭拒，在店门前争吵"),
]
# Where each dispute was heard: (address, household or shop), and whether it risked a petition.
JIEFANGLU_VISITS = [
    ("解放路112号 鑫源五金店", VisitPlace.SHOP, True),
    ("解放路东巷3号楼2单元", VisitPlace.HOUSEHOLD, True),
    ("解放路东巷5号楼1单元", VisitPlace.HOUSEHOLD, False),
    ("解放路西巷8号院", VisitPlace.HOUSEHOLD, False),
    ("解放路96号 佳美家居店", VisitPlace.SHOP, True),
    ("解放路140号 天天鲜超市", VisitPlace.SHOP, False),
]
# The one that went beyond the community: escalated to the street.
JIEFANGLU_ESCALATED = ("商铺租金拖欠纠纷", "商户与房东", "解放路78号",
                       "商户拖欠房租半年，房东欲断水断电，双方各执一词，涉及合同效力",
                       "解放路街道司法所")
# Visits where all was well, or a small need was noted: (address, kind, what was heard).
JIEFANGLU_ROUTINE = [
    ("解放路120号 老字号面馆", VisitPlace.SHOP, "生意平稳，店主反映门前路灯偏暗。"),
    ("解放路东巷1号楼", VisitPlace.HOUSEHOLD, "独居老人身体尚好，希望有人定期上门量血压。"),
    ("解放路88号 百姓药房", VisitPlace.SHOP, "店员愿意参加社区义诊志愿服务。"),
    ("解放路西巷2号院", VisitPlace.HOUSEHOLD, "邻里和睦，无矛盾纠纷。"),
    ("解放路102号 文具店", VisitPlace.SHOP, "店主反映放学时段门前拥堵。"),
    ("解放路东巷7号楼", VisitPlace.HOUSEHOLD, "住户对楼道照明改造表示满意。"),
]
RENOVATION_MATTER = "统筹资金装修党群服务中心"


def _month_start(today: date, months_ago: int) -> date:
    year, month = today.year, today.month - months_ago
    while month <= 0:
        month += 12
        year -= 1
    while month > 12:  # a month ahead (months_ago < 0)
        month -= 12
        year += 1
    return date(year, month, 1)


class _Seeder:
    def __init__(self, district, group_venues):
        self.district = district
        self.today = timezone.localdate()
        self.rng = random.Random(6)  # noqa: S311 (demo data, not secrets)
        self.group_venues = group_venues  # party group id -> the Venue it meets in
        self.meetings = []  # (Meeting, [attendance], [agenda titles with matter index], units)
        self.matters = []
        self.invitations = []  # (Meeting, [(branch id, adopted)])
        self.visits = []  # (Visit, [visitor member ids])

    def meeting(self, committee, kind, day, hour=15, *, branch=None, attendance=(),
                agenda=(), minutes="", chair="书记", venue=None, units=()):
        starts_at = local_datetime(day, hour)
        held = starts_at < timezone.now()
        signed = held and day < self.today - timedelta(days=20)
        status = (MeetingStatus.SIGNED_OFF if signed else
                  MeetingStatus.HELD if held else MeetingStatus.PLANNED)
        meeting = Meeting(
            committee=committee, branch=branch, kind=kind, starts_at=starts_at,
            title=default_title(kind), chair=chair, recorder="组织委员", status=status,
            venue=venue, minutes=minutes if held else "",
            decisions="会议议定事项已分解到人，按期办结。" if held else "",
            signed_off_at=starts_at + timedelta(days=3) if signed else None,
        )
        self.meetings.append((meeting, list(attendance), list(agenda), list(units)))
        return meeting

    def terms(self, committees):
        for n, committee in enumerate(committees):
            start = date(2021, 5, 1)
            end = date(2026, 4, 30) if n == 4 else (  # 解放路: re-election overdue
                self.today + timedelta(days=45) if n == 1 else date(2028, 4, 30))
            Committee.objects.filter(pk=committee.pk).update(term_start=start, term_end=end)
        # Branches have terms; party groups have a leader, not a term.
        Branch.objects.filter(
            committee__district=self.district, term_start__isnull=True, parent__isnull=True
        ).update(term_start=date(2024, 3, 1), term_end=date(2027, 2, 28))

    @staticmethod
    def partners(committee):
        """The units whose organisations are the committee's member organisations today, each
        with the name of whoever holds its part-time seat."""
        holders = dict(Seat.objects.filter(committee=committee, unit__isnull=False)
                       .values_list("unit_id", "holder_name"))
        units = Unit.objects.filter(
            Q(branches__memberships__committee=committee)
            & CommitteeMembership.current_q("branches__memberships__")
        ).distinct().order_by("name")
        return [(unit, holders.get(unit.pk) or unit.contact_name) for unit in units]

    def joint(self, committee, day, partners, *, agenda, minutes):
        """A joint party-building meeting: the member organisations' units take part, each by
        its representative."""
        attendance = [MeetingAttendance(unit=unit, name=name or unit.name,
                                        status=MeetingAttendanceStatus.PRESENT)
                      for unit, name in partners]
        return self.meeting(committee, MeetingKind.JOINT, day, attendance=attendance,
                            agenda=agenda, minutes=minutes, units=[u for u, _ in partners],
                            chair=self.chair(committee))

    @staticmethod
    def chair(committee):
        seat = Seat.objects.filter(committee=committee, role="secretary").select_related(
            "member").first()
        return seat.holder if seat else "书记"

    def committee_year(self, index, committee, seats):
        skip = set()
        if index % 4 == 1:
            skip.add(3)
        if index % 5 == 2:
            skip |= {2, 5}
        chair = self.chair(committee)
        for months_ago in range(11, -1, -1):
            if months_ago in skip:
                continue
            first = _month_start(self.today, months_ago)
            day = first + timedelta(days=9)
            if day > self.today + timedelta(days=20):
                continue
            attendance = []
            for k, (member_id, name) in enumerate(seats):
                status = MeetingAttendanceStatus.PRESENT
                reason = ""
                if k == (months_ago % max(len(seats), 1)) and len(seats) > 3:
                    status, reason = MeetingAttendanceStatus.LEAVE, "外出学习"
                attendance.append(MeetingAttendance(
                    member_id=member_id, name=name, status=status, reason=reason,
                ))
            agenda = [(t, None) for t in self.rng.sample(MONTHLY_AGENDA, 2)]
            self.meeting(committee, MeetingKind.MONTHLY, day, attendance=attendance,
                         agenda=agenda, chair=chair,
                         minutes="书记主持，传达上级精神，通报上月工作，逐项议定本月事项。")
        # A joint party-building meeting with the member organisations each half-year.
        partners = self.partners(committee)
        for months_ago in (8, 2):
            self.joint(committee, _month_start(self.today, months_ago) + timedelta(days=14),
                       partners,
                       agenda=[("共建项目推进情况", None), ("驻区单位认领需求", None)],
                       minutes="驻区单位党组织负责人参加，交流共建项目进展。")

    def branch_year(self, index, branch, groups):
        """三会一课 this year: a few gaps in every fourth committee. Party groups meet where
        they study (``group_venues``), chaired by their leaders."""
        gaps = index % 4 == 3
        chair = branch.secretary.name if branch.secretary_id else "书记"
        for month in range(1, self.today.month + 1):
            first = date(self.today.year, month, 1)
            if first + timedelta(days=4) > self.today:
                continue
            monthly = [MeetingKind.BRANCH_COMMITTEE, MeetingKind.THEMED_DAY]
            for n, kind in enumerate(monthly):
                if gaps and month in (2, 7) and kind == MeetingKind.THEMED_DAY:
                    continue
                self.meeting(branch.committee, kind, first + timedelta(days=3 + n * 7), 9,
                             branch=branch, chair=chair, minutes="按计划召开，学习交流。")
            for group in groups:
                if gaps and month == 5:
                    continue
                self.meeting(branch.committee, MeetingKind.GROUP, first + timedelta(days=12),
                             19, branch=group, venue=self.group_venues.get(group.pk),
                             chair=group.secretary.name if group.secretary_id else "组长",
                             minutes="党小组长组织学习交流，讨论为居民办实事。")
            if month % 3 == 0:
                self.meeting(branch.committee, MeetingKind.BRANCH_ASSEMBLY,
                             first + timedelta(days=20), 15, branch=branch, chair=chair,
                             minutes="支部党员大会，通报季度工作。")
                if not (gaps and month == 6):
                    self.meeting(branch.committee, MeetingKind.LECTURE,
                                 first + timedelta(days=21), 15, branch=branch, chair=chair,
                                 minutes="书记讲党课。")
        # What is planned next (a member's landing shows it): each party group's study
        # evening next week, the branch's themed party day (主题党日) early next month.
        for group in groups:
            self.meeting(branch.committee, MeetingKind.GROUP, self.today + timedelta(days=5),
                         19, branch=group, venue=self.group_venues.get(group.pk),
                         chair=group.secretary.name if group.secretary_id else "组长")
        self.meeting(branch.committee, MeetingKind.THEMED_DAY,
                     _month_start(self.today, -1) + timedelta(days=4), 9, branch=branch,
                     chair=chair)
        if self.today.month >= 3:
            self.meeting(branch.committee, MeetingKind.ORG_LIFE,
                         date(self.today.year, 2, 25), 15, branch=branch, chair=chair,
                         minutes="对照检查，开展批评与自我批评。")
            self.meeting(branch.committee, MeetingKind.APPRAISAL,
                         date(self.today.year, 2, 26), 15, branch=branch, chair=chair,
                         minutes="民主评议党员，评定等次。")

    def committee_matters(self, committee, members, *, disputes=True):
        """The matters every committee deliberates; ``disputes=False`` leaves out the
        disputes (解放路's are its own story)."""
        matters = []
        for n, (title, kind, who, text) in enumerate(MATTERS):
            if kind == MatterKind.DISPUTE and not disputes:
                continue
            raised = self.today - timedelta(days=30 * (n + 1) + 3)
            status = [MatterStatus.RESOLVED, MatterStatus.RESOLVED, MatterStatus.IN_PROGRESS,
                      MatterStatus.RESOLVED, MatterStatus.DELIBERATED, MatterStatus.OPEN][n]
            due = raised + timedelta(days=30)
            resolved = raised + timedelta(days=5 + 4 * n) if status == MatterStatus.RESOLVED \
                else None
            matters.append(Matter(
                committee=committee, title=title, kind=kind, raised_by_name=who,
                description=text, raised_on=raised, due_on=due, status=status,
                resolved_on=resolved,
                outcome=MatterOutcome.DELIBERATED if status == MatterStatus.RESOLVED else "",
                decision="" if status == MatterStatus.OPEN else DECIDED,
                responsible_member_id=members[n % len(members)] if members else None,
            ))
        return matters

    def jiefanglu_disputes(self, committee):
        """解放路 is the commercial centre: where a dispute starts, one of its small-business
        members (the mediation team's) is there at once and settles it on the spot."""
        team = ServiceTeam.objects.filter(committee=committee, name__endswith=MEDIATORS).first()
        mediators = list(team.members.filter(category="small_business").order_by("pk")
                         .values_list("pk", flat=True)) if team else []
        matters = []
        for n, (title, parties, text) in enumerate(JIEFANGLU_DISPUTES):
            # early enough for a monthly meeting to have deliberated it since
            raised = self.today - timedelta(days=40 + 17 * n)
            mediator = mediators[n % len(mediators)] if mediators else None
            address, place, risky = JIEFANGLU_VISITS[n]
            visit = self.visit(committee, raised, address, place, f"{text}。",
                               [mediator] if mediator else [], team)
            matters.append(Matter(
                committee=committee, title=title, kind=MatterKind.DISPUTE,
                raised_by_name="" if mediator else "网格员", raised_by_member_id=mediator,
                parties=parties, description=text, visit=visit if mediator else None,
                raised_on=raised, due_on=raised + timedelta(days=7),
                status=MatterStatus.RESOLVED, resolved_on=raised,
                outcome=MatterOutcome.ON_THE_SPOT if mediator else MatterOutcome.DELIBERATED,
                mediator_id=mediator, risk_flag=risky,
                decision="商户党员第一时间到场劝解，双方当场达成一致。",
                responsible_member_id=mediator, responsible_team=team,
            ))
        if mediators:
            title, parties, address, text, where = JIEFANGLU_ESCALATED
            raised = self.today - timedelta(days=33)
            visit = self.visit(committee, raised, address, VisitPlace.SHOP, f"{text}。",
                               mediators[:2], team)
            matters.append(Matter(
                committee=committee, title=title, kind=MatterKind.DISPUTE,
                raised_by_member_id=mediators[0], parties=parties, description=text,
                visit=visit, raised_on=raised, due_on=raised + timedelta(days=14),
                status=MatterStatus.ESCALATED, escalated_to=where,
                outcome=MatterOutcome.ESCALATED, risk_flag=True,
                decision="涉及租赁合同纠纷，现场劝解后双方仍有分歧，上报街道司法所依法调处。",
                responsible_member_id=mediators[0], responsible_team=team,
            ))
            for n, (address, place, heard) in enumerate(JIEFANGLU_ROUTINE):
                self.visit(committee, self.today - timedelta(days=3 + 9 * n), address, place,
                           heard, [mediators[(n + 1) % len(mediators)]],
                           team if n % 2 else None)
        return matters

    def visit(self, committee, day, address, place, heard, visitors, team):
        visit = Visit(committee=committee, visited_on=day, address=address,
                      place_kind=place, heard=heard, team=team)
        self.visits.append((visit, [m for m in visitors if m]))
        return visit

    def xueyuan_premises(self, committee):
        """学苑 pooled the money for its premises at a committee work meeting and a joint
        meeting with its member organisations' units (the money itself is the project's
        funding lines)."""
        project = Project.objects.filter(committee=committee, title=RENOVATION).first()
        if project is None or project.started_on is None:
            return []
        matter = Matter(
            committee=committee, title=RENOVATION_MATTER, kind=MatterKind.PROPOSAL,
            raised_by_name="社区党委",
            description="办公和活动场所陈旧狭小，提议统筹各方资金装修改造",
            raised_on=project.started_on - timedelta(days=50),
            due_on=project.finished_on, status=MatterStatus.RESOLVED,
            resolved_on=project.finished_on, outcome=MatterOutcome.DELIBERATED,
            decision="社区自筹一部分，驻区单位支持一部分，街道补助一部分，统筹装修办公场所。",
        )
        chair = self.chair(committee)
        self.meeting(committee, MeetingKind.COMMITTEE_WORK,
                     project.started_on - timedelta(days=45), chair=chair,
                     agenda=[("统筹资金装修党群服务中心", matter)],
                     minutes="大党委委员议定装修方案和资金筹措办法。")
        self.joint(committee, project.started_on - timedelta(days=35), self.partners(committee),
                   agenda=[("驻区单位支持党群服务中心装修", matter)],
                   minutes="驻区单位党组织负责人认领装修资金和物资。")
        return [matter]

    def joint_lecture(self, committee):
        """社区党员和驻区单位党员共同上党课: the committee's joint party lecture last month with
        its residents' and retired cadres' branches and a unit's party organisation; each
        adopted it as its party lecture, and members of each attended."""
        branches = list(Branch.objects.of_committee(committee).order_by("kind", "pk"))
        own = [b for b in branches if b.kind != "unit"][:2]
        invited = own + [b for b in branches if b.kind == "unit"][:3 - len(own)]
        if len(invited) < 3:
            return
        attendance = []
        for branch in invited:
            members = Member.objects.filter(branch=branch).order_by("pk").values_list(
                "pk", "name")[:12]
            for k, (member_id, name) in enumerate(members):
                leave = k == 5
                attendance.append(MeetingAttendance(
                    member_id=member_id, name=name[:50],
                    status=MeetingAttendanceStatus.LEAVE if leave
                    else MeetingAttendanceStatus.PRESENT,
                    reason="外出学习" if leave else "",
                ))
        meeting = self.meeting(
            committee, MeetingKind.JOINT_LECTURE, self.today - timedelta(days=20),
            chair=self.chair(committee), attendance=attendance,
            agenda=[("社区党委书记讲党课：城市基层党建与社区治理", None)],
            minutes="社区党员和驻区单位党员共同上党课，交流学习体会。",
        )
        meeting.title = "共同上党课：城市基层党建与社区治理"
        self.invitations.append((meeting, [(b.pk, True) for b in invited]))

    def write(self, matters_by_committee):
        Visit.objects.bulk_create([v for v, _ in self.visits])
        Visit.visitors.through.objects.bulk_create([
            Visit.visitors.through(visit_id=v.pk, member_id=m)
            for v, people in self.visits for m in people
        ])
        Matter.objects.bulk_create([m for ms in matters_by_committee.values() for m in ms])
        Meeting.objects.bulk_create([m for m, _, _, _ in self.meetings], batch_size=1000)
        attendance, agenda, units = [], [], []
        for meeting, rows, items, taking_part in self.meetings:
            if meeting.status == MeetingStatus.PLANNED and meeting.branch_id and not rows:
                # planned for a branch or group: its members are expected (and may read it)
                rows = expected_attendees(meeting)
            for row in rows:
                row.meeting = meeting
                if meeting.status == MeetingStatus.PLANNED:
                    row.status, row.reason = MeetingAttendanceStatus.EXPECTED, ""
                attendance.append(row)
            for position, (title, matter) in enumerate(items, start=1):
                agenda.append(AgendaItem(meeting=meeting, position=position, title=title,
                                         matter=matter, decision="议定通过。"))
            units += [Meeting.units.through(meeting_id=meeting.pk, unit_id=unit.pk)
                      for unit in taking_part]
        Meeting.units.through.objects.bulk_create(units)
        JointInvitation.objects.bulk_create([
            JointInvitation(meeting=meeting, branch_id=branch_id,
                            adopted_at=meeting.starts_at + timedelta(days=1) if adopted else None)
            for meeting, branches in self.invitations for branch_id, adopted in branches
        ])
        # Each committee's matters are deliberated at its monthly meetings, one a month.
        monthly = {}
        for meeting, _, _, _ in self.meetings:
            if meeting.kind == MeetingKind.MONTHLY and meeting.status != MeetingStatus.PLANNED:
                monthly.setdefault(meeting.committee_id, []).append(meeting)
        for committee_id, matters in matters_by_committee.items():
            meetings = sorted(monthly.get(committee_id, []), key=lambda m: m.starts_at)
            for matter in matters:
                if matter.status == MatterStatus.OPEN or matter.title == RENOVATION_MATTER:
                    continue
                after = [m for m in meetings if m.starts_at.date() >= matter.raised_on]
                if after:
                    agenda.append(AgendaItem(
                        meeting=after[0], position=9, title=f"一事一议：{matter.title}",
                        matter=matter, discussion=matter.description, decision=matter.decision,
                    ))
        MeetingAttendance.objects.bulk_create(attendance, batch_size=2000)
        AgendaItem.objects.bulk_create(agenda, batch_size=2000)
        follow_ups = [
            MatterFollowUp(matter=m, on=m.raised_on + timedelta(days=3),
                           text="社区网格员上门回访，跟进办理。")
            for ms in matters_by_committee.values() for m in ms
            if m.status in (MatterStatus.IN_PROGRESS, MatterStatus.RESOLVED)
        ]
        MatterFollowUp.objects.bulk_create(follow_ups)
        signed = [m for m, _, _, _ in self.meetings if m.status == MeetingStatus.SIGNED_OFF]
        if signed:
            MinutesAddendum.objects.create(
                meeting=signed[-1], text="补充：会议议定的路灯维修事项已于会后三日内完成。")


def seed_meetings(district, group_venues=None) -> None:
    """``group_venues``: party group id -> the Venue where it meets (default: none named)."""
    if Meeting.objects.filter(committee__district=district).exists():
        return
    seeder = _Seeder(district, group_venues or {})
    committees = list(Committee.objects.filter(district=district).order_by("pk"))
    seeder.terms(committees)
    matters = {}
    for index, committee in enumerate(committees):
        seats = list(
            Seat.objects.filter(committee=committee, member__isnull=False)
            .filter(Q(term_end__isnull=True) | Q(term_end__gte=seeder.today))
            .values_list("member_id", "member__name")
        )
        seeder.committee_year(index, committee, seats)
        branches = Branch.objects.filter(
            committee=committee, parent__isnull=True).select_related("secretary", "committee")
        groups = {}
        for group in Branch.objects.filter(
                committee=committee, parent__isnull=False).select_related("secretary"):
            groups.setdefault(group.parent_id, []).append(group)
        for branch in branches:
            seeder.branch_year(index, branch, groups.get(branch.pk, []))
        members = list(
            Member.objects.filter(committee=committee).order_by("pk").values_list(
                "pk", flat=True)[:6]
        )
        jiefanglu = committee.name == "解放路社区"
        matters[committee.pk] = seeder.committee_matters(committee, members,
                                                         disputes=not jiefanglu)
        if jiefanglu:
            matters[committee.pk] += seeder.jiefanglu_disputes(committee)
        if committee.name == "学苑社区":
            matters[committee.pk] += seeder.xueyuan_premises(committee)
            seeder.joint_lecture(committee)
    seeder.write(matters)
    room_keepers(group_venues or {})


def room_keepers(group_venues) -> None:
    """潞村's rooms, each provided by a unit, are kept by the leader (组长) of the party group
    that studies there."""
    leaders = dict(Branch.objects.filter(pk__in=list(group_venues), secretary__isnull=False)
                   .values_list("pk", "secretary_id"))
    for group_id, venue in group_venues.items():
        if venue.unit_id and group_id in leaders:
            Venue.objects.filter(pk=venue.pk, keeper__isnull=True).update(
                keeper_id=leaders[group_id])
