# Race windows held open (lab-only build, tests/variant-lab.sh races): the RX thread's wake-up test against the NAPI poll freeing the packet it looked at (#12 item 4), a torn-down queue's last zerocopy completion against the queue's freeing (#12 item 5), a guest transmitting before its queue is live against the one notification it waits for, and a reconnect after a fatal disable against the first poll of its queues (#12 item 6).
# lab-backend: znetback
# lab-timeout: 500
# shellcheck shell=dash
#
# With SLUB poisoning on (slub_debug, dom0 command line) a freed skb reads as 0x6b: a wake-up
# test that dereferences one faults. With page poisoning on (page_poison=1) a freed queue reads
# as 0xaa: a completion that kicks its timer or work after the free faults. The reconnect runs
# znbfront (reconnect-after-disable) on a vif nothing else sends to: any packet for the guest
# would also poll its TX ring and hide a queue nobody polls.
P=/sys/module/znetback/parameters
dom0_clean_so_far() { ! dom0_dmesg_since_begin | grep -qE "$DOM0_BAD"; }
# LAB_RACES (host environment) runs only some windows: a dom0 that one of them crashed
# says nothing about the others
RACES=" ${LAB_RACES:-rx-peek zc-kick bind connect} "
racing() { case "$RACES" in *" $1 "*) return 0 ;; esac; info "window $1 not run (LAB_RACES)"; return 1; }
if [ ! -w $P/race_rx_peek_us ]; then
    fail race-build "$P/race_rx_peek_us missing: znetback.ko is not a race-window build"; exit 1
fi
check slab-poisoning-on grep -q 'slub_debug=[A-Z]*P' /proc/cmdline
check page-poisoning-on grep -q 'page_poison=1' /proc/cmdline
lab_modprobe sch_netem || { fail modprobe-netem; exit 1; }
# shellcheck source=tests/hostile/lib.sh
. /lab/tests/hostile/lib.sh
hostile_setup || exit 1
peer_create

# ---- item 4: packets for g1 from softirq (bridged from the peer: the NAPI poll delivers and
# frees them) and from a dom0 process (the RX thread), while the thread's wake-up test is held
# 20 ms after it looked at the head of the queue
if racing rx-peek; then
    echo 20000 > $P/race_rx_peek_us
    h0=$(cat $P/race_hits)
    xfer_p2g g1 32 peer-to-guest-during-peek-window &
    P2G=$!
    xfer_d2g g1 16 0 dom0-to-guest-during-peek-window
    wait $P2G
    echo 0 > $P/race_rx_peek_us
    h1=$(cat $P/race_hits)
    info "RX wake-up test held open $((h1 - h0)) times"
    check rx-peek-window-held [ $((h1 - h0)) -gt 0 ]
    check dom0-clean-after-rx-peek-window dom0_clean_so_far
fi

# ---- a guest that transmits while its new queue is bound but not yet live. Linux netfront
# reclaims its TX slots only when the backend notifies it (xennet_tx_interrupt); answers sent
# without that first notification leave it waiting forever once its ring fills (~240 slots).
# g2 (g1's netfront leaves new vifs to znbfront) pings dom0 through a hot-plugged vif from the
# moment it has an address; the vif's queue stays bound but not live for 1.5 s; then 4 MiB
# from g2 must cross it within 60 s.
if racing bind; then
    hot_bridge xenbr1 1
    guest_bg g2 "i=0; while [ \$i -lt 300 ]; do ping -c 1 -W 1 10.0.1.1 >/dev/null 2>&1; sleep 0.1; i=\$((i + 1)); done" >/dev/null
    echo 1500000 > $P/race_bind_us
    h0=$(cat $P/race_hits) e0=$(cat $P/race_early_events)
    if vif_attach g2 1 xenbr1 bind-window-attach; then
        echo 0 > $P/race_bind_us
        h1=$(cat $P/race_hits) e1=$(cat $P/race_early_events)
        info "bind window held open $((h1 - h0)) times, $((e1 - e0)) guest events arrived in it"
        check bind-window-held [ $((h1 - h0)) -gt 0 ]
        check guest-sent-before-live [ $((e1 - e0)) -gt 0 ]
        sum=$(blob_guest g2 bindwin 4)
        check_eq guest-to-dom0-after-early-tx "$sum" "$(timeout 60 wget -q -O - "http://$(guest_ip g2 1)/bindwin" | md5sum | cut -d' ' -f1)"
        guest_run g2 "rm -f /www/bindwin" >/dev/null
        V=$(guest_vif g2 "$DEVID")
        sed -n 2p "/sys/kernel/debug/znetback/$V/queues" 2>/dev/null | sed "s|^|LAB-INFO [$(scen)] $V|"
        vif_detach g2 "$DEVID" >/dev/null || fail bind-window-detach "xl network-detach failed"
    fi
    echo 0 > $P/race_bind_us
    check dom0-clean-after-bind-window dom0_clean_so_far
fi

# ---- item 5: g2's IP fragments wait 3 s in netem with g2's pages; g2's vif is detached
# meanwhile; each completion of the torn-down queue then waits 200 ms before its kick
if racing zc-kick; then
    guest_run g2 "ping -c 1 -W 2 $PEER_IP" >/dev/null
    check netem-delay tc qdisc add dev peer0 root netem delay 3000ms limit 10000
    V2=$(guest_vif g2)
    echo 200000 > $P/race_zc_kick_us
    guest_bg g2 "ping -q -c 1 -s 8000 -W 8 $PEER_IP" >/dev/null
    check pages-held-at-detach wait_until 5 vif_holds_pages "$V2"
    h0=$(cat $P/race_hits)
    vif_detach g2 0 || true
    # the fragments leave netem, their completions run (200 ms each), the queue is freed
    wait_until 30 nothing_draining || warn "still draining 30 s after the detach: $(backend_global_mapped) pages mapped"
    sleep 2
    echo 0 > $P/race_zc_kick_us
    h1=$(cat $P/race_hits)
    info "completion kick held open $((h1 - h0)) times"
    check zc-kick-window-held [ $((h1 - h0)) -gt 0 ]
    check dom0-clean-after-zc-kick-window dom0_clean_so_far
    check_eq nothing-mapped-after-teardown 0 "$(backend_global_mapped)"
fi

# ---- item 6: a reconnect after a fatal disable, the vif started 500 ms after its queues
if racing connect; then
    quiet_bridge quiet0 9
    if hostile_attach quiet0; then
        echo 500000 > $P/race_connect_us
        h0=$(cat $P/race_hits)
        out=$(guest_run g1 "/tmp/znbfront -H 1 -d 10.0.9.1 -t 3 case reconnect-after-disable; echo znbfront-rc=\$?" 120)
        echo 0 > $P/race_connect_us
        h1=$(cat $P/race_hits)
        echo "$out" | sed "s|^|LAB-INFO [$(scen)] reconnect-after-disable: |"
        check connect-window-held [ $((h1 - h0)) -gt 0 ]
        check_eq served-after-reconnect 0 "$(echo "$out" | sed -n 's/^znbfront-rc=//p')"
        hostile_detach   # lab_teardown asserts every vif is gone
    else
        fail quiet-vif-attach "xl network-attach of g1's second vif failed"
    fi
fi
