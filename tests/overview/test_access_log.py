"""The district's log of reads of personal data (个人信息访问记录, issue 15): who read or
downloaded whose full ID numbers and mobiles, browsed by the district only."""

import html
import re
from datetime import datetime

import pytest
from auditlog.models import LogEntry
from django.urls import reverse
from django.utils import timezone

from core.audit import IMPORT_CORRECTIONS, ROSTER_EXPORT, record_download
from members import services
from members.models import ImportStatus, RosterImport
from overview import access_log
from tests.conftest import session_queries
from tests.factories import CommitteeFactory, DistrictFactory, MemberFactory, UserFactory, grant

FULL_ID = re.compile(r"\d{17}[\dX]")


def url(district, query=""):
    path = reverse("overview:district-access-log", kwargs={"pk": district.pk})
    return f"{path}?{query}" if query else path


def text(response):
    assert response.status_code == 200
    return html.unescape(response.content.decode())


def rows(response):
    """The table's rows as text (what, who, ...), newest first."""
    body = text(response)
    if 'data-testid="access-log"' not in body:
        return []
    table = body.split('data-testid="access-log"', 1)[1].split("</table>", 1)[0]
    return [re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", tr)).strip()
            for tr in table.split("<tbody>", 1)[1].split("<tr>")[1:]]


def _at(entry, when):
    LogEntry.objects.filter(pk=entry.pk).update(timestamp=when)


def _aware(*args):
    return timezone.make_aware(datetime(*args))


@pytest.fixture
def reads(world, login):
    """One of each read, through the pages: the officer reveals a member's ID number and
    exports A's roster, A's secretary makes a password link and downloads an import's file to
    correct (recorded as its page records it)."""
    world.a_member.id_number, world.a_member.mobile = "140802198001010011", "13800000011"
    world.a_member.save()
    officer = login(world.officer)
    assert officer.post(
        reverse("members:member-id-number", kwargs={"pk": world.a_member.pk})
    ).status_code == 200
    assert officer.get(reverse("members:roster-export", args=[world.a.pk])).status_code == 200
    secretary = UserFactory(username="xueyuan", first_name="学苑社区书记")
    grant(secretary, "committee_secretary", world.a)
    plain = MemberFactory(committee=world.a, branch=world.a_branch, name="无邮箱",
                          user=UserFactory(username="wuyouxiang"))
    login(secretary).post(reverse("members:member-password-link", args=[plain.pk]))
    roster_import = RosterImport.objects.create(
        committee=world.a, filename="名册13800000011.xlsx", created_by=secretary,
        status=ImportStatus.INVALID, corrections=b"PK", total_rows=12, bad_rows=2,
        finished_at=timezone.now(),
    )
    assert login(secretary).get(
        reverse("members:roster-import-corrections", args=[roster_import.pk])
    ).status_code == 200
    entries = list(LogEntry.objects.filter(action=LogEntry.Action.ACCESS).order_by("pk"))
    assert len(entries) == 4
    return entries


def test_the_district_reads_who_read_what_newest_first(world, login, reads):
    response = login(world.officer).get(url(world.district))
    body = text(response)
    assert rows(response) == [
        # when, who, what, about (kind), people, full values, address
        f"{timezone.localtime(reads[3].timestamp):%Y-%m-%d %H:%M:%S} 学苑社区书记 "
        f"File of rows to correct 学苑社区 名册138****0011.xlsx (roster import) 12 "
        f"ID number, mobile 127.0.0.1",
        f"{timezone.localtime(reads[2].timestamp):%Y-%m-%d %H:%M:%S} 学苑社区书记 "
        "Password link made 无邮箱 (member) 1 — 127.0.0.1",
        f"{timezone.localtime(reads[1].timestamp):%Y-%m-%d %H:%M:%S} officer "
        "Roster export 学苑社区 (committee) 1 ID number, mobile 127.0.0.1",
        f"{timezone.localtime(reads[0].timestamp):%Y-%m-%d %H:%M:%S} officer "
        "Full ID number shown 郑优芳 (member) 1 ID number 127.0.0.1",
    ]
    assert "4 entries" in body
    assert not FULL_ID.search(body) and "13800000011" not in body


def test_the_page_is_linked_from_the_district_page(world, login):
    body = text(login(world.officer).get(world.district.get_absolute_url()))
    assert f'href="{url(world.district)}"' in body


def test_it_needs_a_login(world, client):
    response = client.get(url(world.district))
    assert response.status_code == 302 and response.url.startswith(reverse("login"))


@pytest.mark.parametrize("persona", ["secretary_a", "secretary_b", "branch_secretary",
                                     "member_user"])
def test_only_the_district_sees_it(world, login, reads, persona):
    assert login(getattr(world, persona)).get(url(world.district)).status_code == 404


def test_another_district_s_reads_are_not_listed(world, login, reads):
    other = DistrictFactory(name="永济市")
    member = MemberFactory(committee=CommitteeFactory(district=other, name="城东社区"),
                           name="外区人")
    other_officer = UserFactory(username="other_officer")
    grant(other_officer, "district_officer", other)
    services.member_id_number_reveal(member=member, user=other_officer)
    body = text(login(world.officer).get(url(world.district)))
    assert "外区人" not in body and "4 entries" in body
    assert login(world.officer).get(url(other)).status_code == 404
    assert "外区人" in text(login(other_officer).get(url(other)))


def test_filters_by_dates_in_shanghai_time_reader_and_kind(world, login, reads):
    reveal, export, password, corrections = reads
    _at(reveal, _aware(2026, 3, 1, 0, 30))  # Shanghai time: 1 March, just after midnight
    _at(export, _aware(2026, 3, 2, 23, 59))
    _at(password, _aware(2026, 3, 3, 9, 0))
    client = login(world.officer)

    def listed(query):
        return [row.split(" ", 3)[3] for row in rows(client.get(url(world.district, query)))]

    assert len(listed("since=2026-03-01&until=2026-03-02")) == 2
    assert listed("until=2026-02-28") == []
    assert len(listed("since=2026-03-03")) == 2  # the password link and today's download
    assert len(listed("who=学苑社区")) == 2 and len(listed("who=OFFICER")) == 2
    assert listed("kind=reveal") == ["Full ID number shown 郑优芳 (member) 1 ID number 127.0.0.1"]
    assert [r.split(" ")[0] for r in listed("kind=roster-export")] == ["Roster"]
    assert len(listed("kind=password-link")) == 1
    assert len(listed("kind=import-corrections&who=学苑")) == 1
    response = client.get(url(world.district, "kind=password-link&who=officer"))
    assert "No entry matches these filters." in text(response)


@pytest.mark.parametrize(("query", "message"), [
    ("since=2026-13-45", "Enter a valid date."),
    ("since=2026-03-05&until=2026-03-01", "The last day is before the first day."),
    ("kind=everything-else", "Select a valid choice."),
    ("who=%00officer", "Remove the invisible control characters"),
    ("who=" + "x" * 101, "Ensure this value has at most 100 characters"),
])
def test_a_bad_filter_is_named_on_its_field_and_left_out(world, login, reads, query, message):
    response = login(world.officer).get(url(world.district, query))
    body = text(response)
    assert message in body
    if "until=" not in query:  # a bad value filters nothing
        assert "4 entries" in body


def test_the_empty_log_says_so(world, login):
    body = text(login(world.officer).get(url(world.district)))
    assert "Nobody has read a full ID number or downloaded personal data yet." in body
    assert "0 entries" in body


def test_the_page_reads_in_chinese(world, login, reads, client):
    client.cookies["django_language"] = "zh-hans"
    body = text(login(world.officer).get(url(world.district)))
    assert "个人信息访问记录" in body
    for label in ("导出党员名册", "需更正的行", "查看完整身份证号", "生成重设密码链接",
                  "身份证号、手机号"):
        assert label in body, label


def test_every_object_a_read_is_recorded_on_is_one_the_district_can_find(reads):
    labels = {e.content_type.app_label + "." + e.content_type.model for e in reads}
    assert labels <= set(access_log.OBJECTS)


def test_queries_do_not_grow_with_the_log(world, login, django_assert_num_queries):
    client = login(world.officer)
    member = world.a_member

    def add(n):
        for i in range(n):
            record_download(user=UserFactory(username=f"reader{LogEntry.objects.count()}"),
                            obj=world.a, what=ROSTER_EXPORT, rows=i, fields=["mobile"])
            services.member_id_number_reveal(member=member, user=world.officer)
        record_download(user=world.officer, obj=RosterImport.objects.create(
            committee=world.a, filename="a.csv"), what=IMPORT_CORRECTIONS, rows=1)

    # The user, their scope (roles, member record), the district, the log's count and its
    # page (actors and content types joined).
    expected = 5 + session_queries()
    add(2)
    with django_assert_num_queries(expected):
        assert len(rows(client.get(url(world.district)))) == 5
    add(40)
    with django_assert_num_queries(expected):
        assert len(rows(client.get(url(world.district, "page=2")))) == 86 - access_log.PAGE_SIZE
    with django_assert_num_queries(expected):
        client.get(url(world.district, "since=2020-01-01&who=reader&kind=roster-export"))

