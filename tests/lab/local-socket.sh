# Guest <-> sockets in dom0 itself: HTTP both ways, iperf3 TCP both directions + UDP, and a slow reader leaving skbs queued in a dom0 socket.
# lab-backend: default
# lab-timeout: 400
# shellcheck shell=dash
guest_start g1 vcpus=2
guest_wait g1 || exit 1
xfer_g2d g1 32
xfer_d2g g1 16
iperf3 -s -D -p 5201 --logfile "$LAB_CUR/iperf3-server.log"
lab_on_cleanup "killall iperf3"
sleep 1
for mode in "" "-R"; do
    out=$(guest_run g1 "iperf3 -c $DOM0_IP -p 5201 -t 5 $mode" 60); rc=$?
    echo "$out" | grep -E 'sender|receiver' | sed "s/^/LAB-INFO [local-socket] iperf3 tcp $mode: /"
    check "iperf3-tcp${mode:+-reverse}" [ $rc = 0 ]
done
out=$(guest_run g1 "iperf3 -c $DOM0_IP -p 5201 -u -b 100M -l 1400 -t 3" 60); rc=$?
echo "$out" | grep -E 'sender|receiver|%' | tail -2 | sed "s/^/LAB-INFO [local-socket] iperf3 udp: /"
check iperf3-udp [ $rc = 0 ]
# slow reader: wget blocks on a pipe nobody reads for 8s, skbs wait in its socket queue
sum=$(blob_guest g1 slow 16)
got=$(wget -q -O - "http://$(guest_ip g1)/slow" | { sleep 8; md5sum; } | cut -d' ' -f1)
check_eq slow-reader "$sum" "$got"
guest_run g1 "rm -f /www/slow" >/dev/null
