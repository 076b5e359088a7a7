# Fault injection (lab-only build, tests/variant-lab.sh faults): real Xen refuses one in N grant maps, TX and RX grant copies, and one in N skb and page allocations fails, at two rates per site, under md5-checked TCP; then a torn-down queue whose pages a qdisc holds past drain_timeout.
# lab-backend: znetback
# lab-timeout: 600
# shellcheck shell=dash
#
# Each round asserts its precondition (the site really failed: fault_<site>_hits grew), that
# the guest saw the failure the protocol gives it (an ERROR response: tx_dropped_errors grows
# for guest TX; netfront counts rx_errors for guest RX), that the transfer still completed
# with its md5 (TCP resends what was dropped: a failed op never delivers the bytes it did not
# copy, and never stalls the ring), and that once traffic stops every slot is free and nothing
# is mapped. After the last round, with injection off, throughput must be back to at least
# half its rate before the first.
P=/sys/module/znetback/parameters
if [ ! -w $P/fault_tx_map_every ]; then
    fail fault-build "$P/fault_tx_map_every missing: znetback.ko is not a fault-injection build"; exit 1
fi
debugfs_mounted
grew() { [ "$(count_or_0 "$2")" -gt "$(count_or_0 "$1")" ]; }          # BEFORE AFTER
dmesg_has() { dmesg | grep -q "$1"; }
guest_stat() { guest_run g1 "cat /sys/class/net/eth0/statistics/$1"; }
# netfront's answer to an ERROR response on its RX ring (Linux 6.1 and 6.12 xennet_get_responses)
guest_may_log g1 'rx->offset: [0-9]+, size: -1$' "RX grant copies failed on purpose: ERROR responses"
lab_on_cleanup "for f in $P/fault_*_every; do echo 0 > \$f; done; echo 1 > $P/tx_policy"

guest_start g1
guest_wait g1 || exit 1
V=$(guest_vif g1)

# seconds a transfer took, and its md5 check: xfer (g2d|d2g) MiB CHECKNAME
timed_xfer() {
    ft0=$(uptime_s)
    if [ "$1" = g2d ]; then xfer_g2d g1 "$2" 0 "$3"; else xfer_d2g g1 "$2" 0 "$3"; fi
    frc=$?
    awk "BEGIN{print $(uptime_s) - $ft0}" > "$LAB_CUR/secs"
    return $frc
}
# before and after the rounds: the same policy, always map
echo 1 > $P/tx_policy
timed_xfer g2d 8 before-faults-g1-to-dom0
base_g2d=$(cat "$LAB_CUR/secs")
timed_xfer d2g 8 before-faults-dom0-to-g1
base_d2g=$(cat "$LAB_CUR/secs")

# slots_free: every TX slot of the vif is free and nothing mapped
slots_free() {
    [ "$(awk '$1=="slots:"{n+=$5} END{print n+0}' "/sys/kernel/debug/znetback/$V/queues")" = 0 ] &&
        [ "$(backend_stat "$V" pages_mapped_now)" = 0 ]
}
# slots_settled: once traffic stops, the slots are free again within 10 s
slots_settled() {
    wait_until 10 slots_free && return 0
    info "$V after $1: $(grep slots: "/sys/kernel/debug/znetback/$V/queues" | tr -s ' ' | paste -sd';'), pages_mapped_now $(backend_stat "$V" pages_mapped_now)"
    return 1
}

# round SITE EVERY TX_POLICY DIRECTION: one in EVERY operations of SITE fails during a 4 MiB
# transfer (g2d: guest TX, d2g: guest RX) under TX_POLICY (0 auto, 1 map, 2 copy)
round() {
    failing "$1" || return 0
    rname=$1-every-$2
    echo "$3" > $P/tx_policy
    h0=$(cat "$P/fault_$1_hits") d0=$(backend_stat "$V" tx_dropped_errors)
    m0=$(backend_stat "$V" map_errors) e0=$(guest_stat rx_errors)
    # a counter that cannot be read would read as "no change": never a silent pass
    if ! is_count "$h0" || ! is_count "$d0" || ! is_count "$m0" || ! is_count "$e0"; then
        fail "$rname-counters-readable" "hits '$h0' tx_dropped_errors '$d0' map_errors '$m0' guest rx_errors '$e0'"; return 1
    fi
    echo "$2" > "$P/fault_$1_every"
    timed_xfer "$4" 4 "$rname-transfer-intact"
    echo 0 > "$P/fault_$1_every"
    h1=$(cat "$P/fault_$1_hits") d1=$(backend_stat "$V" tx_dropped_errors)
    m1=$(backend_stat "$V" map_errors) e1=$(guest_stat rx_errors)
    info "$rname: $((h1 - h0)) injected in $(cat "$LAB_CUR/secs") s; tx_dropped_errors +$(($(count_or_0 "$d1") - $(count_or_0 "$d0"))), map_errors +$(($(count_or_0 "$m1") - $(count_or_0 "$m0"))), guest rx_errors +$(($(count_or_0 "$e1") - $(count_or_0 "$e0")))"
    check "$rname-injected" grew "$h0" "$h1"
    case $1 in
    rx_copy) check "$rname-guest-saw-rx-errors" grew "$e0" "$e1" ;;
    *) check "$rname-guest-saw-tx-errors" grew "$d0" "$d1" ;;
    esac
    # each refused map is counted, none twice, none missed; nothing else is called one
    if [ "$1" = tx_map ]; then _m=$((h1 - h0)); else _m=0; fi
    check_eq "$rname-map-errors-counted" $_m $(($(count_or_0 "$m1") - $(count_or_0 "$m0")))
    check "$rname-slots-settled" slots_settled "$rname"
}
# LAB_FAULT_SITES (host environment) runs only some sites: each round is independent
SITES=" ${LAB_FAULT_SITES:-tx_map tx_copy page_alloc skb_alloc rx_copy drain} "
failing() { case "$SITES" in *" $1 "*) return 0 ;; esac; info "site $1 not run (LAB_FAULT_SITES)"; return 1; }
# rates are per operation: a 4 MiB transfer makes about 1000 grant maps (a TSO'd packet maps up
# to 17), a few hundred TX copies, a few thousand skbs; the lower rate still fails several
round tx_map 300 1 g2d
round tx_map 100 1 g2d
round tx_copy 300 2 g2d
round tx_copy 100 2 g2d
round page_alloc 300 2 g2d
round page_alloc 100 2 g2d
round skb_alloc 50 0 g2d
round skb_alloc 15 0 g2d
round rx_copy 300 0 d2g
round rx_copy 100 0 d2g
echo 1 > $P/tx_policy

timed_xfer g2d 8 after-faults-g1-to-dom0
after_g2d=$(cat "$LAB_CUR/secs")
timed_xfer d2g 8 after-faults-dom0-to-g1
after_d2g=$(cat "$LAB_CUR/secs")
info "8 MiB took g2d $base_g2d s before, $after_g2d s after; d2g $base_d2g s before, $after_d2g s after"
check throughput-back-g1-to-dom0 awk "BEGIN{exit !($after_g2d <= 2 * $base_g2d + 0.5)}"
check throughput-back-dom0-to-g1 awk "BEGIN{exit !($after_d2g <= 2 * $base_d2g + 0.5)}"
check_eq tx-mappings-back "$(backend_stat "$V" pages_mapped_now)" 0
assert_pages_were_mapped "$V"

# ---- drain timeout: g1's IP fragments wait 10 s in netem with g1's pages mapped; its vif is
# detached meanwhile. After drain_timeout (2 s) the queue says so once; the module stays
# loaded; when netem lets go, the queue is freed and nothing is left mapped.
failing drain || exit 0
lab_modprobe sch_netem || { fail modprobe-netem; exit 1; }
peer_create
guest_run g1 "ping -c 1 -W 2 $PEER_IP" >/dev/null
echo 1 > $P/tx_policy
dt=$(cat $P/drain_timeout)
lab_on_cleanup "echo $dt > $P/drain_timeout"
echo 2000 > $P/drain_timeout
check netem-delay tc qdisc add dev peer0 root netem delay 10000ms limit 100000
guest_bg g1 "ping -q -c 3 -i 0.2 -s 30000 -W 16 $PEER_IP" >/dev/null
check pages-held-by-netem wait_until 10 vif_holds_pages "$V"
vif_detach g1 0 || exit 1
check drain-timeout-reported wait_until 5 dmesg_has "$V-q0.*still in the network stack.*after disconnect"
check rmmod-refused-while-draining sh -c '! rmmod znetback 2>/dev/null'
check module-stays-loaded grep -q '^znetback ' /proc/modules
wait_until 20 prints 0 cat /sys/kernel/debug/znetback/queues_draining
check_eq drained-queue-freed 0 "$(cat /sys/kernel/debug/znetback/queues_draining)"
check_eq drain-timeout-reported-once 1 "$(dmesg | grep -c "$V-q0.*still in the network stack.*after disconnect")"
check drained-queue-freed-said dmesg_has "$V-q0[^ ]*: the network stack returned the last guest page"
dmesg | grep -E "$V-q0" | tail -3 | sed "s|^|LAB-INFO [$(scen)] dmesg: |"
tc qdisc del dev peer0 root 2>/dev/null
