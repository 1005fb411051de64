# Sourced by run.sh and test.sh: create .venv and install the project when pyproject.toml changed.
ensure_venv() {
  local extras="$1"
  local stamp=".venv/.installed${extras}"
  local want
  want="$(sha256sum pyproject.toml | cut -d' ' -f1)"
  if [ ! -x .venv/bin/python ]; then
    echo "Setting up .venv (first run) …" >&2
    python3 -m venv .venv
  fi
  if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
    echo "Installing dependencies …" >&2
    .venv/bin/python -m pip install --quiet --disable-pip-version-check --upgrade pip >&2
    .venv/bin/python -m pip install --quiet --disable-pip-version-check -e ".${extras}" >&2
    echo "$want" > "$stamp"
  fi
}
