#!/usr/bin/env bash
# CI's check of the offline bundle: build it, unpack it in an empty folder, install it
# into a fresh virtual environment inside a network namespace with no network at all
# (where unshare is allowed; else with pip's index switched off), and run the demo up
# to the printed sheets from that install.
set -euo pipefail
cd "$(dirname "$0")/.."
archive=$(bash scripts/build-offline.sh | tail -n1 | cut -d' ' -f1)
work=$(mktemp -d /tmp/exam-center-offline.XXXXXX)
tar -C "$work" -xzf "$archive"
bundle=$(ls -d "$work"/exam-center-offline-*)
offline=()
if unshare -n true 2>/dev/null; then offline=(unshare -n); fi
echo "installing $(basename "$archive") with ${offline[*]:-pip --no-index} …"
"${offline[@]}" bash "$bundle/install.sh" "$work/venv"
"${offline[@]}" env -u EXAM_CENTER_FONT "$work/venv/bin/exam-center" \
  demo --dir "$work/demo" --candidates 30 --until print
test -s "$work/demo/print/sheets.pdf"
echo "offline bundle OK: installed with no network, demo printed from it"
rm -rf "$work"
