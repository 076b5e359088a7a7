# Demo: a guest gets a second vif with stock 'xl network-attach' and Debian's stock vif-bridge; 256 MiB move to a dom0 socket, to a second guest and back, md5-checked, and the backend's counters tell the story.
# lab-backend: default
# lab-timeout: 600
# shellcheck shell=dash
#
# Lines starting with LAB-DEMO are the report `make demo` shows.
DEMO_BLOB_MIB=64
# make check runs one round (LAB_DEMO_ROUNDS=1): the same paths, a quarter of the bytes
DEMO_ROUNDS=${LAB_DEMO_ROUNDS:-4}
say() { echo "LAB-DEMO $*"; }
stat_of() { backend_stat "$1" "$2"; }

# the demo shows what an admin gets by default: tx_policy=auto
if [ -w /sys/module/znetback/parameters/tx_policy ]; then echo 0 > /sys/module/znetback/parameters/tx_policy; fi
# g1's vifs are hot-plugged by Debian's stock /etc/xen/scripts/vif-bridge, as on a real dom0
guest_start g1 vcpus=2 memory=512 script=vif-bridge || exit 1
guest_wait g1 || exit 1
D=$(guest_domid g1)
say "Xen $(xl info | awk '/xen_version/{print $3}'), dom0 $(uname -r), backend: $(backend_current)"
say "guest g1 is domain $D, a $(guest_kind g1) guest running the stock Linux xen-netfront"

ip addr add 10.0.1.1/24 dev xenbr0
lab_on_cleanup "ip addr del 10.0.1.1/24 dev xenbr0"
say "\$ xl network-attach g1 bridge=xenbr0 mac=00:16:3e:00:01:02 script=vif-bridge"
if ! timeout 60 xl network-attach g1 bridge=xenbr0 mac=00:16:3e:00:01:02 script=vif-bridge; then
    fail demo-attach "xl network-attach failed"; exit 1
fi
V=vif$D.1
wait_until 60 quietly ping -c 1 -W 1 10.0.1.2
check demo-attach-ping ping -c 2 -W 2 10.0.1.2 || exit 1
# the stock script did the hotplug: xl recorded it, it reported connected and bridged the vif
# (vif-bridge is bash: no bash, no hotplug-status, and the attach above fails)
check_eq demo-script-is-stock-vif-bridge /etc/xen/scripts/vif-bridge \
    "$(xenstore-read "/local/domain/0/backend/vif/$D/1/script" 2>/dev/null)"
check_eq demo-vif-bridge-connected connected \
    "$(xenstore-read "/local/domain/0/backend/vif/$D/1/hotplug-status" 2>/dev/null)"
check_eq demo-vif-bridge-bridged xenbr0 "$(basename "$(readlink "/sys/class/net/$V/master")")"
say "$V is up: $(xl network-list g1 | awk 'NR>2{print "handle " $1 ", state " $5}' | head -1); guest eth1 = 10.0.1.2; hot-plugged by Debian's vif-bridge"

# A 64 MiB random blob on each side, fetched DEMO_ROUNDS times and md5-checked each time:
# 256 MiB per direction without holding 256 MiB in the guest's RAM.
G_SUM=$(guest_run g1 "dd if=/dev/urandom of=/www/demo.blob bs=1M count=$DEMO_BLOB_MIB 2>/dev/null; md5sum /www/demo.blob | cut -d' ' -f1")
D_SUM=$(blob_dom0 demo.blob $DEMO_BLOB_MIB)
lab_on_cleanup "rm -f /lab/www/demo.blob"
TOTAL=$((DEMO_BLOB_MIB * DEMO_ROUNDS))

# rounds CHECK LABEL MD5 FETCH: runs FETCH (prints the md5 of one fetch of the blob)
# DEMO_ROUNDS times and reports the rate and whether every round matched MD5.
rounds() {
    _ok=1; _t0=$(uptime_s)
    for _r in $(seq "$DEMO_ROUNDS"); do
        [ "$($4)" = "$3" ] || _ok=0
    done
    _t1=$(uptime_s)
    if [ $_ok = 1 ]; then pass "$1" "$TOTAL MiB md5 ok"; else fail "$1" "md5 mismatch"; fi
    say "$2: $TOTAL MiB in $DEMO_ROUNDS md5-checked rounds: $(_rate $TOTAL "$_t0" "$_t1"), md5 $([ $_ok = 1 ] && echo ok || echo MISMATCH)"
}
fetch_g1_to_dom0() { timeout 600 wget -q -O - http://10.0.1.2/demo.blob | md5sum | cut -d' ' -f1; }
fetch_g1_to_g2() { guest_run g2 "wget -q -O - http://10.0.1.2/demo.blob | md5sum | cut -d' ' -f1" 600; }
fetch_dom0_to_g1() { guest_run g1 "wget -q -O - http://10.0.1.1/demo.blob | md5sum | cut -d' ' -f1" 600; }

rounds demo-guest-to-dom0 "guest -> dom0 socket" "$G_SUM" fetch_g1_to_dom0

# Guest to guest across the bridge: g1's packets leave dom0 by a grant copy into g2 straight
# from the mapped page, never copied inside dom0 -- the zero-copy path.
guest_start g2 || exit 1
guest_wait g2 || exit 1
guest_run g2 "ip addr add 10.0.1.3/24 dev eth0" >/dev/null
rounds demo-guest-to-guest "guest -> second guest across the bridge" "$G_SUM" fetch_g1_to_g2

rounds demo-dom0-to-guest "dom0 -> guest" "$D_SUM" fetch_dom0_to_g1

if [ "$(backend_current)" = znetback ]; then
    sleep 1
    _maps=$(stat_of "$V" map_ops) _unmaps=$(stat_of "$V" unmap_ops) _batches=$(stat_of "$V" unmap_batches)
    say "znetback counters for $V (guest TX = what dom0 received):"
    say "  packets with mapped pages  $(stat_of "$V" tx_zerocopy_sent): never copied in dom0 $(stat_of "$V" tx_zerocopy_success), copied out by the stack (dom0 socket) $(stat_of "$V" tx_zerocopy_fail)"
    say "  grant maps $_maps, unmaps $_unmaps in $_batches hypercalls: mean unmap batch $(awk "BEGIN{b=$_batches; printf \"%.1f\", b ? $_unmaps/b : 0}")"
    say "  pages mapped now $(stat_of "$V" pages_mapped_now), peak $(stat_of "$V" pages_mapped_peak); copy-outs $(stat_of "$V" copy_outs); TX responses $(stat_of "$V" tx_responses)"
    say "  policy: packets mapped $(stat_of "$V" policy_mapped), copied $(stat_of "$V" policy_copied) (small $(stat_of "$V" policy_copied_small)), flows to copy $(stat_of "$V" policy_flows_to_copy), back to map $(stat_of "$V" policy_flows_to_map)"
fi

# The demo's data move on vif D.1; eth0 of both guests carries only commands and ACKs,
# packets tx_policy=auto grant-copies because they are short.
maps_nothing "$(guest_vif g1)" "g1's eth0 carries only the command channel (short packets, copied under auto)"
maps_nothing "$(guest_vif g2)" "g2 sends only requests and ACKs (short packets, copied under auto)"
assert_mappings_drained "$V"
say "\$ xl network-detach g1 1"
vif_detach g1 1 || exit 1
if backend_is_znetback; then
    wait_until 20 global_mapped_settled 0
    _left=$(backend_global_mapped)
    check_eq demo-outstanding-after-detach 0 "$_left"
    say "after detach: outstanding mappings = ${_left:-unreadable} (debugfs znetback/pages_mapped)"
else
    say "after detach: $(backend_current) has no mapping counter"
fi
