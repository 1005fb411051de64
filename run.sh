#!/usr/bin/env bash
# Run the bot: installs what it needs into .venv on first use (or when pyproject.toml changes), then
# `python -m bot serve`. Any arguments replace `serve`: ./run.sh chat | ./run.sh ask "交通补贴咋领" | …
set -euo pipefail
cd "$(dirname "$0")"
source scripts/venv.sh
ensure_venv ""
exec .venv/bin/python -m bot "${@:-serve}"
