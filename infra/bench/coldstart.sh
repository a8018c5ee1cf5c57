#!/usr/bin/env bash
# Measures the cold start of the web function's Lambda bootstrap under the AWS Lambda
# Runtime Interface Emulator (process start to first response, median and 90th percentile
# of RUNS cold starts, on an empty table and on the demo data, and from a published index
# snapshot of 1,000 and 10,000 synthetic entries on one processor), and the DynamoDB calls
# and latency per request and of staying current (reading the change log) against dynalite. Figures: docs/benchmarks.md, section "Lambda".
#
#   bash infra/bench/coldstart.sh            # 15 cold starts each
#   RUNS=30 bash infra/bench/coldstart.sh
#
# Starts the stand-ins (infra/standins.sh) unless WISSENSNETZ_TEST_DYNAMODB is set, and
# installs aws-lambda-rie when it is missing.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/../.."
RUNS=${RUNS:-15}
RIE_MODULE=github.com/aws/aws-lambda-runtime-interface-emulator/cmd/aws-lambda-rie@v0.0.0-20261030222936-bef5c4ba774d

if ! command -v aws-lambda-rie >/dev/null && [[ ! -x "$(go env GOPATH)/bin/aws-lambda-rie" && ! -x "$(go env GOBIN)/aws-lambda-rie" ]]; then
	echo "installing aws-lambda-rie" >&2
	(cd "$(mktemp -d)" && GOFLAGS= go install "$RIE_MODULE")
fi
if [[ -z ${WISSENSNETZ_TEST_DYNAMODB:-} ]]; then
	eval "$(bash infra/standins.sh)"
	trap 'bash infra/standins.sh stop' EXIT
fi
export WISSENSNETZ_REQUIRE_STANDINS=1 # a missing prerequisite is an error here

go test -run '^$' -bench 'ColdStart$' -benchtime "${RUNS}x" -count 1 -timeout 20m ./infra/lambda
# From a published snapshot, on one processor; WISSENSNETZ_BENCH_SIZES=1000,10000,100000
# adds the largest size (it takes a few minutes to build).
go test -run '^$' -bench 'ColdStartFromSnapshot' -benchtime "${RUNS}x" -count 1 -timeout 60m ./infra/lambda
go test -run '^$' -bench 'Requests|Refresh' -benchtime 200x -count 1 -timeout 20m ./infra/lambda
