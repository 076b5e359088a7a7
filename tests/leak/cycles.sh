# Leak check: repeated guest lifecycles (graceful detach and abrupt destroy, traffic through a netem queue each time); Xen free memory, dom0 memory, backend module refcount and mapped pages must return to baseline.
# lab-backend: default
# lab-timeout: 900
# shellcheck shell=dash
N=${LAB_LEAK_CYCLES:-3}
lab_modprobe sch_netem || { fail modprobe-netem; exit 1; }
peer_create
tc qdisc add dev peer0 root netem delay 50ms limit 100000
# one warm-up cycle so first-use allocations (modules, caches) are not counted as leaks
cycle() { # I HOW
    guest_start "c$1" 1 >/dev/null || return 1
    guest_wait "c$1" 240 || { fail "cycle-$1-up"; xl destroy "c$1"; return 1; }
    xfer_g2p "c$1" 2 "cycle-$1-xfer-to-peer"
    xfer_d2g "c$1" 4 0 "cycle-$1-xfer-from-dom0"
    # the drain asserted at the end proves nothing unless each lifecycle mapped pages
    assert_pages_were_mapped "$(guest_vif "c$1")"
    # start one more transfer and end the guest while it runs
    blob_guest "c$1" big 8 >/dev/null
    timeout 60 /sbin/ip netns exec peer wget -q -O /dev/null "http://$(guest_ip "c$1")/big" &
    _w=$!
    sleep 1
    _t=$(uptime_s)
    if [ "$2" = graceful ]; then vif_detach "c$1" 0; fi
    xl destroy "c$1"
    kill $_w 2>/dev/null; wait $_w 2>/dev/null
    info "cycle $1: $2 end took $(awk "BEGIN{print $(uptime_s)-$_t}")s"
    wait_until 20 dom0_has_no_vifs || warn "cycle $1: vifs left 20 s after the destroy: $(dom0_vifs)"
    check_guest_dmesg "c$1"
    # forget the guest: lab_teardown must not handle it again
    sed -i "/^c$1 /d" "$LAB_CUR/guests"
}
cycle 0 graceful
sleep 3
B_XEN=$(xen_free); B_AVAIL=$(dom0_avail)
info "baseline: $(snapshot)"
i=1
while [ $i -le "$N" ]; do
    if [ $((i % 2)) = 0 ]; then how=abrupt; else how=graceful; fi
    t0=$(uptime_s)
    cycle $i $how
    info "cycle $i ($how) $(awk "BEGIN{printf \"%.1f\", $(uptime_s)-$t0}")s: $(snapshot)"
    i=$((i+1))
done
sleep 5
A_XEN=$(xen_free); A_AVAIL=$(dom0_avail)
info "after $N cycles: $(snapshot)"
check_eq xen-free-memory-back "$B_XEN" "$A_XEN"
check dom0-memory-within-16MiB [ $((B_AVAIL - A_AVAIL)) -lt 16 ]
check_eq backend-module-refcount-zero 0 "$(modref)"
assert_global_drained 30
check no-vif-left [ -z "$(dom0_vifs)" ]
