"""The roster's columns and its 区外 marker, shared by the export and the import."""

import pytest

from members.exports import MemberExportResource
from members.roster_columns import HEADERS, outside_cell, outside_organisation


def test_the_export_writes_the_columns_the_import_reads():
    resource = MemberExportResource()
    assert resource.get_export_headers() == HEADERS
    assert [f.column_name for f in resource.get_export_fields()] == HEADERS


def test_an_outside_membership_reads_back_as_written():
    assert outside_cell("运城市人民医院党委") == "区外：运城市人民医院党委"
    assert outside_organisation(outside_cell("运城市人民医院党委")) == "运城市人民医院党委"


@pytest.mark.parametrize(
    ("cell", "organisation"),
    [
        ("区外: 运城市直机关工委", "运城市直机关工委"),
        (" 区外 ： 运城市直机关工委 ", "运城市直机关工委"),
        ("区外：", ""),
        ("学苑社区居民党支部", None),
        ("", None),
    ],
)
def test_the_marker_is_read_with_either_colon_and_spaces(cell, organisation):
    assert outside_organisation(cell) == organisation
