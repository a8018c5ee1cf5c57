#!/usr/bin/env bash
# Load run against the local server: TestAllRoutesUnderLoad (shared/web) sends random valid
# and invalid requests to every route from 64 connections, as visitor, member and
# coordinator, and fails on any 5xx answer, panic or internal error in the server log.
# Prints the requests per second and the count of each status. Results are recorded in
# docs/benchmarks.md ("Last").
#
#	bash infra/bench/load.sh                          # 3 minutes
#	WISSENSNETZ_LOAD_DURATION=1m bash infra/bench/load.sh
#	RACE=1 bash infra/bench/load.sh                   # with the race detector
set -euo pipefail
cd "$(dirname "$0")/../.."
export WISSENSNETZ_LOAD_DURATION=${WISSENSNETZ_LOAD_DURATION:-3m}
flags=()
if [[ -n "${RACE:-}" ]]; then
	flags+=(-race)
fi
out=$(mktemp)
trap 'rm -f "$out"' EXIT

status=0
go test "${flags[@]}" -run '^TestAllRoutesUnderLoad$' -count 1 -timeout 20m -v ./shared/web >"$out" 2>&1 || status=$?
grep -E '^(---|FAIL|ok|PASS)|routes_load_test' "$out" | cut -c1-400 | head -80
echo
if line=$(grep -o '[0-9]* requests in .*' "$out"); then
	echo "Anfragen: ${line%%;*}"
	echo "Status:   ${line#*status counts: }"
else
	echo "Keine Zählung gefunden; die Ausgabe des Tests steht oben."
fi
exit "$status"
