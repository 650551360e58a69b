import pytest
from django.conf import settings
from django.utils import translation


@pytest.fixture(autouse=True)
def _english(client):
    """Pages and service messages in English, so assertions read like the code's messages."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    with translation.override("en"):
        yield


@pytest.fixture
def files():
    """Uploads as a browser sends them: a PDF and a PNG that are what they say (real files
    that their parsers read), and an executable named as a PDF."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tests.files import pdf, png

    def fake(name="报表.pdf"):
        return SimpleUploadedFile(name, b"MZ not a pdf", "application/pdf")

    return type("Files", (), {"pdf": staticmethod(pdf), "png": staticmethod(png),
                              "fake": staticmethod(fake)})


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
