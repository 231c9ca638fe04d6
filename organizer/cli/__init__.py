"""The ``organizer`` command line (GUIDE §1 is the contract)."""

from organizer.cli.main import main

__all__ = ["main"]
