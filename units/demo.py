"""Co-building demo data for ``seed_demo``: agreements, part-time seats tied to them, and the
needs, resources and projects lists, including the report's stories (学苑社区's renovated
premises and its National Day gala with units' venue, programmes and people; 潞村社区's three
activity rooms set up with the units that provide them).

Idempotent: everything is found by a natural key before it is created.
"""

from datetime import date, timedelta
from decimal import Decimal

from django.utils import timezone

from committees.models import Seat, Venue

from .models import (
    Agreement,
    AgreementStatus,
    ListKind,
    Need,
    NeedStatus,
    Project,
    ProjectStatus,
    Resource,
    ResourceStatus,
    Unit,
)


def _agreement(unit, committee, starts_on, ends_on, *, signed_on=None):
    agreement, _ = Agreement.objects.get_or_create(
        unit=unit, committee=committee, starts_on=starts_on,
        defaults={
            "ends_on": ends_on,
            "signed_on": signed_on or starts_on,
            "status": AgreementStatus.IN_FORCE,
            "committee_commits": "开放党群服务中心场地，组织在职党员报到服务，宣传单位共建成果",
            "unit_commits": "每季度进社区开展一次志愿服务，提供场地、经费或专业力量支持社区活动",
        },
    )
    return agreement


def _need(committee, title, kind, status, **extra):
    return Need.objects.get_or_create(
        committee=committee, title=title, defaults={"kind": kind, "status": status, **extra}
    )[0]


def _resource(unit, committee, description, kind, status, amount=None, **extra):
    return Resource.objects.get_or_create(
        unit=unit, committee=committee, description=description,
        defaults={"kind": kind, "status": status, "amount": amount, **extra},
    )[0]


def _project(committee, title, need, resources, status, **extra):
    project, created = Project.objects.get_or_create(
        committee=committee, title=title,
        defaults={"need": need, "status": status, "owner": "社区党委书记", **extra},
    )
    if created:
        project.resources.set(resources)
        project.units.set({r.unit for r in resources})
    return project


def seed_cobuilding(committee, index, partners) -> None:
    """Agreements with each unit whose party organisation is a member organisation of the
    committee (their part-time seats tied to them), three needs, three offered resources and
    one project under way."""
    today = timezone.localdate()
    for n, unit in enumerate(partners):
        if n == len(partners) - 1 and index % 6 == 0:
            # 学苑 (index 0) and every sixth committee have an agreement ending within 30
            # days, so the secretary's page shows it.
            starts, ends = date(2024, 3, 1), today + timedelta(days=20)
        elif n % 2:
            starts, ends = date(2025, 1, 10), date(2027, 12, 31)
        else:
            starts, ends = date(2024, 3, 1), date(today.year + 1, 3, 31)
        agreement = _agreement(unit, committee, starts, ends)
        Seat.objects.filter(
            committee=committee, unit=unit, agreement__isnull=True
        ).update(agreement=agreement, term_end=agreement.ends_on)
    unit_a, unit_b = partners[0], partners[1]
    if index % 5 == 4:
        # An older agreement that ran out and was never ended: it reads as expired.
        _agreement(unit_b, committee, date(2022, 1, 1), date(2023, 12, 31))

    short = committee.name.removesuffix("社区")
    _need(committee, f"{short}周末环境整治志愿者", ListKind.VOLUNTEERS, NeedStatus.OPEN,
          urgency="high", description="每周六上午清理楼道和背街小巷，需要志愿者")
    _need(committee, f"{short}党员活动室添置投影设备", ListKind.EQUIPMENT, NeedStatus.OPEN,
          description="学习教育和三会一课需要投影仪、幕布")
    legal = _need(committee, f"{short}老年人法律咨询", ListKind.EXPERTISE, NeedStatus.MATCHED,
                  description="赡养、继承纠纷多，需要律师或法官定期坐班答疑")
    _resource(unit_a, committee, "会议室周六向社区开放", ListKind.VENUE, ResourceStatus.OFFERED,
              quantity="1 间，60 人", available="每周六")
    _resource(unit_b, committee, "在职党员志愿者", ListKind.VOLUNTEERS, ResourceStatus.OFFERED,
              quantity="20 名", available="节假日")
    lawyer = _resource(unit_b, committee, "专业人员每月坐班一次", ListKind.EXPERTISE,
                       ResourceStatus.COMMITTED, quantity="每月 1 次")
    _resource(unit_a, committee, "年度共建经费", ListKind.FUNDS, ResourceStatus.OFFERED,
              amount=Decimal(5000 + 500 * index))
    _project(committee, f"{short}法律服务进社区", legal, [lawyer], ProjectStatus.UNDER_WAY,
             plan="每月第一个周三下午在党群服务中心坐班，现场答疑、调解",
             started_on=date(2026, 3, 4))


GALA = "“永远的祝福”国庆文艺晚会"
RENOVATION = "阵地建设：学苑党群服务中心装修改造"
# 学苑's gala: what each unit brought besides money (money is a funding line of the activity,
# in activities.demo, and nowhere else). Programmes are one resource each.
GALA_RESOURCES = [
    ("新象城商业广场", ListKind.VENUE, "新象城广场场地与舞台"),
    ("国网运城供电公司", ListKind.EQUIPMENT, "舞台灯光音响与现场用电保障"),
    ("运城学院", ListKind.VOLUNTEERS, "学生志愿者：现场引导与秩序维护"),
    ("运城学院", ListKind.OTHER, "节目：大合唱《我和我的祖国》"),
    ("运城学院", ListKind.OTHER, "节目：舞蹈《盛世欢歌》"),
    ("新象城商业广场", ListKind.OTHER, "节目：员工快闪《歌唱祖国》"),
    ("运城银行盐湖支行", ListKind.OTHER, "节目：情景剧《初心》"),
    ("国网运城供电公司", ListKind.OTHER, "节目：诗朗诵《光明礼赞》"),
    ("运城银行盐湖支行", ListKind.OTHER, "节目：男声小合唱《强军战歌》"),
]


def gala_day(today: date) -> date:
    """The last National Day that has come."""
    return date(today.year if today >= date(today.year, 10, 1) else today.year - 1, 10, 1)


def seed_stories(committees: dict, district) -> None:
    """The report's co-building stories, on top of ``seed_cobuilding``: 学苑's renovated
    premises and its National Day gala, 潞村's three activity rooms (their funding lines are
    written by ``activities.demo``)."""
    units = {u.name: u for u in Unit.objects.filter(district=district)}
    today = timezone.localdate()
    xueyuan = committees["学苑社区"]

    # 学苑社区: its premises renovated with money pooled at its work meeting and joint meeting.
    need = _need(xueyuan, "党群服务中心装修改造", ListKind.VENUE, NeedStatus.MET,
                 description="办公和活动场所陈旧狭小，需要装修改造、添置设施",
                 raised_on=today - timedelta(days=330))
    donors = ["新象城商业广场", "运城学院", "运城银行盐湖支行", "国网运城供电公司"]
    project, created = Project.objects.get_or_create(
        committee=xueyuan, title=RENOVATION,
        defaults={"need": need, "status": ProjectStatus.DONE, "owner": "学苑社区党委",
                  "plan": "大党委工作会议和党建联席会议议定：社区自筹、驻区单位支持、街道补助，"
                          "统筹资金装修办公场所和党员活动室",
                  "started_on": today - timedelta(days=270),
                  "finished_on": today - timedelta(days=200)},
    )
    if created:
        project.units.set([units[name] for name in donors])

    # 学苑社区: the National Day gala, held by all the area's party organisations, with the
    # venue, programmes and people from resident units.
    day = gala_day(today)
    gala = _need(xueyuan, GALA, ListKind.OTHER, NeedStatus.MET,
                 description="庆祝国庆的社区文艺晚会：场地、舞台、节目和人员",
                 raised_on=day - timedelta(days=45))
    pooled = [
        _resource(units[name], xueyuan, description, kind, ResourceStatus.USED,
                  offered_on=day - timedelta(days=30))
        for name, kind, description in GALA_RESOURCES
    ]
    _project(xueyuan, GALA, gala, pooled, ProjectStatus.PUBLICISED,
             plan="驻区单位出场地、出节目、出人员、出资金，社区党委统筹", owner="学苑社区党委",
             started_on=day - timedelta(days=30), finished_on=day)

    # 潞村社区: three activity rooms, each set up with the co-building unit that provides it.
    lucun = committees["潞村社区"]
    rooms = Venue.objects.filter(committee=lucun, unit__isnull=False).select_related("unit")
    for n, room in enumerate(rooms.order_by("pk")):
        need = _need(lucun, f"{room.name}用房", ListKind.VENUE, NeedStatus.MET,
                     description="就近学习、议事、开展活动的用房")
        offered = _resource(room.unit, lucun, f"{room.name}用房与装修", ListKind.VENUE,
                            ResourceStatus.USED, quantity="1 间")
        _project(lucun, f"共建{room.name}", need, [offered], ProjectStatus.DONE,
                 plan="单位提供用房并出资装修，社区负责日常管理，党小组长组织学习",
                 owner="潞村社区党委", started_on=date(2025, 3 + n, 1),
                 finished_on=date(2025, 6 + n, 30))
