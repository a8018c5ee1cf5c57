#!/usr/bin/env bash
# Measures export and import with files (shared/app): an entry with a text file of the
# largest size allowed (100 MiB) is exported as a ZIP archive into a file and imported
# from it into an empty store, each file checked against its SHA-256 on the way.
# TestTransferStreamsFiles checks that the file is streamed, not held in memory.
# Figures: docs/benchmarks.md, section "Export und Import mit Dateien".
#
#	bash infra/bench/transfer.sh            # 3 runs of 3
#	COUNT=5 bash infra/bench/transfer.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
count=${COUNT:-3}
go test -run '^$' -bench '^BenchmarkTransferLargeFile$' -benchtime 3x -benchmem -count "$count" ./shared/app
