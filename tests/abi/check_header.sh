#!/bin/sh
# The 'header' test (issue 4, item 4): include/ecnn.h compiles cleanly as
# C99 and C11 (gcc and clang) and as C++11 (g++ and clang++) with
# -Wall -Wextra -Werror -pedantic, and each program links against the built
# libecnn.so (for C++ that checks the extern "C" block) and runs.
#
# Usage: check_header.sh INCLUDE_DIR LIBRARY VERSION SANITIZE HEADER_C HEADER_CXX
# SANITIZE is meson's b_sanitize; when it is not "none" the library is
# instrumented and a program built without the sanitizer cannot load it, so
# the programs are compiled and linked but not run.
set -eu

if [ "$#" -ne 6 ]; then
    echo "usage: $0 INCLUDE_DIR LIBRARY VERSION SANITIZE HEADER_C HEADER_CXX" >&2
    exit 2
fi
include=$1 lib=$2 version=$3 sanitize=$4 src_c=$5 src_cxx=$6
libdir=$(cd "$(dirname "$lib")" && pwd)

tmp=$(mktemp -d "${TMPDIR:-/tmp}/ecnn-header.XXXXXX")
trap 'rm -rf "$tmp"' EXIT INT TERM

warn="-Wall -Wextra -Werror -pedantic"
# -Wstrict-prototypes (C only): "f()" declares no prototype in C, unlike C++.
c_warn="$warn -Wstrict-prototypes"
# The rpath lets the program find libecnn.so.0 in the build directory.
link="-L$libdir -lecnn -Wl,-rpath,$libdir"
built=0 failed=0

try() { # try COMPILER STD FLAGS SOURCE
    compiler=$1 std=$2 flags=$3 src=$4
    if ! command -v "$compiler" >/dev/null 2>&1; then
        echo "-- $compiler not installed: $std not checked with it"
        return 0
    fi
    out="$tmp/$compiler-$std"
    # shellcheck disable=SC2086  # flags are word lists
    if ! "$compiler" -std="$std" $flags -I"$include" -DECNN_EXPECTED_VERSION="\"$version\"" \
            -o "$out" "$src" $link; then
        echo "FAIL: $compiler -std=$std $flags"
        failed=$((failed + 1))
        return 0
    fi
    built=$((built + 1))
    if [ "$sanitize" != none ]; then
        echo "ok: $compiler -std=$std (compiled and linked; not run: b_sanitize=$sanitize)"
    elif "$out"; then
        echo "ok: $compiler -std=$std (compiled, linked, ran)"
    else
        echo "FAIL: $compiler -std=$std: the program failed"
        failed=$((failed + 1))
    fi
}

for std in c99 c11; do
    try gcc "$std" "$c_warn" "$src_c"
    try clang "$std" "$c_warn" "$src_c"
done
try g++ c++11 "$warn" "$src_cxx"
try clang++ c++11 "$warn" "$src_cxx"

if [ "$failed" -ne 0 ]; then
    echo "header test: $failed configuration(s) failed"
    exit 1
fi
if [ "$built" -eq 0 ]; then
    echo "SKIP: none of gcc, clang, g++, clang++ is installed"
    exit 77
fi
echo "header test: $built configuration(s) passed"
