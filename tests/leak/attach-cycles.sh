# Leak check: 100 stock xl network-attach / network-detach cycles of one running guest, md5-checked traffic both ways each time; mappings, dom0 memory, Xen free memory and the module refcount must not grow.
# lab-backend: default
# lab-timeout: 1200
# shellcheck shell=dash
N=${LAB_ATTACH_CYCLES:-100}
WARMUP=5
guest_start g1
guest_wait g1 || exit 1
hot_bridge xenbr1 1
IP1=$(guest_ip g1 1)

# a failed transfer shows where the rings stand: a stall leaves requests unconsumed
ring_state() {
    head -12 "/sys/kernel/debug/znetback/$1/queues" 2>/dev/null | sed "s|^|LAB-INFO [$(scen)] $1 queues: |"
    ethtool -S "$1" 2>/dev/null | grep -E 'pages_mapped_now|tx_responses|busy_deferrals' | tr -s ' ' | sed "s|^|LAB-INFO [$(scen)] $1:|"
}
# one blob each way, fetched once per cycle over the hot-plugged vif
G_SUM=$(blob_guest g1 cyc 1)
D_SUM=$(blob_dom0 cyc 1)
lab_on_cleanup "rm -f /lab/www/cyc"

bad_xfer=0 bad_attach=0 bad_detach=0 bad_drain=0 bad_unmapped=0
i=1
t_start=$(uptime_s)
while [ $i -le $((N + WARMUP)) ]; do
    [ $i = $((WARMUP + 1)) ] && { sleep 2; B_XEN=$(xen_free); B_AVAIL=$(dom0_avail); info "baseline after $WARMUP warm-up cycles: $(snapshot)"; t_start=$(uptime_s); }
    if ! vif_attach g1 1 xenbr1 "cycle-$i-attach" >/dev/null; then
        bad_attach=$((bad_attach + 1)); i=$((i + 1)); continue
    fi
    V=$(guest_vif g1 "$DEVID")
    [ "$(timeout 60 wget -q -O - "http://$IP1/cyc" | md5sum | cut -d' ' -f1)" = "$G_SUM" ] || { bad_xfer=$((bad_xfer + 1)); info "cycle $i: guest -> dom0 md5 mismatch on $V"; ring_state "$V"; }
    [ "$(guest_run g1 "wget -q -O - http://10.0.1.1/cyc | md5sum | cut -d' ' -f1" 60)" = "$D_SUM" ] || { bad_xfer=$((bad_xfer + 1)); info "cycle $i: dom0 -> guest md5 mismatch on $V"; ring_state "$V"; }
    if backend_is_znetback; then
        # a drain to 0 proves nothing on a vif that never mapped a page
        is_count_above_zero "$(backend_stat "$V" map_ops)" || { bad_unmapped=$((bad_unmapped + 1)); info "cycle $i: $V mapped no page"; }
        wait_until 10 vif_unmapped "$V"
        _m=$(backend_stat "$V" pages_mapped_now)
        [ "$_m" = 0 ] || { bad_drain=$((bad_drain + 1)); info "cycle $i: $V still maps '$_m' pages 10s after traffic"; }
    fi
    vif_detach g1 "$DEVID" >/dev/null || bad_detach=$((bad_detach + 1))
    [ $((i % 20)) = 0 ] && info "cycle $i: $(snapshot)"
    i=$((i + 1))
done
t_end=$(uptime_s)
sleep 3
A_XEN=$(xen_free); A_AVAIL=$(dom0_avail)
info "after $N cycles ($(awk "BEGIN{printf \"%.1f\", ($t_end-$t_start)/$N}")s per cycle): $(snapshot)"
check_eq all-attaches-answered 0 "$bad_attach"
check_eq all-detaches-clean 0 "$bad_detach"
check_eq all-transfers-md5-ok 0 "$bad_xfer"
if backend_is_znetback; then
    check_eq vif-mapped-pages-every-cycle 0 "$bad_unmapped"
    check_eq vif-mappings-drained-every-cycle 0 "$bad_drain"
else
    info "vif-mapped-pages-every-cycle, vif-mappings-drained-every-cycle: $(backend_current) has no map_ops/pages_mapped_now counters, not checked"
fi
check_eq xen-free-memory-back "$B_XEN" "$A_XEN"
check dom0-memory-within-8MiB [ $((B_AVAIL - A_AVAIL)) -lt 8 ]
assert_global_drained 30
check_eq guest-has-only-eth0 "eth0" "$(guest_run g1 'ls /sys/class/net | grep eth | tr "\n" " "' | tr -d ' ')"
xfer_g2d g1 4
