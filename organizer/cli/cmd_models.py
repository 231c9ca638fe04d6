"""``organizer models`` lists model versions; ``organizer models use VERSION`` switches.

``use`` restores a version exactly (its files are checked against the digests recorded when it
was trained) and re-scores the library's suggestions from the stored embeddings, so search
results follow the model at once. ``default`` is the shipped model; ``previous`` the one that
was active before the current one.
"""

from __future__ import annotations

import argparse

from organizer.app import App
from organizer.cli.progress import TerminalProgress
from organizer.text import json_text


def register(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser("models", help="list model versions, or switch with 'use'")
    parser.add_argument("--json", action="store_true", help="machine-readable output")
    parser.set_defaults(run=run_list)
    actions = parser.add_subparsers(title="actions", metavar="ACTION")
    use = actions.add_parser("use", help="make VERSION the active model (default = shipped)")
    use.add_argument("version", metavar="VERSION", help="a version name, 'default' or 'previous'")
    use.set_defaults(run=run_use)


def run_list(app: App, args: argparse.Namespace) -> int:
    registry = app.model_registry()
    versions = registry.versions()
    if args.json:
        print(json_text({"active": registry.active_name(),
                         "previous": registry.previous_name(),
                         "models": [v.to_dict() for v in versions]}))
        return 0
    for version in versions:
        marker = "*" if version.active else " "
        changes = []
        if version.new_tags:
            changes.append("new: " + ", ".join(version.new_tags))
        if version.retrained_tags:
            changes.append("retrained: " + ", ".join(version.retrained_tags))
        parent = f"from {version.parent}" if version.parent else ""
        print(f"{marker} {version.name:<12} {version.status:<9} {version.created or '':<19} "
              f"{version.tag_count:>4} tags  {parent}  {'; '.join(changes)}".rstrip())
    return 0


def run_use(app: App, args: argparse.Namespace) -> int:
    progress = TerminalProgress()
    try:
        bundle, updated = app.activate_model(args.version, progress=progress)
    finally:
        progress.close()
    print(f"active model: {app.model_registry().active_name() or 'default'} ({bundle.version}, "
          f"{len(bundle.tags)} tags); suggestions updated on {updated} photos")
    return 0
