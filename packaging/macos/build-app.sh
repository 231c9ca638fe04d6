#!/usr/bin/env bash
# Build Organizer.app and a .dmg on macOS 11+ (Python 3.11 from python.org or Homebrew):
#     bash packaging/macos/build-app.sh    ->  dist/Organizer.app, dist/Organizer-<version>.dmg
# The app bundle and its Info.plist come from packaging/organizer.spec (BUNDLE). Not run on the
# Linux development machines: see packaging/README.md. Signing and notarising need an Apple
# developer identity: codesign --deep -s "Developer ID Application: ..." dist/Organizer.app
set -euo pipefail
cd "$(dirname "$0")/../.."
python3 -m venv build/mac-venv
build/mac-venv/bin/pip install -q "pyinstaller==6.22.3" .
build/mac-venv/bin/python packaging/render_icon.py 512
build/mac-venv/bin/pyinstaller --noconfirm packaging/organizer.spec
version=$(build/mac-venv/bin/python -c "import runpy; print(runpy.run_path('packaging/manifest.py')['version']())")
hdiutil create -volname Organizer -srcfolder dist/Organizer.app -ov -format UDZO "dist/Organizer-$version.dmg"
