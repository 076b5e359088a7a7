# tcpdump (AF_PACKET taps) on the vif and on the bridge while data moves both ways.
# lab-backend: default
# lab-timeout: 400
# shellcheck shell=dash
guest_start g1
guest_wait g1 || exit 1
peer_create
V=$(guest_vif g1)
tcpdump -Z root -i "$V" -nn -s 0 -U -w "$LAB_CUR/vif.pcap" >"$LAB_CUR/tcpdump-vif.log" 2>&1 &
P1=$!
tcpdump -Z root -i xenbr0 -nn -s 200 -U -w "$LAB_CUR/br.pcap" >"$LAB_CUR/tcpdump-br.log" 2>&1 &
P2=$!
tcpdump -Z root -i peer0 -nn -s 0 -U -w /dev/null >"$LAB_CUR/tcpdump-peer.log" 2>&1 &
P3=$!
lab_on_cleanup "kill $P1 $P2 $P3"
sleep 3
xfer_g2p g1 16
xfer_p2g g1 8
xfer_g2d g1 16
xfer_d2g g1 8
ping_check g1 3
sleep 1
kill $P1 $P2 $P3; wait $P1 $P2 $P3 2>/dev/null
for f in tcpdump-vif tcpdump-br tcpdump-peer; do sed "s/^/LAB-INFO [tcpdump] $f: /" "$LAB_CUR/$f.log" | tail -3; done
n1=$(tcpdump -r "$LAB_CUR/vif.pcap" -nn 2>/dev/null | wc -l)
n2=$(tcpdump -r "$LAB_CUR/br.pcap" -nn 2>/dev/null | wc -l)
info "captured: $n1 packets on $V, $n2 on xenbr0"
check pcap-vif-has-packets [ "$n1" -gt 1000 ]
check pcap-bridge-has-packets [ "$n2" -gt 1000 ]
