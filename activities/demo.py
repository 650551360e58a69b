"""Activities demo data for ``seed_demo``: the report's activities and money (学苑's premises
renovated with 8万余 yuan pooled from the community, its units and the street; its National Day
gala at 新象城广场 held by all the area's party organisations, with the units' venue,
programmes, people and money; 御沁园's day-care centre funded "a little from each" with 10万余
yuan; 广场's 900余 member volunteers over the civilised-city clean-ups; 潞村's rooms fitted
out by their units), volunteer teams in every committee (百余 in the district), and a year of
ordinary activities with attendance, plus a few open ones to sign up for; and the two-way
evaluation of the checked-in members (``evaluation_demo``).

Money is funding lines and nothing else: what a unit brought in kind is a resource of the
project (``units.demo``), never also a yuan here. Figures live in records (attendance, funding
lines, resources), not in the texts.

Written in bulk; run once per district (it does nothing when the district has activities).
Deterministic: one seeded random generator.
"""

import random
from datetime import date, timedelta
from decimal import Decimal

from django.db.models import OuterRef, Subquery
from django.utils import timezone

from branches.models import Branch
from committees.models import Committee, Venue
from core.dates import local_datetime
from members.models import Category, Member
from units.demo import GALA, RENOVATION, gala_day
from units.models import Need, NeedStatus, Project, ProjectStatus, Unit

from .evaluation_demo import seed_evaluations
from .models import (
    Activity,
    ActivitySignup,
    ActivityStatus,
    Attendance,
    AttendanceMethod,
    Funding,
    FundingSource,
    FundingState,
    ImprovementKind,
    Line,
    ServiceTeam,
    SignupState,
    TeamKind,
    VenueImprovement,
    VenueImprovementFunding,
)

# Volunteer teams, the first ones in every committee and more in the larger ones (by roster).
TEAMS = [
    (TeamKind.LAW, "普法志愿服务队"),
    (TeamKind.ARTS, "文艺宣传队"),
    (TeamKind.HEALTH, "便民健康服务队"),
    (TeamKind.ENVIRONMENT, "环境整治志愿服务队"),
    (TeamKind.COUNSELLING, "心理咨询工作室"),
    (TeamKind.OTHER, "党员先锋服务队"),
    (TeamKind.OTHER, "助老服务队"),
    (TeamKind.OTHER, "平安巡逻队"),
    (TeamKind.OTHER, "四点半课堂志愿队"),
]
# 解放路's small-business members who go to a dispute the moment it starts.
MEDIATORS = "商户党员调解服务队"

# Ordinary activities: (title, line, category, team kind serving it or None)
ORDINARY = [
    ("主题党日：重温入党誓词", Line.PARTY_BUILDING, "学习", None),
    ("法律知识进社区", Line.SERVICE, "普法", TeamKind.LAW),
    ("心理健康讲座", Line.SERVICE, "健康", TeamKind.COUNSELLING),
    ("义诊与健康咨询", Line.SERVICE, "健康", TeamKind.HEALTH),
    ("楼院环境整治", Line.PUBLIC_WELFARE, "环境", TeamKind.ENVIRONMENT),
    ("邻里文艺演出", Line.SHARED_RESULTS, "文化", TeamKind.ARTS),
    ("关爱空巢老人走访", Line.PUBLIC_WELFARE, "关爱", TeamKind.OTHER),
    ("共建单位党课联学", Line.PARTY_BUILDING, "学习", None),
]

# The units' money for 学苑's gala (what else they brought is in units.demo's resources).
GALA_MONEY = {"新象城商业广场": 12000, "运城银行盐湖支行": 10000, "国网运城供电公司": 6000,
              "运城学院": 4000}

# 广场's civilised-city campaign (文明城市创建): the clean-ups its members volunteered for.
CAMPAIGN = "文明城市创建"
CLEAN_UPS = [
    ("清扫背街小巷", "府东街、广场北巷"), ("清理楼院垃圾", "广场小区"),
    ("整修人民游园", "人民游园"), ("清理乱贴小广告", "解放北路沿线"),
    ("绿化带捡拾垃圾", "河东街绿化带"), ("整修健身游园", "府东花园游园"),
    ("清理卫生死角", "人民广场东院"), ("文明劝导与卫生保洁", "人民广场"),
]


class _Seeder:
    def __init__(self, district):
        self.district = district
        self.rng = random.Random(2026)  # noqa: S311 (demo data, not secrets)
        self.today = timezone.localdate()
        self.committees = {c.name: c for c in Committee.objects.filter(district=district)}
        self.units = {u.name: u for u in Unit.objects.filter(district=district)}
        self.members = {}  # committee id -> [member ids], in the order they were registered
        for member_id, committee_id in Member.objects.filter(
            committee__district=district
        ).order_by("pk").values_list("pk", "committee_id"):
            self.members.setdefault(committee_id, []).append(member_id)
        self.activities = []  # (Activity, attendee ids)
        self.funding = []
        self.team_links = []  # (activity, team)
        self.unit_links = []  # (activity, unit)
        self.branch_links = []  # (activity, branch)

    def pick(self, pool, k):
        """Up to ``k`` distinct members of ``pool`` (all of it when it is smaller)."""
        return self.rng.sample(pool, min(k, len(pool)))

    def activity(self, committee, title, line, day, start, hours, *, attendees=(), **extra):
        activity = Activity(
            committee=committee, title=title, line=line, starts_at=local_datetime(day, start),
            ends_at=local_datetime(day, start) + timedelta(hours=hours), **extra,
        )
        self.activities.append((activity, list(attendees)))
        return activity

    def fund(self, source, amount, *, activity=None, project=None, unit=None, donor="",
             state=FundingState.RECEIVED, on=None):
        target = activity or project
        self.funding.append(Funding(
            committee=target.committee, activity=activity, project=project, source=source,
            unit=unit, donor=donor, amount=Decimal(amount), state=state,
            date=on or self.today,
        ))

    # --- the district's teams ---------------------------------------------------------------

    def teams(self):
        """Four to nine teams a committee, by the size of its roster; 解放路 also has its
        small-business members' mediation team. Returns {(committee id, name suffix): (team,
        member ids)}."""
        teams = {}
        memberships = []
        Through = ServiceTeam.members.through
        small_business = dict.fromkeys(
            Member.objects.filter(committee__district=self.district,
                                  category=Category.SMALL_BUSINESS).values_list("pk", flat=True))
        for committee in self.committees.values():
            short = committee.name.removesuffix("社区")
            pool = self.members.get(committee.pk, [])
            wanted = TEAMS[:min(len(TEAMS), 4 + len(pool) // 250)]
            if committee.name == "解放路社区":
                wanted = [*wanted, (TeamKind.LAW, MEDIATORS)]
            for kind, suffix in wanted:
                if suffix == MEDIATORS:
                    chosen = self.pick([m for m in pool if m in small_business], 12)
                else:
                    chosen = self.pick(pool, self.rng.randint(8, 20))
                team = ServiceTeam.objects.create(
                    committee=committee, name=f"{short}{suffix}", kind=kind,
                    leader_id=chosen[0] if chosen else None,
                    description=(
                        "临街商户中的党员，哪里有矛盾纠纷的苗头，第一时间到场劝解调和。"
                        if suffix == MEDIATORS else
                        f"{committee.name}党员志愿者组成，常态化开展服务。"
                    ),
                )
                memberships += [Through(serviceteam_id=team.pk, member_id=m) for m in chosen]
                teams[(committee.pk, suffix)] = (team, chosen)
        Through.objects.bulk_create(memberships)
        return teams

    @staticmethod
    def team_of_kind(teams, committee, kind):
        """The committee's first team of ``kind`` (its team and members), or None."""
        for suffix_kind, suffix in TEAMS:
            if suffix_kind == kind and (committee.pk, suffix) in teams:
                return teams[(committee.pk, suffix)]
        return None

    # --- the report's activities ------------------------------------------------------------

    def stories(self, teams):
        self.xueyuan(teams)
        self.yuqinyuan(teams)
        self.guangchang(teams)
        self.lucun()

    def xueyuan(self, teams):
        """学苑: the renovation's money, and the gala with everyone's organisations."""
        xueyuan = self.committees["学苑社区"]
        renovation = Project.objects.get(committee=xueyuan, title=RENOVATION)
        paid = renovation.started_on
        self.fund(FundingSource.COMMUNITY, 15000, project=renovation, donor="学苑社区",
                  on=paid - timedelta(days=20))
        self.fund(FundingSource.GOVERNMENT, 10600, project=renovation, donor="东城街道办事处",
                  on=paid - timedelta(days=12))
        for name, amount in [("新象城商业广场", 20000), ("运城学院", 15000),
                             ("运城银行盐湖支行", 12000), ("国网运城供电公司", 10000)]:
            self.fund(FundingSource.UNIT, amount, project=renovation, unit=self.units[name],
                      on=paid - timedelta(days=15))

        day = gala_day(self.today)
        project = Project.objects.get(committee=xueyuan, title=GALA)
        units = list(project.units.order_by("name"))
        # All the area's party organisations: the committee's own branches and the units'
        # organisations that are its member organisations.
        organisations = list(Branch.objects.of_committee(xueyuan))
        # People from the units: members of their organisations who performed and served.
        from_units = set()
        for unit in units:
            staff = list(Member.objects.filter(branch__unit=unit).order_by("pk").values_list(
                "pk", flat=True))
            from_units |= set(self.pick(staff, 30))
        arts_team, arts_members = teams[(xueyuan.pk, "文艺宣传队")]
        gala = self.activity(
            xueyuan, GALA, Line.PUBLIC_WELFARE, day, 19, 2.5,
            attendees=from_units | set(arts_members) | set(self.pick(self.members[xueyuan.pk], 80)),
            category="文化", place="新象城广场", project=project, status=ActivityStatus.HELD,
            description="辖区所有党组织共同举办：驻区单位出场地、出节目、出人员、出资金，"
                        "社区大党委统筹。",
            outcome="晚会如期举办，辖区党员群众共度国庆。",
        )
        self.team_links.append((gala, arts_team))
        self.branch_links += [(gala, org) for org in organisations]
        for unit in units:
            self.unit_links.append((gala, unit))
            self.fund(FundingSource.UNIT, GALA_MONEY[unit.name], activity=gala, unit=unit,
                      on=day - timedelta(days=20))

    def yuqinyuan(self, teams):
        """御沁园: the elderly day-care centre, 四个一点: the community, volunteers (each
        gift a line with the giver's name), a higher department and the units."""
        yuqinyuan = self.committees["御沁园社区"]
        today = self.today
        need, _ = Need.objects.get_or_create(
            committee=yuqinyuan, title="老年人日间照料中心",
            defaults={"kind": "venue", "status": NeedStatus.MET,
                      "description": "社区老人白天无人照料，需要助餐、休息、康复的场所"},
        )
        opened = date(today.year, 5, 18) if today >= date(today.year, 5, 18) else date(
            today.year - 1, 5, 18)
        centre, _ = Project.objects.get_or_create(
            committee=yuqinyuan, title="老年人日间照料中心",
            defaults={"need": need, "status": ProjectStatus.DONE, "owner": "御沁园社区党委",
                      "plan": "社区筹一点、志愿者捐一点、上级部门拨付一点、驻建单位赞助一点",
                      "started_on": opened - timedelta(days=90), "finished_on": opened},
        )
        sponsors = [self.units["运城市第一医院"], self.units["盐湖区妇幼保健院"]]
        centre.units.add(*sponsors)
        self.fund(FundingSource.COMMUNITY, 20000, project=centre, donor="御沁园社区",
                  on=opened - timedelta(days=80))
        givers = Member.objects.filter(
            pk__in=self.pick(self.members[yuqinyuan.pk], 45)).order_by("pk")
        for giver in givers:
            self.fund(FundingSource.VOLUNTEER, self.rng.choice([100, 200, 200, 300, 500]),
                      project=centre, donor=giver.name, on=opened - timedelta(days=60))
        self.fund(FundingSource.GOVERNMENT, 50000, project=centre, donor="盐湖区民政局",
                  on=opened - timedelta(days=45))
        self.fund(FundingSource.UNIT, 18000, project=centre, unit=sponsors[0],
                  on=opened - timedelta(days=40))
        self.fund(FundingSource.UNIT, 12000, project=centre, unit=sponsors[1],
                  on=opened - timedelta(days=40))
        health_team, health_members = teams[(yuqinyuan.pk, "便民健康服务队")]
        opening = self.activity(
            yuqinyuan, "老年人日间照料中心揭牌暨义诊", Line.SERVICE, opened, 9, 3,
            attendees=set(health_members) | set(self.pick(self.members[yuqinyuan.pk], 60)),
            category="养老", project=centre, status=ActivityStatus.HELD,
            venue=Venue.objects.filter(committee=yuqinyuan, name__contains="日间照料").first(),
            description="照料中心启用，驻区医院开展义诊。",
            outcome="照料中心投入使用，提供助餐、休息、康复服务；驻区医院现场义诊。",
        )
        self.team_links.append((opening, health_team))
        for unit in sponsors:
            self.unit_links.append((opening, unit))

    def guangchang(self, teams):
        """广场: its own members (managed here, checked-in ones among them) volunteering over
        the campaign's clean-ups, most once, some two or three times."""
        guangchang = self.committees["广场社区"]
        env_team, env_members = teams[(guangchang.pk, "环境整治志愿服务队")]
        roster = self.members[guangchang.pk]
        volunteers = list(dict.fromkeys(
            [*env_members, *self.pick(roster, round(len(roster) * 0.68))]))
        turns = [[] for _ in CLEAN_UPS]
        for member in volunteers:
            times = 1 + (self.rng.random() < 0.4) + (self.rng.random() < 0.15)
            for n in self.rng.sample(range(len(CLEAN_UPS)), times):
                turns[n].append(member)
        for n, ((what, where), attendees) in enumerate(zip(CLEAN_UPS, turns, strict=True)):
            day = self.today - timedelta(days=200 - 22 * n)
            cleanup = self.activity(
                guangchang, f"{CAMPAIGN}：{what}", Line.PUBLIC_WELFARE, day, 8, 3,
                attendees=set(attendees) | set(env_members), category=CAMPAIGN, place=where,
                status=ActivityStatus.HELD,
                description="响应大党委号召，党员志愿者走上街头，打扫卫生、清理垃圾、整修游园。",
                outcome="按网格分片包干完成。",
            )
            self.team_links.append((cleanup, env_team))
            if n == 0:
                self.fund(FundingSource.COMMUNITY, 3000, activity=cleanup, donor="广场社区",
                          on=day - timedelta(days=5))

    def lucun(self):
        """潞村: each room's unit paid for fitting it out (its study is the party groups'
        meetings, in meetings.demo)."""
        lucun = self.committees["潞村社区"]
        for amount, project in zip(
            [20000, 15000, 12000],
            Project.objects.filter(committee=lucun, title__startswith="共建").order_by("pk"),
            strict=False,
        ):
            for unit in project.units.all():
                self.fund(FundingSource.UNIT, amount, project=project, unit=unit,
                          on=project.started_on)

    # --- a year of ordinary activities -------------------------------------------------------

    def ordinary(self, teams, member_of_login):
        venues = {}
        for venue in Venue.objects.filter(committee__district=self.district).order_by("pk"):
            venues.setdefault(venue.committee_id, []).append(venue)
        upcoming = []
        for committee in self.committees.values():
            pool = self.members.get(committee.pk, [])
            for months_ago in range(12, 0, -1):
                month_start = (self.today.replace(day=1) - timedelta(days=31 * months_ago)
                               ).replace(day=1)
                for n in range(2):
                    title, line, category, team_kind = ORDINARY[
                        (months_ago * 2 + n + committee.pk) % len(ORDINARY)]
                    day = month_start + timedelta(days=self.rng.randint(2, 26))
                    attendees = set(self.pick(pool, self.rng.randint(15, 40)))
                    team = None
                    served = team_kind and self.team_of_kind(teams, committee, team_kind)
                    if served:
                        team, team_members = served
                        attendees |= set(team_members)
                    if member_of_login and committee.pk == member_of_login[1] and n == 0:
                        attendees.add(member_of_login[0])
                    activity = self.activity(
                        committee, title, line, day, self.rng.choice([9, 14, 15]),
                        self.rng.choice([1.5, 2, 3]), attendees=attendees, category=category,
                        venue=self.rng.choice(venues.get(committee.pk) or [None]),
                        status=ActivityStatus.HELD, outcome="活动按计划开展，参加党员反响良好。",
                    )
                    if team:
                        self.team_links.append((activity, team))
            # Two coming up: one open for sign-up with places, one planned.
            day = self.today + timedelta(days=5 + committee.pk % 7)
            title, line, category, _kind = ORDINARY[committee.pk % len(ORDINARY)]
            open_one = self.activity(
                committee, title, line, day, 9, 2, category=category, capacity=30,
                venue=(venues.get(committee.pk) or [None])[0], status=ActivityStatus.OPEN,
                description="欢迎党员报名参加，名额有限。",
            )
            upcoming.append((open_one, self.pick(pool, 12)))
            self.activity(
                committee, "月度共建活动（筹备中）", Line.PARTY_BUILDING,
                day + timedelta(days=14), 15, 2, category="学习", status=ActivityStatus.PLANNED,
            )
        return upcoming

    def write(self, upcoming, member_of_login):
        Activity.objects.bulk_create([a for a, _ in self.activities], batch_size=500)
        attendances = []
        for activity, attendees in self.activities:
            if activity.status != ActivityStatus.HELD:
                continue
            hours = activity.default_hours
            for member_id in attendees:
                attendances.append(Attendance(
                    activity=activity, member_id=member_id, method=AttendanceMethod.QR,
                    hours=hours,
                ))
        Attendance.objects.bulk_create(attendances, batch_size=2000)
        # checked_in_at is auto_now_add: put each at its activity's start, as it was then.
        Attendance.objects.filter(activity__committee__district=self.district).update(
            checked_in_at=Subquery(
                Activity.objects.filter(pk=OuterRef("activity_id")).values("starts_at")[:1]
            )
        )
        Funding.objects.bulk_create(self.funding)
        Activity.teams.through.objects.bulk_create([
            Activity.teams.through(activity_id=a.pk, serviceteam_id=t.pk)
            for a, t in self.team_links
        ])
        Activity.units.through.objects.bulk_create([
            Activity.units.through(activity_id=a.pk, unit_id=u.pk) for a, u in self.unit_links
        ])
        Activity.branches.through.objects.bulk_create([
            Activity.branches.through(activity_id=a.pk, branch_id=b.pk)
            for a, b in self.branch_links
        ])
        signups = []
        for activity, members in upcoming:
            if member_of_login and activity.committee_id == member_of_login[1]:
                members = [m for m in members if m != member_of_login[0]][:11]
            signups += [ActivitySignup(activity=activity, member_id=m,
                                       state=SignupState.REGISTERED) for m in members]
            Activity.objects.filter(pk=activity.pk).update(signed_up=len(members))
        ActivitySignup.objects.bulk_create(signups)


def seed_activities(district) -> None:
    if Activity.objects.filter(committee__district=district).exists():
        return
    seeder = _Seeder(district)
    login = Member.objects.filter(user__username="member").values_list(
        "pk", "committee_id").first()
    teams = seeder.teams()
    seeder.stories(teams)
    upcoming = seeder.ordinary(teams, login)
    seeder.write(upcoming, login)
    seed_venue_improvements(district)
    seed_evaluations(district)


def seed_venue_improvements(district) -> None:
    """阵地建设: 学苑's premises renovated, paid by the renovation's funding lines (8万余: the
    community, the street and four units); 潞村's three rooms, each a new room on the day its
    unit finished fitting it out, paid by that unit's line. The venues keep today's areas (the
    rows are written as they were then: a new room's area is the room's, so before that day the
    room had none)."""
    committees = {c.name: c for c in Committee.objects.filter(district=district)}
    improvements, payments = [], []

    def improve(venue, on, kind, change, description, lines):
        improvement = VenueImprovement(committee_id=venue.committee_id, venue=venue, on=on,
                                       kind=kind, area_change=change, description=description)
        improvements.append(improvement)
        payments.append((improvement, list(lines)))

    xueyuan = committees.get("学苑社区")
    renovation = Project.objects.filter(committee=xueyuan, title=RENOVATION).first()
    centre = Venue.objects.filter(committee=xueyuan, unit__isnull=True).order_by("pk").first()
    if renovation and centre and renovation.finished_on:
        improve(centre, renovation.finished_on, ImprovementKind.RENOVATION, Decimal("0"),
                "统筹资金装修办公场所和党员活动室，更新桌椅、音响和展板",
                Funding.objects.filter(project=renovation).order_by("pk"))
    lucun = committees.get("潞村社区")
    for room in Venue.objects.filter(committee=lucun, unit__isnull=False).order_by("pk"):
        project = Project.objects.filter(committee=lucun, title=f"共建{room.name}").first()
        if project is None or project.finished_on is None:
            continue
        improve(room, project.finished_on, ImprovementKind.NEW_ROOM, room.area,
                f"{room.unit.name}提供用房并出资装修，建成党员活动室",
                Funding.objects.filter(project=project).order_by("pk"))
    VenueImprovement.objects.bulk_create(improvements)
    VenueImprovementFunding.objects.bulk_create([
        VenueImprovementFunding(improvement=improvement, funding=line)
        for improvement, lines in payments for line in lines
    ])
