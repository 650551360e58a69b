"""Build the demo district, 盐湖区, from the 2019 report. Running it twice changes nothing.

Eighteen committees of different sizes and shapes (some with many retired cadres, some in the
commercial centre with many small-business members, new estates where most members work
elsewhere and checked in), 1.1万余 members under management and 3000余 in-service members
checked in, each unit's party organisation once and a member organisation of the committees it
works with. The report's stories are built on top by ``units.demo``, ``activities.demo`` and
``meetings.demo``; every figure a page shows is counted from these records.

The demo accounts' passwords are printed, not secret: the command refuses to run with DEBUG
off unless given --force.
"""

import random
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from activities.demo import seed_activities
from branches.models import Branch, BranchKind, CommitteeMembership
from committees.models import Committee, District, Seat, SeatRole, Venue
from core.dates import local_datetime
from core.models import RoleAssignment
from meetings.demo import seed_meetings
from members.demo import People, seed_commitments
from members.models import (
    Appraisal,
    Category,
    CheckIn,
    CheckInStatus,
    EndReason,
    InServiceGroup,
    Member,
    Rating,
    Status,
    Transfer,
)
from members.names import name_pinyin
from notices.demo import seed_notices
from overview import figures
from units.demo import seed_cobuilding, seed_stories
from units.models import Unit, UnitKind

DEMO_PASSWORD = "dangjian2026"


@dataclass(frozen=True)
class Community:
    name: str
    street: str
    members: int  # members under its management (Member.committee), at scale 1
    shape: str  # a key of SHAPES
    compounds: tuple  # residential compounds (小区): addresses, party groups, in-service groups
    venues: tuple  # (name, m², unit providing it or None for the community's own)
    units: tuple  # resident units whose party organisations are its member organisations
    split_in_service: bool = False  # one in-service group per compound, not one in all


# Shares of small-business members, retired cadres, community residents and in-service members.
SHAPES = {
    "mixed": (0.12, 0.22, 0.32, 0.34),
    "retirees": (0.07, 0.44, 0.25, 0.24),  # old work units' housing: many retired cadres
    "business": (0.33, 0.11, 0.24, 0.32),  # the commercial centre: many 小个专 members
    "new": (0.09, 0.07, 0.34, 0.50),  # new estates: most members work elsewhere
    "village": (0.24, 0.10, 0.42, 0.24),  # a former village
}

COMMITTEES = [
    Community("学苑社区", "东城街道", 1060, "mixed", ("学苑小区", "运城学院家属院", "新象城公寓"),
              (("学苑党群服务中心", 360, None), ("运城学院共建活动室", 180, "运城学院")),
              ("新象城商业广场", "运城学院", "运城银行盐湖支行", "国网运城供电公司"),
              split_in_service=True),
    Community("御沁园社区", "东城街道", 780, "retirees", ("御沁园一期", "御沁园二期"),
              (("御沁园党群服务中心", 300, None), ("御沁园老年人日间照料中心", 400, None)),
              ("运城市第一医院", "盐湖区妇幼保健院", "盐湖区税务局")),
    Community("潞村社区", "北城街道", 540, "village", ("潞村新村", "潞村南苑"),
              (("潞村党群服务中心", 240, None), ("潞村第一党员活动室", 120, "盐湖区实验中学"),
               ("潞村第二党员活动室", 100, "山西移动运城分公司"),
               ("潞村第三党员活动室", 90, "运城汽车客运站")),
              ("盐湖区实验中学", "山西移动运城分公司", "运城汽车客运站")),
    Community("广场社区", "中城街道", 1380, "mixed", ("广场小区", "人民广场东院", "府东花园"),
              (("广场党群服务中心", 420, None), ("中医医院共建活动室", 160, "盐湖区中医医院")),
              ("盐湖区城市管理局", "运城日报社", "盐湖区中医医院"), split_in_service=True),
    Community("解放路社区", "解放路街道", 920, "business", ("解放路商住楼", "百货大楼家属院"),
              (("解放路党群服务中心", 320, None),
               ("市场监管所共建活动室", 200, "盐湖区市场监督管理局")),
              ("盐湖区市场监督管理局", "盐湖区司法局", "运城银行盐湖支行")),
    Community("红旗东社区", "中城街道", 700, "mixed", ("红旗东街小区", "红旗东苑"),
              (("红旗东党群服务中心", 450, None), ("警民共建活动室", 120, "盐湖区公安分局")),
              ("盐湖区公安分局", "运城市中心小学")),
    Community("槐东社区", "西城街道", 480, "village", ("槐东小区", "槐东新村"),
              (("槐东党群服务中心", 350, None), ("中石化共建活动室", 200, "中石化运城分公司")),
              ("中石化运城分公司", "盐湖区社会工作协会")),
    Community("禹西社区", "西城街道", 760, "new", ("禹西小区", "禹西花园"),
              (("禹西党群服务中心", 280, None), ("新象城党建驿站", 240, "新象城商业广场")),
              ("新象城商业广场", "运城职业技术学院", "盐湖区税务局"), split_in_service=True),
    Community("凤凰谷社区", "南城街道", 620, "new", ("凤凰谷一期", "凤凰谷二期"),
              (("凤凰谷党群服务中心", 500, None), ("供电服务站活动室", 90, "国网运城供电公司")),
              ("国网运城供电公司", "山西移动运城分公司")),
    Community("河东社区", "东城街道", 420, "retirees", ("河东小区", "河东街家属院"),
              (("河东党群服务中心", 310, None), ("法院共建活动室", 230, "盐湖区人民法院")),
              ("盐湖区人民法院", "运城市第一医院")),
    Community("舜帝社区", "北城街道", 660, "mixed", ("舜帝小区", "舜帝花园"),
              (("舜帝党群服务中心", 420, None), ("学院共建活动室", 150, "运城学院")),
              ("运城学院", "盐湖区中医医院")),
    Community("康杰社区", "安邑街道", 500, "business", ("康杰小区", "康杰街商住楼"),
              (("康杰党群服务中心", 330, None), ("实验中学共建活动室", 210, "盐湖区实验中学")),
              ("盐湖区实验中学", "盐湖区公安分局")),
    Community("条山社区", "大渠街道", 380, "village", ("条山小区", "条山街家属院"),
              (("条山党群服务中心", 360, None), ("客运站共建活动室", 180, "运城汽车客运站")),
              ("运城汽车客运站", "盐湖区城市管理局")),
    Community("盐化社区", "南城街道", 760, "retirees", ("盐化生活区", "盐化二区"),
              (("盐化党群服务中心", 400, None), ("盐化老干部活动中心", 260, None)),
              ("中石化运城分公司", "盐湖区妇幼保健院", "盐湖区社会工作协会")),
    Community("银湖社区", "安邑街道", 300, "new", ("银湖小区",),
              (("银湖党群服务中心", 200, None), ("职院共建活动室", 150, "运城职业技术学院")),
              ("运城职业技术学院", "运城日报社")),
    Community("工农社区", "中城街道", 450, "retirees", ("工农小区", "机械厂家属院"),
              (("工农党群服务中心", 260, None), ("司法所共建活动室", 160, "盐湖区司法局")),
              ("盐湖区司法局", "运城市中心小学", "运城银行盐湖支行")),
    Community("圣惠社区", "大渠街道", 260, "village", ("圣惠小区",),
              (("圣惠党群服务中心", 240, None), ("法庭共建活动室", 100, "盐湖区人民法院")),
              ("盐湖区人民法院", "盐湖区市场监督管理局")),
    Community("魏风社区", "北城街道", 220, "business", ("魏风小区",),
              (("魏风党群服务中心", 150, None), ("供电所共建活动室", 120, "国网运城供电公司")),
              ("国网运城供电公司", "运城市第一医院")),
]

# (unit, kind, its party organisation)
UNITS = [
    ("运城市第一医院", UnitKind.HOSPITAL, "运城市第一医院党委"),
    ("盐湖区实验中学", UnitKind.SCHOOL, "盐湖区实验中学党支部"),
    ("国网运城供电公司", UnitKind.STATE_ENTERPRISE, "国网运城供电公司城区供电中心党支部"),
    ("运城银行盐湖支行", UnitKind.STATE_ENTERPRISE, "运城银行盐湖支行党支部"),
    ("盐湖区税务局", UnitKind.GOVERNMENT, "盐湖区税务局机关党委"),
    ("盐湖区人民法院", UnitKind.GOVERNMENT, "盐湖区人民法院机关党委"),
    ("运城学院", UnitKind.PUBLIC_INSTITUTION, "运城学院机关党委"),
    ("新象城商业广场", UnitKind.PRIVATE_ENTERPRISE, "新象城商业广场党支部"),
    ("盐湖区妇幼保健院", UnitKind.HOSPITAL, "盐湖区妇幼保健院党支部"),
    ("运城市中心小学", UnitKind.SCHOOL, "运城市中心小学党支部"),
    ("山西移动运城分公司", UnitKind.STATE_ENTERPRISE, "山西移动运城分公司盐湖营业部党支部"),
    ("盐湖区公安分局", UnitKind.GOVERNMENT, "盐湖区公安分局机关党委"),
    ("运城日报社", UnitKind.PUBLIC_INSTITUTION, "运城日报社党支部"),
    ("盐湖区司法局", UnitKind.GOVERNMENT, "盐湖区司法局机关党支部"),
    ("中石化运城分公司", UnitKind.STATE_ENTERPRISE, "中石化运城分公司盐湖片区党支部"),
    ("盐湖区社会工作协会", UnitKind.SOCIAL_ORGANISATION, "盐湖区社会工作协会党支部"),
    ("运城汽车客运站", UnitKind.STATE_ENTERPRISE, "运城汽车客运站党支部"),
    ("盐湖区城市管理局", UnitKind.GOVERNMENT, "盐湖区城市管理局机关党支部"),
    ("盐湖区中医医院", UnitKind.HOSPITAL, "盐湖区中医医院党支部"),
    ("运城职业技术学院", UnitKind.SCHOOL, "运城职业技术学院党委"),
    ("盐湖区市场监督管理局", UnitKind.GOVERNMENT, "盐湖区市场监督管理局机关党支部"),
]

# Employers outside the district, and where their members' membership is held.
OUTSIDE = [
    ("运城市财政局", "运城市财政局机关党支部"),
    ("运城市教育局", "运城市教育局机关党委"),
    ("运城市住房和城乡建设局", "运城市住建局机关党支部"),
    ("运城市人民检察院", "运城市人民检察院机关党委"),
    ("运城市自然资源局", "运城市自然资源局机关党支部"),
    ("运城市农业农村局", "运城市农业农村局机关党支部"),
    ("山西运城农业职业技术学院", "山西运城农业职业技术学院党委"),
    ("运城市公安局交警支队", "运城市公安局交警支队党委"),
    ("运城市中心医院", "运城市中心医院党委"),
    ("运城市疾病预防控制中心", "运城市疾控中心党支部"),
    ("运城市水务局", "运城市水务局机关党支部"),
    ("运城市市场监督管理局", "运城市市场监管局机关党委"),
    ("运城海关", "运城海关党支部"),
    ("运城市气象局", "运城市气象局党支部"),
    ("中国邮政集团运城市分公司", "中国邮政运城市分公司党委"),
    ("中国联通运城市分公司", "中国联通运城市分公司党委"),
    ("运城市人民政府办公室", "运城市政府办公室机关党支部"),
    ("运城市文化和旅游局", "运城市文旅局机关党支部"),
    ("运城市公共交通有限公司", "运城市公交公司党总支"),
    ("运城市卫生健康委员会", "运城市卫健委机关党支部"),
    ("运城市统计局", "运城市统计局机关党支部"),
    ("运城市中级人民法院", "运城市中级人民法院机关党委"),
    ("运城市第二医院", "运城市第二医院党委"),
    ("康杰中学", "康杰中学党委"),
]

SHOP_NAMES = ["鑫源", "顺达", "佳佳", "福满", "惠民", "金诚", "利民", "宏发", "百姓", "老城",
              "盐湖", "德丰", "聚福", "万家", "诚信", "河东", "晋南", "好运", "同心", "四季"]
SHOP_KINDS = ["超市", "五金店", "饭店", "药店", "理发店", "服装店", "便利店", "家电维修部",
              "电脑城", "物流公司", "装饰公司", "茶叶店", "面馆", "水果店", "眼镜店", "书店"]
CHINESE_NUMBERS = "一二三四五六七八九十"

DEMO_LOGINS = [
    ("district", "District officer of 盐湖区: every committee, every page, creates and deletes committees"),
    ("xueyuan", "Secretary of 学苑社区: its structure, roster, activities, meetings and matters; sees no other"),
    ("branch", "Secretary of 学苑社区居民党支部: edits that branch and its party groups"),
    ("member", "A member in 学苑社区: own page, activities and hours, sign-up and QR check-in"),
    ("liaison", "Liaison of 新象城商业广场: its agreements, resources and ledger"),
    ("admin", "Superuser: Django admin at /admin/"),
]

# Birth years by category: retired cadres were born before the 1960s ended, in-service
# members are of working age.
BORN = {
    Category.RETIRED_CADRE: (1938, 1964),
    Category.SMALL_BUSINESS: (1958, 1998),
    Category.RESIDENT: (1940, 1997),
    Category.IN_SERVICE: (1963, 2000),
}
MALE_SHARE = {
    Category.RETIRED_CADRE: 0.58, Category.SMALL_BUSINESS: 0.6, Category.RESIDENT: 0.45,
    Category.IN_SERVICE: 0.55,
}


@dataclass
class Planned:
    """One member as planned, before the database is touched."""

    category: str
    person: object  # members.demo.Person
    compound: int
    building: int
    address: str
    joined_on: date
    probationary: bool
    home: str = ""  # "residents" | "retirees" | "unit" | "outside"
    unit: str = ""  # the employer's name when it is a district unit
    employer_name: str = ""
    outside: str = ""
    group: int | None = None  # index of the party group within the branch
    checkin: str = ""  # "" | "confirmed" | "pending"
    moved_from: int | None = None  # committee index of an earlier, ended check-in


def shorten(name: str) -> str:
    return name.removesuffix("社区")


class Command(BaseCommand):
    help = "Load the demo district 盐湖区 (idempotent) and print the demo logins."

    def add_arguments(self, parser):
        parser.add_argument(
            "--force", action="store_true",
            help="Run even with DEBUG off (the demo passwords are public).",
        )
        parser.add_argument(
            "--scale", type=float, default=1.0,
            help="Scale every roster (default 1: 1.1万余 members; tests use a small fraction). "
                 "Every committee keeps at least 24 members, for the seats and logins.",
        )

    def handle(self, *args, force=False, scale=1.0, **options):
        if not 0 < scale <= 1:
            raise CommandError("--scale must be more than 0 and at most 1.")
        self.scale = scale
        if not settings.DEBUG and not force:
            raise CommandError(
                "seed_demo creates accounts whose passwords are printed. DEBUG is off, so this "
                "looks like a real deployment: refusing. Use --force if you really mean it."
            )
        # The kept figures are counted once, when everything is written, not after each save.
        with figures.paused(), transaction.atomic():
            created = self.seed()
        if created:
            figures.count_all()
        verb = "Loaded" if created else "Already loaded:"
        checked_in = CheckIn.objects.filter(status=CheckInStatus.CONFIRMED).count()
        self.stdout.write(self.style.SUCCESS(
            f"{verb} demo district 盐湖区 ({Committee.objects.count()} committees, "
            f"{Member.objects.count()} members, {checked_in} in-service members checked in)."
        ))
        self.stdout.write(f"Demo logins (password for all: {DEMO_PASSWORD}):")
        for username, what in DEMO_LOGINS:
            self.stdout.write(f"  {username:<9} {what}")

    # --- the district ----------------------------------------------------------------------

    def seed(self) -> bool:
        district, created = District.objects.get_or_create(name="盐湖区")
        # Two generators: one for the members (the same people on every run), one for the
        # people who are not on a roster (units' contacts, their part-time seats).
        self.people = People(seed=1127)
        self.others = People(seed=2019)
        committees = [self.committee(district, index, c) for index, c in enumerate(COMMITTEES)]
        units = self.units(district, committees)
        plans = [self.plan(index, c, units) for index, c in enumerate(COMMITTEES)]
        seeded = {}
        for index, c in enumerate(COMMITTEES):
            seeded[c.name] = self.seed_committee(index, c, committees[index], units, plans)
        for org in Branch.objects.filter(
            committee__district=district, kind=BranchKind.UNIT, parent__isnull=True,
            secretary__isnull=True,
        ):
            org.secretary = Member.objects.filter(branch=org).order_by("pk").first()
            if org.secretary:
                org.save(update_fields=["secretary"])
        seed_stories({c.name: committees[i] for i, c in enumerate(COMMITTEES)}, district)
        self.seed_users(seeded["学苑社区"])
        seed_activities(district)
        seed_meetings(district, group_venues=self.group_venues(committees))
        seed_notices(district)
        return created

    @staticmethod
    def committee(district, index, c):
        return Committee.objects.get_or_create(
            district=district, name=c.name,
            defaults={
                "street": c.street,
                "address": f"运城市盐湖区{c.street}{c.compounds[0]}",
                "established": date(2018, 5 + index % 6, 1 + index),
            },
        )[0]

    def units(self, district, committees):
        """Each unit, its party organisation once (kept by the first committee it joined),
        and a membership of every committee it works with, from the day it joined."""
        by_name = {}
        for name, kind, _org in UNITS:
            contact = self.others.person(1970, 1990)
            by_name[name] = Unit.objects.get_or_create(
                district=district, name=name,
                defaults={"kind": kind, "contact_name": contact.name,
                          "contact_phone": contact.mobile, "address": "运城市盐湖区"},
            )[0]
        org_names = {unit: org for unit, _kind, org in UNITS}
        orgs = {}
        for index, c in enumerate(COMMITTEES):
            committee = committees[index]
            for n, unit_name in enumerate(c.units):
                unit = by_name[unit_name]
                org = orgs.get(unit_name) or Branch.objects.filter(
                    unit=unit, parent__isnull=True).first()
                if org is None:
                    org = Branch.objects.create(
                        committee=committee, kind=BranchKind.UNIT, unit=unit,
                        name=org_names[unit_name],
                        founded=date(2008 + n, 7, 1),
                    )
                orgs[unit_name] = org
                CommitteeMembership.objects.get_or_create(
                    committee=committee, branch=org, left_on=None,
                    defaults={"joined_on": committee.established + timedelta(days=20 + 15 * n)},
                )
        return {"units": by_name, "orgs": orgs}

    # --- a committee's roster, planned before anything is written --------------------------------

    def plan(self, index, c, units) -> list[Planned]:
        """The committee's members: categories by its shape, people from the district's
        generator, membership where each category holds it."""
        rng = random.Random(f"{c.name}-plan")  # noqa: S311 (demo data, not secrets)
        size = max(24, round(c.members * self.scale))
        shares = SHAPES[c.shape]
        counts = [round(size * s) for s in shares]
        counts[2] += size - sum(counts)
        categories = (
            [Category.SMALL_BUSINESS] * counts[0] + [Category.RETIRED_CADRE] * counts[1]
            + [Category.RESIDENT] * counts[2] + [Category.IN_SERVICE] * counts[3]
        )
        rng.shuffle(categories)
        buildings = max(4, size // (40 * len(c.compounds)))
        today = timezone.localdate()
        elsewhere = [name for name, _k, _o in UNITS if name not in c.units]
        plans = []
        for category in categories:
            first, last = BORN[category]
            gender = "M" if rng.random() < MALE_SHARE[category] else "F"
            person = self.people.person(first, last, gender=gender)
            compound = rng.randrange(len(c.compounds))
            building = 1 + rng.randrange(buildings)
            address = (f"运城市盐湖区{c.compounds[compound]}{building}号楼"
                       f"{1 + rng.randrange(4)}单元{1 + rng.randrange(6)}0{1 + rng.randrange(2)}室")
            age = (today - person.birth_date).days // 365
            probationary = age >= 20 and rng.random() < 0.02
            if probationary:
                joined = today - timedelta(days=rng.randint(40, 330))
            else:
                joined = person.birth_date + timedelta(
                    days=365 * rng.randint(19, max(19, min(45, age - 2))) + rng.randrange(300))
            plan = Planned(category=category, person=person, compound=compound,
                           building=building, address=address, joined_on=joined,
                           probationary=probationary)
            if category == Category.IN_SERVICE:
                roll = rng.random()
                if roll < 0.12:
                    # Works at one of the committee's own units: membership is already in
                    # this 大党委, so no check-in.
                    plan.home, plan.unit = "unit", rng.choice(c.units)
                elif roll < 0.57:
                    plan.home, plan.unit = "unit", rng.choice(elsewhere)
                    plan.checkin = "pending" if rng.random() < 0.02 else "confirmed"
                else:
                    plan.employer_name, plan.outside = rng.choice(OUTSIDE)
                    plan.home = "outside"
                    plan.checkin = "pending" if rng.random() < 0.02 else "confirmed"
                if plan.checkin == "confirmed" and rng.random() < 0.03:
                    plan.moved_from = (index + 1 + rng.randrange(len(COMMITTEES) - 1)) % len(
                        COMMITTEES)
            elif category == Category.RETIRED_CADRE:
                plan.home = "retirees"
            else:
                plan.home = "residents"
                if category == Category.SMALL_BUSINESS:
                    plan.employer_name = (f"{c.street.removesuffix('街道')}"
                                          f"{rng.choice(SHOP_NAMES)}{rng.choice(SHOP_KINDS)}")
            plans.append(plan)
        return plans

    @staticmethod
    def group_names(c, n_residents, n_retirees):
        """Party groups (党小组) of the residents' and retirees' branches: 潞村's residents meet
        in its three activity rooms, one group to each; elsewhere a group to about 130
        members, by buildings."""
        short = shorten(c.name)
        if c.name == "潞村社区":
            residents = [f"{name}党小组" for name, _area, unit in c.venues if unit]
        else:
            n = min(6, max(2, round(n_residents / 130)))
            residents = [f"{short}居民第{CHINESE_NUMBERS[k]}党小组" for k in range(n)]
        n = 0 if n_retirees < 150 else min(3, round(n_retirees / 120))
        retirees = [f"{short}离退休第{CHINESE_NUMBERS[k]}党小组" for k in range(n)]
        return residents, retirees

    @staticmethod
    def place_in_groups(plans, home, n_groups, rng):
        """Members of a branch in its groups by buildings (a group covers neighbouring
        buildings); about one in eight is in no group."""
        if not n_groups:
            return
        keys = sorted({(p.compound, p.building) for p in plans if p.home == home})
        position = {key: k for k, key in enumerate(keys)}
        for p in plans:
            if p.home == home and rng.random() >= 0.12:
                p.group = position[(p.compound, p.building)] * n_groups // len(keys)

    # --- writing one committee -------------------------------------------------------------

    def seed_committee(self, index, c, committee, units, plans):
        short = shorten(c.name)
        mine = plans[index]
        rng = random.Random(f"{c.name}-groups")  # noqa: S311 (demo data, not secrets)

        def branch(kind, name, parent=None):
            return Branch.objects.get_or_create(
                committee=committee, name=name,
                defaults={"kind": kind, "parent": parent, "founded": date(2018, 5, 20)},
            )[0]

        residents = branch(BranchKind.RESIDENTS, f"{short}社区居民党支部")
        retirees = branch(BranchKind.RETIREES, f"{short}社区离退休干部党支部")
        resident_names, retiree_names = self.group_names(
            c, sum(p.home == "residents" for p in mine), sum(p.home == "retirees" for p in mine))
        groups = {
            "residents": [branch(BranchKind.RESIDENTS, n, residents) for n in resident_names],
            "retirees": [branch(BranchKind.RETIREES, n, retirees) for n in retiree_names],
        }
        self.place_in_groups(mine, "residents", len(groups["residents"]), rng)
        self.place_in_groups(mine, "retirees", len(groups["retirees"]), rng)
        if c.split_in_service:
            in_service = [
                InServiceGroup.objects.get_or_create(
                    committee=committee, name=f"{compound}在职党员小组",
                    defaults={"description": f"{compound}全部楼栋"},
                )[0]
                for compound in c.compounds
            ]
        else:
            in_service = [InServiceGroup.objects.get_or_create(
                committee=committee, name=f"{short}社区在职党员小组",
                defaults={"description": "、".join(c.compounds)},
            )[0]] * len(c.compounds)

        homes = {"residents": residents, "retirees": retirees}
        existing = set(Member.objects.filter(
            id_number__in=[p.person.id_number for p in mine]).values_list("id_number", flat=True))
        new = []
        for p in mine:
            if p.person.id_number in existing:
                continue
            pinyin, initials = name_pinyin(p.person.name)
            branch_row = (homes.get(p.home) if p.home in homes
                          else units["orgs"][p.unit] if p.home == "unit" else None)
            group = groups[p.home][p.group] if p.group is not None else None
            new.append(Member(
                committee=committee, name=p.person.name, category=p.category,
                branch=branch_row, party_group=group, outside_organisation=p.outside,
                id_number=p.person.id_number, birth_date=p.person.birth_date,
                gender=p.person.gender, mobile=p.person.mobile, mobile_tail=p.person.mobile[-4:],
                name_pinyin=pinyin, name_initials=initials, address=p.address,
                joined_on=p.joined_on,
                full_member_on=None if p.probationary else p.joined_on + timedelta(days=365),
                status=Status.PROBATIONARY if p.probationary else Status.FULL,
                employer_unit=units["units"][p.unit] if p.unit else None,
                employer_name=p.employer_name,
            ))
        Member.objects.bulk_create(new, batch_size=1000)
        pks = dict(Member.objects.filter(committee=committee).values_list("id_number", "pk"))
        self.seed_checkins(committee, mine, pks, in_service)
        self.seed_records(committee, residents)

        def first(test, skip=(), fallback=None):
            """The first planned member passing ``test`` (then ``fallback``), not in ``skip``."""
            for check in (test, fallback):
                for p in mine:
                    if check and check(p) and pks[p.person.id_number] not in skip:
                        return pks[p.person.id_number]
            return None

        def middle_aged(p):
            return 1962 <= p.person.birth_date.year <= 1985

        leaders = {}
        leaders["residents"] = first(
            lambda p: p.category == Category.RESIDENT and middle_aged(p),
            fallback=lambda p: p.home == "residents")
        leaders["retirees"] = first(lambda p: p.home == "retirees")
        # A 小个专 member on the committee (a part-time seat), whatever else they lead.
        trader = first(lambda p: p.category == Category.SMALL_BUSINESS,
                       fallback=lambda p: p.home == "residents")
        taken = {*leaders.values(), trader}
        for home, rows in groups.items():
            for k, group in enumerate(rows):
                leaders[group.pk] = first(
                    lambda p, home=home, k=k: p.home == home and p.group == k, taken)
                taken.add(leaders[group.pk])
        for home, row in homes.items():
            if row.secretary_id is None:
                row.secretary_id = leaders[home]
                row.save(update_fields=["secretary"])
        for rows in groups.values():
            for group in rows:
                if group.secretary_id is None:
                    group.secretary_id = leaders[group.pk]
                    group.save(update_fields=["secretary"])
        for group in set(in_service):
            if group.leader_id is None:
                group.leader = Member.objects.filter(
                    checkins__group=group, checkins__status=CheckInStatus.CONFIRMED
                ).order_by("pk").first()
                if group.leader:
                    group.save(update_fields=["leader"])

        deputy = first(lambda p: p.category == Category.RESIDENT and middle_aged(p), taken,
                       fallback=lambda p: p.home == "residents")
        taken.add(deputy)
        term = date(2021, 5, 1)
        seats = [
            {"role": SeatRole.SECRETARY, "member_id": leaders["residents"]},
            {"role": SeatRole.DEPUTY, "member_id": deputy},
            {"role": SeatRole.MEMBER, "member_id": leaders["retirees"]},
            {"role": SeatRole.MEMBER, "member_id": leaders[groups["residents"][0].pk] or deputy},
            {"role": SeatRole.PART_TIME, "member_id": trader,
             "commitment": "带头调解商户纠纷，每月参加一次志愿服务"},
        ]
        for n, unit_name in enumerate(c.units):
            holder = self.others.person(1962, 1980)
            title = "党委书记" if units["orgs"][unit_name].name.endswith("党委") else "党支部书记"
            seats.append({
                "role": SeatRole.PART_TIME, "holder_name": holder.name,
                "unit": units["units"][unit_name], "title": title,
                "commitment": ["协调本单位场地与志愿者支持社区活动", "每季度组织一次进社区服务",
                               "组织在职党员参加社区志愿服务"][n % 3],
            })
        for seat in seats:
            lookup = {"committee": committee, "role": seat["role"]}
            if "member_id" in seat:
                lookup["member_id"] = seat["member_id"]
            else:
                lookup["unit"] = seat["unit"]
            extra = {k: v for k, v in seat.items() if k not in lookup}
            Seat.objects.get_or_create(**lookup, defaults={"term_start": term, **extra})

        for n, (venue_name, area, unit_name) in enumerate(c.venues):
            Venue.objects.get_or_create(
                committee=committee, name=venue_name,
                defaults={
                    "area": Decimal(area),
                    "unit": units["units"][unit_name] if unit_name else None,
                    "address": f"运城市盐湖区{c.compounds[n % len(c.compounds)]}",
                },
            )
        seed_cobuilding(committee, index, [units["units"][name] for name in c.units])
        # The ``member`` login: a resident in a party group of the residents' branch, who
        # holds no seat and leads nothing.
        login = first(lambda p: p.category == Category.RESIDENT and p.group is not None,
                      taken, fallback=lambda p: p.home == "residents")
        return {"committee": committee, "residents": residents, "login": login}

    @staticmethod
    def seed_checkins(committee, plans, pks, in_service):
        """Confirmed check-ins for in-service members whose membership is elsewhere, a few
        waiting for confirmation, and for some an earlier one ended when they moved here."""
        have = set(CheckIn.objects.filter(member_id__in=pks.values()).values_list(
            "member_id", flat=True))
        committees = list(Committee.objects.filter(district=committee.district).order_by("pk"))
        rows = []
        for n, p in enumerate(plans):
            pk = pks[p.person.id_number]
            if not p.checkin or pk in have:
                continue
            started = date(2018, 6, 1) + timedelta(days=(n * 37) % 2400)
            if p.checkin == CheckInStatus.PENDING:
                rows.append(CheckIn(member_id=pk, committee=committee,
                                    status=CheckInStatus.PENDING))
                continue
            if p.moved_from is not None:
                before = started - timedelta(days=700)
                rows.append(CheckIn(
                    member_id=pk, committee=committees[p.moved_from],
                    status=CheckInStatus.ENDED, started_on=before,
                    decided_at=local_datetime(before, 10), ended_on=started - timedelta(days=1),
                    end_reason=EndReason.MOVED_AWAY,
                ))
            rows.append(CheckIn(
                member_id=pk, committee=committee, status=CheckInStatus.CONFIRMED,
                group=in_service[p.compound], started_on=started,
                decided_at=local_datetime(started, 10),
            ))
        CheckIn.objects.bulk_create(rows, batch_size=1000)

    @staticmethod
    def seed_records(committee, residents):
        """Commitments (``seed_commitments``: about one member in five), last year's
        democratic appraisal for members with a branch in the district, and a few transfers
        into the residents' branch."""
        this_year = date.today().year
        roster = Member.objects.filter(committee=committee)

        def without(relation):
            # Only members not yet given this kind of record: running twice changes nothing.
            return list(
                roster.exclude(**{f"{relation}__isnull": False}).values_list("pk", "branch_id")
            )

        seed_commitments(committee, [pk for pk, _branch in without("commitments")], this_year)
        ratings = [Rating.EXCELLENT] * 3 + [Rating.QUALIFIED] * 15 + [Rating.BASIC]
        Appraisal.objects.bulk_create(
            [Appraisal(member_id=pk, branch_id=branch_id, year=this_year - 1,
                       rating=ratings[pk % len(ratings)])
             for pk, branch_id in without("appraisals") if branch_id],
            batch_size=1000,
        )
        if Transfer.objects.filter(to_branch=residents).exists():
            return
        moved = [pk for pk, branch_id in without("transfers") if branch_id == residents.pk][:3]
        Transfer.objects.bulk_create(
            [Transfer(member_id=pk, from_outside="临猗县城关镇党委", to_branch=residents,
                      transferred_on=date(this_year - 1, 3, 15), reason="居住地变更，组织关系转入")
             for pk in moved],
        )

    @staticmethod
    def group_venues(committees):
        """Where each party group meets: 潞村's groups in the rooms they are named after, the
        others in their committee's own centre."""
        venues = {}
        for committee in committees:
            rooms = list(Venue.objects.filter(committee=committee).order_by("pk"))
            for group in Branch.objects.filter(committee=committee, parent__isnull=False):
                named = [v for v in rooms if group.name.startswith(v.name)]
                venues[group.pk] = named[0] if named else rooms[0]
        return venues

    def seed_users(self, xueyuan):
        User = get_user_model()

        def user(username, **extra):
            account, created = User.objects.get_or_create(username=username, defaults=extra)
            if created:
                account.set_password(DEMO_PASSWORD)
                account.save(update_fields=["password"])
            return account

        district = xueyuan["committee"].district
        officer = user("district", first_name="区委组织部")
        RoleAssignment.objects.get_or_create(user=officer, role="district_officer", district=district)
        secretary = user("xueyuan", first_name="学苑社区书记")
        RoleAssignment.objects.get_or_create(
            user=secretary, role="committee_secretary", committee=xueyuan["committee"]
        )
        branch_secretary = user("branch", first_name="居民党支部书记")
        RoleAssignment.objects.get_or_create(
            user=branch_secretary, role="branch_secretary", branch=xueyuan["residents"]
        )
        member_account = user("member", first_name="学苑党员")
        if not Member.objects.filter(user=member_account).exists():
            Member.objects.filter(pk=xueyuan["login"]).update(user=member_account)
        liaison = user("liaison", first_name="新象城商业广场联络员")
        RoleAssignment.objects.get_or_create(
            user=liaison, role="unit_liaison", unit=Unit.objects.get(name="新象城商业广场")
        )
        user("admin", is_staff=True, is_superuser=True)
