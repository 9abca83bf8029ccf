#!/usr/bin/env bash
# The benchmark command (README "Benchmark"): publishes the benchmark as the function is deployed, then runs it with
# the arguments given. `dotnet lambda package` (and so `sam build`) publishes the function for its runtime, which
# makes its dependencies ReadyToRun (src/S3ZipExport/LambdaRuntime.props); a plain `dotnet run` would JIT-compile
# the AWS SDK at every start and count that CPU in every figure. Here the benchmark is published for this machine's
# runtime (linux-x64 or linux-arm64), so the export child runs the same precompiled dependencies.
set -euo pipefail
cd "$(dirname "$0")/.."

case "$(uname -m)" in
  x86_64) rid=linux-x64 ;;
  aarch64 | arm64) rid=linux-arm64 ;;
  *) echo "bench.sh: no .NET runtime identifier known for $(uname -m)" >&2; exit 2 ;;
esac

if [ ! -d node_modules/s3rver ]; then npm ci --no-audit --no-fund --loglevel=error; fi

# The demo source runs as a process of its own, from its ordinary build (DemoSourceProcess). The publish keeps its
# intermediate files apart (--artifacts-path), so it does not change what `dotnet build` and the tests restored.
dotnet build tools/S3ZipExport.DemoSource -c Release -nologo -v quiet >&2
published=bench/S3ZipExport.Benchmarks/bin/published
out=$published/$rid
dotnet publish bench/S3ZipExport.Benchmarks -c Release -r "$rid" --self-contained false --artifacts-path "$published/artifacts" -o "$out" \
  -nologo -v quiet >&2
exec dotnet "$out/S3ZipExport.Benchmarks.dll" "$@"
