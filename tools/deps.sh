#!/bin/sh
# Makes sure the Debian packages stampede needs are installed.
#
#   tools/deps.sh         what building, testing and the examples need
#   tools/deps.sh slurm   that, and a Slurm to run the Slurm example on
#                         (make test-slurm: slurm-wlm and munge)
#
# As root on Debian it installs whatever is missing (and says so); anywhere
# else it prints the exact packages to install and stops with status 1.
set -eu

PACKAGES="gcc libc6-dev make pkg-config libgsl-dev libcjson-dev zlib1g-dev \
check gnuplot-nox clang libclang-rt-dev valgrind parallel"
case ${1:-} in
    '') ;;
    slurm) PACKAGES="$PACKAGES slurm-wlm munge" ;;
    *) echo "usage: tools/deps.sh [slurm]" >&2; exit 2 ;;
esac

missing=""
if command -v dpkg-query >/dev/null 2>&1; then
    for p in $PACKAGES; do
        status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
        case "$status" in
            *"install ok installed"*) ;;
            *) missing="$missing $p" ;;
        esac
    done
    [ -z "$missing" ] && exit 0
else
    echo "stampede: this is not a Debian system (no dpkg-query)." >&2
    echo "Install the equivalents of these Debian packages, then retry:" >&2
    echo "  $PACKAGES" >&2
    exit 1
fi

if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null 2>&1; then
    echo "stampede: missing Debian packages:$missing" >&2
    echo "Install them as root, then retry:" >&2
    echo "  apt-get update && apt-get install -y$missing" >&2
    exit 1
fi

echo "stampede: installing missing packages:$missing" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >&2
# shellcheck disable=SC2086
apt-get install -y -qq --no-install-recommends $missing >&2
echo "stampede: packages installed." >&2
