# tc mirred: everything the guest sends (vif ingress) is mirrored to a second device while data flows to the peer and to dom0.
# lab-backend: default
# lab-timeout: 400
# shellcheck shell=dash
for m in sch_ingress act_mirred cls_matchall veth; do lab_modprobe $m || { fail modprobe-$m; exit 1; }; done
guest_start g1
guest_wait g1 || exit 1
peer_create
V=$(guest_vif g1)
ip link add mir0 type veth peer name mir1 && lab_on_cleanup "ip link del mir0"
ip link set mir0 up; ip link set mir1 up
check tc-ingress tc qdisc add dev "$V" ingress
check tc-mirred tc filter add dev "$V" parent ffff: matchall action mirred egress mirror dev mir0
# dom0 -> guest direction mirrored too (vif egress)
tc qdisc add dev "$V" root handle 1: prio && \
    check tc-mirred-egress tc filter add dev "$V" parent 1: matchall action mirred egress mirror dev mir0
tcpdump -Z root -i mir1 -nn -s 64 -U -w "$LAB_CUR/mir.pcap" >"$LAB_CUR/tcpdump-mir.log" 2>&1 &
P=$!; lab_on_cleanup "kill $P"
sleep 2
rx0=$(cat /sys/class/net/mir1/statistics/rx_packets)
xfer_g2p g1 16
xfer_g2d g1 16
xfer_d2g g1 8
xfer_p2g g1 8
rx1=$(cat /sys/class/net/mir1/statistics/rx_packets)
tc -s filter show dev "$V" parent ffff: | grep -E 'Sent|mirred' | sed 's/^/LAB-INFO [mirred] /'
sent=$(tc -s filter show dev "$V" parent ffff: | awk '/Sent/{print $4; exit}')
info "mirred action sent ${sent:-?} packets; mir1 received $((rx1 - rx0)) (mir0 tx_dropped $(cat /sys/class/net/mir0/statistics/tx_dropped), backlog drops are expected under TCG)"
check mirred-action-sent [ "${sent:-0}" -gt 2000 ]
check mirror-received [ $((rx1 - rx0)) -gt 100 ]
kill $P
