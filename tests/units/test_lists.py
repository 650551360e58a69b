"""The three lists of a committee (needs, resources, projects) and matching a need with
resources: the pages, who may use them, what they refuse, and what matching writes."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from tests.conftest import session_queries
from tests.factories import UnitFactory, UserFactory, grant
from units import lists
from units.models import (
    Agreement,
    AgreementStatus,
    Need,
    NeedStatus,
    Project,
    ProjectStatus,
    Resource,
    ResourceStatus,
)


def today():
    return timezone.localdate()


def agree(unit, committee, *, ends_on=None, status=AgreementStatus.IN_FORCE):
    return Agreement.objects.create(
        unit=unit, committee=committee, starts_on=today() - timedelta(days=365),
        ends_on=ends_on or today() + timedelta(days=365), signed_on=today() - timedelta(days=365),
        status=status, committee_commits="提供活动场地", unit_commits="派出志愿者",
    )


def make_need(committee, title="关爱独居老人志愿者", **fields):
    fields.setdefault("kind", "volunteers")
    return Need.objects.create(committee=committee, title=title, **fields)


def make_resource(unit, committee, description="志愿者 10 名", **fields):
    fields.setdefault("kind", "volunteers")
    return Resource.objects.create(
        unit=unit, committee=committee, description=description, **fields
    )


def url(name, obj):
    return reverse(f"units:{name}", args=[obj.pk])


@pytest.fixture
def partner(world):
    """world.unit has an agreement in force with committee A; its liaison."""
    agree(world.unit, world.a)
    liaison = UserFactory(username="liaison")
    grant(liaison, "unit_liaison", world.unit)
    return liaison


@pytest.fixture
def school(world):
    """Another unit, a partner of committee B only, with its own liaison."""
    unit = UnitFactory(district=world.district, name="盐湖区实验中学")
    agree(unit, world.b)
    liaison = UserFactory(username="school_liaison")
    grant(liaison, "unit_liaison", unit)
    return unit, liaison


# --- every page: sign-in and scope ---------------------------------------------------------

def _pages(world):
    need = make_need(world.a)
    resource = make_resource(world.unit, world.a)
    project = Project.objects.create(committee=world.a, need=need, title="清洁家园", owner="书记")
    return {
        "need-list": world.a, "need-create": world.a, "need-detail": need, "need-update": need,
        "need-match": need, "resource-list": world.a, "resource-create": world.a,
        "resource-update": resource, "project-list": world.a, "project-detail": project,
        "project-update": project,
    }


def test_every_page_sends_an_anonymous_visitor_to_sign_in(client, world):
    for name, obj in _pages(world).items():
        response = client.post(url(name, obj)) if name == "need-match" else client.get(
            url(name, obj)
        )
        assert response.status_code == 302, name
        assert response.url.startswith(reverse("login")), name


def test_committee_bs_secretary_finds_none_of_as_lists_or_records(login, world):
    client = login(world.secretary_b)
    for name, obj in _pages(world).items():
        response = client.post(url(name, obj)) if name == "need-match" else client.get(
            url(name, obj)
        )
        assert response.status_code == 404, name
    assert Project.objects.count() == 1


# --- needs ---------------------------------------------------------------------------------

class TestNeedList:
    def test_open_needs_come_first_urgent_ones_at_the_top(self, login, world):
        make_need(world.a, "旧的已解决需求", status=NeedStatus.MET)
        make_need(world.a, "普通的开放需求")
        make_need(world.a, "紧急的开放需求", urgency="high")
        make_need(world.b, "御沁园的需求")
        page = login(world.secretary_a).get(url("need-list", world.a)).content.decode()
        assert page.index("紧急的开放需求") < page.index("普通的开放需求") < page.index(
            "旧的已解决需求"
        )
        assert "御沁园的需求" not in page

    def test_it_filters_by_kind_status_and_title(self, login, world):
        make_need(world.a, "活动场地", kind="venue")
        make_need(world.a, "志愿者", kind="volunteers")
        make_need(world.a, "撤回的场地", kind="venue", status=NeedStatus.WITHDRAWN)
        client = login(world.secretary_a)
        page = client.get(url("need-list", world.a), {"kind": "venue", "status": "open"})
        assert [n.title for n in page.context["page"]] == ["活动场地"]
        page = client.get(url("need-list", world.a), {"q": "志愿"})
        assert [n.title for n in page.context["page"]] == ["志愿者"]

    def test_the_empty_list_offers_to_add_a_need_to_those_who_may(self, login, world):
        add = reverse("units:need-create", args=[world.a.pk])
        page = login(world.secretary_a).get(url("need-list", world.a)).content.decode()
        assert "No needs on this list yet." in page and add in page
        page = login(world.member_user).get(url("need-list", world.a)).content.decode()
        assert "No needs on this list yet." in page and add not in page

    def test_a_filter_that_matches_nothing_says_so(self, login, world):
        make_need(world.a, "活动场地", kind="venue")
        page = login(world.secretary_a).get(url("need-list", world.a), {"kind": "funds"})
        assert "No need matches these filters." in page.content.decode()


def need_data(**changes):
    data = {"title": "社区食堂厨师", "description": "每周两天", "kind": "expertise",
            "urgency": "normal", "branch": "", "raised_on": today().isoformat()}
    data.update(changes)
    return data


class TestNeedForm:
    def test_the_secretary_adds_a_need_of_the_committee(self, login, world):
        response = login(world.secretary_a).post(url("need-create", world.a), need_data())
        need = Need.objects.get()
        assert response.status_code == 302 and response.url == need.get_absolute_url()
        assert (need.committee, need.branch, need.status) == (world.a, None, NeedStatus.OPEN)

    def test_a_branch_secretary_raises_a_need_for_their_branch_only(self, login, world):
        client = login(world.branch_secretary)
        form = client.get(url("need-create", world.a)).context["form"]
        assert list(form.fields["branch"].queryset) == [world.a_branch]
        # the branch is required of them, and another branch is refused
        assert client.post(url("need-create", world.a), need_data()).status_code == 400
        response = client.post(url("need-create", world.a), need_data(branch=world.a_retirees.pk))
        assert response.status_code == 400
        assert not Need.objects.exists()
        response = client.post(url("need-create", world.a), need_data(branch=world.a_branch.pk))
        assert response.status_code == 302
        assert Need.objects.get().branch == world.a_branch

    def test_a_branch_secretary_edits_their_branchs_need_not_anothers(self, login, world):
        own = make_need(world.a, "投影仪", kind="equipment", branch=world.a_branch)
        other = make_need(world.a, "老年大学教室", kind="venue", branch=world.a_retirees)
        client = login(world.branch_secretary)
        response = client.post(
            url("need-update", own),
            need_data(title="投影仪一台", branch=world.a_branch.pk, status="open"),
        )
        assert response.status_code == 302
        own.refresh_from_db()
        assert own.title == "投影仪一台"
        assert client.get(url("need-update", other)).status_code == 403
        response = client.post(url("need-update", other), need_data(branch=world.a_branch.pk))
        assert response.status_code == 403
        other.refresh_from_db()
        assert other.title == "老年大学教室"

    def test_a_member_cannot_add_a_need(self, login, world):
        response = login(world.member_user).post(url("need-create", world.a), need_data())
        assert response.status_code == 403
        assert not Need.objects.exists()

    def test_the_need_page_shows_the_need(self, login, world):
        need = make_need(world.a, "关爱独居老人", description="每周上门探访", branch=world.a_branch)
        page = login(world.member_user).get(url("need-detail", need)).content.decode()
        assert "关爱独居老人" in page and "每周上门探访" in page and world.a_branch.name in page


# --- resources -----------------------------------------------------------------------------

def resource_data(unit, **changes):
    data = {"unit": unit.pk, "kind": "funds", "description": "共建经费", "quantity": "",
            "amount": "5000.00", "available": "全年"}
    data.update(changes)
    return data


class TestResources:
    def test_the_secretary_records_a_resource_of_a_partner_unit(self, login, world, partner):
        response = login(world.secretary_a).post(
            url("resource-create", world.a), resource_data(world.unit)
        )
        assert response.status_code == 302
        resource = Resource.objects.get()
        assert (resource.unit, resource.committee, resource.amount, resource.status) == (
            world.unit, world.a, Decimal("5000.00"), ResourceStatus.OFFERED
        )
        page = login(world.secretary_a).get(url("resource-list", world.a)).content.decode()
        assert "共建经费" in page and world.unit.name in page

    def test_only_units_with_an_agreement_in_force_can_be_chosen(self, login, world, partner):
        lapsed = UnitFactory(district=world.district, name="运城市供电公司")
        agree(lapsed, world.a, ends_on=today() - timedelta(days=1))
        draft = UnitFactory(district=world.district, name="运城市自来水公司")
        agree(draft, world.a, status=AgreementStatus.DRAFT)
        client = login(world.secretary_a)
        form = client.get(url("resource-create", world.a)).context["form"]
        assert list(form.fields["unit"].queryset) == [world.unit]
        for unit in (lapsed, draft):
            assert client.post(
                url("resource-create", world.a), resource_data(unit)
            ).status_code == 400
        assert not Resource.objects.exists()

    def test_the_service_refuses_a_unit_without_an_agreement_in_force(self, world, partner):
        lapsed = UnitFactory(district=world.district, name="运城市供电公司")
        agree(lapsed, world.a, ends_on=today() - timedelta(days=1))
        with pytest.raises(ValidationError) as refused:
            lists.resource_save(resource=Resource(
                unit=lapsed, committee=world.a, kind="funds", description="共建经费"
            ))
        assert "unit" in refused.value.error_dict
        assert not Resource.objects.exists()

    def test_a_negative_amount_is_refused(self, login, world, partner):
        response = login(world.secretary_a).post(
            url("resource-create", world.a), resource_data(world.unit, amount="-1")
        )
        assert response.status_code == 400
        assert response.context["form"].errors["amount"]
        assert not Resource.objects.exists()

    def test_a_liaison_offers_a_resource_of_their_own_unit(self, login, world, partner, school):
        school_unit, _ = school
        agree(school_unit, world.a)  # another partner of A: not the liaison's to offer
        client = login(partner)
        form = client.get(url("resource-create", world.a)).context["form"]
        assert list(form.fields["unit"].queryset) == [world.unit]
        assert client.post(
            url("resource-create", world.a), resource_data(school_unit)
        ).status_code == 400
        assert client.post(
            url("resource-create", world.a), resource_data(world.unit)
        ).status_code == 302
        assert Resource.objects.get().unit == world.unit

    def test_a_liaison_cannot_offer_where_no_agreement_is_in_force(self, login, world):
        Agreement.objects.create(
            unit=world.unit, committee=world.a, starts_on=today() - timedelta(days=800),
            ends_on=today() - timedelta(days=70), status=AgreementStatus.ENDED,
            ended_on=today() - timedelta(days=70), committee_commits="场地", unit_commits="经费",
        )
        liaison = UserFactory(username="liaison")
        grant(liaison, "unit_liaison", world.unit)
        client = login(liaison)
        # An ended agreement no longer opens A to the liaison; B never was.
        assert client.get(url("resource-create", world.a)).status_code == 404
        assert client.post(
            url("resource-create", world.a), resource_data(world.unit)
        ).status_code == 404
        assert client.get(url("resource-create", world.b)).status_code == 404
        assert not Resource.objects.exists()

    def test_a_liaison_edits_their_units_resource_and_no_other(
        self, login, world, partner, school
    ):
        ours = make_resource(world.unit, world.a)
        client = login(partner)
        response = client.post(url("resource-update", ours), {
            "kind": "volunteers", "description": "志愿者 12 名", "quantity": "12 名",
            "amount": "", "available": "周末", "status": "withdrawn",
        })
        assert response.status_code == 302
        ours.refresh_from_db()
        assert (ours.description, ours.status) == ("志愿者 12 名", ResourceStatus.WITHDRAWN)
        _, school_liaison = school
        assert login(school_liaison).get(url("resource-update", ours)).status_code == 404

    def test_the_list_filters_by_unit_and_status(self, login, world, partner, school):
        school_unit, _ = school
        agree(school_unit, world.a)
        make_resource(world.unit, world.a, "医生义诊")
        make_resource(school_unit, world.a, "学校操场")
        make_resource(school_unit, world.a, "旧课桌", status=ResourceStatus.USED)
        client = login(world.secretary_a)
        page = client.get(
            url("resource-list", world.a), {"unit": school_unit.pk, "status": "offered"}
        )
        assert [r.description for r in page.context["page"]] == ["学校操场"]

    def test_resources_stay_between_the_committee_side_and_the_unit(self, login, world, partner):
        resource = make_resource(world.unit, world.a)
        page = login(world.member_user).get(url("resource-list", world.a)).content.decode()
        assert resource.description not in page
        assert url("resource-update", resource) not in page
        page = login(world.secretary_a).get(url("resource-list", world.a)).content.decode()
        assert url("resource-update", resource) in page


# --- matching ------------------------------------------------------------------------------

@pytest.fixture
def offers(world, partner, school):
    """A's open need for volunteers; resources on offer to A of two kinds, one already
    committed, and one offered to B."""
    school_unit, _ = school
    agree(school_unit, world.a)
    need = make_need(world.a, "关爱独居老人志愿者", kind="volunteers")
    return {
        "need": need,
        "funds": make_resource(world.unit, world.a, "慰问经费", kind="funds", amount="1500.50"),
        "doctors": make_resource(world.unit, world.a, "医护志愿者 5 名", amount="0"),
        "pupils": make_resource(school_unit, world.a, "学生志愿者 20 名"),
        "taken": make_resource(
            school_unit, world.a, "已承诺的志愿者", status=ResourceStatus.COMMITTED
        ),
        "elsewhere": make_resource(school_unit, world.b, "给御沁园的志愿者"),
        "school": school_unit,
    }


def match(client, need, resources, title="关爱独居老人", owner="王书记"):
    return client.post(url("need-match", need), {
        "resources": [r.pk for r in resources], "title": title, "owner": owner,
    })


def nothing_written(need):
    need.refresh_from_db()
    return (
        not Project.objects.exists()
        and need.status == NeedStatus.OPEN
        and not Resource.objects.filter(status=ResourceStatus.COMMITTED)
        .exclude(description="已承诺的志愿者").exists()
    )


class TestMatching:
    def test_suggestions_put_the_needs_kind_first_and_leave_out_what_is_taken(
        self, world, offers
    ):
        suggested = list(lists.suggested_resources(offers["need"]))
        assert [r.description for r in suggested] == [
            "学生志愿者 20 名", "医护志愿者 5 名", "慰问经费"
        ]
        assert [r.same_kind for r in suggested] == [True, True, False]

    def test_the_need_page_offers_the_suggestions_to_the_secretary_only(
        self, login, world, offers
    ):
        need = offers["need"]
        page = login(world.secretary_a).get(url("need-detail", need)).content.decode()
        assert "Propose a project" in page
        assert page.index("医护志愿者 5 名") < page.index("慰问经费")
        assert "已承诺的志愿者" not in page and "给御沁园的志愿者" not in page
        for user in (world.branch_secretary, world.member_user):
            page = login(user).get(url("need-detail", need)).content.decode()
            assert "Propose a project" not in page and "慰问经费" not in page

    def test_matching_proposes_a_project_and_commits_the_resources(self, login, world, offers):
        need = offers["need"]
        chosen = [offers["doctors"], offers["pupils"]]
        response = match(login(world.secretary_a), need, chosen)
        project = Project.objects.get()
        assert response.status_code == 302 and response.url == project.get_absolute_url()
        assert (project.committee, project.need, project.title, project.owner) == (
            world.a, need, "关爱独居老人", "王书记"
        )
        assert (project.status, project.created_by) == (ProjectStatus.PROPOSED, world.secretary_a)
        assert set(project.resources.all()) == set(chosen)
        assert set(project.units.all()) == {world.unit, offers["school"]}
        need.refresh_from_db()
        assert need.status == NeedStatus.MATCHED
        assert {r.pk: r.status for r in Resource.objects.filter(pk__in=[c.pk for c in chosen])} \
            == {c.pk: ResourceStatus.COMMITTED for c in chosen}
        offers["funds"].refresh_from_db()
        assert offers["funds"].status == ResourceStatus.OFFERED
        page = login(world.secretary_a).get(response.url).content.decode()
        assert "Need matched" in page

    def test_matching_with_no_resource_writes_nothing(self, login, world, offers):
        response = match(login(world.secretary_a), offers["need"], [])
        assert response.status_code == 400
        assert "Choose at least one resource." in response.content.decode()
        assert nothing_written(offers["need"])

    def test_a_resource_already_committed_cannot_be_committed_again(self, login, world, offers):
        response = match(login(world.secretary_a), offers["need"], [offers["pupils"],
                                                                     offers["taken"]])
        assert response.status_code == 400
        assert "no longer on offer" in response.content.decode()
        assert nothing_written(offers["need"])
        offers["pupils"].refresh_from_db()
        assert offers["pupils"].status == ResourceStatus.OFFERED

    def test_two_needs_cannot_take_the_same_resource(self, login, world, offers):
        other = make_need(world.a, "陪伴老人聊天", kind="volunteers")
        client = login(world.secretary_a)
        assert match(client, offers["need"], [offers["pupils"]]).status_code == 302
        response = match(client, other, [offers["pupils"], offers["doctors"]])
        assert response.status_code == 400
        other.refresh_from_db()
        assert other.status == NeedStatus.OPEN
        assert Project.objects.count() == 1
        offers["doctors"].refresh_from_db()
        assert offers["doctors"].status == ResourceStatus.OFFERED

    def test_the_service_reads_the_resources_again_rather_than_trusting_its_caller(
        self, world, offers
    ):
        stale = Resource.objects.get(pk=offers["pupils"].pk)
        Resource.objects.filter(pk=stale.pk).update(status=ResourceStatus.COMMITTED)
        with pytest.raises(ValidationError):
            lists.need_match(need=offers["need"], resources=[stale], title="探访", owner="王书记",
                             user=world.secretary_a)
        assert not Project.objects.exists()

    def test_another_committees_resource_is_refused(self, login, world, offers):
        response = match(login(world.secretary_a), offers["need"], [offers["elsewhere"]])
        assert response.status_code == 400
        assert nothing_written(offers["need"])
        with pytest.raises(ValidationError):
            lists.need_match(need=offers["need"], resources=[offers["elsewhere"]],
                             title="探访", owner="王书记", user=world.secretary_a)
        assert nothing_written(offers["need"])

    def test_a_need_no_longer_open_is_not_matched(self, login, world, offers):
        need = offers["need"]
        Need.objects.filter(pk=need.pk).update(status=NeedStatus.WITHDRAWN)
        response = match(login(world.secretary_a), need, [offers["pupils"]])
        assert response.status_code == 400
        assert "no longer open" in response.content.decode()
        assert not Project.objects.exists()
        offers["pupils"].refresh_from_db()
        assert offers["pupils"].status == ResourceStatus.OFFERED

    def test_only_the_committees_side_matches(self, login, world, offers, partner):
        for user in (world.branch_secretary, world.member_user, partner):
            assert match(login(user), offers["need"], [offers["pupils"]]).status_code == 403
        assert nothing_written(offers["need"])

    def test_matching_answers_only_to_post(self, login, world, offers):
        assert login(world.secretary_a).get(url("need-match", offers["need"])).status_code == 405


# --- projects ------------------------------------------------------------------------------

@pytest.fixture
def project(login, world, offers):
    """A project made by matching: the doctors (0 yuan) and the funds (1,500.50 yuan)."""
    match(login(world.secretary_a), offers["need"], [offers["doctors"], offers["funds"]])
    return Project.objects.get()


def project_data(**changes):
    data = {"title": "关爱独居老人", "owner": "王书记", "plan": "每周探访一次",
            "status": "under_way", "started_on": "2025-03-01", "finished_on": ""}
    data.update(changes)
    return data


class TestProjects:
    def test_the_project_page_shows_resources_units_and_their_values_not_summed(
        self, login, world, offers, project
    ):
        response = login(world.secretary_a).get(url("project-detail", project))
        page = response.content.decode()
        assert "1500.50" in page and "医护志愿者 5 名" in page and world.unit.name in page
        # A resource's amount is what the offer is worth; money is the funding lines'.
        assert "total" not in response.context and 'data-testid="project-total"' not in page
        assert 'data-testid="value-offered-note"' in page
        assert offers["need"].title in page and "王书记" in page

    def test_the_project_list_shows_its_need_and_units_and_filters_by_status(
        self, login, world, offers, project
    ):
        client = login(world.secretary_a)
        page = client.get(url("project-list", world.a)).content.decode()
        assert project.title in page and offers["need"].title in page and world.unit.name in page
        page = client.get(url("project-list", world.a), {"status": "done"})
        assert list(page.context["page"]) == []

    def test_a_unit_taking_part_reads_the_project_but_does_not_edit_it(
        self, login, world, partner, project
    ):
        client = login(partner)
        assert client.get(url("project-detail", project)).status_code == 200
        assert client.get(url("project-update", project)).status_code == 403

    def test_a_project_cannot_finish_before_it_starts(self, login, world, project):
        response = login(world.secretary_a).post(
            url("project-update", project),
            project_data(started_on="2025-03-01", finished_on="2025-02-01"),
        )
        assert response.status_code == 400
        assert "cannot finish before it starts" in response.content.decode()
        project.refresh_from_db()
        assert (project.status, project.finished_on) == (ProjectStatus.PROPOSED, None)

    def test_a_done_project_needs_its_finish_date(self, login, world, offers, project):
        response = login(world.secretary_a).post(
            url("project-update", project), project_data(status="done")
        )
        assert response.status_code == 400
        project.refresh_from_db()
        offers["need"].refresh_from_db()
        assert project.status == ProjectStatus.PROPOSED
        assert offers["need"].status == NeedStatus.MATCHED

    def test_a_done_project_meets_its_need_and_uses_its_resources(
        self, login, world, offers, project
    ):
        response = login(world.secretary_a).post(
            url("project-update", project), project_data(status="done", finished_on="2025-06-30")
        )
        assert response.status_code == 302
        offers["need"].refresh_from_db()
        assert offers["need"].status == NeedStatus.MET
        assert set(project.resources.values_list("status", flat=True)) == {ResourceStatus.USED}
        offers["pupils"].refresh_from_db()
        assert offers["pupils"].status == ResourceStatus.OFFERED

    def test_the_secretary_of_b_cannot_edit_as_project(self, login, world, project):
        response = login(world.secretary_b).post(
            url("project-update", project), project_data(title="改名")
        )
        assert response.status_code == 404
        project.refresh_from_db()
        assert project.title == "关爱独居老人"


# --- query counts --------------------------------------------------------------------------

# user, scope (roles, member), committee, can_write(committee), count, page
NEED_LIST_QUERIES = 5 + session_queries()
# ... + the unit filter's choices
RESOURCE_LIST_QUERIES = 6 + session_queries()
# user, scope (2), committee, count, page, the page's units
PROJECT_LIST_QUERIES = 6 + session_queries()


def grow(world, n):
    units = [world.unit, UnitFactory(district=world.district)]
    for i in range(Need.objects.count(), n):
        need = make_need(world.a, f"需求{i}", branch=world.a_branch if i % 2 else None)
        resource = make_resource(units[i % 2], world.a, f"资源{i}", amount=Decimal(i))
        project = Project.objects.create(
            committee=world.a, need=need, title=f"项目{i}", owner="王书记"
        )
        project.resources.add(resource)
        project.units.add(*units)


@pytest.mark.parametrize(
    ("name", "expected"),
    [("need-list", NEED_LIST_QUERIES), ("resource-list", RESOURCE_LIST_QUERIES),
     ("project-list", PROJECT_LIST_QUERIES)],
)
def test_list_pages_spend_the_same_queries_at_two_sizes(
    login, world, django_assert_num_queries, name, expected
):
    client = login(world.secretary_a)
    grow(world, 3)
    with django_assert_num_queries(expected):
        response = client.get(url(name, world.a))
    assert len(response.context["page"]) == 3
    grow(world, 30)
    with django_assert_num_queries(expected):
        response = client.get(url(name, world.a), {"page": 2})
    assert len(response.context["page"]) == 5
    with django_assert_num_queries(expected):
        response = client.get(url(name, world.a))
    assert len(response.context["page"]) == lists.PAGE_SIZE
