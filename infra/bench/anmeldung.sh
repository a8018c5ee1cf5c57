#!/usr/bin/env bash
# Measures what signing in and permissions cost: one argon2id hash with the chosen
# parameters (shared/auth), and per request the session or API-token lookup plus the
# policy checks (shared/web). Prints every run and then the median of each benchmark.
# Results are recorded in docs/benchmarks.md ("Anmeldung und Berechtigungen").
#
#	bash infra/bench/anmeldung.sh            # 5 runs each
#	COUNT=10 bash infra/bench/anmeldung.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
count=${COUNT:-5}
out=$(mktemp)
trap 'rm -f "$out"' EXIT

go test -run '^$' -bench '^BenchmarkHashPassword$' -benchmem -count "$count" ./shared/auth | tee -a "$out"
go test -run '^$' -bench '^(BenchmarkRequestIdentity|BenchmarkPolicyChecks)$' -benchmem -count "$count" ./shared/web | tee -a "$out"

echo
echo "Median je Benchmark (ns/op):"
awk '/^Benchmark/ { for (i = 2; i <= NF; i++) if ($(i+1) == "ns/op") v[$1] = v[$1] " " $i }
	END {
		for (name in v) {
			n = split(substr(v[name], 2), a, " ")
			for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (a[j] + 0 < a[i] + 0) { t = a[i]; a[i] = a[j]; a[j] = t }
			m = (n % 2) ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
			printf "  %-50s %14.0f\n", name, m
		}
	}' "$out" | sort
