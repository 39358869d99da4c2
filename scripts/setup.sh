#!/usr/bin/env bash
# Set up embargo on a fresh machine: uv (from PyPI), then the locked environment in .venv.
set -euo pipefail
cd "$(dirname "$0")/.."
UV_VERSION=0.13.8
if ! command -v uv >/dev/null 2>&1 || [ "$(uv --version | awk '{print $2}')" != "$UV_VERSION" ]; then
  python3 -m pip install --quiet --disable-pip-version-check "uv==$UV_VERSION"
fi
# PyICU (transliteration) builds against the system ICU
if ! pkg-config --exists icu-uc 2>/dev/null; then
  if [ "$(id -u)" = 0 ]; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libicu-dev pkg-config >/dev/null
  else
    sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libicu-dev pkg-config >/dev/null
  fi
fi
export UV_PYTHON_DOWNLOADS=never
uv sync --frozen --python python3.11 --quiet
