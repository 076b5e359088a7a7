# Guest XDP (#17): the backend offers feature-xdp-headroom; when the guest's netfront attaches an XDP program it asks for headroom, the backend reads it and puts every packet after it. The program (tools/xdp/drop-udp-port.bpf.c) then drops UDP to port 7777 while other traffic passes with its bytes intact; detaching it gives the port back, and a second attach and detach work the same.
# lab-backend: default
# lab-timeout: 420
# shellcheck shell=dash
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
# guest_xdp yes|no: the guest's eth0 shows an attached program (or shows none)
guest_xdp() {
    _l=$(guest_run g1 "/sbin/ip link show dev eth0" 20)
    echo "$_l" | grep -q '^[0-9]*: eth0:' || return 1
    case $1 in yes) echo "$_l" | grep -q 'prog/xdp' ;; no) ! echo "$_l" | grep -q 'prog/xdp' ;; esac
}
# the program drops 7777 and only 7777: both probes in one check, so a guest that answers
# nothing cannot pass it
only_7777_dropped() { ! udp_reaches 7777 && udp_reaches 7778; }
netfront_sees_headroom() { guest_run g1 dmesg 20 | grep -q 'backend supports XDP headroom'; }
guest_rx_errors() { guest_run g1 "cat /sys/class/net/eth0/statistics/rx_errors" 20; }
# eventually NAME WANT CMD...: CMD prints WANT within 5 s (xenwatch handles the guest's
# writes after the guest's own command returned)
eventually() {
    _n=$1 _w=$2; shift 2
    wait_until 5 prints "$_w" "$@" 2>/dev/null
    check_eq "$_n" "$_w" "$("$@" 2>/dev/null)"
}
[ -d /sys/kernel/debug/znetback ] || mount -t debugfs debugfs /sys/kernel/debug 2>/dev/null

# preconditions: the program was built, the backend offers the headroom and netfront saw it,
# and the probes see the guest while no program runs
check xdp-program-built [ -s /lab/www/xdp-drop-udp-port.o ]
check_eq feature-xdp-headroom-offered 1 "$(xenstore-read "$BE/feature-xdp-headroom" 2>/dev/null)"
check netfront-sees-headroom netfront_sees_headroom
check udp-7777-reaches-guest-before udp_reaches 7777

for round in 1 2; do
    check attach-$round xdp_set on
    check attached-$round guest_xdp yes
    check_eq guest-asked-headroom-$round 256 "$(xenstore-read "$FE/xdp-headroom" 2>/dev/null)"
    if backend_is_znetback; then
        eventually backend-connected-again-$round 4 xenstore-read "$BE/state"
        eventually backend-read-headroom-$round 256 cat "/sys/kernel/debug/znetback/$V/xdp_headroom"
    fi
    check only-udp-7777-dropped-by-guest-xdp-$round only_7777_dropped
    check ping-with-xdp-$round quietly ping -c 3 -W 2 "$IP"
    if [ $round = 1 ]; then
        check ping-1400-with-xdp quietly ping -c 3 -W 2 -s 1400 "$IP"
        # netfront's XDP path drops a packet that spans buffers, as a GSO packet mostly does
        # (mainline: the guest counts rx_errors and TCP crawls on retransmits); znetback
        # segments for a guest that keeps headroom, so no packet of the fetch is dropped
        errs0=$(guest_rx_errors)
        xfer_d2g g1 16 0 xfer-dom0-to-g1-with-xdp
        errs1=$(guest_rx_errors)
        is_count "$errs0" && info "guest eth0 rx_errors during the fetch: $errs0 -> $errs1"
        check_eq no-packet-dropped-by-netfront-xdp "$errs0" "$errs1"
        xfer_g2d g1 16 0 xfer-g1-to-dom0-with-xdp
    fi
    check detach-$round xdp_set off
    check_eq guest-dropped-headroom-$round 0 "$(xenstore-read "$FE/xdp-headroom" 2>/dev/null)"
    check detached-$round guest_xdp no
    if backend_is_znetback; then
        eventually backend-read-no-headroom-$round 0 cat "/sys/kernel/debug/znetback/$V/xdp_headroom"
    fi
    check udp-7777-passes-after-detach-$round udp_reaches 7777
done
xfer_d2g g1 8 0 xfer-dom0-to-g1-after-xdp
