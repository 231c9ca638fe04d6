"""What a user sees on camera photos no build trained on, judged by eye (issue #11).

83 camera and phone photos from ../shared/data/metadata: exif-py's camera JPEGs and HEIF files,
the orientation set's two originals and piexif's L01/L02 (repeated orientations, a blue square
and a grey fill left out): streets, parks, people, pets, food, cars, flowers, a kitchen, a
painting. ``camera_photos.json`` lists, per photo, every content tag a person judged right on it,
generously (anything clearly visible). A bundle's suggestions are scored against that list: a
shown content tag (not indoor or outdoor) in it is right, any other is wrong.

The lists were written after looking at default-4's suggestions on these photos, so this checks
what users see; it is not a held-out measure. A tag a later model suggests that nobody listed
counts as wrong until someone looks at the photo (the report names each one) and adds it.

    python -m organizer_training.camera_photos [--bundle DIR] [--data DIR]
"""

from __future__ import annotations

import argparse
import json
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from organizer.tagging.bundle import default_bundle_dir, load_bundle
from organizer.tagging.engine import TaggingEngine
from organizer_training.datasets import default_data_dir

JUDGED = Path(__file__).with_name("camera_photos.json")
NOT_CONTENT = frozenset({"indoor", "outdoor"})


@dataclass
class Judgement:
    photos: int = 0
    right: int = 0
    wrong: int = 0
    with_content_tag: int = 0
    wrong_by_tag: Counter[str] = field(default_factory=Counter)
    wrong_by_photo: dict[str, list[str]] = field(default_factory=dict)

    @property
    def precision(self) -> float:
        shown = self.right + self.wrong
        return self.right / shown if shown else float("nan")

    def summary(self) -> str:
        shown = self.right + self.wrong
        return (f"{self.photos} photos: {self.right} of {shown} shown content tags right "
                f"({self.precision:.2f}); {self.with_content_tag} of {self.photos} photos with a "
                f"content tag, {shown / max(self.photos, 1):.2f} per photo")


def judge(shown: dict[str, set[str]], judged: dict[str, list[str]]) -> Judgement:
    """Score the tags shown on each judged photo (keyed like ``judged``) against its list."""
    result = Judgement()
    for photo, right_tags in judged.items():
        tags = shown.get(photo, set()) - NOT_CONTENT
        result.photos += 1
        result.with_content_tag += bool(tags)
        wrong = sorted(tags - set(right_tags))
        result.right += len(tags) - len(wrong)
        result.wrong += len(wrong)
        result.wrong_by_tag.update(wrong)
        if wrong:
            result.wrong_by_photo[photo] = wrong
    return result


def read_judged() -> dict[str, list[str]]:
    return json.loads(JUDGED.read_text(encoding="utf-8"))


def shown_tags(bundle_dir: Path, metadata_dir: Path, photos: list[str]) -> dict[str, set[str]]:
    """The tags the bundle suggests on each photo, as every suggestion path decides them."""
    engine = TaggingEngine(load_bundle(bundle_dir), use_gpu=False)
    shown = {}
    results = engine.tag_files(metadata_dir / photo for photo in photos)
    for photo, result in zip(photos, results, strict=True):
        if result.error is not None:
            raise RuntimeError(f"{photo}: {result.error}")
        shown[photo] = {name for name, _ in result.suggestions()}
    return shown


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--bundle", type=Path, default=default_bundle_dir())
    parser.add_argument("--data", type=Path, default=default_data_dir(),
                        help="the shared data folder (metadata/ holds the photos)")
    args = parser.parse_args(argv)
    judged = read_judged()
    result = judge(shown_tags(args.bundle, args.data / "metadata", list(judged)), judged)
    print(result.summary())
    print("wrong, by tag:", ", ".join(f"{t} {n}" for t, n in result.wrong_by_tag.most_common()))
    for photo, wrong in result.wrong_by_photo.items():
        print(f"  {photo}: {', '.join(wrong)}")


if __name__ == "__main__":
    main()
