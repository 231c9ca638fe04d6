#!/usr/bin/env bash
# Quick start, command 2: set up a test environment (app + training + dev tools), type-check,
# and run the tests.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup-system.sh
if [ ! -x .venv-test/bin/pytest ]; then
  python3 -m venv .venv-test
  .venv-test/bin/pip install -q --upgrade pip
fi
.venv-test/bin/pip install -q -e '.[train,dev]'
# Type errors fail the run before the tests start (a few seconds; the cache makes reruns instant).
.venv-test/bin/mypy organizer
QT_QPA_PLATFORM=offscreen exec .venv-test/bin/pytest "$@"
