# Guest isolation: a guest that takes no packets cannot hold another guest's pages or traffic, and a vif whose pages the stack still holds cannot freeze xenwatch for other domains.
# lab-backend: default
# lab-timeout: 900
# shellcheck shell=dash
#
# Part 0 (XSA-332): g1's znbfront notifies the shared event channel (case evtchn-storm) and then
# the RX channel of split channels (rx-evtchn-storm) in a tight loop for $STORM s, with RX
# buffers posted and nothing to receive: dom0 must treat the events as spurious (then they are
# throttled): at most $STORM_IRQ_MAX interrupts in 10 s, dom0 mostly idle, g2's traffic keeps
# its pace.
# Part 1: g1 runs znbfront on a second vif and posts no RX buffers for $STARVE s (case
# rx-starve) while g2 (real netfront, mapped TX) sends it a bridged flow. g2's pages must come
# back within the bound (oldest mapping < $HOLD_MAX_MS), and g2's own traffic to dom0 must flow.
# Part 2: g2's pages are held 20 s in a netem queue; g2's vif is detached; meanwhile a new vif
# of another domain (g1) must attach within $ATTACH_MAX s (xenwatch must not wait for the
# drain), and the torn-down queue must be freed once netem lets go.
# Part 3: on a vif nothing else sends to, znbfront reconnects after a fatal disable and sends at
# once, goes Closed -> Connected, and connects without feature-rx-notify: each must be served,
# the last also with a frame a dom0 process sent while it had no buffers.
# (Writes of module parameters out of their range: tests/lab/params.sh.)
# shellcheck source=tests/hostile/lib.sh
. /lab/tests/hostile/lib.sh
STARVE=${ISOLATION_STARVE:-25}
HOLD_MAX_MS=3000
ATTACH_MAX=10
HELD_S=20
STORM=30
# Linux EOIs a throttled spurious event a jiffy later at most (HZ=250 in Debian's kernel):
# ~250 interrupts a second; an event treated as work is not throttled (~20000 a second here)
STORM_IRQ_MAX=5000
STORM_CPU_MAX=25

below() { [ -n "$1" ] && [ "$1" -lt "$2" ]; }   # VALUE LIMIT: a number, and below LIMIT
above() { [ -n "$1" ] && [ "$1" -gt "$2" ]; }   # VALUE LIMIT: a number, and above LIMIT
hostile_setup || exit 1
A=$(guest_vif g1 1)
B=$(guest_vif g2)
A_IP=10.0.0.99

# hostile_vif_run NAME ARGS [BRIDGE]: attach g1's second vif (on BRIDGE, default xenbr0), start
# znbfront ARGS on it in the background and wait until it is connected; a vif that does not
# connect is detached again, so that the next case can attach
hostile_vif_run() {
    if ! hostile_attach ${3:+"$3"}; then
        fail "$1-attach" "xl network-attach of g1's second vif failed"; return 1
    fi
    guest_bg g1 "/tmp/znbfront -H 1 $2; echo znbfront-rc=\$?" >/dev/null
    hostile_wait_backend 4 && return 0
    fail "$1-connected" "$A never reached Connected"
    check "$1-vif-detached" hostile_detach
    return 1
}
# hostile_vif_wait NAME: wait for znbfront to finish and show its output
hostile_vif_wait() {
    wait_until 90 quietly guest_run g1 "grep -q znbfront-rc /tmp/bg.log" || warn "$1: znbfront still runs after 90 s"
    guest_run g1 "cat /tmp/bg.log" | sed "s|^|LAB-INFO [$(scen)] $1 znbfront: |"
}
# hostile_vif_done NAME: hostile_vif_wait, then detach the vif
hostile_vif_done() {
    hostile_vif_wait "$1"
    check "$1-vif-detached" hostile_detach
}
# irqs VIF: interrupts taken so far on VIF's event channels, all CPUs
irqs() {
    awk -v v="$1-q" 'index($NF, v) == 1 { for (i = 2; i <= NF && $i ~ /^[0-9]+$/; i++) t += $i }
        END { print t + 0 }' /proc/interrupts
}
# busy_jiffies: dom0 CPU time spent busy so far (all CPUs, USER_HZ ticks)
busy_jiffies() { awk '/^cpu /{print $2 + $3 + $4 + $7 + $8}' /proc/stat; }
# g2d_seconds CHECK: seconds a 16 MiB g2 -> dom0 transfer takes (md5-checked)
g2d_seconds() {
    _s0=$(uptime_s); xfer_g2d g2 16 0 "$1" >/dev/null; _s1=$(uptime_s)
    awk "BEGIN{print $_s1 - $_s0}"
}

# ---- part 0: event storms
base=$(g2d_seconds other-guest-traffic-before-storms)
info "g2 -> dom0 16 MiB without a storm: $base s"
for c in evtchn-storm rx-evtchn-storm; do
    hostile_vif_run $c "-t $STORM case $c" || continue
    sleep 2
    i0=$(irqs "$A"); b0=$(busy_jiffies); s0=$(uptime_s)
    check "$c-vif-has-event-channels" above "$i0" 0
    sleep 10
    i1=$(irqs "$A"); b1=$(busy_jiffies); s1=$(uptime_s)
    cpu=$(awk "BEGIN{printf \"%d\", 100 * ($b1 - $b0) / (($s1 - $s0) * 100 * $(nproc))}")
    during=$(g2d_seconds "$c-other-guest-traffic")
    i2=$(irqs "$A")
    info "$c: $((i1 - i0)) interrupts in 10 s (dom0 ${cpu}% busy), $((i2 - i0)) by the end of g2's 16 MiB in $during s (${base} s without a storm)"
    check "$c-throttled" below $((i1 - i0)) $STORM_IRQ_MAX
    check "$c-dom0-mostly-idle" below "$cpu" $STORM_CPU_MAX
    check "$c-other-guest-keeps-pace" awk "BEGIN{exit !($during < 3 * $base + 2)}"
    hostile_vif_done $c
done

# ---- part 1: a slow receiver
hostile_vif_run starving "-t $STARVE case rx-starve" || exit 1
guest_run g2 "arp -s $A_IP $HOSTILE_MAC" >/dev/null || { fail static-arp "arp -s in g2 failed"; exit 1; }
maps0=$(backend_stat "$B" map_ops)
# 30000-byte echo requests, 100 a second: 21 IP fragments each, every one a mapped guest TX
# packet; far more than g2's 256 TX slots while nothing takes them
guest_bg g2 "ping -q -s 30000 -i 0.01 -w $((STARVE - 2)) $A_IP" >/dev/null
(
    max=0 i=0
    while [ $i -lt $((STARVE - 3)) ]; do
        a=$(backend_stat "$B" oldest_mapping_age_ms)
        [ -n "$a" ] && [ "$a" -gt "$max" ] && max=$a
        i=$((i + 1)); sleep 1
    done
    echo "$max" > "$LAB_CUR/max-age"
) &
SAMPLER=$!
sleep 5
t0=$(uptime_s)
xfer_g2d g2 4 0 sender-to-dom0-while-receiver-starves
t1=$(uptime_s)
check sender-to-dom0-not-held-back awk "BEGIN{exit !($t1 - $t0 < 10)}"
info "g2 -> dom0 4 MiB took $(awk "BEGIN{print $t1 - $t0}") s while $A took nothing"
wait $SAMPLER
maps1=$(backend_stat "$B" map_ops)
check sender-pages-mapped above "$maps1" "${maps0:-x}"
max=$(cat "$LAB_CUR/max-age")
check slow-receiver-releases-senders-pages below "$max" $HOLD_MAX_MS
hostile_vif_wait starving
# the flow really went to the starving vif: delivered once it posted buffers, or dropped
sent=$(cat "/sys/class/net/$A/statistics/tx_packets")
dropped=$(cat "/sys/class/net/$A/statistics/tx_dropped")
info "$A: delivered $sent and dropped $dropped packets for the starving guest ($(backend_stat "$A" guest_rx_expired) expired); $B oldest mapping peaked at ${max:-?} ms"
check receiver-got-the-flow above $((${sent:-0} + ${dropped:-0})) 100
# it held its head packet past ZNB_RX_HOLD_MS, so what waited for it was copied out of g2's pages
check slow-receiver-counted-as-holding above "$(backend_stat "$A" guest_rx_holds)" 0
hostile_vif_done starving

# ---- part 2: xenwatch while a torn-down vif's pages are still in the stack
lab_modprobe sch_netem || { fail modprobe-netem; exit 1; }
peer_create
# resolve the peer first: the ARP request would wait in netem too
guest_run g2 "ping -c 1 -W 2 $PEER_IP" >/dev/null
check netem-delay tc qdisc add dev peer0 root netem delay ${HELD_S}000ms limit 100000
# 30000-byte echo requests to the peer: their IP fragments wait in netem with g2's pages
guest_bg g2 "ping -q -c 5 -i 0.2 -s 30000 -W $((HELD_S + 10)) $PEER_IP" >/dev/null
check pages-held-before-detach wait_until 20 vif_holds_pages "$B"
td=$(uptime_s)
timeout 120 xl network-detach g2 0 >/dev/null 2>&1 &
DETACH=$!
# the backend tears the vif down once g2's netfront has closed: attach only after that
FS=/local/domain/$(guest_domid g2)/device/vif/0/state
# frontend_closing NODE: a frontend's state node says Closing (5) or Closed (6), or is gone
frontend_closing() { [ "$(xenstore-read "$1" 2>/dev/null || echo 6)" -ge 5 ]; }
wait_until 10 frontend_closing "$FS" || warn "g2's netfront not closing 10 s after the detach began"
sleep 1
t0=$(uptime_s)
if timeout 60 xl network-attach g1 devid=2 mac=00:16:3e:00:0a:02 bridge=xenbr0 >/dev/null 2>&1; then
    t1=$(uptime_s)
    info "xl network-attach of another domain's vif took $(awk "BEGIN{print $t1 - $t0}") s while $B drained"
    check attach-during-drain-completes awk "BEGIN{exit !($t1 - $t0 < $ATTACH_MAX)}"
else
    fail attach-during-drain-completes "xl network-attach failed"
fi
timeout 60 xl network-detach g1 2 >/dev/null 2>&1
wait $DETACH
t2=$(uptime_s)
info "xl network-detach of $B took $(awk "BEGIN{print $t2 - $td}") s"
draining=$(cat /sys/kernel/debug/znetback/queues_draining 2>/dev/null)
info "queues draining after detach: ${draining:-n/a}, pages mapped: $(backend_global_mapped)"
# netem lets go after $HELD_S s: the torn-down queue must then be freed, nothing left mapped
wait_until $((HELD_S + 30)) nothing_draining
check_eq drained-queue-freed 0 "$(cat /sys/kernel/debug/znetback/queues_draining 2>/dev/null)"
check_eq nothing-mapped-after-drain 0 "$(backend_global_mapped)"
dmesg | grep -E "$B|queue freed" | tail -4 | sed "s|^|LAB-INFO [$(scen)] dmesg: |"

# ---- part 3: protocol paths a frontend can take, on a vif that nothing else sends to (its own
# bridge, IPv6 off): any packet for the guest would also make the backend look at its TX ring
# and hide a queue that is no longer polled
quiet_bridge quiet0 9
sleep 2
for c in reconnect-after-disable closed-then-connected rx-without-notify; do
    if ! hostile_attach quiet0; then
        fail "$c-quiet-attach" "xl network-attach of g1's second vif failed"; continue
    fi
    out=$(guest_run g1 "/tmp/znbfront -H 1 -d 10.0.9.1 -t 3 case $c; echo znbfront-rc=\$?" 120)
    echo "$out" | sed "s|^|LAB-INFO [$(scen)] $c: |"
    # what reached dom0's stack from the guest, and what dom0 delivered or dropped for it
    info "$c: $A rx_packets $(cat "/sys/class/net/$A/statistics/rx_packets") tx_packets $(cat "/sys/class/net/$A/statistics/tx_packets") tx_dropped $(cat "/sys/class/net/$A/statistics/tx_dropped")"
    check_eq "$c-quiet-vif" 0 "$(echo "$out" | sed -n 's/^znbfront-rc=//p')"
    check "$c-quiet-vif-detached" hostile_detach
done
# A frame a dom0 process sends to that frontend (arping) is queued outside the softirq its
# own ARP reply came from above: it too must make the backend poll the silent ring.
# Precondition: the frame waits in the vif's RX queue (debugfs) before buffers are posted.
if hostile_vif_run dom0-process "-t 6 --listen case rx-without-notify" quiet0; then
    arping -q -c 1 -w 1 -I quiet0 10.0.9.99
    Q=/sys/kernel/debug/znetback/$A/queues
    if [ "$(backend_current)" = znetback ]; then
        debugfs_mounted
        check_eq dom0-process-frame-queued 1 "$(sed -n 's/.* rx_queue \([0-9]*\) .*/\1/p' "$Q")"
        check dom0-process-frame-polled wait_until 2 grep -q " waiting 1 " "$Q"
    fi
    hostile_vif_done dom0-process
    check_eq rx-without-notify-dom0-process 0 "$(guest_run g1 "sed -n 's/^znbfront-rc=//p' /tmp/bg.log")"
fi

