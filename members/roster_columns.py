"""The roster file's columns, shared by the export (``members.exports``), the import
(``members.imports``) and its template: an exported roster imports back unchanged.

``COLUMN`` names each column's header by the member field it fills, in file order. The
所在支部 column holds the branch's name, or "区外：<organisation>" for a membership held
outside the district (``outside_cell`` writes it, ``outside_organisation`` reads it back).
"""

import re
import unicodedata

COLUMN = {
    "name": "姓名",
    "gender": "性别",
    "ethnicity": "民族",
    "id_number": "身份证号",
    "mobile": "手机号",
    "joined_on": "入党日期",
    "full_member_on": "转正日期",
    "status": "党员状态",
    "category": "党员类别",
    "branch": "所在支部",
    "committee": "居住社区",
    "employer": "工作单位",
    "address": "现居住地址",
}
HEADERS = list(COLUMN.values())

# How the 所在支部 column marks a membership held outside the district.
OUTSIDE_PREFIX = "区外："
# What the import accepts for it: a half- or full-width colon, spaces around it.
_OUTSIDE = re.compile(r"区外\s*[:：]\s*(.*)")


def outside_cell(organisation: str) -> str:
    """The 所在支部 cell of a membership held by ``organisation``, outside the district."""
    return f"{OUTSIDE_PREFIX}{organisation}"


def outside_organisation(text: str) -> str | None:
    """The organisation of a 所在支部 cell that reads "区外：<organisation>" ("" when it names
    none), or None when the cell names a branch or is empty."""
    match = _OUTSIDE.fullmatch(unicodedata.normalize("NFKC", text).strip()) if text else None
    return match.group(1).strip() if match else None
