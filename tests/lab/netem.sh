# Forwarding through a veth leg with netem (delay 50ms reorder 25% duplicate 10%): guest skbs are held, duplicated and reordered.
# lab-backend: default
# lab-timeout: 500
# shellcheck shell=dash
lab_modprobe sch_netem || { fail modprobe-netem; exit 1; }
guest_start g1
guest_wait g1 || exit 1
peer_create
# dom0 -> peer direction (carries the guest's TX skbs) and peer -> dom0 direction
check netem-peer0 tc qdisc add dev peer0 root netem delay 50ms reorder 25% duplicate 10%
check netem-peer1 ip netns exec peer tc qdisc add dev peer1 root netem delay 50ms reorder 25% duplicate 10%
ping_check g1 3 peer
xfer_g2p g1 2
xfer_p2g g1 2
xfer_g2p g1 1 xfer-g1-to-peer-2
tc -s qdisc show dev peer0 | tr -s ' ' | sed 's/^/LAB-INFO [netem] peer0: /'
# remove netem while packets may still sit in it, then move data again
tc qdisc del dev peer0 root
ip netns exec peer tc qdisc del dev peer1 root
xfer_g2p g1 4 xfer-g1-to-peer-after-netem
