"""XMP sidecars: which names belong to a photo, which one we write, and an empty packet.

Two conventions exist and both are read: ``photo.jpg.xmp`` (digiKam, darktable, exiftool's
``%f.%e.xmp``) and ``photo.xmp`` (Adobe Lightroom/Bridge, Capture One). ``photo.xmp`` is
ambiguous when ``photo.jpg`` and ``photo.cr2`` sit side by side; the appended form is not, so it is
our default for new sidecars. An existing sidecar is always updated in place of creating a second.
"""

from __future__ import annotations

from enum import Enum
from pathlib import Path


class SidecarNaming(Enum):
    APPEND = "append"  # photo.jpg.xmp
    REPLACE = "replace"  # photo.xmp


# A minimal, valid XMP packet that exiv2 opens as an XMP sidecar and fills in.
EMPTY_PACKET = (
    '<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>\n'
    '<x:xmpmeta xmlns:x="adobe:ns:meta/">\n'
    ' <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">\n'
    '  <rdf:Description rdf:about=""/>\n'
    " </rdf:RDF>\n"
    "</x:xmpmeta>\n"
    '<?xpacket end="w"?>\n'
).encode()


def sidecar_names(photo: Path) -> tuple[Path, ...]:
    """Every sidecar name that may belong to ``photo``, preferred first."""
    names = [photo.with_name(photo.name + ".xmp"), photo.with_name(photo.name + ".XMP")]
    if photo.suffix:
        names += [photo.with_suffix(".xmp"), photo.with_suffix(".XMP")]
    return tuple(dict.fromkeys(names))


def existing_sidecars(photo: Path) -> list[Path]:
    """Sidecars of ``photo`` present on disk (on case-insensitive disks, each one once)."""
    found: dict[tuple[int, int], Path] = {}
    for name in sidecar_names(photo):
        try:
            stat = name.stat()
        except OSError:
            continue
        found.setdefault((stat.st_dev, stat.st_ino), name)
    return list(found.values())


def sidecar_target(photo: Path, naming: SidecarNaming = SidecarNaming.APPEND) -> Path:
    """The sidecar to write: the existing one if any, else a new one named by ``naming``."""
    existing = existing_sidecars(photo)
    if existing:
        return existing[0]
    if naming is SidecarNaming.REPLACE and photo.suffix:
        return photo.with_suffix(".xmp")
    return photo.with_name(photo.name + ".xmp")


def is_sidecar(path: Path) -> bool:
    return path.suffix.lower() == ".xmp"
