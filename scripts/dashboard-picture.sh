#!/usr/bin/env bash
# Regenerates docs/dashboard.png: runs PrometheusIT (a real Prometheus scraping a simulated daemon
# driven through the alert states) with -Ddashboard.data, plots every query of
# ops/grafana/stratisd-dashboard.json over that run (scripts/dashboard-render.py) and screenshots
# the page with headless Chromium. Needs prometheus and chromium (apt-get install prometheus chromium).
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/jdk.sh
command -v chromium >/dev/null || { echo "chromium is needed: apt-get install chromium" >&2; exit 1; }
data="$PWD/target/dashboard-data.json"
rm -f "$data"
mvn -q -B verify -Dtest=NoSuchTestZ -Dsurefire.failIfNoSpecifiedTests=false -Dit.test=PrometheusIT \
    -Dfailsafe.failIfNoSpecifiedTests=false -Ddashboard.data="$data"
[ -s "$data" ] || { echo "PrometheusIT wrote no panel data (was prometheus found?)" >&2; exit 1; }
python3 scripts/dashboard-render.py "$data" > target/dashboard.html
chromium --headless --no-sandbox --disable-gpu --hide-scrollbars --window-size=1340,1900 \
    --screenshot="$PWD/docs/dashboard.png" "file://$PWD/target/dashboard.html" 2>/dev/null
echo "docs/dashboard.png written"
