"""The one way Organizer opens an image with Pillow: only the formats it supports, after cheap
size checks, with every failure turned into a one-line reason.

Pillow tries every plugin it knows on a file whose extension lies, and some plugins are not
safe on hostile input: the EPS plugin runs Ghostscript, and the DDS, TIFF and GIF decoders raise
``TypeError``, ``IndexError``, ``KeyError`` or ``NotImplementedError`` on crafted files instead of
``OSError``. A photo organizer walks folders full of files nobody checked, so opening is
restricted to the photo formats below, and whatever a decoder raises becomes that file's reason
(``UnreadableImageError``) rather than the end of a run.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import logging
import os
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from pathlib import Path
from typing import IO

from PIL import Image

from organizer.errors import UnreadableImageError

log = logging.getLogger(__name__)

# Pillow format names Organizer decodes (the JPEG opener also yields multi-picture "MPO" files);
# HEIF comes from pillow-heif (registered by register_extra_formats).
PHOTO_FORMATS = ("JPEG", "PNG", "WEBP", "TIFF", "GIF", "BMP", "HEIF", "AVIF")

# Pillow refuses images over twice its limit (179 MP) as decompression bombs; the same limit
# here admits every camera (a 100 MP frame is 11648x8736) and refuses headers declaring billions
# of pixels before anything is decoded.
MAX_PIXELS = 2 * (Image.MAX_IMAGE_PIXELS or 89_478_485)
# Far above any camera file (a 100 MP raw is ~200 MB), far below what hurts: a 1 GB sparse
# ".jpg" used to take 95 s and 1.1 GB of memory to refuse.
MAX_FILE_BYTES = 512 * 1024 * 1024


def register_extra_formats() -> None:
    """Teach Pillow HEIC/HEIF (phones) through pillow-heif; safe to call more than once."""
    from pillow_heif import register_heif_opener

    register_heif_opener()


def too_large_reason(size: int) -> str | None:
    """Why a file of ``size`` bytes is not opened as a photo, or None when it may be."""
    if size > MAX_FILE_BYTES:
        return f"file too large for a photo ({size / 1024**3:.1f} GB)"
    return None


@contextmanager
def open_image(source: Path | str | IO[bytes], shown_as: object = None) -> Iterator[Image.Image]:
    """Open ``source`` as one of ``PHOTO_FORMATS``; raise UnreadableImageError otherwise.

    Errors raised while the caller works on the image inside the ``with`` block (``load``,
    ``convert``...) are converted the same way, so decoding is covered too.
    """
    name = shown_as if shown_as is not None else source
    if isinstance(source, str | Path):
        with decode_errors(name):
            reason = too_large_reason(os.stat(source).st_size)
        if reason:
            raise UnreadableImageError(name, reason)
    with decode_errors(name), Image.open(source, formats=_available_formats()) as image:
        if image.width * image.height > MAX_PIXELS:
            raise UnreadableImageError(
                name, f"image too large to decode safely ({image.width}x{image.height} pixels)"
            )
        yield image


@cache
def _available_formats() -> tuple[str, ...]:
    """PHOTO_FORMATS that this Pillow can open (Pillow raises on a name it does not know)."""
    register_extra_formats()
    Image.init()
    _route_libtiff_messages_to_log()
    return tuple(name for name in PHOTO_FORMATS if name in Image.OPEN)


def _route_libtiff_messages_to_log() -> None:
    """libtiff prints every warning and error about a damaged TIFF straight to stderr (hundreds
    of lines in one ``organizer add``); Pillow still raises for the errors, and that becomes the
    file's reason. Send libtiff's messages to the log instead. Best effort: where the library
    cannot be found, its messages stay on stderr."""
    library = _pillow_libtiff()
    if library is None:
        return
    handler = _LIBTIFF_HANDLER_TYPE(_log_libtiff_message)
    try:
        library.TIFFSetWarningHandler.restype = ctypes.c_void_p
        library.TIFFSetErrorHandler.restype = ctypes.c_void_p
        library.TIFFSetWarningHandler(handler)
        library.TIFFSetErrorHandler(handler)
    except AttributeError:
        return
    _KEEP_ALIVE.append(handler)  # libtiff holds a raw pointer to the callback


# The callback's third argument is a va_list; it is never touched, which is safe on every ABI.
_LIBTIFF_HANDLER_TYPE = ctypes.CFUNCTYPE(None, ctypes.c_char_p, ctypes.c_char_p, ctypes.c_void_p)
_KEEP_ALIVE: list[object] = []


def _log_libtiff_message(module: bytes | None, text: bytes | None, _args: int | None) -> None:
    log.info(
        "libtiff: %s: %s",
        (module or b"").decode("utf-8", "replace"),
        (text or b"").decode("utf-8", "replace"),
    )


def _pillow_libtiff() -> ctypes.CDLL | None:
    """The libtiff Pillow's decoder uses: the copy bundled in its wheel, else the system's."""
    import PIL

    bundled = Path(PIL.__file__).resolve().parent.parent / "pillow.libs"
    paths = [str(p) for p in sorted(bundled.glob("libtiff*"))] if bundled.is_dir() else []
    system = ctypes.util.find_library("tiff")
    for candidate in [*paths, system]:
        if candidate:
            try:
                return ctypes.CDLL(candidate)
            except OSError:
                continue
    return None


@contextmanager
def decode_errors(name: object) -> Iterator[None]:
    """Whatever a decoder raises for one file becomes that file's UnreadableImageError."""
    try:
        yield
    except UnreadableImageError:
        raise
    except Image.DecompressionBombError as error:
        raise UnreadableImageError(name, f"image too large to decode safely ({error})") from error
    except Image.UnidentifiedImageError as error:
        raise UnreadableImageError(name, "not a supported image format") from error
    except FileNotFoundError as error:
        raise UnreadableImageError(name, "file not found (moved or deleted?)") from error
    except OSError as error:
        raise UnreadableImageError(name, f"cannot decode image: {_os_reason(error)}") from error
    except MemoryError as error:
        raise UnreadableImageError(name, "not enough memory to decode the image") from error
    except Exception as error:  # noqa: BLE001 - hostile files make decoders raise anything
        raise UnreadableImageError(name, f"cannot decode image: {_describe(error)}") from error


def _os_reason(error: OSError) -> str:
    return error.strerror or str(error) or type(error).__name__


def _describe(error: BaseException) -> str:
    text = str(error).strip()
    kind = type(error).__name__
    return f"{kind}: {text}" if text else kind
