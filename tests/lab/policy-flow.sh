# Copy or map per flow (tx_policy=auto): one guest streams to a dom0 socket and to a second guest at once; the dom0-socket flow must end up grant-copied, the guest-to-guest flow must stay mapped, and a flow whose destination moves from dom0 to the second guest must return to mapping within the probe bound.
# lab-backend: znetback
# lab-timeout: 420
# shellcheck shell=dash
P=/sys/module/znetback/parameters
echo 0 > $P/tx_policy
info "tx_policy=$(cat $P/tx_policy) tx_copy_below=$(cat $P/tx_copy_below)"
guest_start g1 || exit 1
guest_start g2 || exit 1
guest_wait g1 || exit 1
guest_wait g2 || exit 1
V=$(guest_vif g1)
G2=$(guest_ip g2)
maps_nothing "$(guest_vif g2)" "g2 only receives and sends ACKs (short packets, copied under auto)"
st() { backend_stat "$V" "$1"; }
snap() { for _k in tx_zerocopy_success tx_zerocopy_fail policy_copied policy_mapped policy_probes policy_flows_to_copy policy_flows_to_map; do echo "$_k=$(st $_k)"; done | tr '\n' ' '; }

# The moving flow: UDP to 10.0.0.50, a dom0 address. g1 reaches it through a static
# neighbour entry, so pointing that entry at g2's MAC moves the flow (same 5-tuple, same
# flow hash) from a dom0 socket to a bridge port; g2 drops the datagrams it does not own.
MOVER=10.0.0.50
ip addr add $MOVER/32 dev xenbr0 && lab_on_cleanup "ip addr del $MOVER/32 dev xenbr0"
BR_MAC=$(cat /sys/class/net/xenbr0/address)
G2_MAC=$(guest_mac g2)
check mover-via-dom0 quietly guest_run g1 "arp -i eth0 -s $MOVER $BR_MAC"
iperf3 -s -B "$DOM0_IP" -p 5201 -D
iperf3 -s -B $MOVER -p 5202 -D
guest_bg g2 "iperf3 -s -p 5203"
sleep 1
RATE_PPS=700
guest_bg g1 "iperf3 -c $DOM0_IP -p 5201 -t 45 >/tmp/a.log 2>&1 & iperf3 -c $G2 -p 5203 -t 45 >/tmp/b.log 2>&1 & iperf3 -c $MOVER -p 5202 -u -l 1400 -b $((RATE_PPS * 1400 * 8)) -t 60 >/tmp/c.log 2>&1 & wait"

# phase 1: both flows that end in dom0 sockets learn "copy"; the guest-to-guest one stays mapped
sleep 8
S1=$(snap); info "after 8s: $S1"
sleep 6
S2=$(snap); info "after 14s: $S2"
v() { echo "$1" | tr ' ' '\n' | sed -n "s/^$2=//p"; }
check dom0-socket-flows-switched-to-copy [ "$(v "$S2" policy_flows_to_copy)" -ge 2 ]
check guest-to-guest-stays-zerocopy [ $(( $(v "$S2" tx_zerocopy_success) - $(v "$S1" tx_zerocopy_success) )) -gt 500 ]
# Once copied, a dom0-socket flow is mapped only for probes, so copy-outs track the probes.
# The slack covers the probes still in flight when the window opened (their completions
# land inside it); without the policy the copy-outs would match the copied packets.
_fails=$(( $(v "$S2" tx_zerocopy_fail) - $(v "$S1" tx_zerocopy_fail) ))
_probes=$(( $(v "$S2" policy_probes) - $(v "$S1" policy_probes) ))
_copied=$(( $(v "$S2" policy_copied) - $(v "$S1" policy_copied) ))
info "copied phase: $_copied packets grant-copied, $_probes probes, $_fails mapped packets copied out by the stack"
check copy-outs-only-from-probes [ "$_fails" -le $((_probes + _probes / 4 + 16)) ]
check dom0-socket-packets-grant-copied [ "$_copied" -gt $((_probes * 8)) ]

# phase 2: move the UDP flow's destination to g2's bridge port
TO_MAP0=$(st policy_flows_to_map)
check mover-via-g2 quietly guest_run g1 "arp -i eth0 -s $MOVER $G2_MAC"
T0=$(uptime_s)
T_SWITCH=""
flows_to_map_above() { [ "$(st policy_flows_to_map)" -gt "$1" ]; }   # COUNT
wait_until 10 flows_to_map_above "$TO_MAP0" && T_SWITCH=$(awk "BEGIN{printf \"%.2f\", $(uptime_s)-$T0}")
info "moved flow back to mapping after ${T_SWITCH:-never}s (~$(awk "BEGIN{printf \"%d\", ${T_SWITCH:-0}*$RATE_PPS}") packets at $RATE_PPS/s; bound: 32 packets + one completion + this 0.2s poll)"
within() { [ -n "$1" ] && awk "BEGIN{exit !($1 < $2)}"; }
check moved-flow-maps-again-within-3s within "$T_SWITCH" 3
S3=$(snap); sleep 5; S4=$(snap); info "after the move: $S4"
# a moved flow that were still copied out would be switched to copy again
check_eq moved-flow-stays-mapped "$(v "$S3" policy_flows_to_copy)" "$(v "$S4" policy_flows_to_copy)"
guest_run g1 "killall iperf3" >/dev/null
sleep 2
guest_run g1 "tail -3 /tmp/a.log /tmp/b.log" | sed 's/^/LAB-INFO [policy-flow] iperf3: /'

# data stay intact under the policy, both paths
xfer_g2d g1 16
xfer_g2g g1 g2 16
assert_mappings_drained "$V"
