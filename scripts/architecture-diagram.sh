#!/usr/bin/env bash
# Renders docs/architecture.dot into docs/architecture.png (needs graphviz: apt-get install graphviz).
set -euo pipefail
cd "$(dirname "$0")/.."
command -v dot >/dev/null || { echo "error: needs graphviz' dot (apt-get install graphviz)" >&2; exit 1; }
dot -Tpng -Gdpi=110 docs/architecture.dot -o docs/architecture.png
echo "wrote docs/architecture.png"
