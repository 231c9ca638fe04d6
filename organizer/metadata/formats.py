"""What a file really is (from its first bytes) and how keywords can be stored in it.

The extension is only a claim: real libraries hold ``.jpg`` files that are HEIC and ``.nef`` files
that are JPEG. Writing trusts the content and refuses a file whose extension contradicts it, because
other programs pick their parser by extension and would misread what we wrote.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from pathlib import Path


class Storage(Enum):
    """Where Organizer puts keywords for a format."""

    EMBED = "embed"  # XMP + IPTC + EXIF inside the file (pyexiv2 writes these losslessly)
    SIDECAR = "sidecar"  # an .xmp file next to the photo


@dataclass(frozen=True)
class FormatInfo:
    name: str  # "jpeg", "png", "webp", "tiff", "heif", "raw", ...
    storage: Storage


JPEG = FormatInfo("jpeg", Storage.EMBED)
PNG = FormatInfo("png", Storage.EMBED)
WEBP = FormatInfo("webp", Storage.EMBED)
TIFF = FormatInfo("tiff", Storage.EMBED)
# pyexiv2 cannot write XMP into HEIF/AVIF; RAW files are the photographer's negatives, which
# Lightroom, darktable and digiKam also leave untouched and describe in sidecars.
HEIF = FormatInfo("heif", Storage.SIDECAR)
RAW = FormatInfo("raw", Storage.SIDECAR)
JXL = FormatInfo("jxl", Storage.SIDECAR)
GIF = FormatInfo("gif", Storage.SIDECAR)
BMP = FormatInfo("bmp", Storage.SIDECAR)

RAW_EXTENSIONS = frozenset(
    {
        ".3fr",
        ".ari",
        ".arw",
        ".bay",
        ".cr2",
        ".cr3",
        ".crw",
        ".dcr",
        ".dng",
        ".erf",
        ".fff",
        ".iiq",
        ".k25",
        ".kdc",
        ".mef",
        ".mos",
        ".mrw",
        ".nef",
        ".nrw",
        ".orf",
        ".pef",
        ".raf",
        ".raw",
        ".rw2",
        ".rwl",
        ".sr2",
        ".srf",
        ".srw",
        ".x3f",
    }
)

# Which extensions may legitimately hold which content.
_EXTENSIONS: dict[str, frozenset[str]] = {
    "jpeg": frozenset({".jpg", ".jpeg", ".jpe", ".jfif"}),
    "png": frozenset({".png"}),
    "webp": frozenset({".webp"}),
    "tiff": frozenset({".tif", ".tiff"}),
    "heif": frozenset({".heic", ".heif", ".hif", ".avif", ".heics", ".avifs"}),
    "jxl": frozenset({".jxl"}),
    "gif": frozenset({".gif"}),
    "bmp": frozenset({".bmp", ".dib"}),
}

_HEIF_BRANDS = frozenset(
    {b"heic", b"heix", b"heim", b"heis", b"hevc", b"hevx", b"mif1", b"msf1", b"avif", b"avis"}
)
_CR3_BRAND = b"crx "

HEADER_BYTES = 64


class FormatError(ValueError):
    """The content is not a supported image, or the extension lies about it."""


def sniff(header: bytes) -> str | None:
    """The container format named by a file's first bytes, or None if unknown."""
    if header.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if header.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if header[:4] == b"RIFF" and header[8:12] == b"WEBP":
        return "webp"
    if header[:4] in (b"II*\x00", b"MM\x00*", b"II+\x00", b"MM\x00+"):
        return "tiff"
    if header[4:8] == b"ftyp":
        brand = header[8:12]
        if brand == _CR3_BRAND:
            return "raw"
        if brand in _HEIF_BRANDS or _HEIF_BRANDS.intersection(_compatible_brands(header)):
            return "heif"
        return None
    if header.startswith(b"\xff\x0a") or header.startswith(b"\x00\x00\x00\x0cJXL "):
        return "jxl"
    if header[:6] in (b"GIF87a", b"GIF89a"):
        return "gif"
    if header[:2] == b"BM":
        return "bmp"
    if header.startswith(b"FUJIFILMCCD-RAW"):
        return "raw"
    return None


def _compatible_brands(header: bytes) -> list[bytes]:
    box_size = int.from_bytes(header[0:4], "big")
    end = min(box_size, len(header))
    return [header[i : i + 4] for i in range(16, end - 3, 4)]


def classify(path: Path, header: bytes) -> FormatInfo:
    """The format of ``path`` from its content, checked against its extension.

    Raises FormatError for unknown content and for an extension that names another format.
    """
    content = sniff(header)
    suffix = path.suffix.lower()
    if content is None:
        raise FormatError("not a supported image format (unrecognised file content)")
    if suffix in RAW_EXTENSIONS:
        # RAW containers are TIFF-like (NEF, ARW, DNG, CR2), ISO-BMFF (CR3) or vendor-specific.
        if content in ("tiff", "raw"):
            return RAW
        raise FormatError(f"extension {suffix} says RAW but the content is {content.upper()}")
    if content == "raw":
        raise FormatError(f"extension {suffix or '(none)'} does not match the RAW content")
    allowed = _EXTENSIONS.get(content, frozenset())
    if suffix not in allowed:
        raise FormatError(
            f"extension {suffix or '(none)'} does not match the content ({content.upper()})"
        )
    return {
        "jpeg": JPEG,
        "png": PNG,
        "webp": WEBP,
        "tiff": TIFF,
        "heif": HEIF,
        "jxl": JXL,
        "gif": GIF,
        "bmp": BMP,
    }[content]
