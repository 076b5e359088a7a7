# Driver domain: the backend runs in a PV guest (dd) instead of dom0, as Qubes' sys-net does; guests' vifs name it, traffic through it is md5-checked, guests and the driver domain are destroyed and re-created, nothing stays mapped or leaked.
# lab-backend: default
# lab-timeout: 1200
# shellcheck shell=dash
#
# dd boots the lab's dom0 image (this run's backend module and scripts in it) with
# lab.role=driver-domain: tools/lab/rootfs/dom0/init-driver-domain loads the backend there,
# makes bridge ddbr0 (10.0.60.1/24) and runs `xl devd`, the toolstack's backend daemon, which
# runs the vifs' hotplug scripts in dd. dd's own eth0 is a netfront to dom0's xenbr0 (its
# "outside" and the command channel). g1 and g2 keep their first vif on dom0 (the command
# channel) and get a second one served by dd (`xl network-attach ... backend=dd`):
# 10.0.60.2 and 10.0.60.3.
# Checks: the backend loaded in a domU and says so; each dd-served vif exists in dd and not
# in dom0; guest -> dd socket, dd -> guest, guest <-> guest through dd's bridge, dd <-> dom0
# over its uplink, each md5-checked; the backend in dd mapped guest pages (znetback) and
# holds none once traffic stops; g1 destroyed with its vif in dd: the vif goes, nothing
# stays mapped, a re-created g1 gets a dd vif again; dd destroyed (guests' vifs detached
# first) and re-created: its vifs serve again; at the end Xen's free memory is back at its
# baseline and no guest console shows a netfront complaint.
# LAB_DD_TYPE=pvh (host environment; Xen's HAP: the lab's default emulated SVM) makes dd a
# PVH guest, whose grant maps go through Xen's second-level page tables. The dd_* helpers are
# in tests/lab/lib.sh (bench/cost.sh boots a driver domain with them too).
domain_gone() { ! xl domid "$1" >/dev/null 2>&1; }   # NAME
# guest_destroyed NAME: destroy NAME; once it is gone, lab_teardown no longer handles it
guest_destroyed() {
    xl destroy "$1"
    check "$1-gone-$2" wait_until 30 domain_gone "$1" && sed -i "/^$1 /d" "$LAB_CUR/guests"
}
# Xen's free memory is back at least to the baseline taken before dd first started
# (a destroyed domain's memory is freed in the background)
xen_free_back() { [ "$(xen_free)" -ge "$B_XEN" ]; }
# the guests under test carry no traffic on their dom0 vifs but the command channel
no_dom0_traffic() { maps_nothing "$(guest_vif "$1")" "the command channel only; its traffic goes through the driver domain"; }

# A driver domain boots the guest kernel with dom0's modules: they must be the same
if ! guests_boot_dom0_kernel; then
    fail driver-domain-kernel "dom0 and guest kernels differ ($(tr '\n' ' ' < /etc/lab-build)): the driver domain boots the guest kernel with dom0's modules"
    exit 1
fi
[ "$DD_TYPE" = pv ] || need_hap dd-type-needs-hap " (LAB_DD_TYPE=pvh)" || exit 1
guest_start g1 || exit 1
guest_start g2 || exit 1
guest_wait g1 || exit 1
guest_wait g2 || exit 1
no_dom0_traffic g1; no_dom0_traffic g2
B_XEN=$(xen_free)
info "baseline before the driver domain: $(snapshot)"

dd_ramdisk || exit 1
dd_start first || exit 1
# precondition of the memory check at the end: dd's memory really came out of Xen's
D_XEN=$(xen_free)
check xen-memory-given-to-dd [ $((B_XEN - D_XEN)) -ge 384 ]

# ---- the data paths
dd_attach g1 first || exit 1
dd_attach g2 first || exit 1
_from_guest xfer-g1-to-dd-socket g1 8 _fetch_by_guest dd "$(guest_ip g1 "$DD_SUBNET")"
_from_guest xfer-dd-to-g1 dd 8 _fetch_by_guest g1 "$DD_IP"
_from_guest xfer-g1-to-g2-through-dd g1 8 _fetch_by_guest g2 "$(guest_ip g1 "$DD_SUBNET")"
_from_guest xfer-g2-to-g1-through-dd g2 8 _fetch_by_guest g1 "$(guest_ip g2 "$DD_SUBNET")"
xfer_g2d dd 8 0 xfer-dd-uplink-to-dom0
xfer_d2g dd 8 0 xfer-dom0-to-dd-uplink
assert_mappings_drained "$(guest_vif dd)"
if backend_is_znetback; then
    for g in g1 g2; do
        v=$(dd_vif $g)
        dd_run "ethtool -S $v" | tr -s ' ' | sed "s|^|LAB-INFO [$(scen)] dd ethtool -S $v:|" | head -12
        ops=$(dd_stat "$v" map_ops)
        if is_count_above_zero "$ops"; then pass "dd-mapped-pages-of-$g" "map_ops $ops"
        else fail "dd-mapped-pages-of-$g" "map_ops '$ops': the backend in dd mapped nothing"; fi
    done
    check dd-nothing-mapped-after-traffic wait_until 20 dd_mapped_zero
fi

# ---- a guest destroyed while dd serves its vif, then re-created
v=$(dd_vif g1)
check_guest_dmesg g1
guest_destroyed g1 destroyed
check dd-vif-gone-after-guest-destroy wait_until 30 dd_lacks_vif "$v"
backend_is_znetback && check dd-nothing-mapped-after-guest-destroy wait_until 20 dd_mapped_zero
guest_start g1 1 || exit 1
guest_wait g1 || exit 1
no_dom0_traffic g1
dd_attach g1 recreated || exit 1
_from_guest xfer-new-g1-to-g2-through-dd g1 4 _fetch_by_guest g2 "$(guest_ip g1 "$DD_SUBNET")"

# ---- the driver domain destroyed (its guests' vifs detached first) and re-created
dd_detach g1 first; dd_detach g2 first
check_guest_dmesg dd
guest_destroyed dd first || exit 1
dd_start second || exit 1
dd_attach g1 second || exit 1
dd_attach g2 second || exit 1
_from_guest xfer-g2-to-g1-through-new-dd g2 4 _fetch_by_guest g1 "$(guest_ip g2 "$DD_SUBNET")"
backend_is_znetback && check new-dd-nothing-mapped-after-traffic wait_until 20 dd_mapped_zero

# ---- the end: nothing in dd, dd gone, Xen's memory back (and then equal to the baseline)
dd_detach g1 second; dd_detach g2 second
check_guest_dmesg dd
guest_destroyed dd second
wait_until 30 xen_free_back
check_eq xen-free-memory-back "$B_XEN" "$(xen_free)"
