"""The frozen program's entry point: the ``organizer`` command (CLI and, with ``gui``, the
desktop app). ``organizer-app`` (the windowed program of Windows and macOS) starts the app."""

import os
import sys

from organizer.cli import main

if __name__ == "__main__":
    program = os.path.splitext(os.path.basename(sys.executable))[0]
    arguments = sys.argv[1:]
    if program == "organizer-app" and (not arguments or os.path.exists(arguments[0])):
        arguments = ["gui", *arguments]  # the Start menu, the Dock, "Open with"
    sys.exit(main(arguments))
