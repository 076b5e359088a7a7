# Live migration of a PVH guest to the same host (xl migrate piped into xl migrate-receive), LAB_MIGRATIONS (5) times with traffic in flight: one TCP stream from the guest must carry data after every migration, fetches both ways started with it arrive md5-intact, a ping after each is answered at once, and the source's vif, mappings and domain are gone (#13). Needs Xen's HAP: QEMU's emulated SVM with nested paging (the lab's default; make lab-migrate).
# lab-backend: default
# lab-timeout: 900
# shellcheck shell=dash
#
# A migration suspends the guest on a vif that still has requests and mapped pages in
# flight, and resumes it in a new domain whose netfront reconnects to a fresh vif while its
# TCP connections carry on. The source's vif must give every page back before its domain
# can die: a mapping kept would leave the old domain a zombie.
N=${LAB_MIGRATIONS:-5}
# A PV guest cannot be live-migrated on Debian's Xen 4.17: PV log-dirty tracking needs shadow
# paging, which Debian builds without (CONFIG_SHADOW_PAGING unset: "Failed to enable
# logdirty: 95"). A PVH guest uses hardware-assisted paging, which the lab has when QEMU
# emulates SVM with nested paging (-cpu qemu64,+svm,+npt, its default).
need_hap migrate-needs-hap ", and PV guests cannot migrate on a Xen without shadow paging" || exit 1
guest_start g1 1 memory=128 type=pvh || exit 1
guest_wait g1 || exit 1
IP=$(guest_ip g1)
G_SUM=$(blob_guest g1 mig 8)
D_SUM=$(blob_dom0 mig 8)
STREAM_LOG=$LAB_CUR/stream.log
lab_on_cleanup "rm -f /lab/www/mig"
lab_on_cleanup "killall iperf3"

# the connection that must survive: the guest streams to dom0 through every migration (one
# connection: the server takes no other, the client never reconnects), and dom0's server
# logs each second what it received
iperf3 -s -1 -D -p 5297 -i 1 --forceflush --logfile "$STREAM_LOG"
guest_bg g1 "sleep 0.2; iperf3 -c 10.0.0.1 -p 5297 -b 10M -l 16K -t 3600" >/dev/null
stream_seconds() { grep -c ' sec .*bits/sec' "$STREAM_LOG"; }
# stream_data_after N: the seconds after the first N the server logged with data received
stream_data_after() { grep ' sec .*bits/sec' "$STREAM_LOG" | tail -n +$(($1 + 1)) | grep -vc ' 0\.00 bits/sec'; }
# streaming_after N: the server logged data in two of the seconds after its first N
streaming_after() { [ "$(stream_data_after "$1")" -ge 2 ]; }
check stream-running wait_until 30 streaming_after 0 || exit 1

# the domains xl lists besides dom0 (a zombie shows as '(null)', a half-done migration as
# g1--incoming or g1--migratedaway)
other_domains() { xl list | awk 'NR > 2 {print $1}' | sort | tr '\n' ' ' | sed 's/ $//'; }
# source_gone VIF: the source's VIF is gone and no domain is left but the migrated guest
source_gone() { [ ! -e "/sys/class/net/$1" ] && [ "$(other_domains)" = g1 ]; }
# guest_fetched: the guest's fetch from dom0 wrote its md5
guest_fetched() { [ -n "$(guest_run g1 'cat /tmp/to-guest.md5 2>/dev/null' 10)" ]; }
bad_migrate=0 bad_ping=0 bad_stream=0 bad_xfer=0 bad_source=0 bad_domains=0 bad_mapped=0
i=1
while [ $i -le "$N" ]; do
    old=$(guest_domid g1) old_vif=$(guest_vif g1)
    # in flight when the guest is suspended: a fetch from it and one by it
    timeout 90 wget -q -O - "http://$IP/mig" 2>/dev/null | md5sum | cut -d' ' -f1 > "$LAB_CUR/from-guest.md5" &
    fetch=$!
    guest_bg g1 "wget -q -O - http://10.0.0.1/mig | md5sum | cut -d' ' -f1 > /tmp/to-guest.md5" >/dev/null
    if ! timeout 180 xl migrate -s "" g1 "xl migrate-receive" > "$LAB_CUR/migrate.log" 2>&1; then
        bad_migrate=$((bad_migrate + 1)); sed "s|^|LAB-INFO [$(scen)] migration $i: |" "$LAB_CUR/migrate.log"
        # a guest that triple-faulted under QEMU's emulated SVM cannot be saved (#21)
        xl dmesg | grep 'Triple fault' | tail -3 | sed "s|^|LAB-INFO [$(scen)] migration $i: Xen: |"
        break
    fi
    new=$(guest_domid g1) V=$(guest_vif g1)
    { [ -n "$new" ] && [ "$new" != "$old" ]; } ||
        { bad_migrate=$((bad_migrate + 1)); info "migration $i: g1 is domain '$new', was $old"; break; }
    s1=$(stream_seconds)
    # did the fetch from the guest span the whole migration? (the TCP stream always does)
    kill -0 $fetch 2>/dev/null && info "migration $i: the fetch from the guest was still running when it ended"
    # a ping answered at once (traffic is in flight: not the first packet, which the quiet
    # paths of reconnect-paths test)
    quietly ping -c 1 -W 5 "$IP" || { bad_ping=$((bad_ping + 1)); info "migration $i: ping unanswered on $V"; }
    # the same connection carries data again: two seconds with data logged after the migration
    wait_until 20 streaming_after "$s1" ||
        { bad_stream=$((bad_stream + 1)); info "migration $i: the guest's TCP stream did not carry on (last: $(tail -1 "$STREAM_LOG"))"; }
    wait $fetch
    [ "$(cat "$LAB_CUR/from-guest.md5")" = "$G_SUM" ] ||
        { bad_xfer=$((bad_xfer + 1)); info "migration $i: the fetch from the guest across it failed"; }
    wait_until 60 guest_fetched
    [ "$(guest_run g1 'cat /tmp/to-guest.md5; rm -f /tmp/to-guest.md5' 10)" = "$D_SUM" ] ||
        { bad_xfer=$((bad_xfer + 1)); info "migration $i: the guest's fetch from dom0 across it failed"; }
    # the source side: its vif gone (znetback frees a vif only once every page is back), no
    # domain left but the migrated guest
    wait_until 20 source_gone "$old_vif"
    [ ! -e "/sys/class/net/$old_vif" ] || { bad_source=$((bad_source + 1)); info "migration $i: the source's $old_vif is still there"; }
    [ "$(other_domains)" = g1 ] || { bad_domains=$((bad_domains + 1)); info "migration $i: domains left: $(other_domains)"; }
    if backend_is_znetback; then
        is_count_above_zero "$(backend_stat "$V" map_ops)" || { bad_mapped=$((bad_mapped + 1)); info "migration $i: $V mapped no page"; }
    fi
    i=$((i + 1))
done
info "$((i - 1)) of $N migrations done"
check_eq all-migrations-ok 0 "$bad_migrate"
check_eq ping-after-every-migration 0 "$bad_ping"
check_eq tcp-stream-survived-every-migration 0 "$bad_stream"
check_eq fetches-across-every-migration-md5-ok 0 "$bad_xfer"
check_eq source-vif-gone-after-every-migration 0 "$bad_source"
check_eq no-domain-left-after-every-migration 0 "$bad_domains"
# the incoming domain's console is logged under its name at creation (g1--incoming)
_log=/var/log/xen/console/guest-g1--incoming.log
if [ "$i" -gt 1 ]; then
    if [ ! -s $_log ]; then
        fail migrated-guest-console-clean "no $_log: the migrated guest's kernel log was not captured"
    elif _bad=$(tr -d '\r' < $_log | grep -E "$GUEST_BAD"); then
        fail migrated-guest-console-clean "$(echo "$_bad" | head -1)"
    else
        pass migrated-guest-console-clean
    fi
fi
guest_run g1 "killall iperf3" >/dev/null
if backend_is_znetback; then
    check_eq vif-mapped-pages-after-every-migration 0 "$bad_mapped"
    assert_global_drained 20
else
    info "vif-mapped-pages-after-every-migration: $(backend_current) has no map_ops counter, not checked"
fi
