#!/usr/bin/env bash
# The local server with many entries: imports N synthetic entries (default 10,000, from
# infra/bench/corpus) with `admin import`, then starts the server twice, once on the index
# the import built and once with the index removed, so that it is rebuilt at the start.
# For each start it prints the time until /healthz answers, the peak memory (VmHWM) at
# that moment and after the 50 query texts of corpus.Queries were searched ROUNDS times
# (default 4) through /suche, and the median and 99th percentile of those requests as
# curl measures them. Figures: docs/benchmarks.md, section "Lokaler Server".
#
#   infra/bench/server.sh
#   N=100000 ROUNDS=2 infra/bench/server.sh
set -euo pipefail

cd "$(dirname "$0")/../.."
n=${N:-10000}
rounds=${ROUNDS:-4}
addr=${ADDR:-127.0.0.1:18090}

work=$(mktemp -d)
pid=
cleanup() {
	[[ -n "$pid" ]] && kill "$pid" 2>/dev/null || true
	rm -rf "$work"
}
trap cleanup EXIT

go build -o "$work/admin" ./infra/admin
go build -o "$work/web" ./functions/web
go run ./infra/bench/server -n "$n" >"$work/entries.jsonl"
go run ./infra/bench/server -queries >"$work/queries.txt"

echo "== import of $n entries (load average $(cut -d' ' -f1-3 /proc/loadavg))"
/usr/bin/time -f 'import: %e s, peak memory %M KiB' "$work/admin" -data "$work/data" import "$work/entries.jsonl"

# kib NAME prints the value of NAME in /proc/$pid/status, in KiB.
kib() { awk -v name="$1:" '$1 == name { print $2 }' "/proc/$pid/status"; }

# median_p99 prints the median and the 99th percentile of the numbers on standard input.
median_p99() {
	sort -g | awk '{ v[NR] = $1 } END { printf "median %.2f ms, p99 %.2f ms\n", v[int((NR + 1) / 2)] * 1000, v[int(NR * 0.99 + 0.5)] * 1000 }'
}

# serve LABEL starts the server on $work/data, measures and stops it.
serve() {
	echo "== $1 (load average $(cut -d' ' -f1-3 /proc/loadavg))"
	local start ready
	start=$(date +%s%N)
	WISSENSNETZ_ADDR=$addr WISSENSNETZ_DATA_DIR="$work/data" WISSENSNETZ_DEMO=off "$work/web" >"$work/web.log" 2>&1 &
	pid=$!
	until curl -fs -o /dev/null "http://$addr/healthz"; do
		if ! kill -0 "$pid" 2>/dev/null; then
			cat "$work/web.log" >&2
			exit 1
		fi
		sleep 0.05
	done
	ready=$(date +%s%N)
	echo "ready after $(((ready - start) / 1000000)) ms; peak memory $(kib VmHWM) KiB, resident $(kib VmRSS) KiB"
	for ((r = 1; r <= rounds; r++)); do
		while read -r q; do
			curl -fs -o /dev/null -w '%{time_total}\n' "http://$addr/suche?q=$q"
		done <"$work/queries.txt"
	done | median_p99
	echo "after the searches: peak memory $(kib VmHWM) KiB, resident $(kib VmRSS) KiB"
	kill "$pid"
	wait "$pid" 2>/dev/null || true
	pid=
}

serve "start on the index the import built"
rm -rf "$work/data/index"
serve "start without an index: rebuilt at the start"
