"""Co-building demo data for ``seed_demo``: agreements, part-time seats tied to them, and the
needs, resources and projects lists, including the report's stories (学苑社区's National Day
gala pooled by units; 潞村社区's three activity rooms set up with co-building units).

Idempotent: everything is found by a natural key before it is created.
"""

from datetime import date, timedelta
from decimal import Decimal

from django.utils import timezone

from committees.models import Seat

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


def seed_cobuilding(committee, index, unit_a, unit_b) -> None:
    """Agreements with the committee's two partner units (their part-time seats tied to them),
    three needs, three offered resources and one project under way."""
    today = timezone.localdate()
    # 学苑 (index 0) and every sixth committee have an agreement ending within 30 days, so the
    # secretary's page shows it; the others run to next spring.
    a_end = today + timedelta(days=20) if index % 6 == 0 else date(today.year + 1, 3, 31)
    agreement_a = _agreement(unit_a, committee, date(2024, 3, 1), a_end)
    agreement_b = _agreement(unit_b, committee, date(2025, 1, 10), date(2027, 12, 31))
    for agreement in (agreement_a, agreement_b):
        Seat.objects.filter(
            committee=committee, unit=agreement.unit, agreement__isnull=True
        ).update(agreement=agreement, term_end=agreement.ends_on)
    if index % 5 == 4:
        # An older agreement that ran out and was never ended: it reads as expired.
        _agreement(unit_b, committee, date(2022, 1, 1), date(2023, 12, 31))

    short = committee.name.removesuffix("社区")
    _need(committee, f"{short}周末环境整治志愿者", ListKind.VOLUNTEERS, NeedStatus.OPEN,
          urgency="high", description="每周六上午清理楼道和背街小巷，需要志愿者 20 名")
    _need(committee, f"{short}党员活动室添置投影设备", ListKind.EQUIPMENT, NeedStatus.OPEN,
          description="学习教育和三会一课需要投影仪一台、幕布一块")
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


def seed_stories(committees: dict, district) -> None:
    """The report's two co-building stories, on top of ``seed_cobuilding``."""
    units = {u.name: u for u in Unit.objects.filter(district=district)}
    today = timezone.localdate()

    # 学苑社区: the National Day gala, its venue, money and people all from resident units.
    xueyuan = committees["学苑社区"]
    gala_day = date(today.year if today >= date(today.year, 10, 1) else today.year - 1, 10, 1)
    gala_units = ["新象城商业广场", "运城银行盐湖支行", "国网运城供电公司", "运城学院"]
    for name in gala_units:
        _agreement(units[name], xueyuan, date(2025, 6, 1), date(2028, 5, 31))
    gala = _need(xueyuan, "国庆文艺汇演", ListKind.FUNDS, NeedStatus.MET,
                 description="庆祝国庆的社区文艺汇演：场地、舞台、经费、节目和志愿者")
    # The ¥82,000 the four units gave is their funding lines on the gala (activities.demo);
    # the resources are what each offered, and only the bank's is money (its line's offer).
    pooled = [
        _resource(units["新象城商业广场"], xueyuan, "新象城广场场地与舞台", ListKind.VENUE,
                  ResourceStatus.USED, quantity="广场 1 处"),
        _resource(units["运城银行盐湖支行"], xueyuan, "汇演经费", ListKind.FUNDS,
                  ResourceStatus.USED, amount=Decimal("25000")),
        _resource(units["国网运城供电公司"], xueyuan, "舞台灯光与用电保障", ListKind.EQUIPMENT,
                  ResourceStatus.USED),
        _resource(units["运城学院"], xueyuan, "文艺节目与学生志愿者", ListKind.VOLUNTEERS,
                  ResourceStatus.USED, quantity="节目 8 个，志愿者 60 名"),
    ]
    _project(xueyuan, "国庆文艺汇演", gala, pooled, ProjectStatus.PUBLICISED,
             plan="驻区单位出场地、出经费、出节目、出人员，社区党委统筹", owner="学苑社区党委",
             started_on=gala_day - timedelta(days=30), finished_on=gala_day)

    # 潞村社区: three activity rooms, each set up with a co-building unit.
    lucun = committees["潞村社区"]
    rooms = [("第一", "运城市第一医院", 60000), ("第二", "盐湖区实验中学", 45000),
             ("第三", "山西移动运城分公司", 38000)]
    for n, (ordinal, unit_name, amount) in enumerate(rooms):
        unit = units[unit_name]
        _agreement(unit, lucun, date(2024, 9, 1), date(2027, 8, 31))
        need = _need(lucun, f"{ordinal}党员活动室", ListKind.VENUE, NeedStatus.MET,
                     description="学习、议事、文化活动用房")
        room = _resource(unit, lucun, f"{ordinal}活动室用房与装修", ListKind.VENUE,
                         ResourceStatus.USED, amount=Decimal(amount), quantity="1 间")
        _project(lucun, f"共建{ordinal}党员活动室", need, [room], ProjectStatus.DONE,
                 plan="单位提供用房并出资装修，社区负责日常管理", owner="潞村社区党委",
                 started_on=date(2025, 3 + n, 1), finished_on=date(2025, 6 + n, 30))
