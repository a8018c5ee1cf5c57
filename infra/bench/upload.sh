#!/usr/bin/env bash
# Measures what an upload costs the server's memory: a 100 MiB text file sent through the
# API as a stream (BenchmarkUpload in shared/web), reporting throughput, how far the heap
# in use rose at its peak and how much was allocated per upload. Results are recorded in
# docs/benchmarks.md ("Hochladen").
#
#	bash infra/bench/upload.sh            # 3 runs of 3 uploads
#	COUNT=5 bash infra/bench/upload.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
count=${COUNT:-3}
go test -run '^$' -bench '^BenchmarkUpload$' -benchtime 3x -count "$count" ./shared/web | grep -E '^(Benchmark|goos|goarch|cpu|ok|FAIL)'
