#!/usr/bin/env bash
# Build the libFuzzer target straight from the sources with clang (ASan,
# UBSan and libFuzzer together) and fuzz the API for SECONDS seconds.
#
#   tests/fuzz/run.sh [SECONDS [LIBFUZZER_ARGS...]]     (default 60 s)
#
# The committed seeds (tests/fuzz/corpus/) are only read; inputs libFuzzer
# finds go to $FUZZ_OUT/corpus and crashes, leaks and timeouts to
# $FUZZ_OUT/artifacts (FUZZ_OUT defaults to build-fuzz/ at the repository
# root). Exits non-zero on any finding. docs/fuzzing.md has the details.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
secs=${1:-60}
[ $# -gt 0 ] && shift
out=${FUZZ_OUT:-$root/build-fuzz}
clang=${CLANG:-clang}

mkdir -p "$out/corpus" "$out/artifacts"
# The library is compiled into the target (not linked from a meson build) so
# that libFuzzer's coverage instrumentation sees its branches. lib/*.c, not
# a list: new library sources are picked up without editing this script.
# shellcheck disable=SC2086
"$clang" -std=c11 -g -O1 -Wall -Wextra ${FUZZ_CFLAGS:-} \
    -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
    -I"$root/include" -I"$root/lib" \
    "$root"/lib/*.c "$here"/fuzz_api.c "$here"/fuzz_eval.c "$here"/fuzz_check.c "$here"/fuzz_alloc.c \
    -lm -o "$out/fuzz_api"

export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1}
# -timeout: an input running a minute is a hang, a finding like a crash.
# -rss_limit_mb: a runaway allocation is a finding too. -max_len: inputs are
# op sequences; 4 KiB is hundreds of calls, more than one input runs.
exec "$out/fuzz_api" -max_total_time="$secs" -timeout=60 -rss_limit_mb=2048 \
    -max_len=4096 -print_final_stats=1 -artifact_prefix="$out/artifacts/" \
    "$@" "$out/corpus" "$here/corpus"
