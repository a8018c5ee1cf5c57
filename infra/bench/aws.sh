#!/usr/bin/env bash
# Measures the AWS shape on this machine (infra/awslocal: two web instances and the indexer
# under the Lambda Runtime Interface Emulator, DynamoDB Streams emulated): how long a write
# on one web instance takes to be found on the other (median and 95th percentile of RUNS
# writes), and the indexer's publish time and throughput at 10,000 and 100,000 entries.
# Figures: docs/benchmarks.md, section "Suche auf AWS".
#
#   bash infra/bench/aws.sh            # 50 writes
#   RUNS=200 bash infra/bench/aws.sh
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/../.."
RUNS=${RUNS:-50}
bash infra/standins.sh install >&2
if [[ -z ${WISSENSNETZ_TEST_DYNAMODB:-} ]]; then
	eval "$(bash infra/standins.sh)"
	trap 'bash infra/standins.sh stop' EXIT
fi
export WISSENSNETZ_REQUIRE_STANDINS=1 # a missing prerequisite is an error here

go test -run '^$' -bench 'WriteToSearchable' -benchtime "${RUNS}x" -count 1 -timeout 30m ./infra/awstest
# The indexer's step on a large index: 100 changed entries applied and published.
WISSENSNETZ_BENCH_SIZES=${WISSENSNETZ_BENCH_SIZES:-10000,100000} \
	go test -run '^$' -bench 'IndexerStep' -benchtime 10x -count 1 -timeout 60m ./shared/search
