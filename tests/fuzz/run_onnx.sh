#!/usr/bin/env bash
# Build the libFuzzer target of the ecnn tool's ONNX reader with clang
# (ASan, UBSan, libFuzzer) and fuzz it for SECONDS seconds.
#
#   tests/fuzz/run_onnx.sh [SECONDS [LIBFUZZER_ARGS...]]     (default 45 s)
#
# The C decoder is generated here with protoc-c from the system's
# onnx.proto (ONNX_PROTO overrides where it is), as meson does. Seeds:
# tests/fuzz/onnx_corpus (only read); findings go to $FUZZ_OUT/onnx-artifacts
# and new inputs to $FUZZ_OUT/onnx-corpus (FUZZ_OUT defaults to build-fuzz/).
# Exits non-zero on any finding. docs/fuzzing.md has the details.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
secs=${1:-45}
[ $# -gt 0 ] && shift
out=${FUZZ_OUT:-$root/build-fuzz}
clang=${CLANG:-clang}
proto=${ONNX_PROTO:-/usr/include/onnx/onnx.proto}

mkdir -p "$out/onnx-corpus" "$out/onnx-artifacts" "$out/onnx-gen"
protoc-c --proto_path="$(dirname "$proto")" --c_out="$out/onnx-gen" "$proto"
t="$root/tools/ecnn"
# shellcheck disable=SC2086
"$clang" -std=c11 -g -O1 -Wall -Wextra -D_XOPEN_SOURCE=700 ${FUZZ_CFLAGS:-} \
    -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
    -I"$root/include" -I"$root/lib" -I"$t" -I"$out/onnx-gen" \
    "$root"/lib/*.c "$here/fuzz_onnx.c" "$out/onnx-gen/onnx.pb-c.c" \
    "$t/onnx.c" "$t/onnx_strip.c" "$t/onnx_flags.c" "$t/gemm.c" "$t/layerdesc.c" "$t/util.c" "$t/textfile.c" "$t/args.c" \
    $(pkg-config --cflags --libs libprotobuf-c) -lm -o "$out/fuzz_onnx"

export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1}
# -close_fd_mask=2: the reader's error messages (one an input) go nowhere;
# a crash report still reaches the log through ASan's own output.
exec "$out/fuzz_onnx" -max_total_time="$secs" -timeout=30 -rss_limit_mb=2048 \
    -max_len=65536 -print_final_stats=1 -close_fd_mask=2 \
    -artifact_prefix="$out/onnx-artifacts/" "$@" "$out/onnx-corpus" "$here/onnx_corpus"
