"""core.links: a route reversed once gives each row the link ``reverse`` would have."""

import pytest
from django.urls import reverse, set_script_prefix

from core.links import plain_url, url_for


@pytest.mark.parametrize("name", ["overview:committee-detail", "members:committee-roster",
                                  "members:in-service", "meetings:matter-list",
                                  "meetings:committee-compliance"])
@pytest.mark.parametrize("pk", [1, 42, 2147483645])
def test_a_link_is_what_reverse_gives(name, pk):
    assert url_for(name, pk) == reverse(name, args=[pk])


def test_a_link_follows_the_script_prefix():
    try:
        set_script_prefix("/portal/")
        assert url_for("overview:committee-detail", 7) == reverse(
            "overview:committee-detail", args=[7]) == "/portal/committees/7/"
        assert plain_url("activities:activity-list") == reverse("activities:activity-list")
        assert plain_url("activities:activity-list").startswith("/portal/")
    finally:
        set_script_prefix("/")
    assert url_for("overview:committee-detail", 7) == "/committees/7/"


def test_a_pk_must_be_a_number():
    with pytest.raises(ValueError):
        url_for("overview:committee-detail", "7/../../admin")
