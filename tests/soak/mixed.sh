# Soak (make soak: SOAK_MINUTES, default 60; 5 in make check): 4 guests under bulk TCP both ways, small-packet UDP, guest to guest and md5-checked transfers every minute, while a vif is hot-plugged and unplugged, a guest reboots, tcpdump and netem come and go and a hostile frontend reconnects; a sample a minute, and no trend, warning, zombie or md5 mismatch allowed.
# lab-backend: znetback
# shellcheck shell=dash
#
# No lab-timeout line: make soak (tests/soak/run) sets LAB_SCENARIO_TIMEOUT from SOAK_MINUTES.
# Every minute: one LAB-SOAK-SAMPLE line (dom0 MemAvailable and slab, the module's TX slots in
# flight and pages mapped at rest and, taken mid-minute, under load, Xen's free memory, dom0
# kernel warnings, zombie domains, and the bytes and packets the vifs carried so far: a byte
# from guest to guest counts at both vifs). tests/soak/run turns them into a CSV, a PNG and a summary. The bounds are checked here,
# between the mean of the first and of the last half of the samples (the first one, taken
# while the load ramps up, left out).
MINUTES=${SOAK_MINUTES:-60}
TICK=${SOAK_TICK_SECONDS:-60}
SLAB_GROWTH_MAX_MIB=${SOAK_SLAB_GROWTH_MAX_MIB:-8}
AVAIL_DROP_MAX_MIB=${SOAK_AVAIL_DROP_MAX_MIB:-24}
XEN_DROP_MAX_MIB=${SOAK_XEN_DROP_MAX_MIB:-8}
debugfs_mounted
# shellcheck source=tests/hostile/lib.sh
. /lab/tests/hostile/lib.sh
lab_modprobe sch_netem || { fail modprobe-netem; exit 1; }

# g1 runs znbfront (the hostile frontend, on its second vif) and md5 transfers on eth0;
# g2 sends bulk TCP to dom0 and to g3, and gets a hot-plugged vif; g3 receives bulk TCP from
# dom0; g4 sends 64-byte UDP and reboots
hostile_setup || exit 1
guest_start g3
guest_start g4
guest_wait g3 || exit 1
guest_wait g4 || exit 1
hot_bridge xenbr1 1
quiet_bridge quiet0 9

# traffic through the backend: each vif's counters, read before it goes away
: > "$LAB_CUR/vif-seen"
: > "$LAB_CUR/traffic"
count_vif() { # VIF: adds what VIF carried since its last reading to the totals
    vs=/sys/class/net/$1/statistics
    [ -r "$vs/rx_bytes" ] || return 0
    vb=$(( $(cat "$vs/rx_bytes") + $(cat "$vs/tx_bytes") )) vp=$(( $(cat "$vs/rx_packets") + $(cat "$vs/tx_packets") ))
    awk -v v="$1" -v b="$vb" -v p="$vp" '
        $1 == v { ob = $2; op = $3; next } { print }
        END { print v, b, p; printf "%.0f %.0f\n", b - ob, p - op > "/dev/stderr" }' "$LAB_CUR/vif-seen" \
        > "$LAB_CUR/vif-seen.new" 2>> "$LAB_CUR/traffic" && mv "$LAB_CUR/vif-seen.new" "$LAB_CUR/vif-seen"
}
count_all_vifs() { for vv in $(dom0_vifs); do count_vif "$vv"; done; }
# a new domain id gives its vif a new name; a name seen again after a reboot starts at 0
forget_vif() { awk -v v="$1" '$1 != v' "$LAB_CUR/vif-seen" > "$LAB_CUR/vif-seen.new"; mv "$LAB_CUR/vif-seen.new" "$LAB_CUR/vif-seen"; }
traffic_bytes() { awk '{b += $1} END {printf "%.0f", b}' "$LAB_CUR/traffic" 2>/dev/null; }
traffic_packets() { awk '{p += $2} END {printf "%.0f", p}' "$LAB_CUR/traffic" 2>/dev/null; }

# NA, never 0, when it cannot be read: the checks below fail on NA
slots_in_flight() { cat /sys/kernel/debug/znetback/vif*/queues 2>/dev/null | awk '$1 == "slots:" {n += $5; q++} END {print q ? n : "NA"}'; }
or_na() { if [ -n "$1" ]; then echo "$1"; else echo NA; fi; }
warnings() { dom0_dmesg_since_begin | grep -cE "$DOM0_BAD"; }
zombies() { xl list | awk 'NR > 1 && $1 == "(null)"' | wc -l; }
: > "$LAB_CUR/samples"
# under load, mid-minute: how many slots and pages the guests' traffic keeps in the backend
echo "0 0" > "$LAB_CUR/busy"
busy() { echo "$(slots_in_flight) $(or_na "$(backend_global_mapped)")" > "$LAB_CUR/busy"; }
sample() { # MINUTE: at rest, once the minute's load is over
    sl="$1 $(uptime_s) $(or_na "$(dom0_avail)") $(or_na "$(awk '/^Slab/{print int($2/1024)}' /proc/meminfo)") $(slots_in_flight)"
    sl="$sl $(or_na "$(backend_global_mapped)") $(cat "$LAB_CUR/busy") $(or_na "$(xen_free)") $(warnings) $(zombies) $(traffic_bytes) $(traffic_packets)"
    echo "0 0" > "$LAB_CUR/busy"
    echo "$sl" >> "$LAB_CUR/samples"
    echo "LAB-SOAK-SAMPLE $sl"
}
echo "LAB-SOAK-COLUMNS minute uptime_s dom0_avail_mib slab_mib slots_in_flight pages_mapped slots_under_load pages_under_load xen_free_mib warnings zombies bytes packets"

md5_ok=0 md5_bad=0 attaches=0 reconnects=0 reboots=0
md5() { if "$@"; then md5_ok=$((md5_ok + 1)); else md5_bad=$((md5_bad + 1)); fi; }
# a guest's bulk load for the tick: CMD in the background, its exit status kept
load() { guest_bg "$1" "rm -f /tmp/load.rc; $2; echo rc=\$? > /tmp/load.rc"; }
load_ok() { guest_run "$1" "cat /tmp/load.rc 2>/dev/null" | grep -qx 'rc=0'; }

sample 0
m=1
while [ $m -le "$MINUTES" ]; do
    t0=$(uptime_s)
    secs=$((TICK - 20))
    g1v=vif$(guest_domid g1).0
    # tcpdump and netem on g1's vif: on in odd minutes, off in even ones
    if [ $((m % 2)) = 1 ]; then
        tcpdump -i xenbr0 -w /dev/null >/dev/null 2>&1 &
        tc qdisc add dev "$g1v" root netem delay 5ms limit 10000 2>/dev/null
    else
        killall tcpdump 2>/dev/null
        tc qdisc del dev "$g1v" root 2>/dev/null
    fi
    # one iperf3 server per load and minute: one a rebooted client left waiting goes
    killall iperf3 2>/dev/null
    for p in 5201 5202 5203; do iperf3 -s -1 -p $p >/dev/null 2>&1 & done
    sleep 0.5
    load g2 "iperf3 -c 10.0.0.1 -p 5201 -t $secs"
    load g3 "iperf3 -c 10.0.0.1 -p 5202 -t $secs -R"
    load g4 "iperf3 -c 10.0.0.1 -p 5203 -u -l 64 -b 2M -t $secs"
    md5 xfer_g2d g1 4 0 "m$m-g1-to-dom0"
    md5 xfer_d2g g1 4 0 "m$m-dom0-to-g1"
    busy
    md5 xfer_g2g g2 g3 4 "m$m-g2-to-g3"
    if [ $((m % 2)) = 0 ]; then
        # a vif hot-plugged into g2, used, and unplugged
        if vif_attach g2 1 xenbr1 "m$m-attach"; then
            md5 xfer_g2d g2 2 1 "m$m-g2-hotplugged-vif-to-dom0"
            count_vif "$(guest_vif g2 "$DEVID")"
            forget_vif "$(guest_vif g2 "$DEVID")"
            vif_detach g2 "$DEVID" && attaches=$((attaches + 1))
        fi
    else
        # the hostile frontend disables its vif on purpose, then reconnects
        if hostile_attach quiet0; then
            out=$(guest_run g1 "/tmp/znbfront -H 1 -d 10.0.9.1 -t 3 case reconnect-after-disable; echo znbfront-rc=\$?" 120)
            check_eq "m$m-hostile-reconnect" 0 "$(echo "$out" | sed -n 's/^znbfront-rc=//p')" && reconnects=$((reconnects + 1))
            hostile_detach || fail "m$m-hostile-detach" "g1's second vif still exists"
        else
            fail "m$m-hostile-attach" "xl network-attach of g1's second vif failed"
        fi
    fi
    # not in the last minute: a vif that carries nothing after it would map nothing
    if [ $((m % 3)) = 0 ] && [ "$m" -lt "$MINUTES" ]; then
        # g4 reboots: its vif goes with the old domain, a new one comes with the new
        count_vif "$(guest_vif g4)"
        forget_vif "$(guest_vif g4)"
        old=$(guest_domid g4)
        # the lab guest's /init handles no shutdown request: it reboots itself
        guest_bg g4 "sleep 0.5; reboot -f" >/dev/null
        wait_until 60 guest_replaced g4 "$old"
        if guest_wait g4; then reboots=$((reboots + 1)); else fail "m$m-g4-reboot" "g4 did not come back"; fi
    fi
    # the rest of the minute: the bulk loads finish, then the sample
    while awk "BEGIN{exit !($(uptime_s) - $t0 < $TICK - 2)}"; do sleep 1; done
    load_ok g2 || fail "m$m-bulk-g2-to-dom0" "iperf3 did not finish"
    load_ok g3 || fail "m$m-bulk-dom0-to-g3" "iperf3 did not finish"
    count_all_vifs
    sample "$m"
    m=$((m + 1))
done
killall tcpdump iperf3 2>/dev/null
sleep 3
count_all_vifs
sample end

# ---- what the soak carried, and the bounds
gb=$(awk -v b="$(traffic_bytes)" 'BEGIN{printf "%.2f", b / 1e9}')
echo "LAB-SOAK-SUMMARY minutes=$MINUTES gb=$gb packets=$(traffic_packets) md5_ok=$md5_ok md5_bad=$md5_bad attach_cycles=$attaches hostile_reconnects=$reconnects reboots=$reboots"
check_eq md5-mismatches 0 "$md5_bad"
check md5-transfers-ran [ "$md5_ok" -ge $((3 * MINUTES)) ]
check attach-cycles-ran [ "$attaches" -ge $((MINUTES / 2)) ]
check hostile-reconnects-ran [ "$reconnects" -ge $(((MINUTES + 1) / 2)) ]
check reboots-ran [ "$reboots" -ge $(((MINUTES - 1) / 3)) ]
# minute >= 1, "end" excluded: mean of the first and of the last half (NA: a sample missing,
# or fewer than two minutes)
trend() { # COLUMN
    grep -v '^end ' "$LAB_CUR/samples" | awk -v c="$1" '$1 >= 1 { if ($c == "NA") bad = 1; v[n++] = $c }
        END { h = int(n / 2); if (h < 1 || bad) { print "NA NA NA"; exit }
              for (i = 0; i < h; i++) a += v[i]; for (i = n - h; i < n; i++) b += v[i];
              printf "%.1f %.1f %.1f\n", a / h, b / h, b / h - a / h }'
}
# shellcheck disable=SC2046 # trend's three numbers, one positional parameter each
set -- $(trend 4); info "slab: first half $1 MiB, last half $2 MiB ($3)"
check slab-no-upward-trend awk "BEGIN{exit !(\"$3\" != \"NA\" && $3 <= $SLAB_GROWTH_MAX_MIB)}"
# shellcheck disable=SC2046 # trend's three numbers, one positional parameter each
set -- $(trend 3); info "dom0 MemAvailable: first half $1 MiB, last half $2 MiB ($3)"
check dom0-memory-no-downward-trend awk "BEGIN{exit !(\"$3\" != \"NA\" && -($3) <= $AVAIL_DROP_MAX_MIB)}"
# shellcheck disable=SC2046 # trend's three numbers, one positional parameter each
set -- $(trend 9); info "Xen free memory: first half $1 MiB, last half $2 MiB ($3)"
check xen-memory-no-downward-trend awk "BEGIN{exit !(\"$3\" != \"NA\" && -($3) <= $XEN_DROP_MAX_MIB)}"
check_eq no-dom0-warnings 0 "$(warnings)"
check_eq no-zombie-domains 0 "$(zombies)"
check_eq no-slot-in-flight-at-rest 0 "$(slots_in_flight)"
