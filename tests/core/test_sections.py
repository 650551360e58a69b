"""core.sections: cards that higher apps add to lower apps' pages."""

import pytest
from django.test import RequestFactory

from core import sections


def use_templates_in(settings, folder):
    engine = settings.TEMPLATES[0]
    settings.TEMPLATES = [{**engine, "DIRS": [folder, *engine["DIRS"]]}]  # resets the engines


@pytest.fixture
def slot(monkeypatch):
    monkeypatch.setattr(sections, "_SLOTS", {})
    return "test-page"


def test_cards_render_in_order_with_the_page_context_under_their_own(slot, tmp_path, settings):
    (tmp_path / "a.html").write_text("A:{{ name }}:{{ shared }}")
    (tmp_path / "b.html").write_text("B:{{ name }}")
    use_templates_in(settings, tmp_path)

    @sections.register(slot, template="b.html", order=20)
    def second(request, obj, page):
        return {"name": obj}

    @sections.register(slot, template="a.html", order=10)
    def first(request, obj, page):
        return {"name": f"<{obj}>"}

    html = sections.render(slot, RequestFactory().get("/"), "x", {"shared": "page", "name": "p"})
    assert html == ["A:&lt;x&gt;:page", "B:x"]  # escaped, ordered, card over page


def test_a_card_that_returns_none_is_not_shown(slot, tmp_path, settings):
    (tmp_path / "a.html").write_text("A")
    use_templates_in(settings, tmp_path)
    sections.register(slot, template="a.html")(lambda request, obj, page: None)
    assert sections.render(slot, RequestFactory().get("/"), "x") == []
    assert sections.render("no-such-slot", RequestFactory().get("/"), "x") == []


def test_the_apps_register_their_cards_on_the_lower_pages():
    """Filled by activities', meetings' and notices' AppConfig.ready()."""
    assert {slot: [c.template for c in cards] for slot, cards in sections._SLOTS.items()} == {
        # notices waiting for the branch's secretary come first (order=10)
        "branch-detail": ["notices/_waiting_card.html", "meetings/_meeting_branch_card.html"],
        "member-detail": ["activities/_member_activities.html"],
        # and the communities the member may rate (two-way evaluation)
        "member-me": ["activities/_member_activities.html",
                      "activities/_community_rating_card.html"],
        # and on a unit's page, those waiting for its liaisons
        # and its people's feedback sheets (order=40), for them and the district
        "unit-detail": ["notices/_waiting_card.html", "activities/_unit_feedback_card.html",
                        "activities/_unit_ledger.html"],
        "agreement-list": ["activities/_partners_card.html"],
        "project-detail": ["activities/_project_activities.html"],
    }
