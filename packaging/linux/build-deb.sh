#!/usr/bin/env bash
# Build the Debian/Ubuntu package from a clean checkout, in one command:
#
#     bash packaging/linux/build-deb.sh          ->  dist/organizer_<version>_<arch>.deb
#
# Organizer and its own Python are frozen by PyInstaller (packaging/organizer.spec, the spec the
# Windows and macOS builds use) into /usr/lib/organizer; /usr/bin/organizer points at it. The
# desktop entry, icon, AppStream metadata and MIME types come from packaging/manifest.py. Needs
# python3 with venv, dpkg-deb; lintian and desktop-file-validate are run when present.
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$PWD
build=${ORGANIZER_DEB_BUILD:-$root/build/deb}
manifest() { python3 -c "import runpy; m = runpy.run_path('packaging/manifest.py'); print($1)"; }
version=$(manifest 'm["version"]()')
app_id=$(manifest 'm["APP_ID"]')
arch=$(dpkg --print-architecture)
package=$root/dist/organizer_${version}_${arch}.deb

missing=()
for tool in python3-venv dpkg-dev lintian desktop-file-utils appstream; do
  dpkg -s "$tool" >/dev/null 2>&1 || missing+=("$tool")
done
if [ ${#missing[@]} -gt 0 ]; then
  sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
  echo "installing build tools: ${missing[*]}" >&2
  $sudo apt-get install -y -q "${missing[@]}" >/dev/null 2>&1 || {
    $sudo apt-get update -q >/dev/null; $sudo apt-get install -y -q "${missing[@]}" >/dev/null; }
fi

echo "== freezing Organizer (PyInstaller) into $build/dist" >&2
if [ ! -x "$build/venv/bin/pyinstaller" ]; then
  python3 -m venv "$build/venv"
  "$build/venv/bin/pip" install -q --upgrade pip
fi
"$build/venv/bin/pip" install -q "pyinstaller==6.22.3" "$root"
"$build/venv/bin/pyinstaller" --noconfirm --log-level WARN --distpath "$build/dist" \
  --workpath "$build/work" packaging/organizer.spec

echo "== staging the package tree" >&2
stage=$build/root
rm -rf "$stage"
install -d "$stage/usr/lib" "$stage/usr/bin" "$stage/DEBIAN"
cp -a "$build/dist/organizer" "$stage/usr/lib/organizer"
ln -s ../lib/organizer/organizer "$stage/usr/bin/organizer"
install -D -m 644 resources/desktop/organizer.desktop "$stage/usr/share/applications/organizer.desktop"
install -D -m 644 resources/icons/organizer.svg "$stage/usr/share/icons/hicolor/scalable/apps/organizer.svg"
install -D -m 644 "resources/desktop/$app_id.metainfo.xml" "$stage/usr/share/metainfo/$app_id.metainfo.xml"
doc=$stage/usr/share/doc/organizer
install -D -m 644 packaging/linux/copyright "$doc/copyright"
printf 'organizer (%s) unstable; urgency=medium\n\n  * Release %s.\n\n -- Organizer developers <organizer@users.noreply.github.com>  %s\n' \
  "$version" "$version" "$(date -R -d @"${SOURCE_DATE_EPOCH:-$(git log -1 --format=%ct 2>/dev/null || date +%s)}")" \
  | gzip -9n > "$doc/changelog.gz"
install -d "$stage/usr/share/man/man1"
gzip -9n < packaging/linux/organizer.1 > "$stage/usr/share/man/man1/organizer.1.gz"
# Only the program runs; libraries and data are read (lintian: shared-library-is-executable).
find "$stage/usr" -type d -exec chmod 755 {} +
find "$stage/usr" -type f -exec chmod 644 {} +
chmod 755 "$stage/usr/lib/organizer/organizer"

echo "== computing dependencies" >&2
depends=$("$build/venv/bin/python" packaging/linux/depends.py "$stage/usr/lib/organizer")
cat > "$stage/DEBIAN/control" <<CONTROL
Package: organizer
Version: $version
Architecture: $arch
Maintainer: Organizer developers <organizer@users.noreply.github.com>
Installed-Size: $(du -sk "$stage/usr" | cut -f1)
Depends: $depends
Section: graphics
Priority: optional
Homepage: https://github.com/organizer/organizer
Description: photo organizer that tags photos with a local, learning model
 Organizer watches photo folders, tags every photo with an image model that
 runs on this computer (no network), writes the tags into the photos' metadata
 and shows albums filtered by tag. It learns from the user's corrections:
 retraining refits the model on confirmations and rejections and shows what
 would change before the new model goes live.
 .
 This package carries its own Python runtime and libraries.
CONTROL

mkdir -p "$root/dist"
echo "== building $package" >&2
dpkg-deb --root-owner-group -Zxz -z6 --build "$stage" "$package" >/dev/null
ls -l "$package" >&2

if command -v desktop-file-validate >/dev/null; then
  desktop-file-validate resources/desktop/organizer.desktop && echo "desktop-file-validate: clean" >&2
fi
if command -v appstreamcli >/dev/null; then
  appstreamcli validate --no-net "resources/desktop/$app_id.metainfo.xml" >&2 || true
fi
if command -v lintian >/dev/null; then
  echo "== lintian (the remaining tags are explained in packaging/README.md)" >&2
  lintian --suppress-tags-from-file packaging/linux/lintian-expected "$package" >&2 || true
fi
echo "$package"
