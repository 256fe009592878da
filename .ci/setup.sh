# shellcheck shell=bash
# Set-up shared by .ci/run and .ci/example (source it from bash, do not run
# it): install the build dependencies if any is missing, then configure a
# fresh build directory build/ at the repository root and compile.
#
# Works from any current directory, as root (CI) or as a user with sudo.

set -euo pipefail

ECNN_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
export ECNN_ROOT

ecnn_missing_deps() {
    local missing=0
    local cmd
    for cmd in meson ninja cc pkg-config doxygen; do
        if ! command -v "$cmd" >/dev/null 2>&1; then
            echo "setup: missing command: $cmd" >&2
            missing=1
        fi
    done
    # Packages without a command of their own: CMocka for the unit tests and
    # the C library's static archives for the install test's static link.
    local pkg
    for pkg in libcmocka-dev libc6-dev g++ clang libclang-rt-14-dev valgrind libyaml-dev \
               libxml2-utils abigail-tools python3 python3-numpy python3-statsmodels \
               python3-matplotlib libprotobuf-c-dev protobuf-c-compiler libonnx-dev \
               libonnx-testdata python3-onnx; do
        if ! dpkg -s "$pkg" >/dev/null 2>&1; then
            echo "setup: missing package: $pkg" >&2
            missing=1
        fi
    done
    return "$missing"
}

ecnn_install_deps() {
    local sudo=
    if [ "$(id -u)" -ne 0 ]; then
        sudo=sudo
    fi
    $sudo apt-get update
    $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y \
        meson ninja-build gcc libc6-dev pkg-config libcmocka-dev doxygen \
        g++ clang libclang-rt-14-dev valgrind libyaml-dev libxml2-utils abigail-tools \
        python3 python3-numpy python3-statsmodels python3-matplotlib \
        libprotobuf-c-dev protobuf-c-compiler libonnx-dev libonnx-testdata python3-onnx
}

if ! ecnn_missing_deps; then
    echo "setup: installing build dependencies" >&2
    ecnn_install_deps </dev/null
fi

# A fresh build directory every time: no options or objects left from an
# earlier configuration.
ecnn_configure() { # ecnn_configure DIR [MESON_SETUP_OPTIONS...]
    local dir=$1
    shift
    rm -rf "${ECNN_ROOT:?}/$dir"
    meson setup "$ECNN_ROOT/$dir" "$ECNN_ROOT" "$@"
    meson compile -C "$ECNN_ROOT/$dir"
}

ecnn_configure build
