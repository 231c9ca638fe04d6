#!/usr/bin/env bash
# End-to-end test of the Debian package, as a user on a fresh machine would meet it:
#
#     bash packaging/linux/test-deb.sh [--no-build] [OUT_DIR]
#
# builds it (build-deb.sh), installs it with apt-get, runs `organizer demo` from PATH, starts
# the app from the desktop entry's Exec line under Xvfb and takes a screenshot (OUT_DIR,
# default build/deb-test), adds a folder and checks the tags, times launch -> window shown
# against a plain `pip install .` venv, uninstalls, and checks that the user's library and
# photos are untouched. Needs root (or sudo) for apt-get. Not part of the test suite (minutes).
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$PWD
build=1
[ "${1:-}" = "--no-build" ] && { build=0; shift; }
out=$(realpath -m "${1:-$root/build/deb-test}")
mkdir -p "$out"
sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
fail() { echo "FAIL: $*" >&2; exit 1; }

if [ $build -eq 1 ]; then package=$(bash packaging/linux/build-deb.sh | tail -1)
else package=$(ls -t "$root"/dist/organizer_*.deb | head -1); fi
[ -f "$package" ] || fail "no package built"
for tool in xvfb x11-utils imagemagick xdotool; do
  dpkg -s "$tool" >/dev/null 2>&1 || $sudo apt-get install -y -q "$tool" >/dev/null 2>&1 || {
    $sudo apt-get update -q >/dev/null; $sudo apt-get install -y -q "$tool" >/dev/null; }
done

# A user with photos and a library made before the package is installed.
user=$(mktemp -d)
trap 'rm -rf "$user"' EXIT
export HOME=$user/home XDG_DATA_HOME=$user/home/.local/share
mkdir -p "$HOME/Pictures"
cp "$root"/organizer/resources/sample_photos/*.jpg "$HOME/Pictures/"
chmod u+w "$HOME"/Pictures/*

echo "== installing $(basename "$package") ($(du -h "$package" | cut -f1))"
$sudo apt-get install -y -q "$package" >/dev/null || fail "apt-get install"
[ "$(command -v organizer)" = /usr/bin/organizer ] || fail "organizer is not on PATH"
installed_kb=$(du -sk /usr/lib/organizer | cut -f1)

echo "== organizer demo (from PATH)"
organizer demo | tee "$out/demo.txt"
grep -q "banana" "$out/demo.txt" || fail "the demo did not tag the banana"

echo "== organizer add ~/Pictures"
organizer add "$HOME/Pictures"
organizer search "dog OR cat" | tee "$out/search.txt"
[ -s "$out/search.txt" ] || fail "no dog or cat found"
echo "== retraining in the installed package (a new tag from the user's photos)"
organizer tag "$HOME"/Pictures/*.jpg --add "my photos"
organizer train --candidate | tee "$out/train.txt"
grep -q "^my photos  *new " "$out/train.txt" || fail "train did not learn the new tag"

echo "== the app from the desktop entry's Exec line, under Xvfb"
exec_line=$(sed -n 's/^Exec=//p' /usr/share/applications/organizer.desktop | sed 's/ %[fFuU]//')
[ -n "$exec_line" ] || fail "no Exec line"
shown_after() {  # command... -> seconds from launch until a window named Organizer is mapped
  xvfb-run -a -s "-screen 0 1360x860x24" bash -c '
    start=$(date +%s.%N); "$@" & pid=$!
    for _ in $(seq 600); do
      if xwininfo -root -tree 2>/dev/null | grep -q "\"Organizer\""; then break; fi; sleep 0.05
    done
    echo "$(date +%s.%N) - $start" | bc
    sleep 4; [ -n "${SHOT:-}" ] && import -window root "$SHOT"
    kill $pid; wait $pid 2>/dev/null || true' _ "$@"
}
packaged=$(SHOT="$out/installed-app.png" shown_after $exec_line)
echo "window shown after ${packaged}s (installed package); screenshot $out/installed-app.png"
[ -s "$out/installed-app.png" ] || fail "no screenshot"

echo "== Model → Retrain… in the installed app (the keyboard, through xdotool)"
# (a script, not a function: xvfb-run's sh does not pass exported bash functions on)
cat > "$user/versions.sh" <<'VERSIONS'
organizer models --json | python3 -c "import json, sys; print(len(json.load(sys.stdin)['models']))"
VERSIONS
versions() { bash "$user/versions.sh"; }
before=$(versions)
xvfb-run -a -s "-screen 0 1360x860x24" bash -c '
  versions() { bash "$1"; }
  count=$1; before=$2; shot=$3; shift 3
  "$@" & pid=$!
  for _ in $(seq 600); do xdotool search --name "^Organizer$" >/dev/null 2>&1 && break; sleep 0.05; done
  sleep 2
  # No window manager in Xvfb: focus the window, click "Model" in the menu bar, press R.
  window=$(xdotool search --name "^Organizer$" | head -1)
  xdotool windowfocus --sync "$window"
  xdotool mousemove --window "$window" 185 8 click 1; sleep 1; xdotool key r
  for _ in $(seq 240); do [ "$(versions "$count")" -gt "$before" ] && break; sleep 0.5; done
  sleep 3; import -window root "$shot"
  kill $pid; wait $pid 2>/dev/null || true' _ "$user/versions.sh" "$before" "$out/installed-retrain.png" $exec_line
[ "$(versions)" -gt "$before" ] || fail "Model → Retrain… made no new model version"
echo "a new model version from the app's Retrain dialog; screenshot $out/installed-retrain.png"

echo "== the same from a plain 'pip install .' venv"
venv=$user/venv
python3 -m venv "$venv" && "$venv/bin/pip" install -q "$root"
venv_kb=$(du -sk "$venv" | cut -f1)
pip_time=$(shown_after "$venv/bin/organizer" gui)

echo "== uninstalling"
sums_before=$(cd "$HOME" && find . -type f ! -path "./.cache/*" -print0 | sort -z | xargs -0 sha256sum)
$sudo apt-get remove -y -q organizer >/dev/null || fail "apt-get remove"
[ ! -e /usr/bin/organizer ] && [ ! -e /usr/lib/organizer ] || fail "files left after removal"
sums_after=$(cd "$HOME" && find . -type f ! -path "./.cache/*" -print0 | sort -z | xargs -0 sha256sum)
[ "$sums_before" = "$sums_after" ] || fail "the user's files changed on removal"
[ -f "$XDG_DATA_HOME/organizer/library.sqlite" ] || fail "the library is gone"

cat > "$out/sizes.txt" <<SIZES
package $(basename "$package"): $(du -k "$package" | cut -f1) KB
installed (/usr/lib/organizer): $installed_kb KB
plain pip install . venv: $venv_kb KB
launch -> window shown, installed package: ${packaged} s
launch -> window shown, pip venv: ${pip_time} s
SIZES
cat "$out/sizes.txt"
echo "PASS"
