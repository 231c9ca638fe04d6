"""``organizer config [KEY [VALUE]]``: show or change the library's settings."""

from __future__ import annotations

import argparse

from organizer.app import App
from organizer.errors import OrganizerError

SETTINGS = {
    "write_keywords": (("off", "confirmed", "all"), "off", "write tags into files after changes"),
    "keep_mtime": (("1", "0"), "1", "keep files' modification time when writing keywords"),
    "use_gpu": (("1", "0"), "1", "run the model on a GPU when one works"),
}


def register(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser("config", help="show or change the library's settings")
    parser.add_argument("key", nargs="?", choices=sorted(SETTINGS), metavar="KEY")
    parser.add_argument("value", nargs="?", metavar="VALUE")
    parser.set_defaults(run=run_config)


def run_config(app: App, args: argparse.Namespace) -> int:
    if args.key is None:
        for key, (choices, default, meaning) in SETTINGS.items():
            value = app.library.setting(key, default)
            print(f"{key} = {value}    ({'/'.join(choices)}: {meaning})")
        return 0
    choices, default, _ = SETTINGS[args.key]
    if args.value is None:
        print(app.library.setting(args.key, default))
        return 0
    if args.value not in choices:
        raise OrganizerError(f"{args.key} must be one of {', '.join(choices)}")
    app.library.set_setting(args.key, args.value)
    print(f"{args.key} = {args.value}")
    return 0
