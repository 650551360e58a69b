"""Activities demo data for ``seed_demo``: the report's activities (学苑's National Day gala at
新象城广场 pooled from units, 御沁园's day-care centre funded "a little from each", 广场's
clean-up with 900+ member volunteers, 潞村's study sessions in its three rooms), six volunteer
teams in every committee (108 in the district), and a year of ordinary activities with
attendance, plus a few open ones to sign up for.

Written in bulk; run once per district (it does nothing when the district has activities).
Deterministic: one seeded random generator.
"""

import random
from datetime import date, timedelta
from decimal import Decimal

from django.db.models import OuterRef, Subquery
from django.utils import timezone

from committees.models import Committee, Venue
from core.dates import local_datetime
from members.models import Member
from units.models import Need, NeedStatus, Project, ProjectStatus, Unit

from .models import (
    Activity,
    ActivitySignup,
    ActivityStatus,
    Attendance,
    AttendanceMethod,
    Funding,
    FundingSource,
    FundingState,
    Line,
    ServiceTeam,
    SignupState,
    TeamKind,
)

TEAMS = [
    (TeamKind.LAW, "普法志愿服务队"),
    (TeamKind.COUNSELLING, "心理咨询志愿服务队"),
    (TeamKind.ARTS, "文艺宣传队"),
    (TeamKind.HEALTH, "便民健康服务队"),
    (TeamKind.ENVIRONMENT, "环境整治志愿服务队"),
    (TeamKind.OTHER, "党员先锋服务队"),
]

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


class _Seeder:
    def __init__(self, district):
        self.district = district
        self.rng = random.Random(2026)  # noqa: S311 (demo data, not secrets)
        self.today = timezone.localdate()
        self.committees = {c.name: c for c in Committee.objects.filter(district=district)}
        self.units = {u.name: u for u in Unit.objects.filter(district=district)}
        self.members = {}  # committee id -> [member ids]
        for member_id, committee_id in Member.objects.filter(
            committee__district=district
        ).values_list("pk", "committee_id"):
            self.members.setdefault(committee_id, []).append(member_id)
        self.activities = []  # (Activity, attendee ids)
        self.funding = []
        self.team_links = []  # (activity, team)
        self.unit_links = []  # (activity, unit)

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
        teams = {}
        memberships = []
        Through = ServiceTeam.members.through
        for committee in self.committees.values():
            short = committee.name.removesuffix("社区")
            pool = self.members.get(committee.pk, [])
            for kind, suffix in TEAMS:
                size = self.rng.randint(8, 15)
                chosen = self.pick(pool, size)
                team = ServiceTeam.objects.create(
                    committee=committee, name=f"{short}{suffix}", kind=kind,
                    leader_id=chosen[0] if chosen else None,
                    description=f"{committee.name}党员志愿者组成，常态化开展服务。",
                )
                memberships += [Through(serviceteam_id=team.pk, member_id=m) for m in chosen]
                teams[(committee.pk, kind)] = (team, chosen)
        Through.objects.bulk_create(memberships)
        return teams

    # --- the report's activities ------------------------------------------------------------

    def stories(self, teams):
        c = self.committees
        today = self.today

        # 学苑社区: the National Day gala at 新象城广场, pooled from four units (¥82,000).
        xueyuan = c["学苑社区"]
        gala_day = date(today.year if today >= date(today.year, 10, 1) else today.year - 1, 10, 1)
        project = Project.objects.filter(committee=xueyuan, title="国庆文艺汇演").first()
        pool = self.members[xueyuan.pk]
        arts_team, arts_members = teams[(xueyuan.pk, TeamKind.ARTS)]
        gala = self.activity(
            xueyuan, "庆祝国庆文艺汇演", Line.PUBLIC_WELFARE, gala_day, 19, 2.5,
            attendees=set(arts_members) | set(self.pick(pool, 150)),
            category="文化", place="新象城广场", project=project, status=ActivityStatus.HELD,
            description="驻区单位出场地、出经费、出节目、出人员，社区党委统筹，居民共度国庆。",
            outcome="汇演 12 个节目，观众 1,200 余人；新象城商业广场提供场地与舞台，"
                    "四家驻区单位共筹经费 8.2 万元。",
        )
        self.team_links.append((gala, arts_team))
        for name, amount in [("新象城商业广场", 30000), ("运城银行盐湖支行", 25000),
                             ("国网运城供电公司", 15000), ("运城学院", 12000)]:
            self.unit_links.append((gala, self.units[name]))
            self.fund(FundingSource.UNIT, amount, activity=gala, unit=self.units[name],
                      on=gala_day - timedelta(days=20))

        # 御沁园社区: the elderly day-care centre, 四个一点 (¥108,600).
        yuqinyuan = c["御沁园社区"]
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
        self.fund(FundingSource.VOLUNTEER, 8600, project=centre, donor="社区党员志愿者 86 人",
                  on=opened - timedelta(days=60))
        self.fund(FundingSource.GOVERNMENT, 50000, project=centre, donor="盐湖区民政局",
                  on=opened - timedelta(days=45))
        self.fund(FundingSource.UNIT, 18000, project=centre, unit=sponsors[0],
                  on=opened - timedelta(days=40))
        self.fund(FundingSource.UNIT, 12000, project=centre, unit=sponsors[1],
                  on=opened - timedelta(days=40))
        health_team, health_members = teams[(yuqinyuan.pk, TeamKind.HEALTH)]
        opening = self.activity(
            yuqinyuan, "老年人日间照料中心揭牌暨义诊", Line.SERVICE, opened, 9, 3,
            attendees=set(health_members) | set(self.pick(self.members[yuqinyuan.pk], 60)),
            category="养老", project=centre, status=ActivityStatus.HELD,
            venue=Venue.objects.filter(committee=yuqinyuan).first(),
            description="照料中心启用，驻区医院开展义诊。",
            outcome="照料中心面积 400 平方米，可同时服务 40 位老人；义诊 160 人次。",
        )
        self.team_links.append((opening, health_team))
        for unit in sponsors:
            self.unit_links.append((opening, unit))

        # 广场社区: 900+ member volunteers cleaning the streets, from across the district.
        guangchang = c["广场社区"]
        env_team, env_members = teams[(guangchang.pk, TeamKind.ENVIRONMENT)]
        volunteers = set(env_members) | set(self.members[guangchang.pk])
        others = [m for cid, ids in self.members.items() if cid != guangchang.pk for m in ids]
        volunteers |= set(self.pick(others, max(0, 930 - len(volunteers))))
        cleanup_day = today - timedelta(days=40)
        cleanup = self.activity(
            guangchang, "党员志愿者清洁家园行动", Line.PUBLIC_WELFARE, cleanup_day, 8, 3,
            attendees=volunteers, category="环境", place="广场社区各街巷",
            status=ActivityStatus.HELD,
            description="在职党员、社区党员分片包干，清理街巷卫生死角。",
            outcome="930 名党员志愿者参加，清理卫生死角 120 处。",
        )
        self.team_links.append((cleanup, env_team))
        self.fund(FundingSource.COMMUNITY, 3000, activity=cleanup, donor="广场社区",
                  on=cleanup_day - timedelta(days=5))

        # 潞村社区: study sessions in the three rooms set up with co-building units.
        lucun = c["潞村社区"]
        rooms = list(Venue.objects.filter(committee=lucun).order_by("pk"))
        projects = list(Project.objects.filter(committee=lucun, title__startswith="共建")
                        .order_by("title"))
        for months_ago in (1, 2, 3):
            for n, room in enumerate(rooms):
                day = (today.replace(day=1) - timedelta(days=30 * months_ago - 10)).replace(
                    day=8 + 7 * n)
                self.activity(
                    lucun, f"党员学习会：{room.name}", Line.PARTY_BUILDING, day, 15, 2,
                    attendees=self.pick(self.members[lucun.pk], 25), category="学习",
                    venue=room, project=projects[n] if n < len(projects) else None,
                    status=ActivityStatus.HELD, outcome="集中学习，交流心得。",
                )

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
                    if team_kind:
                        team, team_members = teams[(committee.pk, team_kind)]
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
