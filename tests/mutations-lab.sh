#!/bin/bash
# Mutation proof on real Xen: build znetback.ko with each test-only lifecycle
# mutation and require a lab scenario to FAIL against it -- by the real
# netfront's "Grant still in use by backend domain", a dom0 oops, or lost
# data.  A mutant the lab cannot tell from the real module fails this script.
#
#   tests/mutations-lab.sh [SCENARIO...]     (default: bridge mirred gso-segment:
#   plain forwarding, a mirror clone, GSO segments sharing one completion)
#
# Not part of `make check` (one lab boot per mutant, a few minutes each);
# `make lab-mutations` runs it.
set -u
cd "$(dirname "$0")/.." || exit

KDIR=${KDIR:-$(find /usr/src -maxdepth 1 -name 'linux-headers-*-amd64' | sort -V | tail -1)}
BUILD=${BUILD:-build}
SCENARIOS=${*:-bridge mirred gso-segment}
# a mutant may wedge dom0: bound the whole boot
export LAB_TIMEOUT=${LAB_TIMEOUT:-600}
MUTATIONS="RESPOND_BEFORE_UNMAP UNMAP_ON_FIRST_PUT"
[ -n "$KDIR" ] || { echo "FAIL setup: no /usr/src/linux-headers-*-amd64 (run make deps)"; exit 1; }

passed=0
failed=0
for m in $MUTATIONS; do
	dir=$BUILD/lab-mut/$m
	rm -rf "$dir"
	mkdir -p "$dir"
	cp -r Kbuild VERSION grant include netback "$dir/"
	if ! make -C "$KDIR" M="$PWD/$dir" KCFLAGS="-DZNB_MUTATE_$m -Wno-cpp" modules > "$dir/build.log" 2>&1; then
		tail -20 "$dir/build.log"
		echo "FAIL mutant-$m: does not build"
		failed=$((failed + 1))
		continue
	fi
	log=$dir/lab.log
	# shellcheck disable=SC2086 # the scenarios, one argument each
	ZNETBACK_KO=$dir/znetback.ko LAB_BACKEND=znetback tools/lab/lab run $SCENARIOS > "$log" 2>&1
	serial=$(sed -n 's/^console log: //p' "$log" | tail -1)
	evidence=$(tr -d '\r' < "${serial:-$log}" | grep -aoE 'Grant still in use by backend domain|Disabled for further use|LAB-CHECK [^ ]*: FAIL.*|Oops[^|]*|BUG:[^|]*|unable to handle page fault[^|]*|general protection[^|]*' | sort | uniq -c | sort -rn | head -6)
	if tr -d '\r' < "$log" | grep -aq '^FAIL '; then
		echo "PASS mutant-$m: caught by the lab"
		passed=$((passed + 1))
	else
		echo "FAIL mutant-$m: every scenario passed against the mutated module"
		failed=$((failed + 1))
	fi
	# shellcheck disable=SC2001 # indents every line of it
	echo "$evidence" | sed 's/^/    /'
	echo "    (lab log: $log, console: ${serial:-none})"
done
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
