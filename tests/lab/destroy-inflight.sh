# Guest destroyed abruptly (xl destroy, no graceful detach) while its TX skbs sit in a netem queue (1s delay) and in a stalled dom0 socket; a new guest must work afterwards.
# lab-backend: default
# lab-timeout: 400
lab_modprobe sch_netem || { fail modprobe-netem; exit 1; }
guest_start g1
guest_wait g1 || exit 1
peer_create
check netem-delay-1s tc qdisc add dev peer0 root netem delay 1000ms limit 100000
blob_guest g1 big 32 >/dev/null
# guest -> peer through the 1s netem queue
timeout 30 /sbin/ip netns exec peer wget -q -O /dev/null "http://$(guest_ip g1)/big" &
W1=$!
# guest -> dom0 socket whose reader is stalled (skbs queued in the socket)
( timeout 30 wget -q -O - "http://$(guest_ip g1)/big" | { sleep 15; cat >/dev/null; } ) &
W2=$!
sleep 4
info "before destroy: global mapped=$(backend_global_mapped) $(backend_stat "$(guest_vif g1)" pages_mapped_now)"
V=$(guest_vif g1)
check destroy-g1 xl destroy g1
i=0; while [ -e /sys/class/net/$V ] && [ $i -lt 150 ]; do sleep 0.2; i=$((i+1)); done
check vif-gone-after-destroy [ ! -e /sys/class/net/$V ]
wait $W1 $W2 2>/dev/null
tc qdisc del dev peer0 root
assert_global_drained 30
# the backend still works for a new guest
guest_start g2
guest_wait g2 || exit 1
xfer_g2d g2 8
xfer_g2p g2 8
