# Sourced by test.sh: make Debian's headless Chromium, its driver and a Chinese font available for the browser
# tests (tests/admin/test_browser.py). We run as root in CI; elsewhere without root the browser tests skip with a
# message naming this script.
ensure_browser() {
  if [ -x /usr/bin/chromium ] && fc-list :lang=zh 2>/dev/null | grep -q .; then
    return 0
  fi
  if [ "$(id -u)" != "0" ]; then
    echo "browser tests: /usr/bin/chromium missing and not root; they will skip (apt-get install chromium)" >&2
    return 0
  fi
  echo "Installing chromium for the browser tests …" >&2
  if ! { apt-get update -qq >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver fonts-wqy-zenhei >&2; }; then
    echo "browser tests: installing chromium failed; they will skip" >&2
  fi
  return 0
}
ensure_browser
