#!/usr/bin/env bash
# Run every check: installs the dev tools into .venv if needed, then ruff, mypy and pytest.
set -euo pipefail
cd "$(dirname "$0")"
source scripts/venv.sh
source scripts/browser.sh
ensure_venv "[dev]"
.venv/bin/ruff check .
.venv/bin/ruff format --check .
.venv/bin/mypy
.venv/bin/pytest "$@"
