"""``organizer suggest TAG``: the photos to review next for a tag ("more like these");
``organizer similar FILE...``: the photos most like some photos. Both print a ``Ranking``
(organizer/tagging/review.py), the list the app's grid shows for the same request."""

from __future__ import annotations

import argparse
from pathlib import Path

from organizer.app import App
from organizer.cli.main import known_photo_ids
from organizer.tagging.review import Ranking
from organizer.text import json_text, printable


def register(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser(
        "suggest",
        help="photos nobody has reviewed for TAG, most likely first (works for your own tags "
        "from the first confirmed photo)",
    )
    parser.add_argument("tag", metavar="TAG")
    parser.add_argument("--limit", type=int, default=20, help="how many (default 20)")
    parser.add_argument("--json", action="store_true", help="machine-readable output")
    parser.set_defaults(run=run_suggest)

    similar = commands.add_parser(
        "similar", help="the photos most like FILE (or like all the FILEs), most similar first"
    )
    similar.add_argument("files", nargs="+", type=Path, metavar="FILE")
    similar.add_argument("--limit", type=int, default=20, help="how many (default 20)")
    similar.add_argument("--json", action="store_true", help="machine-readable output")
    similar.set_defaults(run=run_similar)


def run_suggest(app: App, args: argparse.Namespace) -> int:
    heading = "photo (not yet confirmed or rejected; higher = more likely)"
    return _print(app, Ranking(tag=args.tag), args, {"tag": args.tag}, heading)


def run_similar(app: App, args: argparse.Namespace) -> int:
    ids = known_photo_ids(app, args.files)
    like = {"like": [app.library.photo_path(i) for i in ids]}
    return _print(app, Ranking(like=tuple(ids)), args, like, "photo (higher = more alike)")


def _print(app: App, ranking: Ranking, args: argparse.Namespace, about: dict, heading: str) -> int:
    candidates = ranking.candidates(app.library, app.active_bundle(), app.embeddings, args.limit)
    rows = [(app.library.photo_path(c.photo_id), c.score) for c in candidates]
    if args.json:
        photos = [{"path": p, "score": round(s, 4)} for p, s in rows]
        print(json_text({**about, "photos": photos}))
        return 0
    if rows:
        print(f"{'score':>8}  {heading}")
    for path, score in rows:
        print(f"{score:8.3f}  {printable(path)}")
    return 0
