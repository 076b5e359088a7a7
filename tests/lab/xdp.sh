# Guest XDP (#17): the backend offers feature-xdp-headroom; when the guest's netfront attaches an XDP program it asks for headroom, the backend reads it and puts every packet after it. The program (tools/xdp/drop-udp-port.bpf.c) then drops UDP to port 7777 while other traffic passes with its bytes intact; detaching it gives the port back, and a second attach and detach work the same.
# lab-backend: default
# lab-timeout: 420
guest_start g1
guest_wait g1 || exit 1
IP=$(guest_ip g1)
V=$(guest_vif g1)
BE=/local/domain/0/backend/vif/$(guest_domid g1)/0
FE=$(xenstore-read "$BE/frontend")

# udp_reaches PORT: one UDP datagram from dom0 to PORT reaches the guest's stack (which answers
# it with ICMP port unreachable: traceroute then names the guest); busybox traceroute sends its
# first probe to its base port + 1
udp_reaches() { traceroute -n -q 1 -m 1 -w 2 -p $(($1 - 1)) "$IP" 2>/dev/null | grep -q "^ *1  *$IP "; }
# xdp_set on|off: attach the program to the guest's eth0 (iproute2's ip) or detach it; netfront
# waits for the backend's Reconfigured without a timeout, so a backend that never answers fails
# here by guest_run's timeout
xdp_set() {
    case $1 in
        on) guest_run g1 "wget -q -O /tmp/xdp.o http://$DOM0_IP/xdp-drop-udp-port.o &&
                /sbin/ip link set dev eth0 xdp obj /tmp/xdp.o sec xdp && echo xdp-set" 60 ;;
        off) guest_run g1 "/sbin/ip link set dev eth0 xdp off && echo xdp-set" 60 ;;
    esac | grep -qx xdp-set
}
guest_has_xdp() { guest_run g1 "/sbin/ip link show dev eth0" 20 | grep -q 'prog/xdp'; }
guest_has_no_xdp() { ! guest_has_xdp; }
udp_dropped() { ! udp_reaches "$1"; }
vif_tso_is() { ethtool -k "$V" | grep -qx "tcp-segmentation-offload: $1"; }
netfront_sees_headroom() { guest_run g1 dmesg 20 | grep -q 'backend supports XDP headroom'; }
backend_headroom_is() { dmesg | grep "$V: guest XDP headroom" | tail -1 | grep -q ": $1 bytes"; }

# preconditions: the program was built, the backend offers the headroom and netfront saw it,
# and the probes see the guest while no program runs
check xdp-program-built [ -s /lab/www/xdp-drop-udp-port.o ]
check_eq feature-xdp-headroom-offered 1 "$(xenstore-read "$BE/feature-xdp-headroom" 2>/dev/null)"
check netfront-sees-headroom netfront_sees_headroom
check udp-7777-reaches-guest-before udp_reaches 7777

for round in 1 2; do
    check attach-$round xdp_set on
    check attached-$round guest_has_xdp
    check_eq guest-asked-headroom-$round 256 "$(xenstore-read "$FE/xdp-headroom" 2>/dev/null)"
    if backend_is_znetback; then
        check_eq backend-connected-again-$round 4 "$(xenstore-read "$BE/state")"
        check backend-read-headroom-$round backend_headroom_is 256
    fi
    check udp-7777-dropped-by-guest-xdp-$round udp_dropped 7777
    check udp-7778-passes-$round udp_reaches 7778
    check ping-with-xdp-$round quietly ping -c 3 -W 2 "$IP"
    if [ $round = 1 ]; then
        check ping-1400-with-xdp quietly ping -c 3 -W 2 -s 1400 "$IP"
        # netfront's XDP path drops a packet that spans buffers (a GSO one): znetback turns
        # TSO off on the vif while the guest keeps headroom, so the stack segments for it
        # and every packet of the fetch lands in one buffer, after the headroom
        backend_is_znetback && check vif-tso-off-for-xdp vif_tso_is off
        xfer_d2g g1 16 0 xfer-dom0-to-g1-with-xdp
        xfer_g2d g1 16 0 xfer-g1-to-dom0-with-xdp
    fi
    check detach-$round xdp_set off
    check_eq guest-dropped-headroom-$round 0 "$(xenstore-read "$FE/xdp-headroom" 2>/dev/null)"
    check detached-$round guest_has_no_xdp
    if backend_is_znetback; then
        check backend-read-no-headroom-$round backend_headroom_is 0
        check vif-tso-back-$round vif_tso_is on
    fi
    check udp-7777-passes-after-detach-$round udp_reaches 7777
done
xfer_d2g g1 8 0 xfer-dom0-to-g1-after-xdp
