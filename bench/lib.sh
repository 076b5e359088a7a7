# shellcheck shell=dash
# Helpers shared by the lab's bench scenarios (bench/bench.sh, bench/cost.sh), sourced after
# tests/lab/lib.sh. Not a scenario of its own.

# vif_counters VIF...: the backend's ethtool -S counters as "name value" lines, summed over
# the vifs
vif_counters() {
    for v in "$@"; do ethtool -S "$v" 2>/dev/null; done |
        awk -F: 'NF == 2 && $2 ~ /[0-9]/ {gsub(/[ \t]/, ""); s[$1] += $2} END {for (k in s) printf "%s %.0f\n", k, s[k]}'
}

# counter_deltas BEFORE AFTER: "name=delta ..." for every counter the backend's ethtool -S
# shows (in-tree xen-netback has fewer than znetback), so a counter added to the module is
# reported without naming it here. Levels (*_now, *_peak, *_ms) are left out: their
# difference is not an amount of work. %.0f, not %d: busybox awk's %d stops at 2^31.
counter_deltas() {
    awk 'FILENAME == ARGV[1] {a[$1] = $2; next} NF == 2 && $1 !~ /_(now|peak|ms)$/ {printf "%s=%.0f ", $1, $2 - a[$1]}' "$1" "$2"
}

# only GUEST...: run these guests, pause the others ($LAB_CUR/guests). An idle guest's timers
# and /init loop take emulated CPU from the measured ones, and not the same amount in every
# row. Xen counts pauses, so each guest's state is read back to pause it only once.
only() {
    local g
    for g in $(lab_guests); do
        case " $* ":$(xl list "$g" | awk 'NR == 2 {print $5}') in
            *" $g "*:??p*) xl unpause "$g" ;;
            *" $g "*:*) ;;
            *:??p*) ;;
            *) xl pause "$g" ;;
        esac
    done
}

# bench_guest_ready GUEST: waits for its boot, then silences what a pause looks like to it
# (the soft-lockup and RCU-stall detectors would report every pause as a stall)
bench_guest_ready() {
    guest_wait "$1" || return 1
    guest_run "$1" "echo 0 > /proc/sys/kernel/watchdog; echo 1 > /sys/module/rcupdate/parameters/rcu_cpu_stall_suppress" >/dev/null
}
