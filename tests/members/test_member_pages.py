"""Members: registration by a secretary, the rosters with search, the member page, masking."""

import re

import pytest
from auditlog.models import LogEntry
from django.urls import reverse
from stdnum.cn import ric

from branches.models import Branch
from members.models import Member
from tests.conftest import session_queries
from tests.factories import MemberFactory

ID_PATTERN = re.compile(r"\d{17}[\dX]")


def valid_id(body17: str) -> str:
    return body17 + ric.calc_check_digit(body17 + "0")


ZHENG_ID = valid_id("14080219800101002")  # born 1980-01-01, 17th digit 2: female


def register_data(world, **changes):
    data = {
        "name": "郑优芳", "id_number": ZHENG_ID, "ethnicity": "汉族", "mobile": "+86 138-1234-5678",
        "address": "学苑小区1号楼", "joined_on": "2005-07-01", "full_member_on": "2006-07-01",
        "status": "full", "category": "in_service", "branch": "",
        "outside_organisation": "运城市直机关工委", "employer_unit": "", "employer_name": "",
    }
    data.update(changes)
    return data


def roster_url(committee):
    return reverse("members:committee-roster", kwargs={"pk": committee.pk})


@pytest.fixture
def zheng(world):
    # the world's member is 郑优芳 in A's first party group; give her an ID and a mobile
    m = world.a_member
    m.id_number, m.mobile, m.mobile_tail = ZHENG_ID, "13812345678", "5678"
    m.name_pinyin, m.name_initials = "zhengyoufang", "zyf"
    m.save()
    return m


class TestRegistration:
    def test_the_secretary_registers_a_member_and_derives_birth_date_and_gender(
        self, client, world
    ):
        client.force_login(world.secretary_a)
        response = client.post(
            reverse("members:member-create", kwargs={"committee_pk": world.a.pk}),
            register_data(world, name="王 建国", id_number=valid_id("14080219600505001")),
        )
        assert response.status_code == 302
        member = Member.objects.get(name="王 建国".replace(" ", " "))
        assert member.committee == world.a
        assert member.mobile == "13812345678" and member.mobile_tail == "5678"
        assert str(member.birth_date) == "1960-05-05" and member.gender == "M"
        assert member.name_initials == "wjg"

    def test_a_duplicate_id_number_says_where_the_person_already_is(self, client, world, zheng):
        client.force_login(world.secretary_a)
        fullwidth = ZHENG_ID.translate(str.maketrans("0123456789", "０１２３４５６７８９"))
        response = client.post(
            reverse("members:member-create", kwargs={"committee_pk": world.a.pk}),
            register_data(world, name="郑优芳", id_number=fullwidth),
        )
        assert response.status_code == 400
        assert "学苑社区" in response.content.decode()
        assert Member.objects.filter(id_number=ZHENG_ID).count() == 1

    def test_a_duplicate_in_a_committee_the_secretary_cannot_see_is_not_named(
        self, client, world, zheng
    ):
        client.force_login(world.secretary_b)
        response = client.post(
            reverse("members:member-create", kwargs={"committee_pk": world.b.pk}),
            register_data(world),
        )
        page = response.content.decode()
        assert response.status_code == 400
        assert "已在本区" in page or "already on a roster" in page
        assert "学苑社区" not in page

    @pytest.mark.parametrize(
        ("field", "value"),
        [("id_number", "140802198001010021"), ("mobile", "12812345678"), ("name", "A1")],
    )
    def test_bad_input_is_refused_on_its_field_and_nothing_is_written(
        self, client, world, field, value
    ):
        client.force_login(world.secretary_a)
        before = Member.objects.count()
        response = client.post(
            reverse("members:member-create", kwargs={"committee_pk": world.a.pk}),
            register_data(world, **{field: value}),
        )
        assert response.status_code == 400
        assert f'id="id_{field}"' in response.content.decode()
        assert "is-invalid" in response.content.decode()
        assert Member.objects.count() == before

    def test_a_member_or_another_committee_cannot_register_here(self, client, world):
        url = reverse("members:member-create", kwargs={"committee_pk": world.a.pk})
        client.force_login(world.member_user)
        assert client.post(url, register_data(world)).status_code == 403
        client.force_login(world.secretary_b)
        assert client.post(url, register_data(world)).status_code == 404
        assert not Member.objects.filter(id_number=ZHENG_ID).exists()


class TestRoster:
    @pytest.mark.parametrize("query", ["zyf", "zhengyou", "郑优", "优芳", "5678"])
    def test_search_finds_by_name_pinyin_initials_or_mobile_tail(self, client, world, zheng, query):
        MemberFactory(committee=world.a, branch=world.a_branch, name="王建国")
        client.force_login(world.secretary_a)
        page = client.get(roster_url(world.a), {"q": query}).content.decode()
        assert "郑优芳" in page
        assert "王建国" not in page

    def test_filters_by_branch_including_its_party_groups(self, client, world, zheng):
        MemberFactory(committee=world.a, branch=world.a_retirees, name="刘红梅")
        client.force_login(world.secretary_a)
        page = client.get(roster_url(world.a), {"branch": world.a_branch.pk}).content.decode()
        assert "郑优芳" in page and "刘红梅" not in page

    def test_the_roster_never_shows_a_full_id_number_or_mobile(self, client, world, zheng):
        client.force_login(world.officer)
        page = client.get(roster_url(world.a)).content.decode()
        assert "郑优芳" in page
        assert not ID_PATTERN.search(page)
        assert "13812345678" not in page and "138****5678" in page

    def test_another_committee_secretary_gets_not_found(self, client, world):
        client.force_login(world.secretary_b)
        assert client.get(roster_url(world.a)).status_code == 404

    def test_the_branch_roster_lists_the_branch_and_its_groups_only(self, client, world, zheng):
        MemberFactory(committee=world.a, branch=world.a_retirees, name="刘红梅")
        client.force_login(world.branch_secretary)
        page = client.get(
            reverse("members:branch-roster", kwargs={"pk": world.a_branch.pk})
        ).content.decode()
        assert "郑优芳" in page and "刘红梅" not in page

    def test_the_number_of_queries_is_the_same_at_two_sizes(
        self, client, world, django_assert_num_queries
    ):
        client.force_login(world.secretary_a)
        # user, scope (2), committee, can_write, the branch filter's choices, count, page
        expected = 6 + session_queries()
        branches = list(Branch.objects.filter(committee=world.a, parent__isnull=True))

        def grow_to(n):
            have = Member.objects.filter(committee=world.a).count()
            Member.objects.bulk_create(
                (Member(committee=world.a, branch=branches[i % len(branches)],
                        name=f"党员{i}", category="resident") for i in range(have, n)),
                batch_size=2000,
            )

        grow_to(100)
        with django_assert_num_queries(expected):
            client.get(roster_url(world.a), {"page": 2})
        grow_to(10_000)
        with django_assert_num_queries(expected):
            response = client.get(roster_url(world.a), {"page": 150, "category": "resident"})
        assert response.status_code == 200
        assert "10,000" in response.content.decode() or "10000" in response.content.decode()


class TestMemberPage:
    def test_a_secretary_sees_the_id_number_masked_and_cannot_reveal_it(
        self, client, world, zheng
    ):
        client.force_login(world.secretary_a)
        page = client.get(zheng.get_absolute_url()).content.decode()
        assert zheng.masked_id_number in page
        assert ZHENG_ID not in page
        reveal = client.post(reverse("members:member-id-number", kwargs={"pk": zheng.pk}))
        assert reveal.status_code == 403

    def test_the_district_officer_reveals_the_full_number_and_the_view_is_logged(
        self, client, world, zheng
    ):
        client.force_login(world.officer)
        page = client.get(zheng.get_absolute_url()).content.decode()
        assert ZHENG_ID not in page  # masked by default, even for the entitled
        before = LogEntry.objects.filter(action=LogEntry.Action.ACCESS).count()
        reveal = client.post(reverse("members:member-id-number", kwargs={"pk": zheng.pk}))
        assert reveal.status_code == 200
        assert ZHENG_ID in reveal.content.decode()
        assert reveal["Cache-Control"] == "no-store"
        entries = LogEntry.objects.filter(action=LogEntry.Action.ACCESS)
        assert entries.count() == before + 1
        assert entries.latest("timestamp").actor == world.officer

    def test_the_officers_edit_form_shows_the_full_number_and_logs_it(self, client, world, zheng):
        client.force_login(world.officer)
        before = LogEntry.objects.filter(action=LogEntry.Action.ACCESS).count()
        form = client.get(reverse("members:member-update", kwargs={"pk": zheng.pk}))
        assert ZHENG_ID in form.content.decode()
        assert form["Cache-Control"] == "no-store"
        entries = LogEntry.objects.filter(action=LogEntry.Action.ACCESS)
        assert entries.count() == before + 1
        assert entries.latest("timestamp").actor == world.officer

    def test_the_member_sees_their_own_number_but_not_a_fellow_members_page(
        self, client, world, zheng
    ):
        other = MemberFactory(committee=world.a, branch=world.a_group, name="赵卫东")
        client.force_login(world.member_user)
        reveal = client.post(reverse("members:member-id-number", kwargs={"pk": zheng.pk}))
        assert ZHENG_ID in reveal.content.decode()
        assert client.get(other.get_absolute_url()).status_code == 404

    def test_the_audit_trail_masks_the_id_number(self, client, world, zheng):
        client.force_login(world.secretary_a)
        client.post(
            reverse("members:member-update", kwargs={"pk": zheng.pk}),
            register_data(world, branch=world.a_group.pk, outside_organisation="",
                          address="新地址"),
        )
        zheng.refresh_from_db()
        assert zheng.address == "新地址"
        for entry in LogEntry.objects.get_for_object(zheng):
            assert ZHENG_ID not in str(entry.changes)


# --- issue 16: the roster written out without crispy, and the member page's queries ----------

def test_the_roster_s_filter_refuses_a_bad_choice_on_its_field_and_still_lists(
    client, world, zheng
):
    client.force_login(world.secretary_a)
    response = client.get(roster_url(world.a), {"category": "nonsense", "q": "zyf"})
    page = response.content.decode()
    assert response.status_code == 200
    field = re.search(r'<select name="category"[^>]*>', page).group(0)
    assert "is-invalid" in field and 'aria-invalid="true"' in field
    assert "选择一个有效的选项" in page or "Select a valid choice" in page
    assert '<label for="id_category" class="form-label">' in page
    assert "郑优芳" in page  # the search still applies


def test_the_roster_labels_each_filter_and_links_each_row_to_the_member_page(
    client, world, zheng
):
    client.force_login(world.secretary_a)
    page = client.get(roster_url(world.a), {"q": "zyf"}).content.decode()
    for name in ("q", "branch", "category", "status", "checked_in", "gap"):
        assert f'<label for="id_{name}" class="form-label">' in page
        assert f'id="id_{name}"' in page
    assert 'aria-describedby="id_q_helptext"' in page and 'id="id_q_helptext"' in page
    assert f'href="{zheng.get_absolute_url()}"' in page


# user, scope (roles, member), the member, can_write, branches opened, attendance (count,
# last ten), corrections, check-ins, commitments, transfers, appraisals (+ the session and
# the bell): the same for a district officer (verified by an authenticator, one more in
# production for django-otp's device: 10)
MEMBER_PAGE_QUERIES = {"secretary_a": 9, "officer": 9}


@pytest.mark.parametrize("persona", list(MEMBER_PAGE_QUERIES))
def test_the_member_page_spends_the_same_queries_with_a_long_history(
    client, world, zheng, django_assert_num_queries, persona
):
    from activities.models import Attendance
    from members.models import Appraisal, Commitment
    from tests.factories import ActivityFactory

    def grow_to(n):
        for i in range(zheng.commitments.count(), n):
            Commitment.objects.create(member=zheng, committee=zheng.committee, year=2000 + i,
                                      text=f"承诺{i}")
            Appraisal.objects.create(member=zheng, branch=world.a_branch, year=2000 + i,
                                     rating="excellent")
            Attendance.objects.create(activity=ActivityFactory(committee=world.a),
                                      member=zheng, method="qr", hours=1)

    client.force_login(getattr(world, persona))
    expected = MEMBER_PAGE_QUERIES[persona] + session_queries()
    grow_to(1)
    with django_assert_num_queries(expected):
        assert client.get(zheng.get_absolute_url()).status_code == 200
    grow_to(15)
    with django_assert_num_queries(expected):
        page = client.get(zheng.get_absolute_url()).content.decode()
    assert "承诺14" in page
