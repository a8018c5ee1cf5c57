#!/usr/bin/env bash
# Builds the Lambda functions as Lambda runs them (runtime provided.al2023): one static
# Linux binary named bootstrap per function, without aws-lambda-go's RPC mode.
#
#   bash infra/lambda/build.sh                 # every function under functions/, arm64
#   ARCH=amd64 bash infra/lambda/build.sh web  # only web, for x86_64
#
# Environment:
#   ARCH=arm64       GOARCH of the build (arm64 as deployed, amd64 for the emulator here)
#   OUT=build        folder of the binaries: OUT/<name>/bootstrap
#
# Uses Go's build cache: after a first build, a build of unchanged code only links.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/../.."
ARCH=${ARCH:-arm64}
OUT=${OUT:-build}

if (($# == 0)); then
	set -- $(cd functions && ls -d */ | tr -d /)
fi
for name in "$@"; do
	[[ -d functions/$name ]] || { echo "infra/lambda/build.sh: no function functions/$name" >&2; exit 1; }
	CGO_ENABLED=0 GOOS=linux GOARCH=$ARCH go build -tags lambda.norpc -trimpath -ldflags='-s -w' \
		-o "$OUT/$name/bootstrap" "./functions/$name"
	printf '%s\t%s\t%s bytes\n' "$ARCH" "$OUT/$name/bootstrap" "$(stat -c %s "$OUT/$name/bootstrap")"
done
