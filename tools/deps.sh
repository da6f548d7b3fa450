#!/bin/sh
# Makes sure the Debian packages stampede needs are installed.
#
#   tools/deps.sh         what building, testing and the examples need
#   tools/deps.sh test    the same, and what the tests use besides: a
#                         browser (chromium) to open the HTML report in
#   tools/deps.sh slurm   the first, and a Slurm to run the Slurm example on
#                         (make test-slurm: slurm-wlm and munge)
#   tools/deps.sh faults  the first, and jq, with which the fault catalogue
#                         (make faults) reads the JSON it checks
#
# As root on Debian it installs whatever is missing (and says so); anywhere
# else it prints the exact packages to install and stops with status 1.
# The test packages are optional: when they cannot be installed, it says
# so and goes on (the tests that need them say they are skipped).
set -eu

PACKAGES="gcc libc6-dev make pkg-config libgsl-dev libcjson-dev zlib1g-dev \
librandom123-dev \
check gnuplot-nox clang libclang-rt-dev valgrind parallel"
TEST_PACKAGES=""
case ${1:-} in
    '') ;;
    # chromium: about 80 MB; installing it took 16 s here (apt-get update
    # done).
    test) TEST_PACKAGES="chromium" ;;
    slurm) PACKAGES="$PACKAGES slurm-wlm munge" ;;
    # util-linux's unshare and mount, coreutils' timeout: essential
    # packages, always there
    faults) PACKAGES="$PACKAGES jq" ;;
    *) echo "usage: tools/deps.sh [test|slurm|faults]" >&2; exit 2 ;;
esac

missing_of() {
    out=""
    for p in "$@"; do
        status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
        case "$status" in
            *"install ok installed"*) ;;
            *) out="$out $p" ;;
        esac
    done
    echo "$out"
}

if ! command -v dpkg-query >/dev/null 2>&1; then
    echo "stampede: this is not a Debian system (no dpkg-query)." >&2
    echo "Install the equivalents of these Debian packages, then retry:" >&2
    echo "  $PACKAGES" >&2
    exit 1
fi

# shellcheck disable=SC2086
missing=$(missing_of $PACKAGES)
# shellcheck disable=SC2086
optional=$(missing_of $TEST_PACKAGES)
[ -z "$missing$optional" ] && exit 0

if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null 2>&1; then
    if [ -n "$optional" ]; then
        echo "stampede: optional for the tests, not installed:$optional" >&2
        echo "  (their tests are skipped; as root: apt-get install -y$optional)" >&2
    fi
    [ -z "$missing" ] && exit 0
    echo "stampede: missing Debian packages:$missing" >&2
    echo "Install them as root, then retry:" >&2
    echo "  apt-get update && apt-get install -y$missing" >&2
    exit 1
fi

export DEBIAN_FRONTEND=noninteractive
echo "stampede: installing missing packages:$missing$optional" >&2
apt-get update -qq >&2
if [ -n "$missing" ]; then
    # shellcheck disable=SC2086
    apt-get install -y -qq --no-install-recommends $missing >&2
fi
if [ -n "$optional" ]; then
    # shellcheck disable=SC2086
    apt-get install -y -qq --no-install-recommends $optional >&2 ||
        echo "stampede: could not install$optional: the tests that need it are skipped" >&2
fi
echo "stampede: packages installed." >&2
