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
    """Uploads as a browser sends them: a PDF and a PNG that are what they say."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    def pdf(name="通知.pdf"):
        return SimpleUploadedFile(name, b"%PDF-1.4\n%test\n", "application/pdf")

    def png(name="照片.png"):
        return SimpleUploadedFile(name, b"\x89PNG\r\n\x1a\n" + b"0" * 20, "image/png")

    def fake(name="报表.pdf"):
        return SimpleUploadedFile(name, b"MZ not a pdf", "application/pdf")

    return type("Files", (), {"pdf": staticmethod(pdf), "png": staticmethod(png),
                              "fake": staticmethod(fake)})


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
