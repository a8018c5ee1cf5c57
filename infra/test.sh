#!/usr/bin/env bash
# Runs every test of Wissensnetz: go vet, the Lambda builds (arm64 and amd64), the Go tests
# with the race detector, a short fuzz run of every Fuzz target from its seed corpus, the
# browser tests (infra/e2e) and a lint of the OpenAPI document (infra/openapi). Installs what
# the tests need when it is missing (Debian's chromium, the npm packages of infra/e2e and
# infra/openapi, aws-lambda-rie). Run it from anywhere:
#
#   bash infra/test.sh
#
# Environment:
#   CI=true            missing stand-ins and a missing browser fail instead of skipping
#                      (exports WISSENSNETZ_REQUIRE_STANDINS=1)
#   FUZZTIME=5s        how long each Fuzz target runs
#
# The tests of a full disk (shared/app) fill small tmpfs file systems, which needs root and
# the right to mount. Where a probe mount works, they must run (WISSENSNETZ_REQUIRE_TMPFS=1);
# elsewhere they are skipped and the summary says so.
#
# Ends with "N passed, M failed" (N counts the OpenAPI lint, Lambda builds, the template
# lint, Go packages, fuzz targets and browser tests) and a non-zero exit status if anything
# failed.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
ROOT=$(pwd)
FUZZTIME=${FUZZTIME:-5s}
export GOFLAGS=${GOFLAGS:-}

if [[ "${CI:-}" == "true" ]]; then
	export WISSENSNETZ_REQUIRE_STANDINS=1
fi

step() { printf '\n==> %s\n' "$*"; }
die() { printf 'infra/test.sh: %s\n' "$*" >&2; exit 1; }
elapsed() { echo "$((SECONDS - $1))s"; }

LOG=$(mktemp -d "${TMPDIR:-/tmp}/wissensnetz-test.XXXXXX")
trap 'rm -rf "$LOG"' EXIT

mkdir "$LOG/tmpfs"
if mount -t tmpfs -o size=1m tmpfs "$LOG/tmpfs" 2>/dev/null; then
	umount "$LOG/tmpfs"
	export WISSENSNETZ_REQUIRE_TMPFS=1
else
	echo "warning: cannot mount a tmpfs here; the full-disk tests of shared/app will be skipped" >&2
fi

passed=0
failed=0
failures=()
fail() { failed=$((failed + ${2:-1})); failures+=("$1"); }

as_root() {
	if [[ $(id -u) -eq 0 ]]; then
		"$@"
	elif command -v sudo >/dev/null; then
		sudo "$@"
	else
		return 1
	fi
}

# --- tools -------------------------------------------------------------------------------

command -v go >/dev/null || die "go is missing (see go.mod for the version)"
command -v node >/dev/null || die "node is missing (Node.js 20 or newer)"
command -v npm >/dev/null || die "npm is missing"

CHROMIUM=/usr/bin/chromium
if [[ ! -x $CHROMIUM ]]; then
	step "installing chromium (Debian package) for the browser tests"
	if ! { as_root env DEBIAN_FRONTEND=noninteractive apt-get update -q &&
		as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends chromium; }; then
		if [[ "${CI:-}" == "true" ]]; then
			die "could not install chromium"
		fi
		echo "warning: could not install chromium; the browser tests will be skipped" >&2
	fi
fi

# npm_ci DIR installs the npm packages of DIR from its lock file. The lock file must not
# name a registry: every machine installs from its own configured registry.
npm_ci() (
	cd "$1" || exit 1
	lock_names_registry() { grep -Eq '"resolved"|\.tgz"' package-lock.json; }
	if [[ ! -f package-lock.json ]] || lock_names_registry; then
		echo "writing package-lock.json without registry addresses"
		npm install --package-lock-only --omit-lockfile-registry-resolved --no-audit --no-fund || exit 1
		! lock_names_registry || die "$1/package-lock.json still names a registry"
	fi
	npm ci --no-audit --no-fund --loglevel=error
)

step "npm packages for the browser tests (infra/e2e)"
npm_ci infra/e2e || die "npm ci in infra/e2e failed"

# --- OpenAPI document --------------------------------------------------------------------

# Redocly CLI (infra/openapi, its rules in infra/openapi/redocly.yaml) checks
# shared/web/openapi.yaml against OpenAPI 3.1 and the recommended rules; the Go tests check
# that it names every API route and that every API answer of the tests matches it
# (shared/web/contract_test.go).
step "OpenAPI lint (infra/openapi: redocly lint shared/web/openapi.yaml)"
if npm_ci infra/openapi &&
	(cd infra/openapi && REDOCLY_TELEMETRY=off REDOCLY_SUPPRESS_UPDATE_NOTICE=true \
		npx --no-install redocly lint "$ROOT/shared/web/openapi.yaml"); then
	passed=$((passed + 1))
	echo "OpenAPI lint: ok"
else
	fail "OpenAPI lint (infra/openapi)"
fi

# --- stand-ins for AWS -------------------------------------------------------------------

step "stand-ins for AWS (dynalite, versitygw: infra/standins.sh)"
if standins=$(bash infra/standins.sh); then
	eval "$standins"
	trap 'bash infra/standins.sh stop; rm -rf "$LOG"' EXIT
elif [[ "${CI:-}" == "true" ]]; then
	die "could not start the stand-ins for AWS"
else
	echo "warning: stand-ins for AWS not started; their tests will be skipped" >&2
fi

# --- Lambda Runtime Interface Emulator (infra/lambda) ------------------------------------

# The RIE tests (infra/lambda, infra/awslocal) run the functions' bootstraps under the
# emulator.
RIE_MODULE=github.com/aws/aws-lambda-runtime-interface-emulator/cmd/aws-lambda-rie@v0.0.0-20261030222936-bef5c4ba774d
GOBIN_DIR=$(go env GOBIN)
GOBIN_DIR=${GOBIN_DIR:-$(go env GOPATH)/bin}
if ! command -v aws-lambda-rie >/dev/null && [[ ! -x $GOBIN_DIR/aws-lambda-rie ]]; then
	step "installing aws-lambda-rie (go install)"
	if ! (cd "$LOG" && GOFLAGS= go install "$RIE_MODULE"); then
		[[ "${CI:-}" != "true" ]] || die "could not install aws-lambda-rie"
		echo "warning: aws-lambda-rie not installed; the RIE test will be skipped" >&2
	fi
fi

# --- gofmt and go vet --------------------------------------------------------------------

step "gofmt -l"
unformatted=$(gofmt -l $(git ls-files '*.go' 2>/dev/null || find . -name '*.go' -not -path './infra/*/node_modules/*'))
if [[ -n $unformatted ]]; then
	printf 'not formatted with gofmt:\n%s\n' "$unformatted"
	fail "gofmt"
else
	echo "gofmt: ok"
fi


step "go vet ./..."
t0=$SECONDS
if go vet ./...; then
	echo "go vet: ok ($(elapsed $t0))"
else
	fail "go vet"
fi

# --- Lambda builds -----------------------------------------------------------------------

# Every function as Lambda runs it, for arm64 (deployed) and amd64; the web bootstrap for
# this machine is handed to the RIE test. Go's build cache keeps this short after a first run.
step "Lambda builds (infra/lambda/build.sh: arm64, amd64)"
t0=$SECONDS
for arch in arm64 amd64; do
	if OUT="$LOG/lambda-$arch" ARCH=$arch bash infra/lambda/build.sh; then
		passed=$((passed + 1))
	else
		fail "Lambda build ($arch)"
	fi
done
# The bootstraps for this machine go to the tests that run them under the emulator
# (infra/lambda, infra/awslocal): WISSENSNETZ_TEST_WEB_BOOTSTRAP and so on.
for fn in web indexer extract; do
	if [[ -x "$LOG/lambda-$(go env GOARCH)/$fn/bootstrap" ]]; then
		export "WISSENSNETZ_TEST_${fn^^}_BOOTSTRAP=$LOG/lambda-$(go env GOARCH)/$fn/bootstrap"
	fi
done
echo "Lambda builds: $(elapsed $t0)"

# --- template.yaml -----------------------------------------------------------------------

# AWS's CloudFormation linter (Python package cfn-lint; it applies the SAM transform and
# finds, e.g., circular dependencies) where the machine has it; infra/deploy's Go test
# checks the template against the code either way.
if command -v cfn-lint >/dev/null; then
	step "cfn-lint template.yaml"
	if cfn-lint template.yaml; then
		passed=$((passed + 1))
		echo "cfn-lint: ok"
	else
		fail "cfn-lint template.yaml"
	fi
else
	echo "warning: cfn-lint not installed; template.yaml is checked by infra/deploy only" >&2
fi

# --- go test -----------------------------------------------------------------------------

step "go test -race -count=1 ./..."
t0=$SECONDS
rc=0
go test -race -count=1 -timeout 5m ./... 2>&1 | tee "$LOG/go-test.txt" || rc=$?
ok_pkgs=$(grep -cE '^ok[[:space:]]' "$LOG/go-test.txt" || true)
bad_pkgs=$(grep -cE '^FAIL[[:space:]]+[^[:space:]]' "$LOG/go-test.txt" || true)
passed=$((passed + ok_pkgs))
if [[ $bad_pkgs -gt 0 ]]; then
	fail "go test ($bad_pkgs packages)" "$bad_pkgs"
elif [[ $rc -ne 0 ]]; then
	fail "go test (exit $rc)"
fi
echo "go test: $ok_pkgs packages ok, $bad_pkgs failed ($(elapsed $t0))"

# --- fuzzing -----------------------------------------------------------------------------

step "fuzzing every Fuzz target for $FUZZTIME"
t0=$SECONDS
targets=()
while IFS=: read -r file decl; do
	name=${decl#func }
	targets+=("$(dirname "$file") ${name%%(*}")
done < <(grep -rHoE '^func Fuzz[A-Za-z0-9_]*\(' --include='*_test.go' --exclude-dir=node_modules --exclude-dir=.git . | sort -u)
for t in "${targets[@]}"; do
	pkg=${t% *}
	name=${t#* }
	echo "--- $name in $pkg"
	fuzz() { go test -run '^$' -fuzz "^${name}\$" -fuzztime "$FUZZTIME" "$pkg/" >"$LOG/fuzz.txt" 2>&1; }
	ok=0
	fuzz && ok=1
	# Go's fuzzer sometimes ends with "context deadline exceeded" when the time runs out
	# while a worker is busy on a loaded machine; that is no finding (no failing input is
	# written). Such a run is repeated once; a real finding fails at once.
	if [[ $ok == 0 ]] && grep -q 'context deadline exceeded' "$LOG/fuzz.txt" && ! grep -q 'Failing input written' "$LOG/fuzz.txt"; then
		echo "(the fuzzer stopped on its deadline without a finding; running $name once more)"
		fuzz && ok=1
	fi
	if [[ $ok == 1 ]]; then
		tail -n 2 "$LOG/fuzz.txt"
		passed=$((passed + 1))
	else
		cat "$LOG/fuzz.txt"
		fail "fuzz $name ($pkg)"
	fi
done
echo "fuzz: ${#targets[@]} targets ($(elapsed $t0))"

# --- browser tests -----------------------------------------------------------------------

step "browser tests (infra/e2e, node --test)"
t0=$SECONDS
rc=0
(cd infra/e2e && timeout --kill-after=10s 10m node --test --test-reporter=spec --test-concurrency=1 wissensnetz.test.mjs) \
	2>&1 | tee "$LOG/e2e.txt" || rc=$?
e2e_pass=$(sed -nE 's/^(ℹ|#) pass ([0-9]+).*/\2/p' "$LOG/e2e.txt" | tail -n 1)
e2e_fail=$(sed -nE 's/^(ℹ|#) fail ([0-9]+).*/\2/p' "$LOG/e2e.txt" | tail -n 1)
e2e_skip=$(sed -nE 's/^(ℹ|#) skipped ([0-9]+).*/\2/p' "$LOG/e2e.txt" | tail -n 1)
e2e_cancel=$(sed -nE 's/^(ℹ|#) cancelled ([0-9]+).*/\2/p' "$LOG/e2e.txt" | tail -n 1)
e2e_pass=${e2e_pass:-0} e2e_skip=${e2e_skip:-0}
e2e_fail=$((${e2e_fail:-0} + ${e2e_cancel:-0})) # a test cancelled by a failed hook has failed
passed=$((passed + e2e_pass))
if [[ $e2e_fail -gt 0 ]]; then
	fail "browser tests ($e2e_fail)" "$e2e_fail"
elif [[ $rc -ne 0 ]]; then
	fail "browser tests (exit $rc)"
elif [[ $e2e_pass -eq 0 && $e2e_skip -eq 0 ]]; then
	fail "browser tests (none ran)"
fi
echo "browser tests: $e2e_pass passed, $e2e_fail failed, $e2e_skip skipped ($(elapsed $t0))"

# --- summary -----------------------------------------------------------------------------

echo
if [[ $failed -gt 0 ]]; then
	printf 'FAILED: %s\n' "${failures[@]}"
fi
echo "total time: ${SECONDS}s"
if [[ $e2e_skip -gt 0 ]]; then
	echo "$passed passed, $failed failed, $e2e_skip skipped"
else
	echo "$passed passed, $failed failed"
fi
[[ $failed -eq 0 ]]
