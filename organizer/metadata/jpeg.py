"""Put exiv2's new XMP and IPTC segments into the original JPEG, byte for byte otherwise.

exiv2 re-encodes the whole EXIF block whenever it saves a JPEG: it drops IFD0 tags it considers
out of place (PhotometricInterpretation...), re-serialises maker notes, and may cut a thumbnail
to fit 64 KiB. Those bytes are the camera's, so we take from exiv2's output only the segments we
meant to change (XMP in APP1, the Photoshop IRB with IPTC in APP13, and EXIF only when we
changed XPKeywords and the result verified) and keep every other byte of the original file.
"""

from __future__ import annotations

from dataclasses import dataclass

_SOI = b"\xff\xd8"
_APP0, _APP1, _APP13, _SOS = 0xE0, 0xE1, 0xED, 0xDA
_STANDALONE = frozenset({0x01, *range(0xD0, 0xD8)})
_EXIF_ID = b"Exif\x00"
_XMP_IDS = (b"http://ns.adobe.com/xap/1.0/\x00", b"http://ns.adobe.com/xmp/extension/\x00")
_IRB_ID = b"Photoshop 3.0\x00"


class JpegStructureError(ValueError):
    """The JPEG's segment structure cannot be followed."""


@dataclass(frozen=True)
class Segment:
    marker: int
    start: int
    end: int

    def kind(self, data: bytes) -> str:
        payload = data[self.start + 4 : self.start + 4 + 40]
        if self.marker == _APP1 and payload.startswith(_EXIF_ID):
            return "exif"
        if self.marker == _APP1 and payload.startswith(_XMP_IDS):
            return "xmp"
        if self.marker == _APP13 and payload.startswith(_IRB_ID):
            return "irb"
        return "other"


def header_segments(data: bytes) -> tuple[list[Segment], int]:
    """Segments before the first SOS, and the offset where the SOS (image data) starts."""
    if not data.startswith(_SOI):
        raise JpegStructureError("not a JPEG (no start-of-image marker)")
    segments: list[Segment] = []
    pos = 2
    while pos + 4 <= len(data):
        if data[pos] != 0xFF:
            raise JpegStructureError(f"JPEG structure is damaged at byte {pos}")
        marker = data[pos + 1]
        if marker == 0xFF:
            pos += 1
            continue
        if marker in _STANDALONE:
            segments.append(Segment(marker, pos, pos + 2))
            pos += 2
            continue
        if marker == _SOS:
            return segments, pos
        end = pos + 2 + int.from_bytes(data[pos + 2 : pos + 4], "big")
        if end > len(data) or end < pos + 4:
            raise JpegStructureError(f"JPEG segment at byte {pos} runs past the end of the file")
        segments.append(Segment(marker, pos, end))
        pos = end
    raise JpegStructureError("JPEG has no image data (no start-of-scan marker)")


def splice(original: bytes, rewritten: bytes, *, take_exif: bool) -> bytes:
    """``original`` with its XMP/IRB (and EXIF if ``take_exif``) segments from ``rewritten``."""
    old_segments, old_sos = header_segments(original)
    new_segments, _ = header_segments(rewritten)
    replacements = {"xmp": [], "irb": [], "exif": []}
    for segment in new_segments:
        kind = segment.kind(rewritten)
        if kind in replacements:
            replacements[kind].append(rewritten[segment.start : segment.end])
    wanted = ("exif", "xmp", "irb") if take_exif else ("xmp", "irb")

    out = [_SOI]
    placed: set[str] = set()
    for segment in old_segments:
        kind = segment.kind(original)
        if kind not in wanted:
            if kind != "exif" and segment.marker != _APP0:
                _place_missing(out, wanted, placed, replacements)
            out.append(original[segment.start : segment.end])
            continue
        if kind not in placed:
            # A block that did not exist yet goes in order: EXIF, then XMP, then IRB.
            for earlier in wanted[: wanted.index(kind)]:
                _place(out, earlier, placed, replacements)
            _place(out, kind, placed, replacements)
    _place_missing(out, wanted, placed, replacements)
    out.append(original[old_sos:])
    return b"".join(out)


def _place_missing(out: list[bytes], wanted, placed: set[str], replacements) -> None:
    for kind in wanted:
        _place(out, kind, placed, replacements)


def _place(out: list[bytes], kind: str, placed: set[str], replacements) -> None:
    if kind not in placed:
        out.extend(replacements[kind])
        placed.add(kind)
