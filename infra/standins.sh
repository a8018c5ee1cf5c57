#!/usr/bin/env bash
# Starts the local stand-ins for AWS that the store tests talk to, on free loopback ports,
# and prints the export lines that point the tests at them:
#
#   eval "$(bash infra/standins.sh)"    # install if needed, start, export WISSENSNETZ_TEST_*
#   go test ./shared/store/...
#   bash infra/standins.sh stop         # stop them again (uses the exported variables)
#   bash infra/standins.sh install      # only install what is missing (infra/awslocal uses it)
#
# Stand-ins:
#   dynalite 4.0.0   DynamoDB API, in memory; npm package pinned in infra/standins/
#                    (package.json + package-lock.json without registry addresses)
#   versitygw 1.8.0  S3 API over a temporary folder; `go install`ed when missing (a cold
#                    build takes a few minutes)
#
# Exports: WISSENSNETZ_TEST_DYNAMODB, WISSENSNETZ_TEST_S3, WISSENSNETZ_TEST_S3_ACCESS,
# WISSENSNETZ_TEST_S3_SECRET, and for `stop`: WISSENSNETZ_STANDIN_PIDS (the processes) and
# WISSENSNETZ_STANDIN_DIR (logs and S3 data). Progress and errors go to stderr; stdout
# carries only the export lines. If anything fails, what was started is stopped again and
# the script exits non-zero.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
STANDINS=$ROOT/infra/standins
VERSITYGW_MODULE=github.com/versity/versitygw/cmd/versitygw@v1.8.0
S3_ACCESS=wissensnetz-test        # test credentials of a loopback-only server
S3_SECRET=wissensnetz-test-secret
REGION=eu-central-1
READY_TIMEOUT=30 # seconds a stand-in may take to answer

log() { printf 'infra/standins.sh: %s\n' "$*" >&2; }
die() { log "$*"; exit 1; }

# --- stop --------------------------------------------------------------------------------

# is_standin reports whether process pid is a stand-in (and not a later process that got
# the same id).
is_standin() {
	local cmd
	cmd=$({ tr '\0' ' ' <"/proc/$1/cmdline"; } 2>/dev/null) || return 1
	[[ $cmd == *dynalite* || $cmd == *versitygw* ]]
}

# stop_standins ends the processes listed in WISSENSNETZ_STANDIN_PIDS, but only those that
# still are a stand-in, waiting up to 5 seconds before it kills them, and removes
# WISSENSNETZ_STANDIN_DIR.
stop_standins() {
	local pid ours=()
	for pid in ${WISSENSNETZ_STANDIN_PIDS:-}; do
		if [[ $pid =~ ^[0-9]+$ ]] && is_standin "$pid"; then
			ours+=("$pid")
			kill "$pid" 2>/dev/null || true
		fi
	done
	for _ in $(seq 50); do
		local running=()
		for pid in "${ours[@]}"; do
			! is_standin "$pid" || running+=("$pid")
		done
		((${#running[@]} > 0)) || break
		sleep 0.1
	done
	for pid in "${ours[@]}"; do
		! is_standin "$pid" || kill -9 "$pid" 2>/dev/null || true
	done
	local dir=${WISSENSNETZ_STANDIN_DIR:-}
	if [[ -n $dir && -d $dir && $(basename "$dir") == wissensnetz-standins.* ]]; then
		rm -rf "$dir"
	fi
}

MODE=${1:-start}
case "$MODE" in
stop)
	stop_standins
	exit 0
	;;
start | install) ;;
*) die "usage: eval \"\$(bash infra/standins.sh)\"  or  bash infra/standins.sh stop|install" ;;
esac

# --- helpers -----------------------------------------------------------------------------

command -v node >/dev/null || die "node is missing (Node.js 20 or newer)"
command -v npm >/dev/null || die "npm is missing"
command -v go >/dev/null || die "go is missing"

DIR=$(mktemp -d "${TMPDIR:-/tmp}/wissensnetz-standins.XXXXXX")
PIDS=()
started=false
cleanup() {
	if ! $started; then
		WISSENSNETZ_STANDIN_PIDS="${PIDS[*]:-}" WISSENSNETZ_STANDIN_DIR=$DIR stop_standins
	fi
}
trap cleanup EXIT

# listening reports whether something accepts connections on 127.0.0.1:port.
listening() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# free_port prints a loopback port that nothing listens on.
free_port() {
	local port
	for _ in $(seq 50); do
		port=$((20000 + RANDOM % 20000))
		if ! listening "$port"; then
			echo "$port"
			return 0
		fi
	done
	die "found no free port"
}

# wait_ready pid port name: waits until the process answers HTTP on port; fails if it
# exits or does not answer in time.
wait_ready() {
	local pid=$1 port=$2 name=$3 deadline=$((SECONDS + READY_TIMEOUT))
	while ((SECONDS < deadline)); do
		if ! kill -0 "$pid" 2>/dev/null; then
			log "$name exited; its log:"
			tail -n 20 "$DIR/$name.log" >&2 || true
			return 1
		fi
		if listening "$port" && [[ $(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/" 2>/dev/null || true) != 000 ]]; then
			return 0
		fi
		sleep 0.1
	done
	log "$name did not answer on port $port within ${READY_TIMEOUT}s"
	return 1
}

# start name command...: starts a stand-in whose command line contains @PORT@ on a free
# port, trying another port if the first one was taken meanwhile. Sets PORT.
start() {
	local name=$1
	shift
	local attempt pid args
	for attempt in 1 2 3; do
		PORT=$(free_port)
		args=("${@//@PORT@/$PORT}")
		"${args[@]}" >"$DIR/$name.log" 2>&1 </dev/null &
		pid=$!
		PIDS+=("$pid")
		if wait_ready "$pid" "$PORT" "$name"; then
			log "$name listens on 127.0.0.1:$PORT (pid $pid)"
			return 0
		fi
		kill "$pid" 2>/dev/null || true
		log "$name: attempt $attempt failed"
	done
	die "could not start $name"
}

# --- dynalite ----------------------------------------------------------------------------

{
	cd "$STANDINS"
	# The lock file must not name a registry: every machine installs from its own.
	lock_names_registry() { grep -Eq '"resolved"|\.tgz"' package-lock.json; }
	if [[ ! -f package-lock.json ]] || lock_names_registry; then
		log "writing infra/standins/package-lock.json without registry addresses"
		npm install --package-lock-only --omit-lockfile-registry-resolved --no-audit --no-fund --loglevel=error
		! lock_names_registry || die "infra/standins/package-lock.json still names a registry"
	fi
	if [[ ! -x node_modules/.bin/dynalite || package-lock.json -nt node_modules/.package-lock.json ]]; then
		log "installing dynalite (npm ci in infra/standins)"
		npm ci --no-audit --no-fund --loglevel=error
	fi
} >&2

# --- versitygw ---------------------------------------------------------------------------

VERSITYGW=$(command -v versitygw || true)
if [[ -z $VERSITYGW ]]; then
	GOBIN_DIR=$(go env GOBIN)
	GOBIN_DIR=${GOBIN_DIR:-$(go env GOPATH)/bin}
	VERSITYGW=$GOBIN_DIR/versitygw
	if [[ ! -x $VERSITYGW ]]; then
		log "installing versitygw ($VERSITYGW_MODULE; a cold build takes a few minutes)"
		(cd "$DIR" && GOFLAGS= go install "$VERSITYGW_MODULE") >&2
	fi
fi
if [[ $MODE == install ]]; then
	# The Lambda Runtime Interface Emulator, for infra/awslocal (infra/test.sh installs
	# the same version).
	RIE_MODULE=github.com/aws/aws-lambda-runtime-interface-emulator/cmd/aws-lambda-rie@v0.0.0-20261030222936-bef5c4ba774d
	GOBIN_DIR=$(go env GOBIN)
	GOBIN_DIR=${GOBIN_DIR:-$(go env GOPATH)/bin}
	if ! command -v aws-lambda-rie >/dev/null && [[ ! -x $GOBIN_DIR/aws-lambda-rie ]]; then
		log "installing aws-lambda-rie (go install)"
		(cd "$DIR" && GOFLAGS= go install "$RIE_MODULE") >&2
	fi
	log "dynalite: $STANDINS/node_modules/.bin/dynalite, versitygw: $VERSITYGW"
	exit 0
fi

start dynalite "$STANDINS/node_modules/.bin/dynalite" --port @PORT@ --host 127.0.0.1 --createTableMs 0
DYNAMO_PORT=$PORT

mkdir -p "$DIR/s3"
start versitygw "$VERSITYGW" --port 127.0.0.1:@PORT@ --access "$S3_ACCESS" --secret "$S3_SECRET" \
	--region "$REGION" --quiet posix "$DIR/s3"
S3_PORT=$PORT

# --- exports -----------------------------------------------------------------------------

started=true
cat <<EOF
export WISSENSNETZ_TEST_DYNAMODB=http://127.0.0.1:$DYNAMO_PORT
export WISSENSNETZ_TEST_S3=http://127.0.0.1:$S3_PORT
export WISSENSNETZ_TEST_S3_ACCESS=$S3_ACCESS
export WISSENSNETZ_TEST_S3_SECRET=$S3_SECRET
export WISSENSNETZ_STANDIN_PIDS="${PIDS[*]}"
export WISSENSNETZ_STANDIN_DIR=$DIR
EOF
