# xl save / xl restore of a guest with traffic in flight both ways and a UDP stream from it, LAB_SAVE_CYCLES (20) times: after each restore the guest's netfront reconnects to a fresh vif while it still has packets to send; one ping must be answered at once, then 8 MiB each way (md5) within 60 s, and nothing may stay mapped (#13).
# lab-backend: default
# lab-timeout: 1500
# shellcheck shell=dash
#
# A netfront that transmits while its new queue is bound but not yet live must still get its
# first TX notification: Linux netfront reclaims TX slots only from its TX interrupt, and a
# lost first notification leaves the restored guest stalled once its ring fills (~240 slots).
N=${LAB_SAVE_CYCLES:-20}
SAVE=/tmp/g1.save
guest_start g1 1 memory=128 || exit 1
guest_wait g1 || exit 1
IP=$(guest_ip g1)
G_SUM=$(blob_guest g1 sr 8)
D_SUM=$(blob_dom0 sr 8)
lab_on_cleanup "rm -f /lab/www/sr $SAVE"
# each cycle the guest sends a UDP stream to dom0 through the save, so that it has packets
# for its new vif the moment its netfront reconnects after the restore
lab_on_cleanup "killall iperf3"

ring_state() { # VIF: where the rings stand after a failed transfer
    sed -n 1,3p /sys/kernel/debug/znetback/"$1"/queues 2>/dev/null | sed "s|^|LAB-INFO [$(scen)] $1 |"
}
bad_save=0 bad_restore=0 bad_first=0 bad_xfer=0 bad_drain=0 bad_unmapped=0 bad_stream=0
i=1
while [ $i -le "$N" ]; do
    # a fresh server each cycle: the last cycle's client was killed, not ended
    killall iperf3 2>/dev/null; sleep 0.2; iperf3 -s -D -p 5299
    guest_bg g1 "sleep 0.2; iperf3 -u -c 10.0.0.1 -p 5299 -b 20M -l 1200 -t 600" >/dev/null
    # in flight when the guest suspends: a fetch from it and one by it
    timeout 20 wget -q -O /dev/null "http://$IP/sr" 2>/dev/null &
    fetch=$!
    guest_bg g1 "wget -q -O /dev/null http://10.0.0.1/sr" >/dev/null
    sleep 0.5
    if ! timeout 120 xl save g1 $SAVE > "$LAB_CUR/save.log" 2>&1; then
        bad_save=$((bad_save + 1)); sed "s|^|LAB-INFO [$(scen)] cycle $i xl save: |" "$LAB_CUR/save.log"
        break
    fi
    wait $fetch 2>/dev/null
    if ! timeout 120 xl restore $SAVE > "$LAB_CUR/restore.log" 2>&1; then
        bad_restore=$((bad_restore + 1)); sed "s|^|LAB-INFO [$(scen)] cycle $i xl restore: |" "$LAB_CUR/restore.log"
        break
    fi
    rm -f $SAVE
    V=$(guest_vif g1)
    # the first packet each way right after the reconnect, without waiting for another event
    quietly ping -c 1 -W 5 "$IP" || { bad_first=$((bad_first + 1)); info "cycle $i: first ping after restore unanswered on $V"; }
    [ "$(timeout 60 wget -q -O - "http://$IP/sr" | md5sum | cut -d' ' -f1)" = "$G_SUM" ] ||
        { bad_xfer=$((bad_xfer + 1)); info "cycle $i: guest -> dom0 8 MiB failed on $V"; ring_state "$V"; }
    [ "$(guest_run g1 "wget -q -O - http://10.0.0.1/sr | md5sum | cut -d' ' -f1" 60)" = "$D_SUM" ] ||
        { bad_xfer=$((bad_xfer + 1)); info "cycle $i: dom0 -> guest 8 MiB failed on $V"; ring_state "$V"; }
    # the precondition: the stream went on sending through the restore; it stops now, so
    # that the drain below is not judged while the guest still sends
    [ -n "$(guest_run g1 'pidof iperf3' 10)" ] || { bad_stream=$((bad_stream + 1)); info "cycle $i: the guest's UDP stream did not survive the restore"; }
    guest_run g1 "killall iperf3" >/dev/null
    if backend_is_znetback; then
        is_count_above_zero "$(backend_stat "$V" map_ops)" || { bad_unmapped=$((bad_unmapped + 1)); info "cycle $i: $V mapped no page"; }
        wait_until 10 prints 0 backend_global_mapped
        _m=$(backend_global_mapped)
        [ "$_m" = 0 ] || { bad_drain=$((bad_drain + 1)); info "cycle $i: '$_m' pages still mapped 10 s after traffic"; }
    fi
    i=$((i + 1))
done
info "$((i - 1)) of $N save/restore cycles done"
check_eq all-saves-and-restores-ok "0 0" "$bad_save $bad_restore"
check_eq guest-sent-through-every-restore 0 "$bad_stream"
check_eq first-ping-after-every-restore 0 "$bad_first"
check_eq all-transfers-after-restore-md5-ok 0 "$bad_xfer"
if backend_is_znetback; then
    check_eq vif-mapped-pages-every-cycle 0 "$bad_unmapped"
    check_eq nothing-mapped-after-every-cycle 0 "$bad_drain"
else
    info "vif-mapped-pages-every-cycle, nothing-mapped-after-every-cycle: $(backend_current) has no map_ops counter, not checked"
fi
