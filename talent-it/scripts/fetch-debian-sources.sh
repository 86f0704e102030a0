#!/bin/bash
# Fetches the Debian source packages that DebianSourcesIT builds with talentcc (run as root; .ci/run runs it).
#
#   talent-it/scripts/fetch-debian-sources.sh [DIR]      default DIR: .talent-cache/debian-src at the repository root
#
# Adds a deb-src entry beside every deb entry of Debian's own sources (the same URIs, suites, components and
# Signed-By, in /etc/apt/sources.list.d/talent-deb-src.sources) unless one exists, runs `apt-get update`, and
# `apt-get source --download-only` for each package into DIR. apt checks every file it downloads against the
# SHA-256 of the signed Sources index; the IT checks the upstream tarball against the .dsc again before it
# unpacks it. Any failure ends the script with a non-zero status (CI must not go on without the sources).
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
dir=${1:-$root/.talent-cache/debian-src}
packages=(bzip2 lua5.4 cjson)
entry=/etc/apt/sources.list.d/talent-deb-src.sources

say() { printf 'fetch-debian-sources: %s\n' "$*" >&2; }

has_deb_src() {
  grep -qsE '^[[:space:]]*(Types:.*deb-src|deb-src[[:space:]])' /etc/apt/sources.list /etc/apt/sources.list.d/*.list \
    /etc/apt/sources.list.d/*.sources
}

# deb822 files (Debian 12's debian.sources): each stanza of Types: deb from a Debian archive (a URI ending in
# /debian or /debian-security; other vendors' repositories are left alone), copied with Types: deb-src
deb822_entries() {
  local f
  for f in /etc/apt/sources.list.d/*.sources; do
    [ -e "$f" ] && [ "$f" != "$entry" ] || continue
    awk 'BEGIN { RS = ""; ORS = "\n\n" }
         /(^|\n)Types:[[:space:]]*deb[[:space:]]*(\n|$)/ && /(^|\n)URIs:[^\n]*\/debian(-security)?\/?[[:space:]]*(\n|$)/ { sub(/Types:[[:space:]]*deb[[:space:]]*(\n|$)/, "Types: deb-src\n"); print }' "$f"
  done
}

# one-line format: each `deb ...` line of a Debian archive as `deb-src ...`
one_line_entries() {
  local f
  for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
    [ -e "$f" ] || continue
    sed -nE '/\/debian(-security)?\/?[[:space:]]/s/^[[:space:]]*deb[[:space:]]/deb-src /p' "$f"
  done
}

if ! has_deb_src; then
  [ "$(id -u)" = 0 ] || { say "no deb-src entry in apt's sources and not root: run as root"; exit 1; }
  stanzas=$(deb822_entries)
  if [ -n "$stanzas" ]; then
    printf '%s\n' "$stanzas" >"$entry"
  else
    lines=$(one_line_entries)
    [ -n "$lines" ] || { say "no deb entry found in /etc/apt to derive a deb-src entry from"; exit 1; }
    entry=/etc/apt/sources.list.d/talent-deb-src.list
    printf '%s\n' "$lines" >"$entry"
  fi
  say "added $entry"
fi
apt-get update -q >&2
mkdir -p "$dir"
cd "$dir"
for p in "${packages[@]}"; do
  apt-get source --download-only -q "$p" >&2
done
say "sources in $dir: $(ls "$dir" | tr '\n' ' ')"
