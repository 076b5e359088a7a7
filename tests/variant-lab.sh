#!/bin/bash
# Lab-only builds on real Xen: builds znetback.ko with a test-only compile flag (never in a
# module built for use) and runs that variant's lab scenarios against it. Both are part of
# `make check`; `make lab-races` and `make lab-faults` run one alone.
#
#   tests/variant-lab.sh races [SCENARIO...]   -DZNB_LAB_RACE_WINDOWS: delays, set at run time,
#                                              hold race windows open (default: races/windows)
#   tests/variant-lab.sh faults [SCENARIO...]  -DZNB_LAB_FAULTS: one in N grant maps, copies,
#                                              unmaps, skb or page allocations fails, N set per
#                                              site at run time (default: faults/inject
#                                              faults/unmap; unmap leaks on purpose, so last)
set -u
cd "$(dirname "$0")/.."

variant=${1:-}
shift
case "$variant" in
races) flag=ZNB_LAB_RACE_WINDOWS default="races/windows" ;;
faults) flag=ZNB_LAB_FAULTS default="faults/inject faults/unmap" ;;
*) echo "usage: $0 races|faults [SCENARIO...]" >&2; exit 2 ;;
esac
KDIR=${KDIR:-$(ls -d /usr/src/linux-headers-*-amd64 2>/dev/null | sort -V | tail -1)}
BUILD=${BUILD:-build}
SCENARIOS=${*:-$default}
dir=$BUILD/lab-$variant
[ -n "$KDIR" ] || { echo "FAIL setup: no /usr/src/linux-headers-*-amd64 (run make deps)"; exit 1; }
rm -rf "$dir"
mkdir -p "$dir"
cp -r Kbuild VERSION grant include netback "$dir/"
if ! make -C "$KDIR" M="$PWD/$dir" KCFLAGS="-D$flag" W=1 modules > "$dir/build.log" 2>&1 ||
   grep -qE 'warning:|error:' "$dir/build.log"; then
	tail -20 "$dir/build.log"
	echo "FAIL $variant-build: the $variant module (-D$flag) does not build cleanly"
	exit 1
fi
# shellcheck disable=SC2086
ZNETBACK_KO=$dir/znetback.ko LAB_BACKEND=znetback tools/lab/lab run $SCENARIOS
