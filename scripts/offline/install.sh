#!/usr/bin/env bash
# Installs exam-center from this folder on a machine with Python and no network.
#   ./install.sh [TARGET]     TARGET: the virtual environment to create (default ~/exam-center)
# Then: TARGET/bin/exam-center --help
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
target=${1:-$HOME/exam-center}
python=${PYTHON:-python3}
want=$(cat "$here/PYTHON")
have=$("$python" -c 'import sys; print(f"{sys.version_info[0]}.{sys.version_info[1]}")')
if [ "$have" != "$want" ]; then
  echo "此安装包需要 Python $want（本机 $python 为 $have）: this bundle needs Python $want; set PYTHON=python$want" >&2
  exit 1
fi
# Only this folder: no index, no pip configuration or PIP_* variables from the machine.
while read -r var; do unset "$var"; done < <(env | sed -n 's/^\(PIP_[A-Z_]*\)=.*/\1/p')
export PIP_CONFIG_FILE=/dev/null PIP_DISABLE_PIP_VERSION_CHECK=1
"$python" -m venv "$target"
"$target/bin/python" -m pip install -q --no-index --find-links "$here/wheels" \
  --require-hashes --only-binary=:all: -r "$here/requirements.txt"
"$target/bin/python" -m pip install -q --no-index --no-deps "$here"/wheels/exam_center-*.whl
# The CJK font the sheets and documents are printed with, where exam-center looks first.
mkdir -p "$target/share/fonts"
cp "$here"/fonts/* "$target/share/fonts/"
echo "exam-center 已安装 installed: $target/bin/exam-center"
