"""``organizer suggest TAG``: the photos to review next for a tag ("more like these")."""

from __future__ import annotations

import argparse
import json

from organizer.app import App
from organizer.tagging.review import review_queue
from organizer.text import printable


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


def run_suggest(app: App, args: argparse.Namespace) -> int:
    candidates = review_queue(app.library, app.active_bundle(), args.tag, args.limit)
    rows = [(app.library.photo_path(c.photo_id), c.score) for c in candidates]
    if args.json:
        print(
            json.dumps(
                {"tag": args.tag, "photos": [{"path": p, "score": round(s, 4)} for p, s in rows]},
                ensure_ascii=False,
            )
        )
        return 0
    if rows:
        print(f"{'score':>8}  photo (not yet confirmed or rejected; higher = more likely)")
    for path, score in rows:
        print(f"{score:8.3f}  {printable(path)}")
    return 0
