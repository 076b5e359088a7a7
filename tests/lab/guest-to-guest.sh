# Two guests through the bridge: data both ways between them, then both directions at once, iperf3 guest->guest.
# lab-backend: default
# lab-timeout: 500
# shellcheck shell=dash
guest_start g1 vcpus=2
guest_start g2
guest_wait g1 || exit 1
guest_wait g2 || exit 1
check ping-g1-to-g2 guest_run g1 "ping -c 3 -W 2 $(guest_ip g2) >/dev/null"
xfer_g2g g1 g2 16
xfer_g2g g2 g1 16
( xfer_g2g g1 g2 16 xfer-parallel-g1-to-g2 ) &
a=$!
( xfer_g2g g2 g1 16 xfer-parallel-g2-to-g1 ) &
b=$!
wait $a $b
guest_bg g2 "iperf3 -s -1 -p 5201"
sleep 1
out=$(guest_run g1 "iperf3 -c $(guest_ip g2) -p 5201 -t 5" 60); rc=$?
echo "$out" | grep -E 'sender|receiver' | sed 's/^/LAB-INFO [guest-to-guest] iperf3: /'
check iperf3-g1-to-g2 [ $rc = 0 ]
