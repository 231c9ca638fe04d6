#!/usr/bin/env bash
# System packages Organizer needs that pip cannot provide: Qt's runtime libraries, exiftool (the
# reference metadata reader used by the tests), WordNet (model build), Xvfb and a CJK font
# (screenshots of the Chinese UI).
# Installs only what is missing; needs root or sudo for that.
set -euo pipefail

packages=(libimage-exiftool-perl wordnet-base xvfb fonts-wqy-microhei libxcb-icccm4 libxcb-keysyms1 libxcb-cursor0
          libxkbcommon-x11-0 libegl1 libgl1 libfontconfig1 libdbus-1-3)
command -v dpkg >/dev/null 2>&1 || { echo "not a Debian-like system: install exiftool yourself" >&2; exit 0; }
missing=()
for package in "${packages[@]}"; do
  dpkg -s "$package" >/dev/null 2>&1 || missing+=("$package")
done
[ ${#missing[@]} -eq 0 ] && exit 0
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
echo "installing system packages: ${missing[*]}" >&2
$sudo apt-get install -y -q "${missing[@]}" >/dev/null 2>&1 || {
  $sudo apt-get update -q >/dev/null
  $sudo apt-get install -y -q "${missing[@]}" >/dev/null
}
