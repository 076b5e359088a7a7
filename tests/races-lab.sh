#!/bin/bash
# Race windows on real Xen: builds znetback.ko with -DZNB_LAB_RACE_WINDOWS (delays that hold two
# race windows open at run time, never in a module built for use) and runs the races/ lab
# scenarios against it. Part of `make check`; `make lab-races` runs it alone.
#
#   tests/races-lab.sh [SCENARIO...]     (default: races/windows)
set -u
cd "$(dirname "$0")/.."

KDIR=${KDIR:-$(ls -d /usr/src/linux-headers-*-amd64 2>/dev/null | sort -V | tail -1)}
BUILD=${BUILD:-build}
SCENARIOS=${*:-races/windows}
dir=$BUILD/lab-races
[ -n "$KDIR" ] || { echo "FAIL setup: no /usr/src/linux-headers-*-amd64 (run make deps)"; exit 1; }
rm -rf "$dir"
mkdir -p "$dir"
cp -r Kbuild VERSION grant include netback "$dir/"
if ! make -C "$KDIR" M="$PWD/$dir" KCFLAGS="-DZNB_LAB_RACE_WINDOWS" W=1 modules > "$dir/build.log" 2>&1 ||
   grep -qE 'warning:|error:' "$dir/build.log"; then
	tail -20 "$dir/build.log"
	echo "FAIL race-build: the race-window module does not build cleanly"
	exit 1
fi
# shellcheck disable=SC2086
ZNETBACK_KO=$dir/znetback.ko LAB_BACKEND=znetback tools/lab/lab run $SCENARIOS
