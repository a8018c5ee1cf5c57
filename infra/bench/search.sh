#!/usr/bin/env bash
# Benchmarks of the search index (shared/search): search latency over 10,000 entries and the
# speed of a full rebuild, each also with the text of files (corpus.Files; the search with
# files runs the same queries on both indexes in turn and reports both, see
# BenchmarkSearchFiles). Runs each benchmark RUNS times (default 3) in a process of its own,
# prints the figures of every run, their median, and the peak memory of each process.
# Figures: docs/benchmarks.md, sections "Suche (lokal, 10 000 Einträge)" and "Suche in
# Dateien".
#
# It runs what `go test -run '^$' -bench 'Search|Rebuild' ./shared/search/` runs, but builds
# the test binary first, so that the peak memory measured is the benchmark's and not the
# compiler's or linker's.
#
#   infra/bench/search.sh            # 3 runs each
#   RUNS=5 infra/bench/search.sh
set -euo pipefail

cd "$(dirname "$0")/../.."
runs=${RUNS:-3}
search_time=${SEARCH_BENCHTIME:-2000x} # 40 rounds of the 50 queries
rebuild_time=${REBUILD_BENCHTIME:-2x}

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

go test -c -o "$work/search.test" ./shared/search/

timer=()
if [[ -x /usr/bin/time ]]; then
	timer=(/usr/bin/time -f 'peak-rss-kib %M' -o "$work/rss")
else
	echo "note: /usr/bin/time not found, peak memory is not measured" >&2
fi

# metric FILE UNIT prints the value reported for UNIT in the benchmark output FILE.
metric() {
	awk -v unit="$2" '/^Benchmark/ { for (i = 3; i < NF; i++) if ($(i + 1) == unit) print $i }' "$1"
}

# median prints the median of the numbers on standard input.
median() {
	sort -g | awk '{ v[NR] = $1 } END { if (NR == 0) exit; print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

# bench NAME BENCHTIME UNITS... runs benchmark NAME $runs times and prints the median of each
# unit and of the peak memory.
bench() {
	local name=$1 benchtime=$2
	shift 2
	local units=("$@") i
	for ((i = 1; i <= runs; i++)); do
		echo "== $name, run $i of $runs (load average $(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo '?'))"
		(cd shared/search && "${timer[@]}" "$work/search.test" -test.run '^$' -test.bench "^$name\$" \
			-test.benchtime "$benchtime" -test.benchmem) | tee "$work/$name.$i"
		if [[ -f $work/rss ]]; then
			awk '{ printf "peak memory: %.0f MiB\n", $2 / 1024 }' "$work/rss"
			awk '{ print $2 / 1024 }' "$work/rss" >>"$work/$name.rss"
		fi
	done
	echo
	echo "== $name: median of $runs runs"
	for unit in "${units[@]}"; do
		printf '%-14s %s\n' "$unit" "$(for ((i = 1; i <= runs; i++)); do metric "$work/$name.$i" "$unit"; done | median)"
	done
	if [[ -f $work/$name.rss ]]; then
		printf '%-14s %s\n' "peak MiB" "$(median <"$work/$name.rss")"
	fi
	echo
}

echo "$(go version), $(nproc) processors, $(uname -sm)"
bench BenchmarkSearch "$search_time" p50-ms p99-ms cpu-ms/op ns/op
bench BenchmarkRebuild "$rebuild_time" entries/s cpu-us/entry disk-MiB
bench BenchmarkSearchFiles "$search_time" p50-ms p50-ms-plain p50-ratio p99-ms p99-ms-plain cpu-ms/op cpu-ms/op-plain
bench BenchmarkRebuildFiles "$rebuild_time" entries/s cpu-us/entry disk-MiB
