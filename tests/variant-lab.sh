#!/bin/bash
# Lab-only builds on real Xen: builds znetback.ko with test-only compile flags (never in a
# module built for use) and runs those variants' lab scenarios against it, in one boot.
# `make check` runs all three in one boot; `make lab-races`, `make lab-faults` and
# `make lab-selftest` run one.
#
#   tests/variant-lab.sh VARIANT... [-- SCENARIO...]
#     races   -DZNB_LAB_RACE_WINDOWS: delays, set at run time, hold race windows open
#             (scenario races/windows)
#     faults  -DZNB_LAB_FAULTS: one in N grant maps, copies, unmaps, skb or page allocations
#             fails, N set per site at run time (faults/inject, faults/unmap: unmap leaks on
#             purpose, so it runs last)
#     selftest -DZNB_SELFTEST: the module runs the grant/ table tests of tests/unit at load,
#             in KTAP, and refuses to load if one fails (selftest/grant, run first: it
#             reloads the module, which needs it free of vifs)
set -u
cd "$(dirname "$0")/.." || exit

flags="" scenarios="" name="" sources=""
while [ $# -gt 0 ] && [ "$1" != -- ]; do
	case "$1" in
	races) flags="$flags -DZNB_LAB_RACE_WINDOWS" scenarios="races/windows $scenarios" ;;
	faults) flags="$flags -DZNB_LAB_FAULTS" scenarios="$scenarios faults/inject faults/unmap" ;;
	selftest) flags="$flags -DZNB_SELFTEST" scenarios="selftest/grant $scenarios" sources=tests/unit ;;
	*) echo "usage: $0 races|faults|selftest... [-- SCENARIO...]" >&2; exit 2 ;;
	esac
	name=$name${name:+-}$1
	shift
done
[ -n "$name" ] || { echo "usage: $0 races|faults|selftest... [-- SCENARIO...]" >&2; exit 2; }
[ "${1:-}" != -- ] || { shift; [ $# -eq 0 ] || scenarios="$*"; }
KDIR=${KDIR:-$(find /usr/src -maxdepth 1 -name 'linux-headers-*-amd64' | sort -V | tail -1)}
BUILD=${BUILD:-build}
dir=$BUILD/lab-$name
[ -n "$KDIR" ] || { echo "FAIL setup: no /usr/src/linux-headers-*-amd64 (run make deps)"; exit 1; }
rm -rf "$dir"
mkdir -p "$dir"
cp -r Kbuild VERSION grant include netback "$dir/"
# the selftest build compiles the table tests of tests/unit into the module
[ -z "$sources" ] || { mkdir -p "$dir/tests" && cp -r "$sources" "$dir/tests/"; }
if ! make -C "$KDIR" M="$PWD/$dir" KCFLAGS="${flags# }" W=1 modules > "$dir/build.log" 2>&1 ||
   grep -qE 'warning:|error:' "$dir/build.log"; then
	tail -20 "$dir/build.log"
	echo "FAIL $name-build: the lab-only module ($flags) does not build cleanly"
	exit 1
fi
# shellcheck disable=SC2086 # the scenarios, one argument each
ZNETBACK_KO=$dir/znetback.ko LAB_BACKEND=znetback tools/lab/lab run $scenarios
