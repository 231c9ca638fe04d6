"""IPTC keywords edited at the byte level inside a Photoshop IRB (JPEG APP13).

exiv2 re-encodes every IPTC dataset when it saves (it adds "+00:00" to TimeCreated, reorders
repeated records), so for JPEG we keep the original IIM bytes and only swap the 2:25 Keywords
and 1:90 CodedCharacterSet datasets. If the IRB carries an IPTC digest (resource 0x0425) that
matched the old IPTC, it is updated so readers do not think XMP and IPTC went out of sync.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

IRB_SIGNATURE = b"8BIM"
IPTC_RESOURCE = 0x0404
DIGEST_RESOURCE = 0x0425
_TAG = 0x1C


class IptcStructureError(ValueError):
    """The IRB or IIM data cannot be followed safely."""


def parse_irb(data: bytes) -> list[tuple[int, bytes, bytes]]:
    """Photoshop resources as (id, raw header incl. name, data)."""
    resources = []
    pos = 0
    while pos < len(data):
        if data[pos : pos + 4] != IRB_SIGNATURE:
            if data[pos:].strip(b"\x00") == b"":
                break  # zero padding at the end
            raise IptcStructureError("Photoshop resource block is damaged")
        resource_id = int.from_bytes(data[pos + 4 : pos + 6], "big")
        name_len = data[pos + 6]
        name_end = pos + 7 + name_len + ((name_len + 1) & 1)
        size = int.from_bytes(data[name_end : name_end + 4], "big")
        start = name_end + 4
        if start + size > len(data):
            raise IptcStructureError("Photoshop resource runs past the end of its block")
        resources.append((resource_id, data[pos:name_end], data[start : start + size]))
        pos = start + size + (size & 1)
    return resources


def build_irb(resources: Sequence[tuple[int, bytes, bytes]]) -> bytes:
    out = []
    for _, header, payload in resources:
        out += [header, len(payload).to_bytes(4, "big"), payload, b"\x00" * (len(payload) & 1)]
    return b"".join(out)


def replace_keywords(iim: bytes, keywords: Sequence[str]) -> bytes:
    """``iim`` with its 2:25 and 1:90 datasets replaced; every other dataset byte-identical."""
    datasets = _datasets(iim)
    kept = [raw for record, dataset, raw in datasets if (record, dataset) not in ((2, 25), (1, 90))]
    envelope = [raw for raw in kept if raw[1] == 1]
    rest = [raw for raw in kept if raw[1] != 1]
    charset = [_dataset(1, 90, b"\x1b%G")] if keywords else []
    # Records must appear in ascending order: envelope (1) first, then application (2).
    record2_at = next((i for i, raw in enumerate(rest) if raw[1] >= 2), len(rest))
    before, after = rest[:record2_at], rest[record2_at:]
    new_keywords = [_dataset(2, 25, k.encode("utf-8")) for k in keywords]
    insert_at = _after_record2_version(after)
    after = after[:insert_at] + new_keywords + after[insert_at:]
    return b"".join([*envelope, *charset, *before, *after])


def digest(iim: bytes) -> bytes:
    return hashlib.md5(iim).digest()  # noqa: S324 - Photoshop's IPTCDigest is defined as MD5


def _after_record2_version(datasets: list[bytes]) -> int:
    for index, raw in enumerate(datasets):
        if raw[1] == 2 and raw[2] == 0:  # 2:00 RecordVersion must stay first in record 2
            return index + 1
    return 0


def _dataset(record: int, dataset: int, payload: bytes) -> bytes:
    if len(payload) > 0x7FFF:
        raise IptcStructureError("IPTC value too long")
    return bytes([_TAG, record, dataset]) + len(payload).to_bytes(2, "big") + payload


def _datasets(iim: bytes) -> list[tuple[int, int, bytes]]:
    out = []
    pos = 0
    while pos < len(iim):
        if iim[pos] != _TAG:
            if iim[pos:].strip(b"\x00") == b"":
                break
            raise IptcStructureError("IPTC data is damaged")
        record, dataset = iim[pos + 1], iim[pos + 2]
        size = int.from_bytes(iim[pos + 3 : pos + 5], "big")
        header = 5
        if size & 0x8000:  # extended dataset: the length field gives the size of the size
            count = size & 0x7FFF
            size = int.from_bytes(iim[pos + 5 : pos + 5 + count], "big")
            header += count
        end = pos + header + size
        if end > len(iim):
            raise IptcStructureError("IPTC dataset runs past the end of its block")
        out.append((record, dataset, iim[pos:end]))
        pos = end
    return out


def patch_irb(irb: bytes, keywords: Sequence[str]) -> bytes:
    """A Photoshop IRB with its IPTC keywords replaced (IPTC resource added if missing)."""
    resources = parse_irb(irb)
    old_iim = next((d for rid, _, d in resources if rid == IPTC_RESOURCE), b"")
    new_iim = replace_keywords(old_iim, keywords)
    old_digest = next((d for rid, _, d in resources if rid == DIGEST_RESOURCE), None)
    # Photoshop writes 16 zero bytes as the digest of "no IPTC yet".
    digest_was_current = old_digest in (digest(old_iim), bytes(16) if not old_iim else None)
    patched = []
    for rid, header, payload in resources:
        if rid == IPTC_RESOURCE:
            payload = new_iim
        elif rid == DIGEST_RESOURCE and digest_was_current:
            payload = digest(new_iim)
        patched.append((rid, header, payload))
    if not any(rid == IPTC_RESOURCE for rid, _, _ in resources):
        patched.append((IPTC_RESOURCE, IRB_SIGNATURE + b"\x04\x04\x00\x00", new_iim))
    return build_irb(patched)
