"""Outcome photos: only images, not too big, re-encoded small and without metadata."""

from io import BytesIO

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from activities import photos
from activities.models import ActivityPhoto
from tests.factories import ActivityFactory


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def upload(image: Image.Image, fmt="PNG", name=None, **save_args) -> SimpleUploadedFile:
    out = BytesIO()
    image.save(out, fmt, **save_args)
    return SimpleUploadedFile(name or f"photo.{fmt.lower()}", out.getvalue())


def stored_image(photo: ActivityPhoto) -> Image.Image:
    with photo.image.open("rb") as f:
        image = Image.open(BytesIO(f.read()))
        image.load()
    return image


def with_gps_exif(image: Image.Image) -> SimpleUploadedFile:
    exif = Image.Exif()
    exif[0x0112] = 6  # orientation: turn 90° clockwise to show upright
    exif[0x8825] = {1: "N", 2: (35.0, 1.0, 2.0), 3: "E", 4: (111.0, 0.0, 3.0)}  # GPS
    return upload(image, "JPEG", exif=exif.tobytes())


def test_a_large_png_is_stored_as_a_jpeg_at_most_1600_px(world):
    activity = ActivityFactory(committee=world.a)
    photo = photos.store_photo(
        activity=activity, upload=upload(Image.new("RGB", (3000, 1000), "red")),
        user=world.secretary_a, caption="全景",
    )
    image = stored_image(photo)
    assert image.format == "JPEG"
    assert image.size == (1600, 533)
    assert (photo.width, photo.height) == (1600, 533)
    assert photo.image.name == f"activities/{activity.pk}/{photo.token}.jpg"
    assert len(photo.token) == 32
    assert (photo.caption, photo.uploaded_by) == ("全景", world.secretary_a)
    assert not image.getexif()


def test_exif_orientation_is_applied_and_the_metadata_dropped(world):
    activity = ActivityFactory(committee=world.a)
    photo = photos.store_photo(
        activity=activity, upload=with_gps_exif(Image.new("RGB", (400, 200), "blue")),
        user=None,
    )
    image = stored_image(photo)
    assert image.size == (200, 400)  # turned upright
    assert not image.getexif()
    assert b"Exif" not in photo.image.open("rb").read()


def test_a_transparent_png_and_an_animated_gif_are_accepted(world):
    activity = ActivityFactory(committee=world.a)
    photos.store_photo(
        activity=activity, upload=upload(Image.new("RGBA", (50, 50), (0, 0, 0, 0))), user=None
    )
    frames = [Image.new("P", (60, 40), i) for i in range(3)]
    gif = BytesIO()
    frames[0].save(gif, "GIF", save_all=True, append_images=frames[1:])
    photo = photos.store_photo(
        activity=activity, upload=SimpleUploadedFile("a.gif", gif.getvalue()), user=None
    )
    assert stored_image(photo).size == (60, 40)
    first = stored_image(ActivityPhoto.objects.first())
    assert first.getpixel((10, 10)) == (255, 255, 255)  # transparent became white


@pytest.mark.parametrize("content", [b"plain text, not a picture", b"\xff\xd8\xff\xe0broken"])
def test_a_file_that_is_not_an_image_is_refused(world, content):
    activity = ActivityFactory(committee=world.a)
    with pytest.raises(ValidationError) as exc:
        photos.store_photo(activity=activity, upload=SimpleUploadedFile("x.jpg", content),
                           user=None)
    assert "“x.jpg”" in exc.value.message_dict["photos"][0]
    assert not ActivityPhoto.objects.exists()


def test_another_image_format_is_refused(world):
    activity = ActivityFactory(committee=world.a)
    with pytest.raises(ValidationError) as exc:
        photos.store_photo(activity=activity, upload=upload(Image.new("RGB", (10, 10)), "BMP"),
                           user=None)
    assert "only JPEG, PNG, WebP and GIF" in exc.value.message_dict["photos"][0]


def test_an_upload_over_8_mb_is_refused_before_it_is_opened(world, monkeypatch):
    activity = ActivityFactory(committee=world.a)
    big = upload(Image.new("RGB", (10, 10)))
    big.size = 8 * 1024 * 1024 + 1
    monkeypatch.setattr(photos.Image, "open", lambda *a, **k: pytest.fail("opened"))
    with pytest.raises(ValidationError) as exc:
        photos.store_photo(activity=activity, upload=big, user=None)
    assert "larger than 8 MB" in exc.value.message_dict["photos"][0]


def test_an_image_over_40_megapixels_is_refused(world):
    # 8000 x 6000 = 48 MP, a few kB as a PNG of one colour: a small decompression bomb.
    activity = ActivityFactory(committee=world.a)
    bomb = upload(Image.new("1", (8000, 6000)))
    assert bomb.size < 100_000
    with pytest.raises(ValidationError) as exc:
        photos.store_photo(activity=activity, upload=bomb, user=None)
    assert "larger than 40 megapixels" in exc.value.message_dict["photos"][0]


def test_one_bad_file_stores_none_of_the_submit(world, settings):
    activity = ActivityFactory(committee=world.a)
    uploads = [upload(Image.new("RGB", (20, 20))), SimpleUploadedFile("b.jpg", b"nope")]
    with pytest.raises(ValidationError):
        photos.prepare_photos(activity=activity, uploads=uploads)
    assert not ActivityPhoto.objects.exists()
    assert not list((settings.MEDIA_ROOT).glob("**/*.jpg"))


def test_an_activity_keeps_at_most_twelve_photos(world):
    activity = ActivityFactory(committee=world.a)
    for _ in range(12):
        photos.store_photo(activity=activity, upload=upload(Image.new("RGB", (5, 5))), user=None)
    with pytest.raises(ValidationError) as exc:
        photos.store_photo(activity=activity, upload=upload(Image.new("RGB", (5, 5))), user=None)
    assert "at most 12 photos" in exc.value.message_dict["photos"][0]
    assert ActivityPhoto.objects.count() == 12


def test_secretary_b_cannot_fetch_a_photo_of_committee_a(login, world):
    activity = ActivityFactory(committee=world.a)
    photo = photos.store_photo(activity=activity, upload=upload(Image.new("RGB", (5, 5))),
                               user=None)
    url = reverse("activities:photo-file", args=[activity.pk, photo.pk])
    assert login(world.secretary_b).get(url).status_code == 404
    assert login(world.secretary_a).get(url).status_code == 200
