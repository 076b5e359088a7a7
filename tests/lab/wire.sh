# The wire: a guest and an "outside" host behind dom0's NIC (two e1000e NICs joined back to back inside QEMU, the second in the peer netns). md5-checked bulk TCP with TSO both ways, MTU 1500 without GSO, jumbo frames both ways, UDP 64 B and 1472 B both ways, under tx_policy map and auto; mapped frags reach the NIC driver without a copy-out; a stalled NIC queue holds guest pages until link down flushes it; rmmod of the NIC driver and xl destroy with guest pages in the NIC's queue.
# lab-backend: default
# lab-timeout: 700
# shellcheck shell=dash
lab_modprobe sch_netem || { fail modprobe-netem; exit 1; }
guest_start g1
guest_wait g1 || exit 1
peer_create peer xenbr0 nic || exit 1
V=$(guest_vif g1)
G1=$(guest_ip g1)
# the preconditions of everything below: a real NIC driver, with the offloads that let a
# mapped frag go to the NIC as it is (scatter-gather, checksum, TSO)
check_eq nic-driver "$LAB_NIC" "$(wire_driver peer0)"
nic_offload() { ethtool -k peer0 | awk -v k="$1:" '$1==k{print $2}'; }   # FEATURE
for _f in scatter-gather tx-checksumming tcp-segmentation-offload; do
    check_eq "nic-$_f" on "$(nic_offload $_f)"
done
ping_check g1 3 peer

# vif_count COUNTER: g1's vif counter; znetback has every one it is asked for here, so a
# missing one (a renamed counter) is a failure, never a 0 that would make a check pass
vif_count() {
    _vc=$(backend_stat "$V" "$1")
    if is_count "$_vc"; then echo "$_vc"; return 0; fi
    backend_is_znetback && fail "counter-$1" "$V has no counter $1"
    echo 0
}
nic_stat() { count_or_0 "$(ethtool -S peer0 | awk -v k="$1:" '$1==k{print $2}')"; }
# outside_frames: frames and bytes the outside host's NIC received, one frame each as the
# driver counts them (dom0's NIC counts a TSO packet once, however many frames it sends)
outside_frames() { peer cat /sys/class/net/peer1/statistics/rx_packets /sys/class/net/peer1/statistics/rx_bytes | tr '\n' ' '; }
# snmp_field PROTO FIELD: the command that prints a counter of /proc/net/snmp (its first
# PROTO line names the fields, the second holds them), run in dom0's netns or in the guest
snmp_field() {
    echo "awk -v p='$1:' -v f='$2' '\$1 == p { if (!c) { for (i = 2; i <= NF; i++) if (\$i == f) c = i } else print \$c }' /proc/net/snmp"
}
peer_snmp() { peer sh -c "$(snmp_field "$1" "$2")"; }   # PROTO FIELD: the outside host's
CSUM0="$(peer_snmp Tcp InCsumErrors) $(peer_snmp Udp InCsumErrors)"
check_eq outside-counts-checksum-errors 2 "$(echo "$CSUM0" | wc -w)"

# guest_to_outside_mapped POLICY MiB: guest -> outside over the wire under tx_policy POLICY
# (map or auto; xen-netback, which always maps, runs it twice); its packets must reach the
# NIC mapped and never be copied out on the way. The counters are the vif's: they also see
# the command channel's replies to dom0's sockets, short enough to be all header (never
# mapped, so never copied out) and flows of their own.
guest_to_outside_mapped() {
    _pol=""
    if backend_is_znetback; then
        case $1 in map) _pol=1 ;; auto) _pol=0 ;; esac
        echo "$_pol" > /sys/module/znetback/parameters/tx_policy
    fi
    _z0=$(vif_count tx_zerocopy_success) _f0=$(vif_count tx_zerocopy_fail) _c0=$(vif_count copy_outs)
    _p0=$(vif_count policy_flows_to_copy) _tso0=$(nic_stat tx_tcp_seg_good)
    xfer_g2p g1 "$2" "xfer-g1-to-outside-$1"
    _zc=$(($(vif_count tx_zerocopy_success) - _z0)) _fails=$(($(vif_count tx_zerocopy_fail) - _f0))
    info "$(backend_current)${_pol:+ tx_policy $_pol ($1)}: $_zc packets sent mapped to the NIC, $_fails copied out; NIC TSO sends $(($(nic_stat tx_tcp_seg_good) - _tso0))"
    # a TSO'd flow: the NIC, not the stack, cut the guest's 64 KiB packets into frames,
    # and the outside host checked their checksums and the md5 of what they carried
    check "nic-did-tso-$1" [ "$(nic_stat tx_tcp_seg_good)" -gt "$_tso0" ]
    check "mapped-frags-reach-nic-$1" [ "$_zc" -gt 100 ]
    check_eq "nothing-copied-out-$1" 0 "$_fails"
    if backend_is_znetback; then
        check_eq "no-copy-out-completions-$1" 0 $(($(vif_count copy_outs) - _c0))
        # auto: a flow the NIC takes mapped must not learn "copy"
        check_eq "flow-stays-mapped-$1" 0 $(($(vif_count policy_flows_to_copy) - _p0))
    fi
}
guest_to_outside_mapped map 32
xfer_p2g g1 32 xfer-outside-to-g1
guest_to_outside_mapped auto 32
if backend_is_znetback; then echo "${LAB_TX_POLICY:-1}" > /sys/module/znetback/parameters/tx_policy; fi

# MTU 1500 without GSO: the guest sends frames the NIC takes one by one
check guest-gso-off guest_run g1 "ethtool -K eth0 tso off gso off"
xfer_g2p g1 8 xfer-g1-to-outside-no-gso
xfer_p2g g1 8 xfer-outside-to-g1-no-gso
check guest-gso-on guest_run g1 "ethtool -K eth0 tso on gso on"

# UDP, 64 B and 1472 B datagrams both ways: most must arrive, none with a bad checksum
peer iperf3 -s -B "$PEER_IP" -p 5301 -D
guest_bg g1 "iperf3 -s -p 5302"
sleep 1
# iperf3_udp_lost: from iperf3's client output, the receiver's datagrams lost and sent
iperf3_udp_lost() { awk '/receiver/ { split($(NF-2), a, "/"); print a[1], a[2] }' | tail -1; }
# udp_to_outside BYTES BITRATE, udp_from_outside BYTES BITRATE: lost and sent
udp_to_outside() { guest_run g1 "iperf3 -c $PEER_IP -p 5301 -u -l $1 -b $2 -t 5 2>&1" 60 | iperf3_udp_lost; }
udp_from_outside() { timeout 60 /sbin/ip netns exec peer iperf3 -c "$G1" -p 5302 -u -l "$1" -b "$2" -t 5 2>&1 | iperf3_udp_lost; }
most_arrived() { is_count_above_zero "${2:-}" && [ $(($2 - $1)) -gt $(($2 / 2)) ]; }   # LOST SENT
# the guest takes datagrams slower than it sends them (16-24 % lost at the sending rates,
# measured): half the rate towards it
for _size in 64 1472; do
    for _way in to_outside from_outside; do
        case $_size-$_way in
            64-to_outside) _bitrate=2M ;; 64-from_outside) _bitrate=1M ;;
            1472-to_outside) _bitrate=20M ;; *) _bitrate=10M ;;
        esac
        # shellcheck disable=SC2046 # two words wanted: lost and sent
        set -- $(udp_$_way $_size $_bitrate)
        info "UDP $_size B at $_bitrate bit/s ${_way%_*} the outside: ${1:-?} of ${2:-?} datagrams lost"
        check "udp-$_size-${_way%_*}-outside-arrives" most_arrived "${1:-}" "${2:-}"
    done
done
check_eq guest-no-udp-checksum-errors 0 "$(guest_run g1 "$(snmp_field Udp InCsumErrors)")"
CSUM1="$(peer_snmp Tcp InCsumErrors) $(peer_snmp Udp InCsumErrors)"
check_eq outside-no-checksum-errors "$CSUM0" "$CSUM1"

# jumbo frames: every hop at MTU 9000 (the NICs reset for it: their link drops a moment)
set_mtu() {   # MTU
    ip link set peer0 mtu "$1" && ip link set "$V" mtu "$1" && ip link set xenbr0 mtu "$1" &&
        peer ip link set peer1 mtu "$1" && guest_run g1 "ip link set eth0 mtu $1" >/dev/null &&
        wire_link_up peer0 peer peer1
}
lab_on_cleanup "ip link set xenbr0 mtu 1500"
if check mtu-9000 set_mtu 9000; then
    # shellcheck disable=SC2046 # two words: frames and bytes
    set -- $(outside_frames)
    xfer_g2p g1 16 xfer-g1-to-outside-mtu-9000
    # shellcheck disable=SC2046 # two words: frames and bytes
    set -- "$@" $(outside_frames)
    info "MTU 9000: the outside host received $(($3 - $1)) frames of $((($4 - $2) / ($3 - $1 + 1))) bytes on average"
    # the wire really carried jumbo frames: most of them are larger than a 1500 B MTU allows
    check nic-sent-jumbo-frames [ $(($4 - $2)) -gt $((($3 - $1) * 1514 * 2)) ]
    xfer_p2g g1 16 xfer-outside-to-g1-mtu-9000
fi
check mtu-1500 set_mtu 1500

# a stalled NIC queue: guest pages held in it until the link goes down and flushes it
blob_guest g1 big 32 >/dev/null
# the outside host fetches it, for at most a minute; stop_fetch ends it (and the wget it runs)
outside_fetch_big() { timeout 60 /sbin/ip netns exec peer wget -q -O /dev/null "http://$G1/big"; }
stop_fetch() { kill $FETCH 2>/dev/null; pkill -f "wget -q -O /dev/null http://$G1/big"; wait $FETCH 2>/dev/null; }
# both sides resolve each other before the delay (the NICs' resets for their MTU flushed the
# neighbour tables): an ARP reply in the delayed queue would hold the flow back for longer
check outside-reaches-g1 quietly peer ping -c 2 -W 2 "$G1"
check nic-queue-delay-5s tc qdisc add dev peer0 root netem delay 5000ms limit 100000
outside_fetch_big &
FETCH=$!
if backend_is_znetback; then
    check pages-held-in-nic-queue wait_until 20 vif_holds_pages "$V"
    info "held in the NIC's queue: $(backend_stat "$V" pages_mapped_now) pages"
    T0=$(uptime_s)
    ip link set peer0 down
    check nic-link-down-releases-pages wait_until 5 vif_unmapped "$V"
    info "released $(awk "BEGIN{printf \"%.1f\", $(uptime_s)-$T0}")s after link down"
else
    sleep 8; ip link set peer0 down
fi
stop_fetch
tc qdisc del dev peer0 root
ip link set peer0 up
check nic-link-up-again wait_until 20 wire_carrier peer0
xfer_g2p g1 8 xfer-g1-to-outside-after-link-down

# rmmod of the NIC driver with the guest's traffic in flight: in its TX ring and, a 1 s delay
# making sure the NIC's queue holds some when it goes, in its qdisc
check nic-queue-delay-1s tc qdisc add dev peer0 root netem delay 1000ms limit 100000
outside_fetch_big &
FETCH=$!
if backend_is_znetback; then check pages-mapped-before-rmmod wait_until 20 vif_holds_pages "$V"; else sleep 5; fi
info "at rmmod: $(backend_stat "$V" pages_mapped_now) pages mapped, the fetch $(kill -0 $FETCH 2>/dev/null && echo running || echo over)"
check "rmmod-$LAB_NIC" rmmod "$LAB_NIC"
stop_fetch
check nics-gone [ -z "$(wire_nic 1)" ]
assert_mappings_drained "$V" 10
check_eq "$V-carrier-after-rmmod" 1 "$(cat "/sys/class/net/$V/carrier")"
peer_create peer xenbr0 nic || exit 1
xfer_g2p g1 8 xfer-g1-to-outside-after-reload
xfer_p2g g1 8 xfer-outside-to-g1-after-reload

# xl destroy with guest pages in the NIC's queue: the domain goes once the queue drains
check outside-reaches-g1-again quietly peer ping -c 2 -W 2 "$G1"
check nic-queue-delay-5s-again tc qdisc add dev peer0 root netem delay 5000ms limit 100000
outside_fetch_big &
FETCH=$!
G1_DOMID=$(guest_domid g1)
if backend_is_znetback; then check pages-held-at-destroy wait_until 20 vif_holds_pages "$V"; else sleep 8; fi
T0=$(uptime_s)
check destroy-g1 timeout 60 xl destroy g1
domain_gone() { ! xl list "$G1_DOMID" >/dev/null 2>&1; }
# the bound: the 5 s the queue holds a packet, and the teardown around it
check domain-gone-within-20s wait_until 20 domain_gone
info "domain $G1_DOMID left xl list $(awk "BEGIN{printf \"%.1f\", $(uptime_s)-$T0}")s after xl destroy"
stop_fetch
tc qdisc del dev peer0 root
assert_global_drained 30
