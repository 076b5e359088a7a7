#!/bin/bash
# Runs every test step this machine can run and prints one closing line,
# "N passed, N failed", summed over all steps.
#
# check.sh [gate|full]: gate (make check, what CI runs) boots the lab three
# times with the scenarios of the Makefile's LAB_GATE_* lists; full (make
# check-full) runs every scenario on 6.1, the Makefile's LAB_CHECK_* lists on
# 6.12 and in the mixed boot, and 5 minutes of the soak.
#
# A step that prints "PASS name" / "FAIL name..." lines is counted by those
# lines; a step that prints none counts as one test, passed if it exited 0.
# A step that fails without printing a FAIL line is counted as one failure.
set -uo pipefail
cd "$(dirname "$0")/.." || exit
tier=${1:-gate}
case $tier in
	gate) lab="lab-gate" ;;
	full) lab="lab-check" ;;
	*) echo "usage: $0 [gate|full]" >&2; exit 2 ;;
esac

logdir=build/check
mkdir -p "$logdir"
passed=0
failed=0
failed_steps=()

run_step() {
	local name=$1
	shift
	local log=$logdir/$name.log start=$SECONDS rc p f
	echo "=== $name: $*"
	"$@" > "$log" 2>&1
	rc=$?
	sed "s/^/  [$name] /" "$log" | tail -n 60
	p=$(grep -cE '^PASS ' "$log")
	f=$(grep -cE '^FAIL ' "$log")
	if [ "$p" -eq 0 ] && [ "$f" -eq 0 ]; then
		if [ $rc -eq 0 ]; then p=1; else f=1; fi
	elif [ $rc -ne 0 ] && [ "$f" -eq 0 ]; then
		f=1
	fi
	passed=$((passed + p))
	failed=$((failed + f))
	[ "$f" -eq 0 ] || failed_steps+=("$name")
	echo "=== $name: $p passed, $f failed, exit $rc, $((SECONDS - start)) s (log: $log)"
}

run_step unit make -s unit
run_step mutations make -s mutations
run_step fuzz-smoke make -s fuzz-smoke
run_step tools make -s tools
run_step kbuild-core make -s kbuild-core
run_step module make -s module
run_step modules-all make -s modules-all
run_step bare-metal tests/module/bare-metal.sh
run_step checkpatch make -s checkpatch
run_step kernel-doc make -s kernel-doc
run_step shellcheck make -s shellcheck
run_step deb tests/pkg/deb.sh

# The lab prints one PASS/FAIL line per scenario; the hostile catalogue is one
# scenario, so its per-case checks are lifted into PASS/FAIL lines of their own.
lab_check() { # MAKE-TARGET
	local raw=$logdir/$1-raw.log rc
	make -s "$1" > "$raw" 2>&1
	rc=$?
	cat "$raw"
	sed -n 's/^.*| LAB-CHECK hostile\/catalogue\/case-\([^:]*\): \(PASS\|FAIL\)\(.*\)$/\2 hostile\/\1\3/p' "$raw"
	return $rc
}
# Debian 12's two kernels: on 6.1, on 6.12 (with KFENCE) and in a mixed boot (6.1 dom0, 6.12
# guests). The gate's repetition counts are in its Makefile targets. check-full's 6.1 run does
# a tenth of make lab-check's attach/detach cycles (the 5-minute soak after them attaches and
# detaches more, under load), a quarter of its save/restore cycles, 2 guest lifecycles instead
# of 3 and one round of the demo's transfers instead of 4.
if [ "$tier" = full ]; then
	export LAB_ATTACH_CYCLES=${LAB_ATTACH_CYCLES:-10} LAB_SAVE_CYCLES=${LAB_SAVE_CYCLES:-5}
	export LAB_LEAK_CYCLES=${LAB_LEAK_CYCLES:-2} LAB_DEMO_ROUNDS=${LAB_DEMO_ROUNDS:-1}
fi
run_step lab lab_check "$lab"
run_step lab-6.12 lab_check "$lab-6.12"
run_step lab-mixed lab_check "$lab-mixed"
# one lab-only build with the race windows, fault injection and the in-kernel grant/ tests:
# one boot for the three
run_step lab-variants tests/variant-lab.sh races faults selftest
run_step cost-smoke tests/cost-smoke.sh

# CI shows only the tail of this output: repeat what failed right above the
# closing line, so a red run says which test broke without the logs.
for step in "${failed_steps[@]}"; do
	echo "--- $step failures (full log: $logdir/$step.log):"
	grep -aE '^FAIL |LAB-CHECK .*: FAIL|ERROR|TIMEOUT|timed out' "$logdir/$step.log" | head -n 20 | sed 's/^/    /'
done
[ ${#failed_steps[@]} -eq 0 ] || echo "failed steps: ${failed_steps[*]}"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
