#!/usr/bin/env bash
# Refreshes the locks from pyproject.toml's ranges (`make lock`): every dependency pinned
# with the sha256 of every file PyPI serves for it, resolved for Linux x86_64 and
# Python 3.11 (the oldest supported; the same pins install on 3.12 and 3.13).
#   requirements.txt       what the software runs on (with the PostgreSQL driver): the
#                          offline bundle's wheels
#   requirements-test.txt  that, plus the test and lint tools and the build backend:
#                          what `make test` and `make demo` install
# uv resolves (fast, reproducible, writes pip's own hash format); pip installs, so an
# exam machine needs nothing but Python.
set -euo pipefail
cd "$(dirname "$0")/.."
UV=${UV:-.venv/bin/uv}
common=(--generate-hashes --python-version 3.11 --python-platform x86_64-manylinux_2_28
        --no-strip-extras --custom-compile-command "make lock" --quiet)
"$UV" pip compile pyproject.toml --extra postgres "${common[@]}" -o requirements.txt
"$UV" pip compile pyproject.toml scripts/build-requirements.in --extra postgres --extra test \
  -c requirements.txt "${common[@]}" -o requirements-test.txt
echo "requirements.txt: $(grep -c '^[a-z]' requirements.txt) packages;" \
     "requirements-test.txt: $(grep -c '^[a-z]' requirements-test.txt) packages"
