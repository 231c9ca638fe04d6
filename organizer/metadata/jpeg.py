"""Put new keyword segments into the original JPEG, keeping every other byte.

exiv2 re-encodes the whole EXIF block whenever it saves a JPEG: it drops IFD0 tags it considers
out of place (PhotometricInterpretation...), re-serialises maker notes, and may cut a thumbnail
to fit 64 KiB. Those bytes are the camera's, so we take from exiv2's output only the segments we
meant to change (XMP in APP1, the Photoshop IRB with IPTC in APP13, and EXIF only when we
changed XPKeywords and the result verified) and keep every other byte of the original file.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from organizer.metadata.iptc import patch_irb

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


def has_hidden_xmp(data: bytes) -> bool:
    """An APP1 segment holding an XMP packet under a non-standard header: exiv2 does not see
    it (and would add a second packet beside it), while exiftool and others read it, so
    keywords written next to it would be shadowed by the old ones."""
    try:
        segments, _ = header_segments(data)
    except JpegStructureError:
        return False
    for segment in segments:
        payload = data[segment.start : segment.end]
        if segment.marker == _APP1 and segment.kind(data) == "other" and (
            b"<x:xmpmeta" in payload or b"<?xpacket" in payload
        ):
            return True
    return False


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


def splice(
    original: bytes,
    rewritten: bytes,
    *,
    take_exif: bool,
    iptc_keywords: tuple[str, ...] | None,
) -> bytes:
    """``original`` with exiv2's XMP, our patched IPTC, and exiv2's EXIF if ``take_exif``.

    ``iptc_keywords=None`` keeps the original APP13 untouched.
    """
    old_segments, old_sos = header_segments(original)
    new_segments, _ = header_segments(rewritten)
    if _has_afcp_trailer(original):
        raise JpegStructureError("the file ends with an AFCP block whose offsets would break")
    old_by_kind = _by_kind(original, old_segments)
    new_by_kind = _by_kind(rewritten, new_segments)
    old_xmp_main = next((s for s in old_by_kind["xmp"] if s.startswith(_XMP_MAIN, 4)), b"")
    replacements = {
        "xmp": [_restore_xmp(seg, old_xmp_main) for seg in new_by_kind["xmp"]],
        "exif": new_by_kind["exif"] if take_exif else old_by_kind["exif"],
        "irb": old_by_kind["irb"],
    }
    if iptc_keywords is not None:
        old_irb = b"".join(seg[4 + len(_IRB_ID) :] for seg in old_by_kind["irb"])
        replacements["irb"] = _irb_segments(patch_irb(old_irb, iptc_keywords))
    wanted = ("exif", "xmp", "irb")

    out = [_SOI]
    placed: set[str] = set()
    for segment in old_segments:
        kind = segment.kind(original)
        if kind not in wanted:
            if segment.marker != _APP0:
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


_XMP_MAIN = _XMP_IDS[0]
_MAX_SEGMENT_PAYLOAD = 0xFFFF - 2
_XMLNS = re.compile(rb"""xmlns:([\w.-]+)\s*=\s*(["'])([^"']*)\2""")
_ABOUT = re.compile(rb"""(?:rdf:)?about\s*=\s*(["'])([^"']*)\1""")  # old RDF omits rdf:
_EMPTY_ABOUT = b'rdf:about=""'


def _by_kind(data: bytes, segments: list[Segment]) -> dict[str, list[bytes]]:
    found: dict[str, list[bytes]] = {"xmp": [], "exif": [], "irb": [], "other": []}
    for segment in segments:
        found[segment.kind(data)].append(data[segment.start : segment.end])
    return found


def _restore_xmp(segment: bytes, old_segment: bytes) -> bytes:
    """Undo exiv2's rewrites of namespace URIs and of ``rdf:about`` in the main XMP packet.

    exiv2 keys XMP by prefix and writes its own URI for prefixes it knows (MicrosoftPhoto gains
    a trailing slash), and always writes ``rdf:about=""``. Readers match by URI, so the file's
    original URIs and about-value are put back.
    """
    if not segment.startswith(_XMP_MAIN, 4) or not old_segment:
        return segment
    packet = segment[4 + len(_XMP_MAIN) :]
    old_packet = _as_utf8(old_segment[4 + len(_XMP_MAIN) :])
    old_uris = {m.group(1): m.group(3) for m in _XMLNS.finditer(old_packet)}

    def fix_uri(match: re.Match[bytes]) -> bytes:
        uri = old_uris.get(match.group(1), match.group(3))
        return b"xmlns:" + match.group(1) + b'="' + uri + b'"'

    packet = _XMLNS.sub(fix_uri, packet)
    old_about = _ABOUT.search(old_packet)
    if old_about and old_about.group(2):
        about = b'rdf:about="' + old_about.group(2).replace(b'"', b"&quot;") + b'"'
        packet = packet.replace(_EMPTY_ABOUT, about, 1)
    payload = _XMP_MAIN + packet
    if len(payload) > _MAX_SEGMENT_PAYLOAD:
        raise JpegStructureError("the XMP packet is too large for one JPEG segment")
    return b"\xff\xe1" + (len(payload) + 2).to_bytes(2, "big") + payload


def _as_utf8(packet: bytes) -> bytes:
    """XMP packets may be UTF-16 or UTF-32 (the spec allows it); compare them as UTF-8."""
    head = packet[:64]
    if b"\x00" not in head:
        return packet
    for encoding in ("utf-32-be", "utf-32-le", "utf-16-be", "utf-16-le"):
        unit = 4 if "32" in encoding else 2
        first = head[:unit]
        if (encoding.endswith("be") and first[-1:] == b"<") or (
            encoding.endswith("le") and first[:1] == b"<"
        ):
            return packet.decode(encoding, "replace").encode("utf-8")
    return packet.replace(b"\x00", b"")


def _irb_segments(irb: bytes) -> list[bytes]:
    """APP13 segments holding ``irb`` (split like Photoshop when over 64 KiB)."""
    room = _MAX_SEGMENT_PAYLOAD - len(_IRB_ID)
    chunks = [irb[i : i + room] for i in range(0, len(irb), room)] or [b""]
    return [
        b"\xff\xed" + (len(_IRB_ID) + len(chunk) + 2).to_bytes(2, "big") + _IRB_ID + chunk
        for chunk in chunks
    ]


def _has_afcp_trailer(data: bytes) -> bool:
    return data[-12:-8] == b"AXS!" or data[-12:-8] == b"AXS*"


def _place_missing(out: list[bytes], wanted, placed: set[str], replacements) -> None:
    for kind in wanted:
        _place(out, kind, placed, replacements)


def _place(out: list[bytes], kind: str, placed: set[str], replacements) -> None:
    if kind not in placed:
        out.extend(replacements[kind])
        placed.add(kind)
