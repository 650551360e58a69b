"""A member's records: transfers of membership, commitments, the public board, appraisal."""

import datetime
import re

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone, translation

from members.models import Appraisal, CheckIn, CheckInStatus, Commitment, Member, Rating, Transfer
from members.record_forms import TransferForm
from members.records import appraisal_set, member_transfer
from tests.factories import BranchFactory, MemberFactory, SeatFactory

ID_PATTERN = re.compile(r"\d{17}[\dXx]")
MOBILE_PATTERN = re.compile(r"1[3-9]\d{9}")


def today():
    return timezone.localdate()


def transfer_url(member):
    return reverse("members:transfer-create", args=[member.pk])


def transfer_data(branch, **changes):
    data = {"to_branch": branch.pk, "transferred_on": today().isoformat(), "reason": "搬家"}
    data.update(changes)
    return data


class TestTransfer:
    def test_two_transfers_keep_the_history_and_the_member_has_the_last_branch(
        self, client, world
    ):
        client.force_login(world.secretary_a)
        first = client.post(transfer_url(world.a_member), transfer_data(world.a_retirees))
        assert first.status_code == 302
        assert first.url == world.a_member.get_absolute_url()
        second = client.post(
            transfer_url(world.a_member),
            transfer_data(world.a_branch, transferred_on=(today()).isoformat(), reason="回迁"),
        )
        assert second.status_code == 302
        history = list(Transfer.objects.filter(member=world.a_member).order_by("pk"))
        assert [(t.from_branch, t.to_branch) for t in history] == [
            (world.a_branch, world.a_retirees), (world.a_retirees, world.a_branch),
        ]
        assert history[0].recorded_by == world.secretary_a
        world.a_member.refresh_from_db()
        # Back in the branch, in no group: the old group was left with the first transfer.
        assert (world.a_member.branch, world.a_member.party_group) == (world.a_branch, None)

    def test_a_membership_from_outside_is_recorded_and_cleared(self, world):
        member = MemberFactory(committee=world.a, branch=None, outside_organisation="市直机关工委")
        transfer = member_transfer(
            member=member, to_branch=world.a_branch, on=today(), reason="转入",
            user=world.secretary_a,
        )
        assert transfer.from_branch is None and transfer.from_outside == "市直机关工委"
        member.refresh_from_db()
        assert member.branch == world.a_branch and member.outside_organisation == ""

    @pytest.mark.parametrize(
        ("case", "message"),
        [
            ("same_branch", "already in that branch"),
            ("group", "A party group holds no membership"),
            ("future", "future"),
            ("blank_reason", "Say why"),
            ("other_district", "district"),
        ],
    )
    def test_the_service_refuses_and_writes_nothing(self, world, case, message):
        to_branch, on, reason = world.a_retirees, today(), "搬家"
        if case == "same_branch":
            to_branch = world.a_branch
        elif case == "group":
            to_branch = BranchFactory(committee=world.a, parent=world.a_retirees, name="离退休小组")
        elif case == "future":
            on = today() + datetime.timedelta(days=1)
        elif case == "blank_reason":
            reason = "   "
        else:
            to_branch = BranchFactory()  # a committee of another district
        with translation.override("en"), pytest.raises(ValidationError, match=message):
            member_transfer(
                member=world.a_member, to_branch=to_branch, on=on, reason=reason,
                user=world.secretary_a,
            )
        assert not Transfer.objects.exists()
        unchanged = Member.objects.get(pk=world.a_member.pk)
        assert (unchanged.branch, unchanged.party_group) == (world.a_branch, world.a_group)

    def test_a_future_date_is_shown_on_the_form(self, client, world):
        client.force_login(world.secretary_a)
        tomorrow = today() + datetime.timedelta(days=1)
        response = client.post(
            transfer_url(world.a_member),
            transfer_data(world.a_retirees, transferred_on=tomorrow.isoformat()),
        )
        assert response.status_code == 400
        assert "transferred_on" in response.context["form"].errors
        assert not Transfer.objects.exists()

    def test_a_blank_reason_is_refused(self, client, world):
        client.force_login(world.secretary_a)
        response = client.post(transfer_url(world.a_member),
                               transfer_data(world.a_retirees, reason=" "))
        assert response.status_code == 400
        assert not Transfer.objects.exists()

    def test_the_choices_are_branches_other_than_the_current_one(self, world):
        # Never a party group (a move between groups is an edit), never another committee's
        # branch the secretary cannot read; in-service groups are not branches at all.
        BranchFactory(committee=world.a, parent=world.a_retirees, name="离退休小组")
        form = TransferForm(user=world.secretary_a, member=world.a_member)
        choices = set(form.fields["to_branch"].queryset)
        assert choices == {world.a_retirees}

    @pytest.mark.parametrize("target", ["a_branch", "a_group"])
    def test_the_current_branch_or_a_group_cannot_be_posted(self, client, world, target):
        client.force_login(world.secretary_a)
        response = client.post(transfer_url(world.a_member),
                               transfer_data(getattr(world, target)))
        assert response.status_code == 400
        assert "to_branch" in response.context["form"].errors
        assert not Transfer.objects.exists()

    def test_the_other_committee_gets_404_and_the_member_403(self, client, world):
        client.force_login(world.secretary_b)
        assert client.get(transfer_url(world.a_member)).status_code == 404
        client.force_login(world.member_user)
        assert client.post(transfer_url(world.a_member),
                           transfer_data(world.a_retirees)).status_code == 403
        assert not Transfer.objects.exists()

    def test_it_requires_login(self, client, world):
        response = client.get(transfer_url(world.a_member))
        assert response.status_code == 302 and response.url.startswith(reverse("login"))


def commitment_data(**changes):
    data = {"year": today().year, "text": "每月参加一次志愿服务", "category": "service",
            "measure": "activities", "target": "12", "public": "on"}
    data.update(changes)
    return data


class TestCommitments:
    def test_the_member_writes_their_own_commitment(self, client, world):
        client.force_login(world.member_user)
        url = reverse("members:commitment-create", args=[world.a_member.pk])
        assert client.get(url).status_code == 200
        response = client.post(url, commitment_data())
        assert response.status_code == 302
        assert response.url == reverse("overview:my-commitments")
        commitment = Commitment.objects.get(member=world.a_member)
        assert commitment.year == today().year and commitment.public
        assert (commitment.committee, commitment.measure, commitment.target) == (
            world.a, "activities", 12)
        response = client.post(
            reverse("members:commitment-update", args=[commitment.pk]),
            commitment_data(text="每月参加两次志愿服务", measure="hours", target="40"),
        )
        assert response.status_code == 302
        commitment.refresh_from_db()
        assert (commitment.text, commitment.measure, commitment.target) == (
            "每月参加两次志愿服务", "hours", 40)

    def test_the_secretary_writes_several_for_the_same_year(self, client, world):
        client.force_login(world.secretary_a)
        url = reverse("members:commitment-create", args=[world.a_member.pk])
        assert client.post(url, commitment_data()).status_code == 302
        assert client.post(url, commitment_data(
            text="牵头解决楼道照明", category="neighbours", measure="matter", target="5",
        )).status_code == 302
        texts = dict(Commitment.objects.filter(member=world.a_member).values_list("text", "target"))
        assert texts == {"每月参加一次志愿服务": 12, "牵头解决楼道照明": None}  # a matter: no count

    def test_a_count_is_needed_for_activities_or_hours(self, client, world):
        client.force_login(world.member_user)
        url = reverse("members:commitment-create", args=[world.a_member.pk])
        response = client.post(url, commitment_data(measure="hours", target=""))
        assert response.status_code == 400
        assert "target" in response.context["form"].errors
        response = client.post(url, commitment_data(category="nonsense"))
        assert response.status_code == 400 and "category" in response.context["form"].errors
        assert not Commitment.objects.exists()

    def test_a_year_out_of_range_is_refused(self, client, world):
        client.force_login(world.secretary_a)
        url = reverse("members:commitment-create", args=[world.a_member.pk])
        assert client.post(url, commitment_data(year=1999)).status_code == 400
        assert not Commitment.objects.exists()

    def test_others_cannot_write_it(self, client, world):
        other = MemberFactory(committee=world.a, branch=world.a_group)
        commitment = Commitment.objects.create(
            member=world.a_member, committee=world.a, year=2024, text="x", target=1)
        client.force_login(world.secretary_b)
        assert client.get(
            reverse("members:commitment-create", args=[world.a_member.pk])
        ).status_code == 404
        assert client.get(
            reverse("members:commitment-update", args=[commitment.pk])
        ).status_code == 404
        # a member does not see, let alone write, another member's record
        client.force_login(world.member_user)
        assert client.post(
            reverse("members:commitment-create", args=[other.pk]), commitment_data()
        ).status_code == 404
        assert not Commitment.objects.filter(member=other).exists()


def board_url(committee):
    return reverse("members:board", args=[committee.pk])


def add_board_members(world, n, start=0):
    """Members of A with ID numbers and mobiles, each with a public commitment, and seats."""
    for i in range(start, start + n):
        member = MemberFactory(
            committee=world.a, branch=world.a_group, name=f"党员{i}",
            id_number=f"14080219800101{i:03d}X", mobile=f"138{i:08d}", address="学苑小区",
            birth_date=datetime.date(1980, 1, 1),
        )
        Commitment.objects.create(
            member=member, committee=world.a, year=today().year, text=f"公开承诺{i}",
            public=True, outcome="kept", reviewed_at=timezone.now(), review_remark=f"评语{i}",
        )
        SeatFactory(committee=world.a, member=member, commitment=f"委员承诺{i}")


class TestBoard:
    def test_it_is_public_and_shows_public_commitments_and_seats_by_name_only(
        self, client, world
    ):
        m = world.a_member
        m.id_number, m.mobile, m.address = "140802198001010021", "13812345678", "学苑小区1号楼"
        m.save()
        world.a_seat.commitment = "带头开展邻里服务"
        world.a_seat.save()
        Commitment.objects.create(member=m, committee=world.a, year=today().year,
                                  text="公开的承诺", public=True)
        hidden = MemberFactory(committee=world.a, branch=world.a_group, name="王不公开")
        Commitment.objects.create(member=hidden, committee=world.a, year=today().year,
                                  text="内部承诺")
        Commitment.objects.create(member=m, committee=world.a, year=today().year - 1,
                                  text="去年的承诺", public=True)
        b_member = MemberFactory(committee=world.b, branch=world.b_branch)
        Commitment.objects.create(
            member=b_member, committee=world.b, year=today().year, text="御沁园的承诺",
            public=True,
        )

        response = client.get(board_url(world.a))  # not signed in
        assert response.status_code == 200
        page = response.content.decode()
        assert "郑优芳" in page and "公开的承诺" in page and "带头开展邻里服务" in page
        assert "内部承诺" not in page and "王不公开" not in page
        assert "去年的承诺" not in page and "御沁园的承诺" not in page
        assert "学苑小区1号楼" not in page and "1980-01-01" not in page
        assert not ID_PATTERN.search(page)
        assert not MOBILE_PATTERN.search(page)
        assert "<svg" in page and "d-print-none" in page

    def test_a_missing_committee_is_404(self, client, world):
        assert client.get(reverse("members:board", args=[999999])).status_code == 404

    def test_the_query_count_does_not_grow_with_the_board(
        self, client, world, django_assert_num_queries
    ):
        add_board_members(world, 2)
        with django_assert_num_queries(3):  # committee, seats, commitments
            small = client.get(board_url(world.a))
        add_board_members(world, 20, start=2)
        with django_assert_num_queries(3):
            large = client.get(board_url(world.a))
        assert small.status_code == large.status_code == 200
        page = large.content.decode()
        assert "公开承诺21" in page and "委员承诺21" in page
        assert "评语21" not in page  # the committee's remarks stay inside the portal
        assert not ID_PATTERN.search(page) and not MOBILE_PATTERN.search(page)


def summary_url(branch, year=None):
    url = reverse("members:appraisal-summary", args=[branch.pk])
    return f"{url}?year={year}" if year is not None else url


def record_url(branch, year):
    return f"{reverse('members:appraisal-record', args=[branch.pk])}?year={year}"


def counts(response):
    """{unit name: (counts per rating in Rating order, not rated, total)} from the context."""
    return {
        row["unit"].name: (row["counts"], row["unrated"], row["total"])
        for row in response.context["rows"]
    }


class TestAppraisal:
    def test_the_secretary_records_ratings_and_the_summary_counts_them(self, client, world):
        direct = MemberFactory(committee=world.a, branch=world.a_branch, name="李直属")
        unrated = MemberFactory(committee=world.a, branch=world.a_group, name="赵未评")
        client.force_login(world.secretary_a)
        assert client.get(record_url(world.a_branch, 2024)).status_code == 200
        response = client.post(record_url(world.a_branch, 2024), {
            f"rating-{world.a_member.pk}": Rating.EXCELLENT,
            f"rating-{direct.pk}": Rating.QUALIFIED,
            f"rating-{unrated.pk}": "",
        })
        assert response.status_code == 302
        assert response.url == summary_url(world.a_branch, 2024)
        assert Appraisal.objects.get(member=world.a_member, year=2024).branch == world.a_branch

        response = client.get(summary_url(world.a_branch, 2024))
        assert response.status_code == 200
        assert counts(response) == {
            world.a_branch.name: ([0, 1, 0, 0], 0, 1),
            world.a_group.name: ([1, 0, 0, 0], 1, 2),
        }
        assert response.context["totals"] == {"counts": [1, 1, 0, 0], "unrated": 1, "total": 3}
        page = response.content.decode()
        assert "李直属" in page and "赵未评" in page
        # another year has no ratings
        other_year = client.get(summary_url(world.a_branch, 2023))
        assert other_year.context["totals"]["counts"] == [0, 0, 0, 0]

    def test_an_empty_choice_removes_the_rating(self, client, world):
        appraisal_set(member=world.a_member, branch=world.a_branch, year=2024,
                      rating=Rating.BASIC)
        client.force_login(world.secretary_a)
        response = client.post(record_url(world.a_branch, 2024),
                               {f"rating-{world.a_member.pk}": ""})
        assert response.status_code == 302
        assert not Appraisal.objects.exists()

    def test_an_unknown_rating_writes_nothing(self, client, world):
        client.force_login(world.secretary_a)
        response = client.post(record_url(world.a_branch, 2024),
                               {f"rating-{world.a_member.pk}": "heroic"})
        assert response.status_code == 400
        assert not Appraisal.objects.exists()

    def test_a_bad_year_means_the_current_year(self, client, world):
        client.force_login(world.secretary_a)
        for year in ("abc", "1999", "2101"):
            response = client.get(summary_url(world.a_branch, year))
            assert response.status_code == 200
            assert response.context["year"] == today().year

    def test_the_branch_secretary_records_for_their_branch(self, client, world):
        client.force_login(world.branch_secretary)
        response = client.post(record_url(world.a_branch, 2024),
                               {f"rating-{world.a_member.pk}": Rating.UNQUALIFIED})
        assert response.status_code == 302
        assert Appraisal.objects.get(member=world.a_member).rating == Rating.UNQUALIFIED
        # but not for another branch of the committee
        assert client.get(record_url(world.a_retirees, 2024)).status_code == 403

    def test_the_other_committee_gets_404_and_the_member_403(self, client, world):
        client.force_login(world.secretary_b)
        assert client.get(summary_url(world.a_branch)).status_code == 404
        assert client.get(record_url(world.a_branch, 2024)).status_code == 404
        client.force_login(world.member_user)
        assert client.post(record_url(world.a_branch, 2024),
                           {f"rating-{world.a_member.pk}": Rating.EXCELLENT}).status_code == 403
        assert not Appraisal.objects.exists()


def test_a_transfer_into_the_community_s_branch_ends_the_check_in_there(world):
    # A member checked in to A (membership with the employer) moves their membership into
    # A's residents' branch: they are no longer an in-service member checked in there.
    member = MemberFactory(committee=world.a, branch=None, outside_organisation="市直机关工委",
                           category="in_service")
    checkin = CheckIn.objects.create(member=member, committee=world.a,
                                     status=CheckInStatus.CONFIRMED, started_on=today())

    member_transfer(member=member, to_branch=world.a_branch, on=today(), reason="转入本社区",
                    user=world.secretary_a)

    checkin.refresh_from_db()
    assert (checkin.status, checkin.end_reason) == (CheckInStatus.ENDED, "membership_moved")
    assert checkin.ended_on == today()
