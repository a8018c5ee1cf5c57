#!/usr/bin/env bash
# Measures the cold start of the web function's Lambda bootstrap under the AWS Lambda
# Runtime Interface Emulator (process start to first response, median and 90th percentile
# of RUNS cold starts, on an empty table and on the demo data), and the DynamoDB calls and
# latency per request against dynalite. Figures: docs/benchmarks.md, section "Lambda".
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

go test -run '^$' -bench 'ColdStart' -benchtime "${RUNS}x" -count 1 -timeout 20m ./infra/lambda
go test -run '^$' -bench 'Requests' -benchtime 200x -count 1 -timeout 20m ./infra/lambda
