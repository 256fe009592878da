#!/bin/sh
# The 'abi' test (issue 4, item 3; docs/abi.md): compare the ABI of the
# built libecnn.so with the committed baseline tests/abi/libecnn.abi, and
# regenerate that baseline on an intended change.
#
# Usage: check_abi.sh check  BASELINE LIBRARY HEADERS_DIR
#        check_abi.sh update BASELINE LIBRARY HEADERS_DIR
# (`meson compile -C build abi-baseline` runs the update.)
#
# abidiff's exit status is a bit set: 1 tool error, 2 usage error, 4 ABI
# change, 8 incompatible change. It sets 8 only for removed symbols and a
# changed SONAME or architecture; a changed parameter, return or struct
# type, or a renumbered enumerator, sets 4 alone, as does an added function.
# So the check runs abidiff with --no-added-syms, which leaves added
# functions out of the verdict: then any bit set is a failure, while
# additions (new functions; new enum values, which libabigail files as
# harmless) pass.
set -eu

if [ "$#" -ne 4 ]; then
    echo "usage: $0 check|update BASELINE LIBRARY HEADERS_DIR" >&2
    exit 2
fi
mode=$1 baseline=$2 lib=$3 headers=$4

for tool in abidw abidiff readelf; do
    if ! command -v "$tool" >/dev/null 2>&1; then
        echo "SKIP: $tool not installed (Debian: apt-get install abigail-tools binutils)"
        exit 77 # meson's skip code
    fi
done

# Without DWARF, abidw sees only symbol names, and the baseline would
# compare as if every type had vanished. The exports test still runs.
if ! readelf -S -W "$lib" | grep -q '\.debug_info'; then
    echo "SKIP: $lib has no debug information (build with -g, e.g. buildtype=debugoptimized)"
    exit 77
fi

# Flags chosen so that the output depends on the public interface only and
# not on the build: only types from the public headers, no paths of the
# corpus or the compilation directory, no source locations or parameter
# names (which move with every edit of lib/), no DT_NEEDED (sanitizer builds
# add theirs), and type ids that are hashes rather than sequence numbers
# (which shift when a type is added).
dump() { # dump LIBRARY OUTPUT
    abidw --headers-dir "$headers" --drop-private-types --exported-interfaces-only \
          --no-corpus-path --no-comp-dir-path --no-show-locs --no-parameter-names \
          --no-elf-needed --type-id-style hash "$1" > "$2.tmp"
    # The translation units keep the path of their source relative to the
    # build directory; keep the file name only, so any build dir agrees.
    sed "s|\(<abi-instr [^>]* path='\)[^']*/\([^'/]*'\)|\1\2|" "$2.tmp" > "$2"
    rm -f "$2.tmp"
}

if [ "$mode" = update ]; then
    dump "$lib" "$baseline"
    echo "wrote $baseline from $lib; review it with git diff and commit it"
    exit 0
fi
[ "$mode" = check ] || { echo "unknown mode $mode" >&2; exit 2; }

tmp=$(mktemp -d "${TMPDIR:-/tmp}/ecnn-abi.XXXXXX")
trap 'rm -rf "$tmp"' EXIT INT TERM
dump "$lib" "$tmp/current.abi"

# The baseline describes one architecture (x86_64); elsewhere sizes differ.
arch() { sed -n "s/.*<abi-corpus [^>]*architecture='\([^']*\)'.*/\1/p" "$1" | head -n 1; }
if [ "$(arch "$baseline")" != "$(arch "$tmp/current.abi")" ]; then
    echo "SKIP: the baseline is for $(arch "$baseline"), this build is $(arch "$tmp/current.abi")"
    exit 77
fi

set +e
abidiff --no-added-syms "$baseline" "$tmp/current.abi" > "$tmp/report"
status=$?
set -e
cat "$tmp/report"
if [ $((status & 3)) -ne 0 ]; then
    echo "FAIL: abidiff failed (exit status $status)"
    exit 1
fi
if [ $((status & 8)) -ne 0 ]; then
    echo "FAIL: incompatible ABI change (removed function or changed SONAME; exit status $status)"
    exit 1
fi
if [ $((status & 4)) -ne 0 ]; then
    echo "FAIL: an ABI change that is not an addition (a signature, a type or an"
    echo "      enumerator value changed; exit status $status)"
    exit 1
fi

# Compatible. Say what was added since the baseline: refreshing the baseline
# at a release makes a later removal of these functions a failure too.
if ! cmp -s "$baseline" "$tmp/current.abi"; then
    abidiff "$baseline" "$tmp/current.abi" | sed -n '/^[0-9][0-9]* Added functions*:/,$p' || true
    echo "note: the library differs from the baseline only compatibly (added functions,"
    echo "      listed above, or enumerators); refresh the baseline when releasing:"
    echo "      meson compile -C <builddir> abi-baseline (docs/abi.md)"
fi
echo "PASS: the ABI of $(basename "$lib") is compatible with $(basename "$baseline")"
