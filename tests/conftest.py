"""Personas and a small world shared by the suite.

The world: district D with committees A and B. A has a residents' branch with a party group,
a retirees' branch, a seat and a venue; B has the same shape. The personas: anonymous, the
district officer of D, the secretary of A, the secretary of B (who must see nothing of A), the
secretary of A's residents' branch, and a member of A; and, as a fixture of its own, the
liaison of the world's unit (``liaison``).
"""

import os
import shutil
from dataclasses import dataclass

import pytest
from django.conf import settings
from django.db import connection

from branches.models import BranchKind
from tests.factories import (
    BranchFactory,
    CommitteeFactory,
    DistrictFactory,
    MemberFactory,
    SeatFactory,
    UnitFactory,
    UserFactory,
    VenueFactory,
    grant,
)

IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")


# --- markers: tests that need PostgreSQL, Redis or Chromium --------------------------------

def _is_postgres():
    return settings.DATABASES["default"]["ENGINE"].endswith("postgresql")


def pytest_collection_modifyitems(config, items):
    """Run backend-specific tests only on that backend; in CI a missing service fails."""
    selected, deselected = [], []
    for item in items:
        if item.get_closest_marker("postgres") and not _is_postgres():
            deselected.append(item)
        elif item.get_closest_marker("redis") and not settings.REDIS_URL:
            deselected.append(item)
        else:
            selected.append(item)
    if deselected:
        config.hook.pytest_deselected(items=deselected)
        items[:] = selected


def pytest_report_header(config):
    engine = settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1]
    redis = settings.REDIS_URL or "none (local memory, eager Celery)"
    return [f"database: {engine}; redis: {redis}; CI: {IN_CI}"]


def session_queries() -> int:
    """Database queries a signed-in page spends besides its own: loading the session. (The bell
    in the navigation bar is counted in the scope's query: ``core.scope._build_scope``.)

    With Redis, sessions are ``cached_db`` and load from the cache (0); otherwise from the
    database (1). Pinned query counts add this so they hold on both set-ups.
    """
    return 0 if settings.SESSION_ENGINE.endswith("cached_db") else 1


def need(condition: bool, what: str):
    """Skip when a service is missing locally; in CI, fail instead of skipping."""
    if condition:
        return
    if IN_CI:
        pytest.fail(f"{what} is required in CI but is not available")
    pytest.skip(f"{what} is not available")


# --- the world -----------------------------------------------------------------------------

@dataclass
class World:
    district: object
    a: object
    b: object
    a_branch: object
    a_group: object
    a_retirees: object
    b_branch: object
    unit: object
    a_seat: object
    a_venue: object
    b_seat: object
    b_venue: object
    a_member: object
    officer: object
    secretary_a: object
    secretary_b: object
    branch_secretary: object
    member_user: object


@pytest.fixture
def world(db):
    district = DistrictFactory(name="盐湖区")
    a = CommitteeFactory(district=district, name="学苑社区")
    b = CommitteeFactory(district=district, name="御沁园社区")
    unit = UnitFactory(district=district, name="运城市第一医院")
    a_branch = BranchFactory(committee=a, name="学苑社区居民党支部", kind=BranchKind.RESIDENTS)
    a_group = BranchFactory(committee=a, name="学苑居民第一党小组", parent=a_branch)
    a_retirees = BranchFactory(
        committee=a, name="学苑社区离退休干部党支部", kind=BranchKind.RETIREES
    )
    b_branch = BranchFactory(committee=b, name="御沁园社区居民党支部")
    a_member = MemberFactory(committee=a, branch=a_branch, party_group=a_group, name="郑优芳")
    officer = UserFactory(username="officer")
    grant(officer, "district_officer", district)
    secretary_a = UserFactory(username="secretary_a")
    grant(secretary_a, "committee_secretary", a)
    secretary_b = UserFactory(username="secretary_b")
    grant(secretary_b, "committee_secretary", b)
    branch_secretary = UserFactory(username="branch_secretary")
    grant(branch_secretary, "branch_secretary", a_branch)
    member_user = UserFactory(username="member")
    a_member.user = member_user
    a_member.save()
    return World(
        district=district, a=a, b=b, a_branch=a_branch, a_group=a_group, a_retirees=a_retirees,
        b_branch=b_branch, unit=unit,
        a_seat=SeatFactory(committee=a, member=a_member),
        a_venue=VenueFactory(committee=a, name="学苑党员活动室", area=300),
        b_seat=SeatFactory(committee=b),
        b_venue=VenueFactory(committee=b, area=600),
        a_member=a_member, officer=officer, secretary_a=secretary_a, secretary_b=secretary_b,
        branch_secretary=branch_secretary, member_user=member_user,
    )


PERSONAS = ["anonymous", "officer", "secretary_a", "secretary_b", "branch_secretary", "member"]


@pytest.fixture
def liaison(world):
    """The liaison of ``world.unit`` (the demo's ``liaison``): a role on a resident unit, not
    part of ``world`` (several tests make their own user of that name)."""
    user = UserFactory(username="liaison")
    grant(user, "unit_liaison", world.unit)
    return user


@pytest.fixture
def login(client):
    """login(user) signs the test client in as that user (force_login skips django-axes)."""

    def _login(user):
        client.force_login(user)
        return client

    return _login


def totp_code(device) -> str:
    """The code ``device``'s authenticator app shows now (django-otp's own TOTP)."""
    from django_otp.oath import totp

    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def sign_in_with_code(client, user):
    """Sign ``client`` in as ``user`` through the code step, as the admin needs: the password
    step is skipped (force_login), the user is given an authenticator, and its current code is
    typed on the code page. Returns the device."""
    from django.urls import reverse
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.create(user=user, name="authenticator", confirmed=True)
    client.force_login(user)
    response = client.post(reverse("core:two-factor-verify"), {"code": totp_code(device)})
    assert response.status_code == 302, response.content.decode()[:500]
    return device


def persona_client(client, world, persona):
    if persona != "anonymous":
        user = {"member": world.member_user}.get(persona) or getattr(world, persona)
        client.force_login(user)
    return client


# --- browser --------------------------------------------------------------------------------

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    need(os.path.exists(CHROMIUM), "Chromium (Debian package chromium)")
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--no-sandbox", "--disable-gpu", "--disable-background-networking",
            "--disable-component-update", "--disable-sync", "--disable-quic", "--no-first-run",
        ],
    }


@pytest.fixture
def postgres_only():
    need(connection.vendor == "postgresql", "PostgreSQL (set DATABASE_URL)")
