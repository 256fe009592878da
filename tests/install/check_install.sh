#!/bin/sh
# The 'install' test: install the build into a temporary DESTDIR, then build
# a consumer program outside the tree with pkg-config, once against the
# shared library and once fully static, and run both.
#
# Usage: check_install.sh MESON BUILD_ROOT PREFIX LIBDIR INCLUDEDIR CONSUMER_C CC [CC_ARGS...]
# (tests/install/meson.build passes these). Any failing step fails the test.
set -eu

if [ "$#" -lt 7 ]; then
    echo "usage: $0 MESON BUILD_ROOT PREFIX LIBDIR INCLUDEDIR CONSUMER_C CC [CC_ARGS...]" >&2
    exit 2
fi
meson=$1 build_root=$2 prefix=$3 libdir=$4 includedir=$5 consumer=$6
shift 6
# What is left is the C compiler command, as meson runs it (maybe "ccache cc").

# libdir and includedir are relative to the prefix unless absolute.
case $libdir in /*) ;; *) libdir=$prefix/$libdir ;; esac
case $includedir in /*) ;; *) includedir=$prefix/$includedir ;; esac

tmp=$(mktemp -d "${TMPDIR:-/tmp}/ecnn-install.XXXXXX")
trap 'rm -rf "$tmp"' EXIT INT TERM
dest=$tmp/root

step() { echo "== $*"; }

step "meson install --destdir $dest"
"$meson" install -C "$build_root" --no-rebuild --quiet --destdir "$dest"

for f in "$dest$includedir/ecnn.h" "$dest$libdir/libecnn.a" "$dest$libdir/libecnn.so" \
         "$dest$libdir/libecnn.so.0" "$dest$libdir/pkgconfig/ecnn.pc"; do
    if [ ! -e "$f" ]; then
        echo "not installed: $f" >&2
        exit 1
    fi
done
echo "installed: ecnn.h, libecnn.a, libecnn.so, libecnn.so.0, ecnn.pc"
cat "$dest$libdir/pkgconfig/ecnn.pc"

# Only the freshly installed ecnn.pc is visible; its paths (which name the
# real prefix) are rewritten into the DESTDIR by the sysroot. Keep flags for
# directories pkg-config would otherwise drop as "system" ones, since under
# the sysroot they are not.
PKG_CONFIG_LIBDIR=$dest$libdir/pkgconfig
PKG_CONFIG_PATH=
PKG_CONFIG_SYSROOT_DIR=$dest
PKG_CONFIG_ALLOW_SYSTEM_CFLAGS=1
PKG_CONFIG_ALLOW_SYSTEM_LIBS=1
export PKG_CONFIG_LIBDIR PKG_CONFIG_PATH PKG_CONFIG_SYSROOT_DIR \
       PKG_CONFIG_ALLOW_SYSTEM_CFLAGS PKG_CONFIG_ALLOW_SYSTEM_LIBS

pkg-config --exists --print-errors ecnn
cflags=$(pkg-config --cflags ecnn)
libs=$(pkg-config --libs ecnn)
static_libs=$(pkg-config --static --libs ecnn)
echo "pkg-config --cflags ecnn:        $cflags"
echo "pkg-config --libs ecnn:          $libs"
echo "pkg-config --static --libs ecnn: $static_libs"

case $cflags in *"-I$dest$includedir"*) ;; *) echo "cflags do not name the installed include dir" >&2; exit 1 ;; esac
case $libs in *"-L$dest$libdir"*"-lecnn"*) ;; *) echo "libs do not name the installed library" >&2; exit 1 ;; esac
case " $static_libs " in *" -lm "*) ;; *) echo "--static libs lack -lm (Libs.private)" >&2; exit 1 ;; esac
version=$(pkg-config --modversion ecnn)
echo "pkg-config --modversion ecnn:    $version"

# Shared: link against libecnn.so, run it from the installed lib dir.
step "build consumer against the shared library"
# shellcheck disable=SC2086  # flags are word lists
"$@" -std=c11 -Wall -Wextra -Werror -o "$tmp/consumer_shared" "$consumer" $cflags $libs
step "run consumer (shared)"
LD_LIBRARY_PATH=$dest$libdir "$tmp/consumer_shared"
if command -v ldd >/dev/null 2>&1; then
    resolved=$(LD_LIBRARY_PATH=$dest$libdir ldd "$tmp/consumer_shared" | grep 'libecnn\.so' || true)
    echo "ldd: $resolved"
    case $resolved in *"$dest$libdir/libecnn.so.0"*) ;; *) echo "consumer did not load the installed libecnn.so.0" >&2; exit 1 ;; esac
fi

# Static: -static makes the linker take libecnn.a and Libs.private's -lm.
step "build consumer fully static (pkg-config --static)"
# shellcheck disable=SC2086
"$@" -std=c11 -Wall -Wextra -Werror -static -o "$tmp/consumer_static" "$consumer" $cflags $static_libs
if command -v readelf >/dev/null 2>&1; then
    if readelf -d "$tmp/consumer_static" 2>/dev/null | grep -q NEEDED; then
        echo "the static consumer has dynamic dependencies" >&2
        exit 1
    fi
fi
step "run consumer (static)"
"$tmp/consumer_static"

echo "install test: all steps passed"
