"""The write step of a roster import uses the rows its check kept, and reads the file again
only when the roster changed in between (then it sees what a second check sees). The kept
rows hold full ID numbers: they go with the file."""

from unittest import mock

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from members import import_writes
from members.models import ImportStatus, Member, RosterImport
from tests.members.test_import import _upload, csv_bytes, good_rows, id_number, registered

pytestmark = pytest.mark.django_db


def checked_import(client, world):
    _upload(client, world, csv_bytes(good_rows(world)), "名册.csv")
    roster_import = RosterImport.objects.get()
    assert roster_import.status == ImportStatus.READY and roster_import.to_add == 3
    return roster_import


def confirm(client, roster_import):
    client.post(reverse("members:roster-import-confirm", args=[roster_import.pk]))
    roster_import.refresh_from_db()
    return roster_import


def file_never_read_again():
    return mock.patch("members.imports.read_table",
                      side_effect=AssertionError("the file was read again"))


def test_the_write_uses_the_checked_rows_without_reading_the_file_again(world, login):
    client = login(world.secretary_a)
    roster_import = checked_import(client, world)
    assert len(roster_import.checked["rows"]) == 3
    with file_never_read_again(), CaptureQueriesContext(connection) as queries:
        done = confirm(client, roster_import)
    assert done.status == ImportStatus.DONE, done.message
    # The branches are read once, with the roster, not once per row of the preview.
    assert sum('FROM "branches_branch"' in q["sql"] for q in queries.captured_queries) == 1
    member = Member.objects.get(id_number=id_number(11))
    assert (member.name, member.name_pinyin, member.mobile, member.branch) == (
        "王建国", "wangjianguo", "13800001111", world.a_branch)
    assert str(member.joined_on) == "2001-07-01"
    assert Member.objects.get(id_number=id_number(13)).employer_unit == world.unit
    # The ID numbers the kept rows held went with the file.
    assert (done.content, done.checked) == (b"", {})


def test_someone_registered_here_in_between_is_updated_not_added_twice(world, login):
    client = login(world.secretary_a)
    roster_import = checked_import(client, world)
    registered(world.a, world.a_branch, "王建国", id_number(11), address="旧址")
    done = confirm(client, roster_import)
    assert done.status == ImportStatus.DONE
    assert (done.to_add, done.to_update) == (2, 1)
    assert Member.objects.get(id_number=id_number(11)).address == "学苑路1号"


def test_someone_registered_on_another_roster_in_between_stops_the_write(world, login):
    client = login(world.secretary_a)
    roster_import = checked_import(client, world)
    registered(world.b, world.b_branch, "王建国", id_number(11))
    done = confirm(client, roster_import)
    assert done.status == ImportStatus.INVALID and done.bad_rows == 1
    assert not Member.objects.filter(committee=world.a, name__in=["李在职", "赵小个"]).exists()
    assert (done.content, done.checked) == (b"", {})


def test_a_branch_renamed_in_between_is_seen_by_the_write(world, login):
    client = login(world.secretary_a)
    roster_import = checked_import(client, world)
    world.a_branch.name = "学苑社区第一党支部"
    world.a_branch.save()
    done = confirm(client, roster_import)
    assert done.status == ImportStatus.INVALID and done.bad_rows == 1
    assert not Member.objects.filter(id_number=id_number(12, "19900505")).exists()


def test_an_import_checked_before_rows_were_kept_is_written_from_its_file(world, login):
    client = login(world.secretary_a)
    roster_import = checked_import(client, world)
    RosterImport.objects.filter(pk=roster_import.pk).update(checked={})
    assert confirm(client, roster_import).status == ImportStatus.DONE
    assert Member.objects.filter(id_number=id_number(12, "19900505")).exists()


def test_a_failed_write_drops_the_kept_rows_with_the_file(world, login):
    client = login(world.secretary_a)
    roster_import = checked_import(client, world)
    with mock.patch.object(import_writes, "apply_plan", side_effect=RuntimeError("boom")):
        done = confirm(client, roster_import)
    assert done.status == ImportStatus.FAILED
    assert (done.content, done.checked) == (b"", {})
