"""A contact sheet of the photos a tag is suggested on in a library, to judge precision by eye.

    python -m organizer_training.contact_sheet --library DIR TAG [--count 36] [--out sheet.jpg]

A random sample (fixed seed) of the photos where TAG is a model suggestion nobody reviewed,
each captioned with its score, in a grid.
"""

from __future__ import annotations

import argparse
import random
from pathlib import Path

from PIL import Image, ImageDraw

from organizer.app import open_app
from organizer.errors import OrganizerError, UnreadableImageError
from organizer.imaging import open_image

CELL = 160


def contact_sheet(library_dir: Path, tag: str, count: int, out: Path, seed: int = 0) -> int:
    app = open_app(library_dir)
    try:
        tag_id = app.library.tag_id(tag)
        if tag_id is None:
            raise OrganizerError(f"no tag named {tag!r} in this library")
        suggested = app.library.suggestions(tag_id, 1_000_000)
        sample = random.Random(seed).sample(suggested, min(count, len(suggested)))
        paths = {pid: app.library.photo_path(pid) for pid, _ in sample}
    finally:
        app.close()
    columns = 6
    rows = max(1, -(-len(sample) // columns))
    sheet = Image.new("RGB", (columns * CELL, rows * (CELL + 16)), "white")
    draw = ImageDraw.Draw(sheet)
    for index, (photo_id, score) in enumerate(sample):
        x, y = (index % columns) * CELL, (index // columns) * (CELL + 16)
        try:
            with open_image(paths[photo_id]) as image:
                thumb = image.convert("RGB")
                thumb.thumbnail((CELL - 4, CELL - 4))
            sheet.paste(thumb, (x + 2, y + 2))
        except UnreadableImageError:
            pass
        draw.text((x + 4, y + CELL), f"{score:.2f} {Path(paths[photo_id]).name[:18]}", fill="black")
    sheet.save(out)
    print(f"{tag}: {len(suggested)} suggestions, {len(sample)} shown in {out}")
    return len(suggested)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--library", type=Path, required=True)
    parser.add_argument("tag")
    parser.add_argument("--count", type=int, default=36)
    parser.add_argument("--out", type=Path, default=Path("contact-sheet.png"))
    args = parser.parse_args(argv)
    contact_sheet(args.library, args.tag, args.count, args.out)


if __name__ == "__main__":
    main()
