#!/usr/bin/env bash
# Set up embargo on a fresh machine: uv (from PyPI), then the locked environment in .venv.
set -euo pipefail
cd "$(dirname "$0")/.."
UV_VERSION=0.13.8
if ! command -v uv >/dev/null 2>&1 || [ "$(uv --version | awk '{print $2}')" != "$UV_VERSION" ]; then
  python3 -m pip install --quiet --disable-pip-version-check "uv==$UV_VERSION"
fi
# System packages: ICU (PyICU builds against it), Chromium (web page tests), a Java runtime (Spark tests),
# PostgreSQL's server binaries (the store suite starts throwaway clusters on 127.0.0.1 with them)
need=()
pkg-config --exists icu-uc 2>/dev/null || need+=(libicu-dev pkg-config)
command -v chromium >/dev/null 2>&1 || need+=(chromium)
command -v java >/dev/null 2>&1 || need+=(default-jre-headless)
if ! command -v initdb >/dev/null 2>&1 && ! compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null; then
  need+=(postgresql postgresql-contrib)
fi
if [ ${#need[@]} -gt 0 ]; then
  sudo=""
  [ "$(id -u)" = 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi
export UV_PYTHON_DOWNLOADS=never
uv sync --frozen --python python3.11 --quiet
# The screening core compiled to C (mypyc; a no-op when already built from these sources)
.venv/bin/python scripts/build_native.py
