#!/usr/bin/env bash
# The test command (README, .ci/run): installs what the tests need on a fresh machine, then runs every test.
#   - s3rver, the local S3-compatible server of the local run, from the pinned package-lock.json;
#   - the ZIP readers the archive tests check with (unzip, 7z, bsdtar), from Debian's packages when we are root;
#   - a Python 3 with moto[server] (moto_server, the strict S3 and SSM of the end-to-end tests) and cfn-lint (the
#     template's linter). This script only finds it and exports its path as S3ZIPEXPORT_PYTHON; the tests' own
#     fixture (LocalS3Fixture) starts moto_server on a free port and stops it, so `dotnet test` alone works the same
#     way (it searches like this script when the variable is unset), and a moto_server whose test host died exits
#     by itself. Where moto or cfn-lint is missing, one pip install is tried; if that fails the tests that need
#     them are reported as skipped, with the reason, and counted in the closing line.
set -euo pipefail
cd "$(dirname "$0")/.."

# A bare environment (env -i) has no HOME; dotnet and pyenv's shims need it.
if [ -z "${HOME:-}" ]; then
  HOME=$(getent passwd "$(id -u)" | cut -d: -f6)
  export HOME
fi

if ! command -v 7z >/dev/null || ! command -v bsdtar >/dev/null || ! command -v unzip >/dev/null; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq unzip p7zip-full libarchive-tools >/dev/null
  else
    echo "note: unzip, 7z or bsdtar missing and not root; archive tests check with the readers that are installed" >&2
  fi
fi

npm ci --no-audit --no-fund --loglevel=error

# Python: every python3 on PATH, then pyenv's shim, which a PATH without pyenv misses (Debian's python3 has neither
# moto nor cfn-lint). The first that has moto[server] is used, else the first that has cfn-lint.
moto_modules="moto.server flask flask_cors"
lint_modules="cfnlint samtranslator"
python_candidates() {
  {
    type -ap python3 || true
    if [ -x "$HOME/.pyenv/shims/python3" ]; then echo "$HOME/.pyenv/shims/python3"; fi
  } | awk '!seen[$0]++'
}
has_modules() {   # PYTHON "MODULE...": prints the interpreter's real path (not a shim's) when it finds every module
  [ -n "$1" ] && "$1" - $2 2>/dev/null <<'PY'
import sys, importlib.util as u
def found(m):
    try: return u.find_spec(m) is not None
    except ImportError: return False
if not all(found(m) for m in sys.argv[1:]): sys.exit(1)
print(sys.executable)
PY
}
find_python() {   # "MODULE..."
  local candidate
  for candidate in $(python_candidates); do has_modules "$candidate" "$1" && return 0; done
  return 1
}
choose_python() { find_python "$moto_modules" || find_python "$lint_modules" || true; }

python=$(choose_python)
missing=()
has_modules "$python" "$moto_modules" >/dev/null || missing+=("moto[server]")
has_modules "$python" "$lint_modules" >/dev/null || missing+=("cfn-lint")
if [ ${#missing[@]} -gt 0 ]; then
  pip_python=${python:-$(python_candidates | head -1)}
  echo "!!! ${missing[*]} not found in any python3 (PATH, $HOME/.pyenv/shims); trying once: ${pip_python:-python3} -m pip install ${missing[*]}" >&2
  if [ -n "$pip_python" ] && "$pip_python" -m pip install --quiet --disable-pip-version-check --retries 1 --timeout 20 "${missing[@]}" >&2; then
    python=$(choose_python)
  else
    echo "!!! pip install ${missing[*]} FAILED" >&2
  fi
fi
if [ -n "$python" ]; then
  export S3ZIPEXPORT_PYTHON="$python"
  version() { "$python" -c "import importlib.metadata as m; print(m.version('$1'))" 2>/dev/null || echo "missing"; }
  echo "python: $python ($("$python" --version 2>&1)): moto $(version moto), whose moto_server ($(dirname "$python")/moto_server)" \
    "the tests run as '$python -c ... moto.server.main'; cfn-lint $(version cfn-lint)"
fi
absent=""
has_modules "$python" "$moto_modules" >/dev/null || absent+="!!! moto_server is NOT available: the end-to-end, fault and API-key tests are SKIPPED"$'\n'
has_modules "$python" "$lint_modules" >/dev/null || absent+="!!! cfn-lint is NOT available: the template lint test is SKIPPED"$'\n'
printf '%s' "$absent" >&2

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
  printf '%s' "$absent" >&2   # again, where it is seen: after the long test output
  echo "tests: $passed passed, $failed failed, $skipped skipped"
fi
exit "$status"
