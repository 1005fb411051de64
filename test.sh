#!/usr/bin/env bash
# Run every check: installs the dev tools into .venv if needed, then ruff, mypy and pytest (on SQLite, and on a
# PostgreSQL server started for the run where the tests cover both engines).
set -euo pipefail
cd "$(dirname "$0")"
source scripts/venv.sh
source scripts/browser.sh
ensure_venv "[dev]"
source scripts/postgres.sh  # a throwaway PostgreSQL server for the run: BOT_TEST_POSTGRES
.venv/bin/ruff check .
.venv/bin/ruff format --check .
.venv/bin/mypy
.venv/bin/pytest "$@"
