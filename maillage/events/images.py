"""Cover images of events: the same checks as profile photos (`maillage.members.images`: judged
by content, decompression bombs refused, metadata dropped), re-encoded as WebP at most
1600×900, the size the event page shows them at on a wide screen."""

from __future__ import annotations

import io
import uuid
import warnings

from django.core.files.base import ContentFile
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

from maillage.core.errors import DomainError
from maillage.members.images import ACCEPTED_FORMATS, MAX_BYTES, MAX_PIXELS

MAX_SIZE = (1600, 900)


def cover_prepare(upload) -> ContentFile:
    """The upload as a clean WebP file ready for storage; `DomainError` if refused."""
    if not getattr(upload, "size", 0):
        raise DomainError(_("The file is empty."), field="cover")
    if upload.size > MAX_BYTES:
        raise DomainError(
            _("This image is too large (%(size)s MB); the maximum is %(max)s MB.")
            % {"size": f"{upload.size / 1024 / 1024:.1f}", "max": MAX_BYTES // 1024 // 1024},
            field="cover",
        )
    upload.seek(0)
    data = upload.read(MAX_BYTES + 1)
    refused = DomainError(
        _("This file is not a JPEG, PNG or WebP image. Choose a picture in one of these formats."),
        field="cover",
    )
    if len(data) > MAX_BYTES:
        raise refused
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data), formats=sorted(ACCEPTED_FORMATS)) as probe:
                if probe.size[0] * probe.size[1] > MAX_PIXELS:
                    raise refused
                probe.verify()
            with Image.open(io.BytesIO(data)) as image:
                image.load()
                image = ImageOps.exif_transpose(image).convert("RGB")
                image.thumbnail(MAX_SIZE, Image.Resampling.LANCZOS)
                out = io.BytesIO()
                image.save(out, "WEBP", quality=82, method=4)
    except DomainError:
        raise
    except (
        UnidentifiedImageError,
        OSError,
        SyntaxError,
        ValueError,
        Image.DecompressionBombError,
        Image.DecompressionBombWarning,
    ):
        raise refused from None
    return ContentFile(out.getvalue(), name=f"{uuid.uuid4().hex}.webp")
