#!/usr/bin/env bash
# The test command (README, .ci/run): installs what the tests need on a fresh machine, then runs every test.
#   - s3rver, the local S3-compatible server, from the pinned package-lock.json;
#   - the ZIP readers the archive tests check with (unzip, 7z, bsdtar), from Debian's packages when we are root.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v 7z >/dev/null || ! command -v bsdtar >/dev/null || ! command -v unzip >/dev/null; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq unzip p7zip-full libarchive-tools >/dev/null
  else
    echo "note: unzip, 7z or bsdtar missing and not root; archive tests check with the readers that are installed" >&2
  fi
fi

npm ci --no-audit --no-fund --loglevel=error

# dotnet test's own summary line ("Passed!  - Failed: 0, Passed: N, ...") is restated in the plain
# "N passed, N failed, N skipped" form that CI tooling reads.
log=$(mktemp)
trap 'rm -f "$log"' EXIT
set +e
dotnet test S3ZipExport.slnx "$@" 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
set -e
summary=$(grep -E '(Passed|Failed)! +- Failed: ' "$log" | tail -1)
if [ -n "$summary" ]; then
  failed=$(sed -E 's/.*Failed: +([0-9]+).*/\1/' <<<"$summary")
  passed=$(sed -E 's/.*Passed: +([0-9]+).*/\1/' <<<"$summary")
  skipped=$(sed -E 's/.*Skipped: +([0-9]+).*/\1/' <<<"$summary")
  echo "tests: $passed passed, $failed failed, $skipped skipped"
fi
exit "$status"
