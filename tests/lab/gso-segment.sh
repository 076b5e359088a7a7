# Software GSO on the forwarding path: bridge -> veth with "tso off gso on" (skb_segment shares the guest's frags), then "sg off" (linearized copies).
# lab-backend: default
# lab-timeout: 400
# shellcheck shell=dash
guest_start g1 vcpus=2
guest_wait g1 || exit 1
peer_create
ethtool -k "$(guest_vif g1)" | grep -E 'scatter-gather:|tcp-segmentation-offload:|generic-segmentation' | sed 's/^/LAB-INFO [gso-segment] vif features: /'
check ethtool-tso-off-gso-on ethtool -K peer0 tso off gso on
ip netns exec peer ethtool -K peer1 gro off 2>/dev/null
xfer_g2p g1 16 xfer-g1-to-peer-gso
xfer_p2g g1 8 xfer-peer-to-g1-gso
check ethtool-sg-off ethtool -K peer0 sg off
xfer_g2p g1 8 xfer-g1-to-peer-nosg
xfer_p2g g1 4 xfer-peer-to-g1-nosg
ethtool -k peer0 | grep -E 'scatter-gather:|tcp-segmentation-offload:|generic-segmentation' | sed 's/^/LAB-INFO [gso-segment] peer0 features: /'
