# Guest destroyed abruptly (xl destroy, no graceful detach) while dom0 still holds its pages: TX skbs in a 5 s netem queue, a stalled dom0 socket and a SIGSTOPped tcpdump; the domain must leave `xl list` once the holders let go, and a new guest must work afterwards.
# lab-backend: default
# lab-timeout: 400
# shellcheck shell=dash
lab_modprobe sch_netem || { fail modprobe-netem; exit 1; }
guest_start g1
guest_wait g1 || exit 1
peer_create
# resolve g1 before the delay: otherwise ARP alone holds the flow back 5 s
peer ping -c 1 -W 2 "$(guest_ip g1)" >/dev/null
check netem-delay-5s tc qdisc add dev peer0 root netem delay 5000ms limit 100000
blob_guest g1 big 32 >/dev/null
V=$(guest_vif g1)
D=$(guest_domid g1)
# A packet tap that stops reading. On peer0, not on the vif: a tap on the receiving device
# makes the stack copy every frag out before the bridge sees the packet, and then nothing
# behind it would hold a guest page.
tcpdump -i peer0 -n -w /dev/null 2>/dev/null &
TD=$!
lab_on_cleanup "kill -CONT $TD; kill $TD"
sleep 1
# guest -> peer through the netem queue
timeout 40 /sbin/ip netns exec peer wget -q -O /dev/null "http://$(guest_ip g1)/big" &
W1=$!
# guest -> dom0 socket whose reader is stalled (skbs queued in the socket)
( timeout 40 wget -q -O - "http://$(guest_ip g1)/big" | { sleep 15; cat >/dev/null; } ) &
W2=$!
kill -STOP $TD
# The first data of the netem flow leave g1 one delayed SYN-ACK (5 s) after the
# connect; wait until dom0 holds them (xen-netback has no counter: a fixed 8 s).
HELD=""
i=0
while [ $i -lt 40 ]; do
    sleep 0.5; i=$((i + 1))
    if backend_is_znetback; then
        HELD=$(backend_stat "$V" pages_mapped_now)
        is_count_above_zero "$HELD" && break
    elif [ $i -ge 16 ]; then break; fi
done
info "before destroy: global mapped=$(backend_global_mapped) $V mapped=${HELD:-n/a}"
# the scenario proves nothing unless dom0 really holds guest pages when the guest dies
if backend_is_znetback; then check guest-pages-held-at-destroy is_count_above_zero "$HELD"; fi
T0=$(uptime_s)
check destroy-g1 xl destroy g1
since() { awk "BEGIN{printf \"%.1f\", $(uptime_s)-$T0}"; }
# resume the tap 10 s after the destroy: until then it may pin what it captured
T_CONT=""
VIF_GONE="" DOM_GONE=""
i=0
while [ $i -lt 600 ] && { [ -z "$VIF_GONE" ] || [ -z "$DOM_GONE" ]; }; do
    [ -z "$VIF_GONE" ] && [ ! -e "/sys/class/net/$V" ] && VIF_GONE=$(since)
    [ -z "$DOM_GONE" ] && ! xl list "$D" >/dev/null 2>&1 && DOM_GONE=$(since)
    if [ -z "$T_CONT" ] && [ "$(since | cut -d. -f1)" -ge 10 ]; then kill -CONT $TD; T_CONT=$(since); fi
    sleep 0.2; i=$((i + 1))
done
[ -n "$T_CONT" ] || kill -CONT $TD
info "after xl destroy: $V gone after ${VIF_GONE:-never}s, domain $D left xl list after ${DOM_GONE:-never}s (tcpdump resumed at ${T_CONT:-end}s)"
check vif-gone-after-destroy [ -n "$VIF_GONE" ]
check domain-not-a-zombie [ -n "$DOM_GONE" ]
kill $TD 2>/dev/null
wait $W1 $W2 2>/dev/null
tc qdisc del dev peer0 root
assert_global_drained 30
# the backend still works for a new guest
guest_start g2
guest_wait g2 || exit 1
xfer_g2d g2 8
xfer_g2p g2 8
