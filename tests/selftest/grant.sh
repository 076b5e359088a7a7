# The grant/ table tests of tests/unit inside the kernel (lab-only build, tests/variant-lab.sh selftest: -DZNB_SELFTEST): the module runs them at load on the grant/ code Kbuild compiled into it and reports them in KTAP; every one must pass and the module must load.
# lab-backend: znetback
# lab-timeout: 120
# shellcheck shell=dash
#
# Common setup loaded the module once already; this scenario unloads it and loads it again,
# so the run it reads is one it saw start (its kernel log after LAB-SCENARIO-BEGIN).
# Each line the tests print starts "znetback selftest: "; dmesg puts a timestamp before it.
KTAP=$LAB_CUR/ktap
check rmmod-setup-load rmmod znetback
insmod /lib/modules/lab/znetback.ko
rc=$?
dom0_dmesg_since_begin | sed -n 's/^.*znetback selftest: //p' > "$KTAP"
# what failed, for the log: "not ok" lines and the diagnostics before them
grep -E '^(not ok |# )' "$KTAP" | head -40 | while IFS= read -r l; do info "selftest: $l"; done

# precondition: the tests really ran, in a selftest build: the KTAP header, then a plan of N>0
plan=$(sed -n '2s/^1\.\.\([0-9][0-9]*\)$/\1/p' "$KTAP")
if [ "$(sed -n 1p "$KTAP")" != "KTAP version 1" ] || ! is_count_above_zero "$plan"; then
    fail ktap-plan "no 'KTAP version 1' then '1..N' with N>0 in the kernel log: is znetback.ko a selftest build? ($(head -2 "$KTAP" | tr '\n' '|'))"
    exit 1
fi
pass ktap-plan "1..$plan"
# one result per test, numbered 1..N in order, every one "ok"
results=$(grep -cE '^(not )?ok [0-9]+ ' "$KTAP")
check_eq results-reported "$plan" "$results"
check_eq results-numbered-in-order "$plan" "$(grep -E '^(not )?ok [0-9]+ ' "$KTAP" | awk '{n = ($1 == "not") ? $3 : $2} n == NR {k++} END {print k + 0}')"
check_eq tests-ok "$plan" "$(grep -cE '^ok [0-9]+ ' "$KTAP")"
check_eq tests-not-ok 0 "$(grep -cE '^not ok ' "$KTAP")"
check_eq summary "$plan passed, 0 failed" "$(grep -E '^[0-9]+ passed, [0-9]+ failed$' "$KTAP" | tail -1)"
check_eq insmod-exit-status 0 "$rc"
check_eq module-loaded znetback "$(backend_current)"
