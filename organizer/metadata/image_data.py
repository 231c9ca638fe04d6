"""A fingerprint of a file's image data, to prove a metadata write left the pixels alone.

For JPEG, PNG and WebP the fingerprint hashes the container's non-metadata parts byte for byte
(scan data, tables, colour profile...), which is both stricter and much faster than decoding. TIFF
stores metadata and strips in one IFD structure that exiv2 rewrites, so there the fingerprint is
the decoded pixels of every frame.

Before a write, ``check_decodes`` makes sure the image decodes at all: writing into a truncated or
corrupt file would hide the damage behind a fresh modification, so such files are refused.
"""

from __future__ import annotations

import hashlib
import io

from PIL import Image, ImageFile

from organizer.errors import UnreadableImageError
from organizer.imaging import open_image

# Segments exiv2 rewrites: APP1 (Exif, XMP) and APP13 (Photoshop IRB holding IPTC).
_JPEG_METADATA_MARKERS = frozenset({0xE1, 0xED})
# Markers that stand alone (no length field).
_JPEG_STANDALONE = frozenset({0x01, *range(0xD0, 0xD8)})
_PNG_METADATA_CHUNKS = frozenset({b"tEXt", b"zTXt", b"iTXt", b"eXIf", b"tIME"})
_WEBP_METADATA_CHUNKS = frozenset({b"EXIF", b"XMP ", b"VP8X"})


class ImageDataError(ValueError):
    """The image data is damaged or cannot be checked."""


def fingerprint(data: bytes, format_name: str) -> str:
    """A digest of everything in ``data`` that is not keyword-bearing metadata."""
    if format_name == "jpeg":
        return _jpeg_fingerprint(data)
    if format_name == "png":
        return _png_fingerprint(data)
    if format_name == "webp":
        return _webp_fingerprint(data)
    return _pixel_fingerprint(data)


def check_decodes(data: bytes, format_name: str) -> None:
    """Raise ImageDataError unless Pillow decodes the whole image (all frames)."""
    # Pillow's flag is global; refuse truncated files explicitly rather than trusting it.
    if ImageFile.LOAD_TRUNCATED_IMAGES:
        raise ImageDataError("Pillow is set to load truncated images; cannot check the file")
    try:
        with open_image(io.BytesIO(data), "image") as image:
            if format_name == "jpeg":
                # DCT scaling still walks every entropy-coded block, so truncation and corrupt
                # Huffman data are found at a fraction of the cost of a full decode. Only the
                # primary image: the extra frames a multi-picture index claims may not exist
                # (real files), and the fingerprint covers every byte after them anyway.
                image.draft(image.mode, (max(1, image.width // 8), max(1, image.height // 8)))
                image.load()
                return
            for _ in _frames(image):
                image.load()
    except UnreadableImageError as exc:
        raise ImageDataError(f"image data is damaged or unsupported ({exc.reason})") from exc


def _frames(image: Image.Image):
    for index in range(getattr(image, "n_frames", 1)):
        image.seek(index)
        yield index


def _pixel_fingerprint(data: bytes) -> str:
    digest = hashlib.sha256()
    try:
        with open_image(io.BytesIO(data), "image") as image:
            for _ in _frames(image):
                image.load()
                digest.update(f"{image.mode}:{image.size}".encode())
                digest.update(image.tobytes())
    except UnreadableImageError as exc:
        raise ImageDataError(f"cannot decode the image to verify it ({exc.reason})") from exc
    return digest.hexdigest()


def _jpeg_fingerprint(data: bytes) -> str:
    """Hash every segment except APP1/APP13, then everything from the first SOS to the end."""
    digest = hashlib.sha256()
    pos = 2
    while pos + 4 <= len(data):
        if data[pos] != 0xFF:
            raise ImageDataError(f"JPEG structure is damaged at byte {pos}")
        marker = data[pos + 1]
        if marker == 0xFF:  # fill byte
            pos += 1
            continue
        if marker in _JPEG_STANDALONE:
            digest.update(data[pos : pos + 2])
            pos += 2
            continue
        length = int.from_bytes(data[pos + 2 : pos + 4], "big")
        if marker == 0xDA:  # SOS: scan data and whatever follows (more scans, EOI, trailers)
            digest.update(data[pos:])
            return digest.hexdigest()
        end = pos + 2 + length
        if length < 2 or end > len(data):
            raise ImageDataError(f"JPEG segment at byte {pos} runs past the end of the file")
        if marker not in _JPEG_METADATA_MARKERS:
            digest.update(data[pos:end])
        pos = end
    raise ImageDataError("JPEG has no image data (no start-of-scan marker)")


def _png_fingerprint(data: bytes) -> str:
    digest = hashlib.sha256()
    pos = 8
    while pos + 12 <= len(data):
        length = int.from_bytes(data[pos : pos + 4], "big")
        kind = data[pos + 4 : pos + 8]
        end = pos + 12 + length
        if end > len(data):
            raise ImageDataError(f"PNG chunk {kind!r} runs past the end of the file")
        if kind not in _PNG_METADATA_CHUNKS:
            digest.update(data[pos:end])
        pos = end
        if kind == b"IEND":
            break
    return digest.hexdigest()


def _webp_fingerprint(data: bytes) -> str:
    digest = hashlib.sha256()
    pos = 12
    while pos + 8 <= len(data):
        kind = data[pos : pos + 4]
        length = int.from_bytes(data[pos + 4 : pos + 8], "little")
        end = pos + 8 + length + (length & 1)
        if pos + 8 + length > len(data):
            raise ImageDataError(f"WebP chunk {kind!r} runs past the end of the file")
        if kind not in _WEBP_METADATA_CHUNKS:
            digest.update(data[pos : pos + 8 + length])
        pos = end
    return digest.hexdigest()


_PNG_TEXT_CHUNKS = frozenset({b"tEXt", b"zTXt", b"iTXt"})
_XMP_PNG_KEYWORD = b"XML:com.adobe.xmp\x00"


def png_text_chunks(data: bytes) -> list[bytes]:
    """Every text chunk of a PNG except its XMP packet, raw (keyword, language tag, text):
    what a keyword write must leave exactly as it was."""
    chunks = []
    pos = 8
    while pos + 12 <= len(data):
        length = int.from_bytes(data[pos : pos + 4], "big")
        kind = data[pos + 4 : pos + 8]
        body = data[pos + 8 : pos + 8 + length]
        if kind in _PNG_TEXT_CHUNKS and not body.startswith(_XMP_PNG_KEYWORD):
            chunks.append(kind + body)
        pos += 12 + length
        if kind == b"IEND":
            break
    return chunks
