# shellcheck shell=dash
# Hostile-guest helpers, sourced by the tests/hostile scenarios: g1 runs znbfront (a
# userspace netfront) on a second vif and misbehaves; g2 moves verified traffic meanwhile.
HOSTILE_MAC=00:16:3e:00:09:02
HOSTILE_SECONDS=${HOSTILE_SECONDS:-3}

hostile_setup() {
    guest_start g1 || return 1
    guest_start g2 || return 1
    guest_wait g1 || return 1
    guest_wait g2 || return 1
    cp /usr/local/bin/znbfront /lab/www/znbfront || { fail setup-znbfront "no znbfront in dom0"; return 1; }
    # The guest runs dom0's kernel, so dom0's module files load there too.
    for _m in xen_evtchn xen_gntalloc; do
        cp "/lib/modules/lab/$_m.ko" /lab/www/ || { fail "setup-$_m" "no $_m.ko in dom0"; return 1; }
    done
    guest_run g1 "cd /tmp && for f in znbfront xen_evtchn.ko xen_gntalloc.ko; do wget -q http://10.0.0.1/\$f || exit 1; done;
        chmod 755 znbfront && insmod xen_evtchn.ko && insmod xen_gntalloc.ko &&
        echo 0 > /sys/bus/xen/drivers_autoprobe && ls /dev/xen/" \
        || { fail setup-g1 "could not install znbfront in g1"; return 1; }
    pass setup "znbfront in g1, xen-netfront will not bind new vifs"
}

# xenbus_state NODE: the state a xenstore state node holds, 0 once it is gone
xenbus_state() { xenstore-read "$1" 2>/dev/null || echo 0; }
# Waits until the backend of g1's vif 1 reaches xenbus state $1 (or is gone, for 0).
hostile_wait_backend() {
    wait_until 30 prints "$1" xenbus_state "/local/domain/0/backend/vif/$(guest_domid g1)/1/state"
}

# headers-split-across-slots (XSA-423) is judged on dom0's counters of the hostile vif, read
# before it is detached.  Precondition: the vif's rx_packets grew by at least the frames
# znbfront says it sent (they reached the stack).  Outcome, on znetback: the counter
# tx_headers_nonlinear exists and stayed 0 (no header left outside the linear area, in a page
# the guest can still write).  A missing counter is a failure, never read as 0.
rx_packets() { cat "/sys/class/net/$1/statistics/rx_packets" 2>/dev/null; }   # VIF
# hostile_headers_judge CASE VIF ZNBFRONT-OUTPUT RX_PACKETS0 NONLINEAR0: the last two are the
# vif's rx_packets and tx_headers_nonlinear before the case (empty where it had none)
hostile_headers_judge() {
    _rx0=$4 _nl0=$5
    _sent=$(echo "$3" | sed -n 's/.*: \([0-9][0-9]*\) frames sent.*/\1/p')
    _rx1=$(rx_packets "$2")
    if [ -z "$_sent" ] || [ -z "$_rx0" ] || [ -z "$_rx1" ] || [ $((_rx1 - _rx0)) -lt "$_sent" ]; then
        fail "case-$1-reached-stack" "rx_packets of $2 ${_rx0:-?} -> ${_rx1:-?}, znbfront sent ${_sent:-?} frames"
        fail "case-$1-headers-linear" "not judged: the frames did not reach the stack"
        return
    fi
    pass "case-$1-reached-stack" "rx_packets of $2 $_rx0 -> $_rx1, $_sent frames sent"
    if [ "$(backend_current)" != znetback ]; then
        info "case-$1-headers-linear: not judged, tx_headers_nonlinear is znetback's counter"
        return
    fi
    _nl1=$(backend_stat "$2" tx_headers_nonlinear)
    if [ -z "$_nl0" ] || [ -z "$_nl1" ]; then
        fail "case-$1-headers-linear" "$2 has no tx_headers_nonlinear counter"
    elif [ "$_nl1" != "$_nl0" ]; then
        fail "case-$1-headers-linear" "tx_headers_nonlinear $_nl0 -> $_nl1 for $_sent frames: headers left outside the linear area"
    else
        pass "case-$1-headers-linear" "tx_headers_nonlinear $_nl0 -> $_nl1 for $_sent frames"
    fi
}

# hostile_attach [BRIDGE]: xl network-attach g1's second (hostile) vif on BRIDGE (default
# xenbr0); true once its backend waits in InitWait for znbfront
# shellcheck disable=SC2120 # the scenarios pass a bridge
hostile_attach() {
    timeout 60 xl network-attach g1 devid=1 mac=$HOSTILE_MAC bridge="${1:-xenbr0}" >/dev/null 2>&1 &&
        hostile_wait_backend 2
}
# hostile_detach: xl network-detach of that vif; true once its netdev is gone
hostile_detach() {
    _hv=$(guest_vif g1 1)
    timeout 60 xl network-detach g1 1 >/dev/null 2>&1
    wait_until 30 [ ! -e "/sys/class/net/$_hv" ]
}
# quiet_bridge NAME SUBNET: a bridge nothing else sends on. IPv6 is off on it and on every
# netdev created after it (the vifs): no neighbour discovery reaches a vif there, and a
# packet for the guest would also make the backend poll its TX ring and hide a stall.
quiet_bridge() {
    hot_bridge "$1" "$2"
    echo 1 > /proc/sys/net/ipv6/conf/default/disable_ipv6
    lab_on_cleanup "echo 0 > /proc/sys/net/ipv6/conf/default/disable_ipv6"
    echo 1 > "/proc/sys/net/ipv6/conf/$1/disable_ipv6"
}

# hostile_case NAME EXPECT [ZNBFRONT-ARGS]: attach the hostile vif, run znbfront (default:
# `case NAME`) in g1 against it while g2 moves verified traffic, then judge dom0.
hostile_case() {
    _c=$1 _expect=$2 _ok=1 _why="" _args=${3:-"-t $HOSTILE_SECONDS case $1"}
    _v=$(guest_vif g1 1)
    if ! hostile_attach; then
        fail "case-$_c" "xl network-attach of the hostile vif failed"; return 1
    fi
    # A marker, not a line count: once the log buffer is full, counting lines finds nothing new.
    if [ "$_c" = headers-split-across-slots ]; then
        _rx0=$(rx_packets "$_v") _nl0=$(backend_stat "$_v" tx_headers_nonlinear)
    fi
    _mark="LAB-HOSTILE-CASE $_c $(uptime_s)"
    echo "$_mark" > /dev/kmsg
    _out=$(guest_run g1 "/tmp/znbfront -H 1 $_args; echo znbfront-rc=\$?" $((120 + ${HOSTILE_FUZZ_SECONDS:-0})))
    echo "$_out" | sed "s|^|LAB-INFO [$(scen)] $_c: |"
    _rc=$(echo "$_out" | sed -n 's/^znbfront-rc=//p')
    case "$_rc" in
        0) ;;
        137) [ "$_c" = killed-mid-flight ] || { _ok=0; _why="znbfront killed"; } ;;
        *) _ok=0; _why="znbfront says the backend did not react as expected (rc ${_rc:-none})" ;;
    esac
    [ "$_c" != headers-split-across-slots ] || hostile_headers_judge "$_c" "$_v" "$_out" "$_rx0" "$_nl0"
    # this case is about a frontend that stops at Closing (5): nothing may have written Closed
    if [ "$_c" = closing-without-closed ]; then
        _fstate=$(xenstore-read "/local/domain/$(guest_domid g1)/device/vif/1/state" 2>/dev/null)
        [ "$_fstate" = 5 ] || { _ok=0; _why="$_why; frontend state '$_fstate' after the case, not Closing (5)"; }
    fi
    xfer_g2d g2 2 0 "$_c-g2-traffic" >/dev/null || { _ok=0; _why="$_why; g2 traffic broken"; }
    timeout 60 xl network-detach g1 1 >/dev/null 2>&1 || { _ok=0; _why="$_why; detach failed"; }
    wait_until 30 [ ! -e "/sys/class/net/$_v" ] || { _ok=0; _why="$_why; $_v still exists"; }
    _new=$(dmesg | awk -v m="$_mark" 'index($0, m) { p = 1; next } p')
    if echo "$_new" | grep -qE "$DOM0_BAD"; then
        _ok=0; _why="$_why; dom0 dmesg: $(echo "$_new" | grep -m1 -E "$DOM0_BAD")"
    fi
    _lines=$(echo "$_new" | grep -c "$_v: guest disabled")
    if [ "$(backend_current)" = znetback ]; then
        if [ "$_expect" = vif-disabled ] && [ "$_lines" != 1 ]; then
            _ok=0; _why="$_why; $_lines 'guest disabled' lines for $_v (want exactly 1)"
        fi
        wait_until 20 global_mapped_settled 0
        _left=$(backend_global_mapped)
        if ! is_count "$_left"; then _ok=0; _why="$_why; debugfs znetback/pages_mapped unreadable ('$_left')"
        elif [ "$_left" != 0 ]; then _ok=0; _why="$_why; $_left pages still mapped 20 s after detach"; fi
    fi
    echo "$_new" | grep "$_v" | head -3 | sed "s|^|LAB-INFO [$(scen)] $_c dmesg: |"
    if [ $_ok = 1 ]; then pass "case-$_c" "$_expect"; else fail "case-$_c" "${_why#; }"; fi
}

