#!/usr/bin/env bash
# Relevance of the search on the judged German test collection in infra/bench/relevance:
# nDCG@10 and recall@10 of bleve's plain "de" analyzer, of Wissensnetz's search and of
# PostgreSQL's full-text search ("german" configuration, ts_rank_cd).
# Figures: docs/benchmarks.md, section "Suche: Relevanz und Geschwindigkeit".
#
# PostgreSQL comes from Debian's packages (apt-get install -y postgresql). The script starts
# a server of its own in a temporary directory, listening on loopback only, as an
# unprivileged user when run as root, and stops it at the end. Without PostgreSQL it says so
# and measures the other two.
#
# With "latency" first it runs the latency comparison on the synthetic corpus instead
# (infra/bench/latency: build time, size, p50 and p99 of ours and PostgreSQL's, one run).
#
#   infra/bench/relevance.sh                      # -v: the figures of every query
#   infra/bench/relevance.sh latency -n 10000,100000
set -euo pipefail

prog=./infra/bench/relevance
if [[ ${1:-} == latency ]]; then
	prog=./infra/bench/latency
	shift
fi

cd "$(dirname "$0")/../.."

pgbin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
if [[ -z "$pgbin" || ! -x "$pgbin/initdb" ]]; then
	echo "PostgreSQL is not installed (apt-get install -y postgresql): measuring without it" >&2
	exec go run "$prog" "$@"
fi

work=$(mktemp -d)
chmod 755 "$work"
run_as=()
if [[ $(id -u) == 0 ]]; then
	id nobody >/dev/null
	run_as=(setpriv --reuid=nobody --regid=nogroup --clear-groups)
fi
port=${PGPORT_BENCH:-54329}
cleanup() {
	"${run_as[@]}" "$pgbin/pg_ctl" -D "$work/data" -m immediate stop >/dev/null 2>&1 || true
	rm -rf "$work"
}
trap cleanup EXIT
chown -R "$( [[ ${#run_as[@]} -gt 0 ]] && echo nobody:nogroup || id -u)" "$work"
"${run_as[@]}" "$pgbin/initdb" -D "$work/data" -U bench --auth=trust -E UTF8 --locale=C.UTF-8 >"$work/initdb.log" 2>&1 ||
	{ cat "$work/initdb.log" >&2; exit 1; }
"${run_as[@]}" "$pgbin/pg_ctl" -D "$work/data" -l "$work/pg.log" -w \
	-o "-c listen_addresses=127.0.0.1 -p $port -k $work -c fsync=off -c shared_buffers=256MB -c work_mem=64MB -c maintenance_work_mem=512MB" start >/dev/null
"$pgbin/createdb" -h 127.0.0.1 -p "$port" -U bench bench
exec_psql="$pgbin/psql -h 127.0.0.1 -p $port -U bench -d bench"
go run "$prog" -psql "$exec_psql" "$@"
