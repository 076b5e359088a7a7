# The connect paths not covered elsewhere: a guest reboot (a new domain, a new vif) and a netfront unbind/bind inside the guest, as a module reload does (the same domain reconnects its vif). After each, one ping must be answered at once, without waiting for another event, and 8 MiB must cross each way (#13).
# lab-backend: default
# lab-timeout: 600
guest_start g1 1 memory=128 || exit 1
guest_wait g1 || exit 1
D_SUM=$(blob_dom0 rc 8)
lab_on_cleanup "rm -f /lab/www/rc"

# after_reconnect PATH: the one-packet check and a transfer each way on g1's current vif
after_reconnect() {
    _ip=$(guest_ip g1) _v=$(guest_vif g1)
    check "$1-first-ping" quietly ping -c 1 -W 5 "$_ip"
    _gsum=$(blob_guest g1 rc 8)
    check_eq "$1-guest-to-dom0" "$_gsum" "$(timeout 60 wget -q -O - "http://$_ip/rc" | md5sum | cut -d' ' -f1)"
    check_eq "$1-dom0-to-guest" "$D_SUM" "$(guest_run g1 "wget -q -O - http://10.0.0.1/rc | md5sum | cut -d' ' -f1" 60)"
    backend_is_znetback && assert_pages_were_mapped "$_v"
}

# ---- a guest reboot: the guest's domain is replaced (new domid, new vif). The lab guest's
# /init handles no shutdown request (xl reboot), so the guest reboots itself.
old=$(guest_domid g1)
# the console keeps both boots: from here on the guest is judged by what follows
wc -c < "$(guest_console_log g1)" > $LAB_CUR/g1.console-offset
guest_bg g1 "sleep 0.5; reboot -f" >/dev/null
_i=0; while [ "$(guest_domid g1)" = "$old" ] || [ -z "$(guest_domid g1)" ]; do
    [ $_i -gt 120 ] && break; sleep 0.5; _i=$((_i + 1))
done
new=$(guest_domid g1)
check guest-rebooted-as-new-domain [ -n "$new" -a "$new" != "$old" ]
guest_wait g1 || exit 1
after_reconnect reboot

# ---- netfront unbound and bound again inside the guest: the same domain closes and
# reconnects its vif
v=$(guest_vif g1)
idx=$(guest_run g1 "cat /sys/class/net/eth0/ifindex")
# (xen_netfront cannot be unloaded while it drives a vif: unbinding the device and binding it
# again is what a module reload does to it)
guest_bg g1 "sleep 0.5; echo vif-0 > /sys/bus/xen/drivers/vif/unbind && sleep 1 && echo vif-0 > /sys/bus/xen/drivers/vif/bind" >/dev/null
# the vif goes through Closed and back to Connected; the guest's new eth0 (a new ifindex)
# answers its command channel once it is configured
_i=0; _now=$idx
while { [ "$_now" = "$idx" ] || ! is_count "$_now"; } && [ $_i -lt 60 ]; do
    sleep 1; _i=$((_i + 1)); _now=$(guest_run g1 "cat /sys/class/net/eth0/ifindex" 5)
done
check netfront-rebound [ "$_now" != "$idx" ] && info "guest eth0 ifindex $idx -> $_now"
check_eq same-vif-after-rebind "$v" "$(guest_vif g1)"
after_reconnect netfront-rebind
