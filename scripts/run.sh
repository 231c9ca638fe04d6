#!/usr/bin/env bash
# Quick start, command 1: set up a virtual environment and run Organizer's main job.
# With no arguments it tags the bundled sample photos and prints their tags; any arguments are
# passed to the `organizer` command instead (e.g. `scripts/run.sh add ~/Pictures`).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup-system.sh
if [ ! -x .venv/bin/organizer ]; then
  python3 -m venv .venv
  .venv/bin/pip install -q --upgrade pip
  .venv/bin/pip install -q .
fi
if [ $# -eq 0 ]; then
  exec .venv/bin/organizer demo
fi
exec .venv/bin/organizer "$@"
