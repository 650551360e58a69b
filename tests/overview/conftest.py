import pytest
from django.conf import settings


@pytest.fixture(autouse=True)
def _english(client):
    """Pages in English, so assertions read like the messages in the code."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
