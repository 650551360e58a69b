"""factory_boy factories with Faker zh_CN: realistic names, addresses and phones."""

from datetime import date, datetime, timedelta
from decimal import Decimal

import factory
from django.contrib.auth import get_user_model
from django.utils import timezone

from activities.models import Activity, ActivityStatus, Funding, Line, ServiceTeam, TeamKind
from branches.models import Branch, BranchKind
from committees.models import Committee, District, Seat, SeatRole, Venue
from core.models import RoleAssignment
from meetings.models import Matter, Meeting
from members.models import Category, Member
from units.models import Unit, UnitKind

factory.Faker._DEFAULT_LOCALE = "zh_CN"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ["username"]
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    password = factory.django.Password("pw-for-tests-only")


class DistrictFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = District

    name = factory.Sequence(lambda n: f"测试{n}区")


class CommitteeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Committee

    district = factory.SubFactory(DistrictFactory)
    name = factory.Sequence(lambda n: f"第{n}社区")
    street = "东城街道"
    address = factory.Faker("street_address")
    established = date(2018, 5, 1)


class UnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Unit

    district = factory.SubFactory(DistrictFactory)
    name = factory.Sequence(lambda n: f"共建单位{n}")
    kind = UnitKind.STATE_ENTERPRISE
    contact_name = factory.Faker("name")
    contact_phone = factory.Faker("phone_number")


class BranchFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Branch

    committee = factory.SubFactory(CommitteeFactory)
    kind = BranchKind.RESIDENTS
    name = factory.Sequence(lambda n: f"第{n}党支部")


class MemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Member

    name = factory.Faker("name")
    committee = factory.SubFactory(CommitteeFactory)
    branch = factory.SubFactory(BranchFactory, committee=factory.SelfAttribute("..committee"))
    category = Category.RESIDENT

    @classmethod
    def _adjust_kwargs(cls, **kwargs):
        # ``branch=<a party group>`` is shorthand for a member of that group: their membership
        # (组织关系) is the group's branch.
        branch = kwargs.get("branch")
        if branch is not None and branch.parent_id is not None:
            kwargs["party_group"] = branch
            kwargs["branch"] = branch.parent
        return kwargs


class SeatFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Seat

    committee = factory.SubFactory(CommitteeFactory)
    role = SeatRole.MEMBER
    member = factory.SubFactory(MemberFactory, committee=factory.SelfAttribute("..committee"))
    term_start = date(2021, 5, 1)


class VenueFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Venue

    committee = factory.SubFactory(CommitteeFactory)
    name = factory.Sequence(lambda n: f"党员活动室{n}")
    area = Decimal("120.0")


class ActivityFactory(factory.django.DjangoModelFactory):
    """An activity open for sign-up, two hours long, a week from now (Asia/Shanghai)."""

    class Meta:
        model = Activity

    committee = factory.SubFactory(CommitteeFactory)
    title = factory.Sequence(lambda n: f"共建活动{n}")
    line = Line.PUBLIC_WELFARE
    status = ActivityStatus.OPEN
    starts_at = factory.LazyFunction(
        lambda: (datetime.now().astimezone() + timedelta(days=7)).replace(
            hour=9, minute=0, second=0, microsecond=0
        )
    )
    ends_at = factory.LazyAttribute(lambda o: o.starts_at + timedelta(hours=2))


class ServiceTeamFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ServiceTeam

    committee = factory.SubFactory(CommitteeFactory)
    name = factory.Sequence(lambda n: f"志愿服务队{n}")
    kind = TeamKind.HEALTH


class FundingFactory(factory.django.DjangoModelFactory):
    """A line on an activity (pass ``activity``); its committee follows the activity."""

    class Meta:
        model = Funding

    activity = factory.SubFactory(ActivityFactory)
    committee = factory.LazyAttribute(lambda o: o.activity.committee)
    source = "community"
    amount = Decimal("1000.00")
    state = "received"
    date = factory.LazyFunction(date.today)


class MeetingFactory(factory.django.DjangoModelFactory):
    """A committee's monthly meeting, planned for next week at 15:00 (pass ``branch`` and a
    branch ``kind`` for a branch's meeting)."""

    class Meta:
        model = Meeting

    committee = factory.SubFactory(CommitteeFactory)
    kind = "monthly"
    starts_at = factory.LazyFunction(
        lambda: (datetime.now().astimezone() + timedelta(days=7)).replace(
            hour=15, minute=0, second=0, microsecond=0
        )
    )


class MatterFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Matter

    committee = factory.SubFactory(CommitteeFactory)
    title = factory.Sequence(lambda n: f"楼道堆物纠纷{n}")
    kind = "dispute"
    description = "邻里因楼道堆放杂物发生争执"
    raised_by_name = "居民王女士"
    raised_on = factory.LazyFunction(timezone.localdate)  # today in Asia/Shanghai
    status = "open"
    # How it ended follows the status (a check constraint): resolved ones by deliberation.
    outcome = factory.LazyAttribute(
        lambda o: {"resolved": "deliberated", "escalated": "escalated"}.get(o.status, ""))


def grant(user, role, target):
    field = {
        "district_officer": "district",
        "committee_secretary": "committee",
        "committee_staff": "committee",
        "branch_secretary": "branch",
        "unit_liaison": "unit",
    }[role]
    return RoleAssignment.objects.create(user=user, role=role, **{field: target})
