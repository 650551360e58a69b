"""Photos of an activity's outcome: checked, re-encoded and stored.

An upload is never stored as sent. It must be a JPEG, PNG, WebP or GIF (the first frame) of
at most 8 MB and 40 megapixels (a small file can decode into a huge image: a decompression
bomb); it is turned upright by its EXIF orientation, flattened to RGB, shrunk to at most
1600 px on its long side and saved as a JPEG (quality 85) without any metadata, so GPS
positions and camera details never reach the server's disk. One submit is all or nothing:
every file is checked and re-encoded in memory before any is written. The decoding is
``core.uploads.decode_image``, the same as for the images attached to meetings and notices.
"""

import secrets
from dataclasses import dataclass
from io import BytesIO

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.translation import gettext as _
from PIL import Image

from core.uploads import decode_image

from .models import Activity, ActivityPhoto

MAX_BYTES = 8 * 1024 * 1024
MAX_PIXELS = 40_000_000
MAX_SIDE = 1600
MAX_PER_ACTIVITY = 12
MAX_PER_SUBMIT = 6
JPEG_QUALITY = 85
FORMATS = {"JPEG", "PNG", "WEBP", "GIF"}


@dataclass(frozen=True)
class PreparedPhoto:
    """A checked upload, re-encoded as JPEG in memory, ready to write."""

    name: str
    data: bytes
    width: int
    height: int


def _message(upload, problem: str) -> str:
    return _("“%(name)s”: %(problem)s") % {"name": upload.name, "problem": problem}


def _refuse(upload, problem: str) -> ValidationError:
    return ValidationError({"photos": _message(upload, problem)})


def _flatten(image: Image.Image) -> Image.Image:
    """RGB, with transparent parts on white (JPEG has no transparency)."""
    if image.mode in ("RGBA", "LA") or (image.mode == "P" and "transparency" in image.info):
        rgba = image.convert("RGBA")
        background = Image.new("RGB", rgba.size, (255, 255, 255))
        background.paste(rgba, mask=rgba.getchannel("A"))
        return background
    return image.convert("RGB")


def prepare_photo(upload) -> PreparedPhoto:
    """Check one upload and re-encode it; a ValidationError on "photos" says what is wrong."""
    if upload.size is not None and upload.size > MAX_BYTES:
        raise _refuse(upload, _("the file is larger than 8 MB."))
    decoded, _format = decode_image(
        upload, field="photos", formats=FORMATS, max_pixels=MAX_PIXELS,
        wrong_kind=_message(upload, _("only JPEG, PNG, WebP and GIF images are accepted.")),
        not_image=_message(upload, _("this is not an image (JPEG, PNG, WebP or GIF).")),
    )
    image = _flatten(decoded)
    image.thumbnail((MAX_SIDE, MAX_SIDE), Image.Resampling.LANCZOS)
    out = BytesIO()
    image.save(out, "JPEG", quality=JPEG_QUALITY, optimize=True)  # no exif= : no metadata
    return PreparedPhoto(
        name=upload.name, data=out.getvalue(), width=image.width, height=image.height
    )


def check_room(activity: Activity, adding: int) -> None:
    """Refuse photos beyond the activity's limit (check again with the activity locked)."""
    existing = ActivityPhoto.objects.filter(activity=activity).count()
    if adding and existing + adding > MAX_PER_ACTIVITY:
        raise ValidationError({"photos": _(
            "An activity keeps at most %(max)s photos; it has %(n)s already."
        ) % {"max": MAX_PER_ACTIVITY, "n": existing}})


def prepare_photos(*, activity: Activity, uploads) -> list[PreparedPhoto]:
    """Check every upload of one submit (and the activity's limit) before anything is
    written; a ValidationError on "photos" lists every file refused."""
    uploads = list(uploads)
    if not uploads:
        return []
    check_room(activity, len(uploads))
    prepared, errors = [], []
    for upload in uploads:
        try:
            prepared.append(prepare_photo(upload))
        except ValidationError as exc:
            errors.extend(exc.message_dict["photos"])
    if errors:
        raise ValidationError({"photos": errors})
    return prepared


def write_photos(*, activity: Activity, prepared, user, caption: str = "") -> list[ActivityPhoto]:
    """Write photos already checked by ``prepare_photos`` (call it last in the transaction).
    Should a write fail, the files already written are removed again."""
    stored = []
    try:
        for photo in prepared:
            row = ActivityPhoto(
                activity=activity, token=secrets.token_hex(16), caption=caption.strip(),
                uploaded_by=user,
            )
            row.image.save(f"{row.token}.jpg", ContentFile(photo.data), save=False)
            # Saving the file resets the dimension fields; they are known without reading it.
            row.width, row.height = photo.width, photo.height
            stored.append(row)
            row.save()
    except Exception:
        for row in stored:
            row.image.storage.delete(row.image.name)
        raise
    return stored


@transaction.atomic
def store_photo(*, activity: Activity, upload, user, caption: str = "") -> ActivityPhoto:
    """Check, re-encode and store one photo of ``activity``."""
    prepared = prepare_photos(activity=activity, uploads=[upload])
    Activity.objects.select_for_update().only("pk").get(pk=activity.pk)  # one writer at a time
    check_room(activity, len(prepared))
    return write_photos(activity=activity, prepared=prepared, user=user, caption=caption)[0]
