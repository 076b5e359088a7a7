# xl network-attach / network-detach cycles with md5-verified traffic on the hot-plugged vif, and detaches in the middle of transfers.
# lab-backend: default
# lab-timeout: 600
# shellcheck shell=dash
guest_start g1
guest_wait g1 || exit 1
hot_bridge xenbr1 1
IP1=$(guest_ip g1 1)
attach() { # ROUND -> sets DEVID
    vif_attach g1 1 xenbr1 "attach-$1" || { diag; return 1; }
    pass "attach-$1-ping" "devid $DEVID"
}
diag() {
    info "diag: xl network-list: $(xl network-list g1 | tr '\n' '|')"
    info "diag: xenbr1 ports: $(for p in /sys/class/net/xenbr1/brif/*; do printf '%s ' "${p##*/}"; done) neigh: $(ip neigh show 10.0.1.2)"
    guest_run g1 'ip -o addr; ip -o link; cat /tmp/netcfg.*' | sed 's/^/LAB-INFO [attach-detach] diag guest: /'
    tail -5 /var/log/xen/vif-lab.log | sed 's/^/LAB-INFO [attach-detach] diag vif-lab: /'
    guest_console g1 | tail -15 | sed 's/^/LAB-INFO [attach-detach] diag console: /'
}
for r in 1 2 3; do
    attach $r || continue
    V=$(guest_vif g1 "$DEVID")
    info "round $r: devid $DEVID ($V) $IP1"
    [ -d /sys/module/znetback ] && check_eq "round$r-rx-thread-per-queue" "$(queues "$V")" "$(rx_threads "$V")"
    xfer_d2g g1 4 1 "round$r-xfer-dom0-to-g1-vif$DEVID"
    xfer_g2d g1 4 1 "round$r-xfer-g1-vif$DEVID-to-dom0"
    backend_stats "$V"
    assert_mappings_drained "$V"
    check "detach-$r" vif_detach g1 "$DEVID"
    [ -d /sys/module/znetback ] && check_eq "round$r-rx-threads-gone" 0 "$(rx_threads "$V")"
done
# detach while the guest is sending (guest -> dom0 on the hot-plugged vif)
attach mid-tx && {
    blob_guest g1 big 64 >/dev/null
    timeout 120 wget -q -O /dev/null "http://$IP1/big" &
    W=$!
    sleep 2
    check detach-during-guest-tx vif_detach g1 "$DEVID"
    wait $W
}
# detach while the guest is receiving (dom0 -> guest on the hot-plugged vif)
attach mid-rx && {
    blob_dom0 big 64 >/dev/null
    guest_bg g1 "wget -q -O /dev/null http://10.0.1.1/big"
    sleep 2
    check detach-during-guest-rx vif_detach g1 "$DEVID"
    rm -f /lab/www/big
}
sleep 2
check_eq guest-has-only-eth0 "eth0" "$(guest_run g1 'ls /sys/class/net | grep eth | tr "\n" " "' | tr -d ' ')"
# the guest's first vif still works after all that
xfer_g2d g1 8
xfer_d2g g1 8
guest_run g1 "rm -f /www/big" >/dev/null
