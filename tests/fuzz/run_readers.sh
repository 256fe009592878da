#!/usr/bin/env bash
# Build the libFuzzer target of the tool's readers (fuzz_readers.c) with
# clang, ASan and UBSan, straight from the sources, and fuzz it for SECONDS
# seconds. Arguments, FUZZ_OUT, CLANG and FUZZ_CFLAGS as for run.sh; the
# outputs go to $FUZZ_OUT (default build-fuzz-readers/). docs/fuzzing.md.
#
#   tests/fuzz/run_readers.sh [SECONDS [LIBFUZZER_ARGS...]]     (default 60 s)
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
secs=${1:-60}
[ $# -gt 0 ] && shift
out=${FUZZ_OUT:-$root/build-fuzz-readers}
clang=${CLANG:-clang}
tool="$root/tools/ecnn"

mkdir -p "$out/corpus" "$out/artifacts"
# The readers' sources as tools/meson.build lists them (ecnn_reader_sources),
# and the library, for the memory and layer checks they end in.
readers=$(sed -n "/^ecnn_reader_sources = files(/,/^)/s/^ *'ecnn\/\(.*\.c\)',\$/\1/p" \
          "$root/tools/meson.build")
# shellcheck disable=SC2086
"$clang" -std=c11 -g -O1 -Wall -Wextra -D_XOPEN_SOURCE=700 ${FUZZ_CFLAGS:-} \
    -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
    -I"$root/include" -I"$root/lib" -I"$tool" \
    "$root"/lib/*.c $(for f in $readers; do printf '%s ' "$tool/$f"; done) \
    "$here"/fuzz_readers.c -lyaml -lm -o "$out/fuzz_readers"

export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1}
# -max_len: a reader's input is a file; 64 KiB holds every seed and lines
# past the 8192-byte limit. -timeout: 10 s for one input is a hang (the
# YAML depth cap keeps libyaml's quadratic case far below that).
exec "$out/fuzz_readers" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 \
    -max_len=65536 -print_final_stats=1 -artifact_prefix="$out/artifacts/" \
    "$@" "$out/corpus" "$here/corpus_readers"
