import pytest
from django.conf import settings
from django.utils import translation


@pytest.fixture(autouse=True)
def _english(client):
    """Pages and service messages in English, so assertions read like the code's messages."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    with translation.override("en"):
        yield
