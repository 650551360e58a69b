import pytest


@pytest.fixture(autouse=True)
def _fail_fast(page):
    """Ten seconds is plenty on loopback; a missing element should not stall the suite."""
    page.set_default_timeout(10_000)
    page.set_default_navigation_timeout(20_000)
