"""Pages that moved between apps kept their addresses: bookmarks, printed QR posters, links in
sent emails and notifications still open the same page (only the URL names changed)."""

import pytest
from django.urls import resolve, reverse

MOVED = [
    # (old name, new name, kwargs, path)
    ("core:home", "overview:home", {}, "/"),
    ("committees:district-detail", "overview:district-detail", {"pk": 3}, "/districts/3/"),
    ("committees:committee-detail", "overview:committee-detail", {"pk": 3}, "/committees/3/"),
    ("units:unit-ledger-export", "activities:unit-ledger-export", {"pk": 3},
     "/units/3/ledger/"),
    ("members:feedback-sheet", "activities:feedback-sheet", {"pk": 3}, "/committees/3/feedback/"),
    ("activities:meeting-list", "meetings:meeting-list", {"pk": 3}, "/committees/3/meetings/"),
    ("activities:meeting-detail", "meetings:meeting-detail", {"pk": 3}, "/meetings/3/"),
    ("activities:meeting-qr-checkin", "meetings:meeting-qr-checkin", {"token": "abc"},
     "/meetings/checkin/abc/"),
    ("activities:matter-detail", "meetings:matter-detail", {"pk": 3}, "/matters/3/"),
    ("activities:committee-compliance", "meetings:committee-compliance", {"pk": 3},
     "/committees/3/compliance/"),
    ("activities:district-compliance", "meetings:district-compliance", {"pk": 3},
     "/districts/3/compliance/"),
]


@pytest.mark.parametrize(("old", "new", "kwargs", "path"), MOVED, ids=[m[0] for m in MOVED])
def test_a_moved_page_answers_at_its_old_address(old, new, kwargs, path):
    assert reverse(new, kwargs=kwargs) == path
    assert resolve(path).view_name == new
