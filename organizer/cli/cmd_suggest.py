"""``organizer suggest TAG``: the photos to review next for a tag ("more like these");
``organizer similar FILE...``: the photos most like some photos. Both print a ``Ranking``
(organizer/tagging/review.py), the list the app's grid shows for the same request.
``organizer duplicates``: the groups of exact copies and near duplicates the app's duplicates
list shows, group by group (organizer/tagging/duplicates.py)."""

from __future__ import annotations

import argparse
from pathlib import Path

from organizer.app import App
from organizer.cli.main import known_photo_ids
from organizer.cli.progress import TerminalProgress
from organizer.tagging.review import Ranking, duplicate_groups
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

    duplicates = commands.add_parser(
        "duplicates", help="groups of photos that are copies of one another or nearly the same "
        "picture (from the index: content hashes and stored embeddings)"
    )
    duplicates.add_argument("--exact", action="store_true",
                            help="exact copies only (same file content)")
    duplicates.add_argument("--json", action="store_true", help="machine-readable output")
    duplicates.set_defaults(run=run_duplicates)


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


def run_duplicates(app: App, args: argparse.Namespace) -> int:
    progress = TerminalProgress()  # on a terminal: a big library takes seconds
    try:
        groups = duplicate_groups(app.library, app.active_bundle(), app.embeddings,
                                  near=not args.exact, progress=progress)
    finally:
        progress.close()
    listed = [(g, [app.library.photo_path(i) for i in g.photo_ids]) for g in groups]
    if args.json:
        print(json_text({"groups": [
            {"exact": g.exact, "similarity": round(g.similarity, 4), "photos": paths}
            for g, paths in listed]}))
        return 0
    exact = sum(g.exact for g in groups)
    print(f"{len(groups)} group(s): {exact} of exact copies, {len(groups) - exact} of near "
          "duplicates")
    for group, paths in listed:
        heading = ("exact copies" if group.exact
                   else f"near duplicates (similarity {group.similarity:.3f})")
        print(f"\n{heading}:")
        for path in paths:
            print(f"  {printable(path)}")
    return 0
