"""Build the demo district, 盐湖区, from the 2019 report. Running it twice changes nothing.

The demo accounts' passwords are printed, not secret: the command refuses to run with DEBUG
off unless given --force.
"""

from datetime import date, timedelta
from decimal import Decimal

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from stdnum.cn import ric

from activities.demo import seed_activities
from branches.models import Branch, BranchKind, CommitteeMembership
from committees.models import Committee, District, Seat, SeatRole, Venue
from core.models import RoleAssignment
from meetings.demo import seed_meetings
from members.models import (
    Appraisal,
    Category,
    CheckIn,
    CheckInStatus,
    Commitment,
    InServiceGroup,
    Member,
    Rating,
    Status,
    Transfer,
)
from members.names import name_pinyin
from members.validators import id_number_birth_date, id_number_gender
from units.demo import seed_cobuilding, seed_stories
from units.models import Unit, UnitKind

DEMO_PASSWORD = "dangjian2026"

# (community, street, venue areas in m²: the community's own room first, then units' rooms)
COMMITTEES = [
    ("学苑社区", "东城街道", [320, 260]),
    ("御沁园社区", "东城街道", [420, 180]),
    ("潞村社区", "北城街道", [260, 150, 120]),
    ("广场社区", "中城街道", [380, 200]),
    ("解放路社区", "解放路街道", [300, 260]),
    ("红旗东社区", "中城街道", [450, 120]),
    ("槐东社区", "西城街道", [350, 200]),
    ("禹西社区", "西城街道", [280, 240]),
    ("凤凰谷社区", "南城街道", [500, 90]),
    ("河东社区", "东城街道", [310, 230]),
    ("舜帝社区", "北城街道", [420, 150]),
    ("康杰社区", "安邑街道", [330, 210]),
    ("条山社区", "大渠街道", [360, 180]),
    ("盐化社区", "南城街道", [260, 120]),
    ("银湖社区", "安邑街道", [200, 150]),
    ("工农社区", "中城街道", [180, 160]),
    ("圣惠社区", "大渠街道", [240, 100]),
    ("魏风社区", "北城街道", [150, 120]),
]

UNIT_NAMES = [
    ("运城市第一医院", UnitKind.HOSPITAL), ("盐湖区实验中学", UnitKind.SCHOOL),
    ("国网运城供电公司", UnitKind.STATE_ENTERPRISE), ("运城银行盐湖支行", UnitKind.STATE_ENTERPRISE),
    ("盐湖区税务局", UnitKind.GOVERNMENT), ("盐湖区人民法院", UnitKind.GOVERNMENT),
    ("运城学院", UnitKind.PUBLIC_INSTITUTION), ("新象城商业广场", UnitKind.PRIVATE_ENTERPRISE),
    ("盐湖区妇幼保健院", UnitKind.HOSPITAL), ("运城市中心小学", UnitKind.SCHOOL),
    ("山西移动运城分公司", UnitKind.STATE_ENTERPRISE), ("盐湖区公安分局", UnitKind.GOVERNMENT),
    ("运城日报社", UnitKind.PUBLIC_INSTITUTION), ("盐湖区司法局", UnitKind.GOVERNMENT),
    ("中石化运城分公司", UnitKind.STATE_ENTERPRISE), ("盐湖区社会工作协会", UnitKind.SOCIAL_ORGANISATION),
    ("运城汽车客运站", UnitKind.STATE_ENTERPRISE), ("盐湖区城市管理局", UnitKind.GOVERNMENT),
    ("盐湖区中医医院", UnitKind.HOSPITAL), ("运城职业技术学院", UnitKind.SCHOOL),
]

SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎"
GIVEN = [
    "建国", "秀英", "玉兰", "志强", "海燕", "丽娟", "晓明", "俊杰", "桂芳", "红梅", "国庆", "文华",
    "淑珍", "德胜", "春燕", "立新", "亚军", "彩霞", "卫东", "雪梅", "振华", "凤英", "永刚", "丽萍",
    "宏伟", "晓燕", "明亮", "婷婷", "思远", "佳怡",
]
MEMBERS_PER_COMMITTEE = 610  # 18 × 610 = 10,980: the report's "1.1万余名党员"
REGION = "140802"  # 山西省运城市盐湖区

DEMO_LOGINS = [
    ("district", "District officer of 盐湖区: every committee, every page, creates and deletes committees"),
    ("xueyuan", "Secretary of 学苑社区: its structure, roster, activities, meetings and matters; sees no other"),
    ("branch", "Secretary of 学苑社区居民党支部: edits that branch and its party groups"),
    ("member", "A member in 学苑社区: own page, activities and hours, sign-up and QR check-in"),
    ("liaison", "Liaison of 新象城商业广场: its agreements, resources and ledger"),
    ("admin", "Superuser: Django admin at /admin/"),
]


def demo_id_number(g: int) -> str:
    """A valid, unique ID number for the g-th demo member (birth date and sequence from g)."""
    seq = g % 1000
    born = date(1945, 1, 1) + timedelta(days=g // 1000 + (seq * 19) % 20000)
    body = f"{REGION}{born:%Y%m%d}{seq:03d}"
    return body + ric.calc_check_digit(body + "0")


def member_name(committee_index: int, i: int) -> str:
    surname = SURNAMES[(committee_index * 7 + i) % len(SURNAMES)]
    given = GIVEN[(committee_index * 11 + i * 3) % len(GIVEN)]
    return surname + given


class Command(BaseCommand):
    help = "Load the demo district 盐湖区 (idempotent) and print the demo logins."

    def add_arguments(self, parser):
        parser.add_argument(
            "--force", action="store_true",
            help="Run even with DEBUG off (the demo passwords are public).",
        )
        parser.add_argument(
            "--members-per-committee", type=int, default=MEMBERS_PER_COMMITTEE,
            help=f"Roster size of each committee (default {MEMBERS_PER_COMMITTEE}; "
                 "at least 12, for the seats and logins).",
        )

    def handle(self, *args, force=False, members_per_committee=MEMBERS_PER_COMMITTEE, **options):
        if members_per_committee < 12:
            raise CommandError("--members-per-committee must be at least 12.")
        self.per_committee = members_per_committee
        if not settings.DEBUG and not force:
            raise CommandError(
                "seed_demo creates accounts whose passwords are printed. DEBUG is off, so this "
                "looks like a real deployment: refusing. Use --force if you really mean it."
            )
        with transaction.atomic():
            created = self.seed()
        verb = "Loaded" if created else "Already loaded:"
        checked_in = CheckIn.objects.filter(status=CheckInStatus.CONFIRMED).count()
        self.stdout.write(self.style.SUCCESS(
            f"{verb} demo district 盐湖区 ({Committee.objects.count()} committees, "
            f"{Member.objects.count()} members, {checked_in} in-service members checked in)."
        ))
        self.stdout.write(f"Demo logins (password for all: {DEMO_PASSWORD}):")
        for username, what in DEMO_LOGINS:
            self.stdout.write(f"  {username:<9} {what}")

    def seed(self) -> bool:
        district, created = District.objects.get_or_create(name="盐湖区")
        units = [
            Unit.objects.get_or_create(
                district=district, name=name,
                defaults={"kind": kind, "contact_name": "联络员", "address": "运城市盐湖区"},
            )[0]
            for name, kind in UNIT_NAMES
        ]
        first = {}
        for index, (name, street, areas) in enumerate(COMMITTEES):
            first[name] = self.seed_committee(district, units, index, name, street, areas)
        seed_stories({name: seeded["committee"] for name, seeded in first.items()}, district)
        self.seed_users(district, first["学苑社区"])
        seed_activities(district)
        seed_meetings(district)
        return created

    def seed_committee(self, district, units, index, name, street, areas):
        committee, _ = Committee.objects.get_or_create(
            district=district, name=name,
            defaults={
                "street": street,
                "address": f"运城市盐湖区{street}{name}",
                "established": date(2018, 5 + index % 6, 1 + index),
            },
        )
        short = name.removesuffix("社区")
        unit_a, unit_b = units[index % len(units)], units[(index + 7) % len(units)]

        def branch(kind, branch_name, parent=None):
            return Branch.objects.get_or_create(
                committee=committee, name=branch_name,
                defaults={"kind": kind, "parent": parent, "founded": date(2018, 5, 20)},
            )[0]

        def unit_organisation(unit):
            # A unit's party organisation exists once, kept by the first committee it joined,
            # and is a member organisation of each committee it works with.
            org = Branch.objects.filter(unit=unit, parent__isnull=True).first()
            if org is None:
                org = Branch.objects.create(
                    committee=committee, kind=BranchKind.UNIT, unit=unit,
                    name=f"{unit.name}党支部", founded=date(2018, 5, 20),
                )
            CommitteeMembership.objects.get_or_create(
                committee=committee, branch=org, left_on=None,
                defaults={"joined_on": date(2018, 5, 20)},
            )
            return org

        residents = branch(BranchKind.RESIDENTS, f"{short}社区居民党支部")
        groups = [
            branch(BranchKind.RESIDENTS, f"{short}居民第{n}党小组", parent=residents)
            for n in ("一", "二")
        ]
        retirees = branch(BranchKind.RETIREES, f"{short}社区离退休干部党支部")
        unit_orgs = [unit_organisation(u) for u in (unit_a, unit_b)]
        in_service = InServiceGroup.objects.get_or_create(
            committee=committee, name=f"{short}社区在职党员小组"
        )[0]

        numbers = [demo_id_number(index * MEMBERS_PER_COMMITTEE + i)
                   for i in range(self.per_committee)]
        existing = set(
            Member.objects.filter(id_number__in=numbers).values_list("id_number", flat=True)
        )
        new = []
        for i, number in enumerate(numbers):
            if number in existing:
                continue
            category, home, group, outside = self.member_place(
                i, residents, groups, retirees, unit_orgs
            )
            name = member_name(index, i)
            pinyin, initials = name_pinyin(name)
            g = index * MEMBERS_PER_COMMITTEE + i
            mobile = f"13{g:09d}"
            joined = date(1970 + g % 50, 1 + g % 12, 1 + g % 28)
            probationary = i % 50 == 49
            new.append(Member(
                committee=committee, name=name, category=category, branch=home,
                party_group=group, outside_organisation=outside, id_number=number,
                birth_date=id_number_birth_date(number), gender=id_number_gender(number),
                mobile=mobile, mobile_tail=mobile[-4:], name_pinyin=pinyin,
                name_initials=initials, address=f"{street}{short}{1 + i % 12}号楼{1 + i % 6}单元",
                joined_on=joined,
                full_member_on=None if probationary else joined + timedelta(days=365),
                status=Status.PROBATIONARY if probationary else Status.FULL,
                employer_unit=units[g % len(units)] if category == Category.IN_SERVICE else None,
            ))
        Member.objects.bulk_create(new, batch_size=1000)
        self.seed_checkins(committee, numbers, in_service)
        self.seed_records(committee, numbers, groups)
        by_number = {m.id_number: m for m in Member.objects.filter(id_number__in=numbers[:12])}
        members = [by_number[n] for n in numbers[:12]]
        for b, leader in ((residents, members[0]), (retirees, members[3]), (groups[0], members[6]),
                          (groups[1], members[9])):
            if b.secretary_id is None:
                b.secretary = leader
                b.save(update_fields=["secretary"])
        if in_service.leader_id is None:
            in_service.leader = members[2]
            in_service.save(update_fields=["leader"])

        term = date(2021, 5, 1)
        seats = [
            {"role": SeatRole.SECRETARY, "member": members[0]},
            {"role": SeatRole.DEPUTY, "member": members[3]},
            {"role": SeatRole.MEMBER, "member": members[6]},
            {"role": SeatRole.MEMBER, "member": members[9]},
            {"role": SeatRole.PART_TIME, "member": members[1],
             "commitment": "带头调解商户纠纷，每月参加一次志愿服务"},
            {"role": SeatRole.PART_TIME, "holder_name": f"{SURNAMES[index]}书记", "unit": unit_a,
             "title": "党委书记", "commitment": "协调本单位场地与志愿者支持社区活动"},
            {"role": SeatRole.PART_TIME, "holder_name": f"{SURNAMES[index + 1]}主任", "unit": unit_b,
             "title": "党支部书记", "commitment": "每季度组织一次进社区服务"},
        ]
        for seat in seats:
            lookup = {"committee": committee, "role": seat["role"]}
            if "member" in seat:
                lookup["member"] = seat["member"]
            else:
                lookup["holder_name"] = seat["holder_name"]
            extra = {k: v for k, v in seat.items() if k not in lookup}
            Seat.objects.get_or_create(**lookup, defaults={"term_start": term, **extra})

        venue_names = ["党群服务中心", "党员活动室", "共建活动室"]
        providers = [None, unit_a, unit_b]
        for n, area in enumerate(areas):
            Venue.objects.get_or_create(
                committee=committee, name=f"{short}{venue_names[n]}",
                defaults={
                    "area": Decimal(area), "unit": providers[n],
                    "address": f"{street}{short}{'一二三'[n]}号楼",
                },
            )
        seed_cobuilding(committee, index, unit_a, unit_b)
        return {"committee": committee, "residents": residents, "members": members}

    @staticmethod
    def seed_records(committee, numbers, groups):
        """Commitments (about one member in five, most posted on the board), last year's
        democratic appraisal for members with a branch here, and a few transfers between the
        residents' party groups."""
        this_year = date.today().year
        roster = Member.objects.filter(id_number__in=numbers)

        def without(relation):
            # Only members not yet given this kind of record: running twice changes nothing.
            return list(
                roster.exclude(**{f"{relation}__isnull": False}).values_list("pk", "branch_id")
            )

        pledges = ["每月参加一次社区志愿服务", "结对帮扶一户困难家庭", "带头做好垃圾分类宣传",
                   "参与小区矛盾纠纷调解", "为居民开展一次法律咨询"]
        Commitment.objects.bulk_create(
            [Commitment(member_id=pk, year=this_year, text=pledges[pk % len(pledges)],
                        progress="已完成上半年计划" if pk % 2 else "",
                        public=pk % 3 != 0)
             for pk, _branch in without("commitments") if pk % 5 == 0],
            batch_size=1000,
        )
        ratings = [Rating.EXCELLENT] * 3 + [Rating.QUALIFIED] * 15 + [Rating.BASIC]
        Appraisal.objects.bulk_create(
            [Appraisal(member_id=pk, branch_id=branch_id, year=this_year - 1,
                       rating=ratings[pk % len(ratings)])
             for pk, branch_id in without("appraisals") if branch_id],
            batch_size=1000,
        )
        residents = groups[0].parent
        if Transfer.objects.filter(to_branch=residents).exists():
            return
        moved = [pk for pk, branch_id in without("transfers") if branch_id == residents.pk][:3]
        Transfer.objects.bulk_create(
            [Transfer(member_id=pk, from_outside="临猗县城关镇党委", to_branch=residents,
                      transferred_on=date(this_year - 1, 3, 15), reason="居住地变更，组织关系转入")
             for pk in moved],
        )

    @staticmethod
    def seed_checkins(committee, numbers, group):
        """About 3,000 in-service members checked in to where they live (confirmed)."""
        wanted = [n for i, n in enumerate(numbers) if i % 10 in (2, 5, 7) and i % 11]
        members = Member.objects.filter(id_number__in=wanted).exclude(
            checkins__isnull=False
        ).values_list("pk", "joined_on")
        CheckIn.objects.bulk_create(
            [
                CheckIn(
                    member_id=pk, committee=committee, status=CheckInStatus.CONFIRMED, group=group,
                    started_on=date(2018, 6, 1) + timedelta(days=(pk * 37) % 1500),
                )
                for pk, _joined in members
            ],
            batch_size=1000,
        )

    @staticmethod
    def member_place(i, residents, groups, retirees, unit_orgs):
        """Spread categories and membership over the committee's organisations."""
        slot = i % 10
        if slot in (0, 1, 6):
            return (Category.SMALL_BUSINESS, residents, None if slot == 0 else groups[slot % 2],
                    "")
        if slot in (3, 4):
            return Category.RETIRED_CADRE, retirees, None, ""
        if slot in (2, 5):
            return Category.IN_SERVICE, None, None, "运城市直机关工委"
        if slot == 7:
            return Category.IN_SERVICE, unit_orgs[i % 2], None, ""
        return Category.RESIDENT, residents, groups[i % 2] if slot == 8 else None, ""

    def seed_users(self, district, xueyuan):
        User = get_user_model()

        def user(username, **extra):
            account, created = User.objects.get_or_create(username=username, defaults=extra)
            if created:
                account.set_password(DEMO_PASSWORD)
                account.save(update_fields=["password"])
            return account

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
        member = xueyuan["members"][8]
        if member.user_id is None:
            member.user = member_account
            member.save(update_fields=["user"])
        liaison = user("liaison", first_name="新象城商业广场联络员")
        RoleAssignment.objects.get_or_create(
            user=liaison, role="unit_liaison", unit=Unit.objects.get(name="新象城商业广场")
        )
        user("admin", is_staff=True, is_superuser=True)
