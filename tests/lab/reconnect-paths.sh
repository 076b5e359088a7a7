# The connect paths not covered elsewhere: a guest's first boot, a guest reboot (a new domain, a new vif) and a netfront unbind/bind inside the guest, as a module reload does (the same domain reconnects its vif). After each, one ping must be answered at once, without waiting for another event, and 8 MiB must cross each way (#13). (Save/restore: save-restore; migration: pvh/migrate; a reconnect after a fatal disable: hostile/isolation.)
# lab-backend: default
# lab-timeout: 600
# shellcheck shell=dash
D_SUM=$(blob_dom0 rc 8)
lab_on_cleanup "rm -f /lab/www/rc"
guest_start g1 1 memory=128 || exit 1

# configured_count: how many times the guest's /init configured an eth0 (its console line)
configured_count() { guest_console g1 | grep -c '^GUEST: eth0 (.*) up as'; }
configured_more_than() { [ "$(configured_count)" -gt "$1" ]; }   # N
# wait_configured N: until the guest has configured eth0 more than N times (no packet sent)
wait_configured() { wait_until 180 configured_more_than "$1"; }
# after_reconnect PATH: the first packet dom0 sends over the new connection (a ping, the
# guest's eth0 just configured: no other packet from dom0 has crossed it yet) must be
# answered at once; then a transfer each way
after_reconnect() {
    _ip=$(guest_ip g1) _v=$(guest_vif g1)
    check "$1-first-ping" quietly ping -c 1 -W 5 "$_ip"
    guest_wait g1 120 || return 1   # its command channel (httpd) may start after the address
    _gsum=$(blob_guest g1 rc 8)
    check_eq "$1-guest-to-dom0" "$_gsum" "$(timeout 60 wget -q -O - "http://$_ip/rc" | md5sum | cut -d' ' -f1)"
    check_eq "$1-dom0-to-guest" "$D_SUM" "$(guest_run g1 "wget -q -O - http://10.0.0.1/rc | md5sum | cut -d' ' -f1" 60)"
    backend_is_znetback && assert_pages_were_mapped "$_v"
}

# ---- the first boot: the first packet dom0 sends once the guest has configured eth0
check first-boot-eth0-configured wait_configured 0 || exit 1
after_reconnect first-boot

# ---- a guest reboot: the guest's domain is replaced (new domid, new vif). The lab guest's
# /init handles no shutdown request (xl reboot), so the guest reboots itself.
old=$(guest_domid g1)
# the console keeps both boots: from here on the guest is judged by what follows
wc -c < "$(guest_console_log g1)" > "$LAB_CUR/g1.console-offset"
guest_bg g1 "sleep 0.5; reboot -f" >/dev/null
wait_until 60 guest_replaced g1 "$old"
new=$(guest_domid g1)
check guest-rebooted-as-new-domain [ -n "$new" -a "$new" != "$old" ] || exit 1
check reboot-eth0-configured wait_configured 0 || exit 1
after_reconnect reboot

# ---- netfront unbound and bound again inside the guest: the same domain closes and
# reconnects its vif. (xen_netfront cannot be unloaded while it drives a vif: unbinding the
# device and binding it again is what a module reload does to it.)
v=$(guest_vif g1)
n=$(configured_count)
connects() { dmesg | grep -c "$v: connected to the guest"; }
c0=$(connects)
idx=$(guest_run g1 "cat /sys/class/net/eth0/ifindex")
guest_bg g1 "sleep 0.5; echo vif-0 > /sys/bus/xen/drivers/vif/unbind && sleep 1 && echo vif-0 > /sys/bus/xen/drivers/vif/bind" >/dev/null
check rebind-eth0-configured-again wait_configured "$n" || exit 1
after_reconnect netfront-rebind
# the rebind really happened: a new eth0 in the guest, and (znetback) a new connection
now=$(guest_run g1 "cat /sys/class/net/eth0/ifindex")
check netfront-rebound [ -n "$now" -a "$now" != "$idx" ] && info "guest eth0 ifindex $idx -> $now"
if backend_is_znetback; then
    check backend-reconnected [ "$(connects)" -gt "$c0" ]
else
    info "backend-reconnected: $(backend_current) logs no connect line, not checked"
fi
