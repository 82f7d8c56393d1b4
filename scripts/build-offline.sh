#!/usr/bin/env bash
# `make offline`: one archive that installs exam-center on a machine with Python and no
# network: dist/exam-center-offline-<version>-<platform>.tar.gz holding the project's
# wheel, every wheel of requirements.txt (the lock, hashes checked), the CJK font with
# its licence, install.sh and a README.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PY:-.venv/bin/python}
version=$("$PY" -c 'import tomllib; print(tomllib.load(open("pyproject.toml", "rb"))["project"]["version"])')
pyver=$("$PY" -c 'import sys; print(f"{sys.version_info[0]}.{sys.version_info[1]}")')
platform=$("$PY" -c 'import platform, sys; print(f"cp{sys.version_info[0]}{sys.version_info[1]}-{sys.platform}_{platform.machine()}")')
name="exam-center-offline-$version-$platform"
stage="build/offline/$name"
rm -rf "$stage" && mkdir -p "$stage/wheels" "$stage/fonts" dist
"$PY" -m pip download -q --require-hashes --only-binary=:all: -r requirements.txt -d "$stage/wheels"
"$PY" -m pip wheel -q --no-deps --no-build-isolation -w "$stage/wheels" .
font=/usr/share/fonts/truetype/wqy/wqy-microhei.ttc
licence=/usr/share/doc/fonts-wqy-microhei/copyright
if [ ! -f "$font" ] || [ ! -f "$licence" ]; then
  bash scripts/system-deps.sh
fi
cp "$font" "$stage/fonts/wqy-microhei.ttc"
cp "$licence" "$stage/fonts/LICENSE-wqy-microhei.txt"
cp requirements.txt scripts/offline/install.sh scripts/offline/README.txt "$stage/"
echo "$pyver" > "$stage/PYTHON"
chmod +x "$stage/install.sh"
tar -C build/offline -czf "dist/$name.tar.gz" "$name"
echo "dist/$name.tar.gz ($(du -h "dist/$name.tar.gz" | cut -f1), $(ls "$stage/wheels" | wc -l) wheels)"
