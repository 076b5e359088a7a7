# Cost benchmark: the instructions dom0+Xen and the guests execute per GB (and per packet) carried, in-tree xen-netback vs znetback, every row run BENCH_COST_RUNS times for xen-netback and znetback's auto and BENCH_COST_VARIANT_RUNS times for every other variant, in one boot; LAB-COST lines for bench/cost-report. Counted by the znb-cost QEMU plugin (bench/cost-run sets LAB_COST_OUT), each row between two znbmark snapshots.
# lab-backend: znetback
# lab-timeout: 3600
# shellcheck shell=dash
#
# dom0 runs on physical CPU 0 and the guests on CPU 1 (bench/cost-run boots Xen with
# dom0_max_vcpus=1 dom0_vcpus_pin; guests get cpus="1"), so the plugin's cpu0 counts are what
# dom0 and Xen executed for it, cpu1 what the guests and Xen executed for them.
# BENCH_COST_DD=pv|pvh (bench/cost-run on a 3-CPU machine): the backend measured runs in a
# driver domain "dd" of that type on CPU 1 and the guests run on CPU 2; each guest's second
# vif is served by dd (tests/lab/lib.sh's dd_* helpers), dom0 keeps the command channel. Its
# rows: g2dd-tcp (guest -> an iperf3 server in dd), g2dd-tcp-1500 (the same in MTU-sized
# segments, the guest's TSO and GSO off) and g2g-tcp (guest -> guest through dd's bridge).
# shellcheck source=bench/lib.sh
. /lab/tests/bench/lib.sh

# Settings (BENCH_COST_* from the host's environment, via /lab/config):
C_DD=${BENCH_COST_DD:-}                   # pv or pvh: the backend runs in a driver domain
case $C_DD in
    ""|pv|pvh) ;;
    *) fail bench-cost-dd "BENCH_COST_DD must be pv or pvh, not '$C_DD'"; exit 1 ;;
esac
if [ -n "$C_DD" ]; then
    # the type dd_start boots (tests/lab/lib.sh), the type the rows are labelled with
    # shellcheck disable=SC2034 # read by tests/lab/lib.sh's dd_start
    DD_TYPE=$C_DD
    BACKEND_CPU=1 GUEST_CPU=2 DD=dd
    DEFAULT_ROWS="g2dd-tcp g2dd-tcp-1500 g2g-tcp" DEFAULT_SWEEP_ROWS="g2dd-tcp g2g-tcp"
    DEFAULT_VARIANTS="xen-netback:- znetback:auto znetback:map znetback:copy"
else
    # g2nic-tcp, nic2g-tcp: guest -> NIC -> an outside host and back (dom0's NICs, the
    # "outside" netns behind the second: tests/lab/lib.sh's peer_create ... nic). The outside
    # host runs in dom0 too, so these rows' dom0 counts include its TCP receive or send:
    # the same for both backends, it narrows their ratio but does not move it.
    BACKEND_CPU=0 GUEST_CPU=1 DD="" DEFAULT_SWEEP_ROWS="g2d-tcp g2g-tcp g2nic-tcp"
    DEFAULT_ROWS="g2d-tcp d2g-tcp g2g-tcp g2nic-tcp nic2g-tcp g2d-udp-64 d2g-udp-64 g2d-udp-1472
    d2g-udp-1472 g2d-tcp-1500 scale-2 scale-4 scale-8"
    DEFAULT_VARIANTS="xen-netback:- znetback:auto znetback:map znetback:copy
    znetback:auto+tx_copy_below=0 znetback:auto+tx_copy_below=2048
    znetback:auto+tx_flow_copy_after=1 znetback:auto+tx_flow_copy_after=16
    znetback:auto+tx_flow_probe_every=8 znetback:auto+tx_flow_probe_every=128
    znetback:auto+unmap_gather_us=0 znetback:auto+unmap_gather_us=1000"
fi
C_MIB=${BENCH_COST_MIB:-64}               # TCP rows: MiB per run
C_UDP_MIB=${BENCH_COST_UDP_MIB:-2}        # 64 B UDP rows: MiB of payload per run
C_MTU_MIB=${BENCH_COST_MTU_MIB:-16}       # rows of MTU-sized packets (-1472, -1500): MiB per run
# runs per row of the two defaults compared (xen-netback and znetback's auto): the A/A
# spread, and a median that one odd run cannot move
C_RUNS=${BENCH_COST_RUNS:-3}
# runs per row of every other variant (a forced policy, a sweep): two give its A/A spread
# and keep make bench within the hour, but their "median" is the mean of the two, which one
# odd run moves (its spread then shows it)
C_VARIANT_RUNS=${BENCH_COST_VARIANT_RUNS:-2}
C_D2G_UDP64_RATE=${BENCH_COST_D2G_UDP64_RATE:-4M}     # dom0 -> guest UDP: iperf3 -b (paced)
C_D2G_UDP1472_RATE=${BENCH_COST_D2G_UDP1472_RATE:-50M}
C_ROW_TIMEOUT=${BENCH_COST_ROW_TIMEOUT:-120}          # virtual seconds a run may take in the guest
# the rows of the plain variants (auto, map, copy and xen-netback); scale-N: N guests at once
# (1 to 8)
C_ROWS=${BENCH_COST_ROWS:-$DEFAULT_ROWS}
# the rows of a sweep variant (one with +PARAM=VALUE): the guest TX rows its parameters act
# on. Not g2d-udp-64: a 64 B datagram lies whole in the copied head, below every threshold
# the sweeps move (its eight sweep variants measured 1.020-1.025x, inside its own A/A spread).
C_SWEEP_ROWS=${BENCH_COST_SWEEP_ROWS:-$DEFAULT_SWEEP_ROWS}
# BACKEND:VARIANT; znetback variants: auto, map, copy (tx_policy 0, 1, 2), each optionally
# +PARAM=VALUE... (module parameters, e.g. auto+tx_copy_below=0). Variants of one backend share
# its guests: each starts from the module's defaults.
# The default in dom0: both backends, znetback's three policies, and the sweeps its defaults are chosen
# from (tx_copy_below 512, tx_flow_copy_after 4, tx_flow_probe_every 32, unmap_gather_us 100).
# The unmap_gather_us sweep runs under auto: guest->guest traffic is mapped under it (a guest
# socket takes the frags without a copy-out), so its g2g-tcp row is the gathering of mapped
# pages that a map+unmap_gather_us variant would measure again. In a driver domain: both
# backends and the three policies.
C_VARIANTS=${BENCH_COST_VARIANTS:-$DEFAULT_VARIANTS}

ZPARAM=/sys/module/znetback/parameters

# cost_mark LABEL: the plugin's next snapshot belongs to LABEL (bench/cost-report pairs the
# Nth LAB-COST-MARK line with the Nth snapshot)
cost_mark() {
    echo "LAB-COST-MARK $*"
    znbmark
}

# BENCH_COST_PROFILE=1: the symbols of dom0's kernel and modules as loaded now (gzip, base64),
# for bench/cost-profile to name the functions of the plugin's profile. Debian ships no
# System.map of its kernel outside a 850 MB -dbg package, and a module's address changes
# each time it is loaded: hence after every backend load.
cost_symbols() {
    [ "${BENCH_COST_PROFILE:-0}" = 1 ] || return 0
    grep -E '^[0-9a-f]+ [tTwW] ' /proc/kallsyms | gzip -9 | base64 | sed 's/^/LAB-COST-KALLSYMS /'
    echo "LAB-COST-KALLSYMS-END"
}

# on_backend CMD: run a shell snippet where the measured backend runs (dom0, or dd)
on_backend() {
    if [ -n "$DD" ]; then dd_run "$1"; else sh -c "$1"; fi
}
vif_stat() { # NAME VIF...: the sum of a statistics counter over the vifs
    local n=$1; shift
    on_backend "t=0; for v in $*; do t=\$((t + \$(cat /sys/class/net/\$v/statistics/$n))); done; echo \$t"
}
# backend_counters VIF...: bench/lib.sh's vif_counters where the backend runs
backend_counters() {
    if [ -n "$DD" ]; then dd_run ". /lab/tests/bench/lib.sh; vif_counters $*"; else vif_counters "$@"; fi
}
# backend_param NAME [VALUE]: read (or write) a znetback parameter where the backend runs
backend_param() {
    if [ $# = 1 ]; then on_backend "cat $ZPARAM/$1"
    else on_backend "[ -w $ZPARAM/$1 ] && echo $2 > $ZPARAM/$1"; fi
}

# the guests the rows need: g1 and g2, or g1..gN for the largest scale-N row
C_GUESTS=2
for row in $C_ROWS $C_SWEEP_ROWS; do
    case $row in scale-*) [ "${row#scale-}" -gt "$C_GUESTS" ] && C_GUESTS=${row#scale-} ;; esac
done
guest_names() { local i=1; while [ $i -le "$1" ]; do echo g$i; i=$((i + 1)); done; }

# pinned_cpus DOMAIN_REGEX: the physical CPUs the matching domains' vCPUs run on
pinned_cpus() { xl vcpu-list | awk -v d="$1" '$1 ~ d {print $7}' | sort -u | tr '\n' ' ' | sed 's/ $//'; }

guests_up() {
    local g
    for g in $(guest_names "$C_GUESTS"); do guest_start "$g" cpus=$GUEST_CPU memory=192 || return 1; done
    for g in $(guest_names "$C_GUESTS"); do bench_guest_ready "$g" || return 1; done
    if [ -n "$DD" ]; then
        for g in $(guest_names "$C_GUESTS"); do
            dd_attach "$g" bench || return 1
            # the rows' precondition: the guest's eth1 is that vif
            check_eq "$g-eth1-served-by-dd" "$(guest_mac "$g" "$DD_SUBNET")" "$(guest_run "$g" "cat /sys/class/net/eth1/address")" || return 1
        done
    fi
    guest_bg g2 "iperf3 -s -p 5201"
    # the measurement's own precondition: dom0 alone on CPU 0, the guests alone on theirs
    check_eq dom0-pinned-to-cpu0 0 "$(pinned_cpus '^Domain-0$')"
    [ -z "$DD" ] || check_eq dd-pinned-to-cpu$BACKEND_CPU "$BACKEND_CPU" "$(pinned_cpus '^dd$')"
    check_eq guests-pinned-to-cpu$GUEST_CPU "$GUEST_CPU" "$(pinned_cpus '^g[0-9]+$')"
}

# backend_vifs: the guests' vifs the measured backend serves (dom0's, or dd's), one per line
backend_vifs() {
    if [ -n "$DD" ]; then dd_run 'ls /sys/class/net' | grep ^vif; else dom0_vifs; fi
}
backend_has_no_vifs() { [ -z "$(backend_vifs)" ]; }

guests_down() {
    local g
    for g in $(lab_guests); do
        [ "$g" != "$DD" ] || continue
        xl domid "$g" >/dev/null 2>&1 || continue
        xl unpause "$g" 2>/dev/null
        check_guest_dmesg "$g"
        xl destroy "$g"
    done
    # the driver domain stays (and keeps guest number 1)
    sed -i '/^dd /!d' "$LAB_CUR/guests"
    wait_until 20 backend_has_no_vifs || warn "vifs left 20 s after the guests' destroy${DD:+ in dd}: $(backend_vifs | tr '\n' ' ')"
}

# cost_row BACKEND VARIANT RUN ROW: one measured transfer between two marker snapshots (run 0:
# a warm-up, no snapshots). scale-N: g1..gN each send 1/N of the payload to their own dom0
# iperf3 server at once.
cost_row() {
    local b=$1 var=$2 run=$3 row=$4 vifs="" dir=rx cmd kib g i pids n=1 failed="" rc payload
    # a driver domain's rows, and only those, when the backend runs in one
    case "$DD:$row" in
        :g2dd-*) echo "LAB-COST backend=$b variant=$var run=$run row=$row status=failed error=row_needs_BENCH_COST_DD"; return 1 ;;
        dd:g2dd-*|dd:g2g-tcp|:*) ;;
        *) echo "LAB-COST backend=$b variant=$var run=$run row=$row status=failed error=row_not_measured_in_a_driver_domain"; return 1 ;;
    esac
    case $row in
        g2d-tcp) cmd="iperf3 -J -c $DOM0_IP -p PORT -n ${C_MIB}M -l 64K" ;;
        # dom0 -> guest TCP: the guest fetches from dom0's httpd, which sends with blocking
        # writes. With iperf3 -R, a slow run's dom0 executed 3-4.5x the kernel and 5-8x the
        # user instructions of a fast one for the same packets and module work: the sender's
        # wake-ups follow the guest's ACK timing.
        d2g-tcp) dir=tx; cmd="timeout $C_ROW_TIMEOUT wget -q -O /dev/null http://$DOM0_IP/cost-d2g" ;;
        g2g-tcp) cmd="iperf3 -J -c $(guest_ip g2 ${DD:+$DD_SUBNET}) -p 5201 -n ${C_MIB}M -l 64K" ;;
        g2nic-tcp) cmd="iperf3 -J -c $PEER_IP -p PORT -n ${C_MIB}M -l 64K" ;;
        nic2g-tcp) dir=tx; cmd="timeout $C_ROW_TIMEOUT wget -q -O /dev/null http://$PEER_IP/cost-d2g" ;;
        # guest -> driver domain: its iperf3 servers, reached on the guest's dd-served eth1
        g2dd-tcp) cmd="iperf3 -J -c $DD_IP -p PORT -n ${C_MIB}M -l 64K" ;;
        g2dd-tcp-1500)
            cmd="ethtool -K eth1 tso off gso off; iperf3 -J -c $DD_IP -p PORT -n ${C_MTU_MIB}M; r=\$?; ethtool -K eth1 tso on gso on; [ \$r = 0 ]" ;;
        g2d-udp-64) cmd="iperf3 -J -c $DOM0_IP -p PORT -u -l 64 -b 0 -n ${C_UDP_MIB}M" ;;
        # dom0 -> guest UDP is paced: in reverse mode iperf3 ends when the guest has
        # received -n bytes, so an unpaced sender floods, its losses are sent again and
        # again, and the run can hang (esnet/iperf#596, #1902)
        d2g-udp-64) dir=tx; cmd="iperf3 -J -c $DOM0_IP -p PORT -u -l 64 -b $C_D2G_UDP64_RATE -n ${C_UDP_MIB}M -R" ;;
        g2d-udp-1472) cmd="iperf3 -J -c $DOM0_IP -p PORT -u -l 1472 -b 0 -n ${C_MTU_MIB}M" ;;
        d2g-udp-1472) dir=tx; cmd="iperf3 -J -c $DOM0_IP -p PORT -u -l 1472 -b $C_D2G_UDP1472_RATE -n ${C_MTU_MIB}M -R" ;;
        # the guest sends MTU-sized segments: its TSO/GSO off for this transfer only
        g2d-tcp-1500)
            cmd="ethtool -K eth0 tso off gso off; iperf3 -J -c $DOM0_IP -p PORT -n ${C_MTU_MIB}M; r=\$?; ethtool -K eth0 tso on gso on; [ \$r = 0 ]" ;;
        scale-[1-8])
            n=${row#scale-}; kib=$((C_MIB * 1024 / n))
            cmd="iperf3 -J -c $DOM0_IP -p PORT -n ${kib}K -l 64K" ;;
        *) echo "LAB-COST backend=$b variant=$var run=$run row=$row status=failed error=unknown_row"; return 1 ;;
    esac
    # the payload the row moves: bench/cost-report divides by it (in a driver domain by the
    # TCP payload the vifs carried instead: its tcp_payload_carried says why)
    case $row in
        *-udp-64) payload=$((C_UDP_MIB * 1048576)) ;;
        *-1472|*-1500) payload=$((C_MTU_MIB * 1048576)) ;;
        scale-*) payload=$((kib * 1024 * n)) ;;
        *) payload=$((C_MIB * 1048576)) ;;
    esac
    # shellcheck disable=SC2046 # a list of guests, one argument each
    case $row in g2g-*) only g1 g2 $DD ;; *) only $(guest_names "$n") $DD ;; esac
    for g in $(guest_names "$n"); do
        if [ -n "$DD" ]; then vifs="$vifs $(dd_vif "$g")"; else vifs="$vifs $(guest_vif "$g")"; fi
    done
    # shellcheck disable=SC2086 # a list of vifs, one argument each
    backend_counters $vifs > $LAB_CUR/cnt0
    local p0 b0 p1 b1 t0 t1
    # shellcheck disable=SC2086 # a list of vifs, one argument each
    p0=$(vif_stat ${dir}_packets $vifs)
    # shellcheck disable=SC2086 # a list of vifs, one argument each
    b0=$(vif_stat ${dir}_bytes $vifs)
    [ "$run" = 0 ] || cost_mark "begin backend=$b variant=$var run=$run row=$row"
    t0=$(uptime_s)
    i=1 pids=""
    for g in $(guest_names "$n"); do
        # a run that hangs fails in the guest's own (virtual) time, not after the lab's
        (guest_run "$g" "$(echo "$cmd" | sed -e "s/PORT/$((5200 + i))/" -e "s/iperf3 -J/timeout $C_ROW_TIMEOUT iperf3 -J/")" 900 > "$LAB_CUR/out.$g"; echo $? > "$LAB_CUR/rc.$g") &
        pids="$pids $!"
        i=$((i + 1))
    done
    # these transfers only: a bare wait would also wait for the outside host's httpd
    # shellcheck disable=SC2086 # a list of pids, one argument each
    wait $pids
    t1=$(uptime_s)
    [ "$run" = 0 ] || cost_mark "end backend=$b variant=$var run=$run row=$row"
    # shellcheck disable=SC2086 # a list of vifs, one argument each
    p1=$(vif_stat ${dir}_packets $vifs)
    # shellcheck disable=SC2086 # a list of vifs, one argument each
    b1=$(vif_stat ${dir}_bytes $vifs)
    # shellcheck disable=SC2086 # a list of vifs, one argument each
    backend_counters $vifs > $LAB_CUR/cnt1
    for g in $(guest_names "$n"); do
        rc=$(cat "$LAB_CUR/rc.$g")
        if [ "$rc" != 0 ] || grep -q '"error"' "$LAB_CUR/out.$g"; then
            failed="${failed}${g}_rc_$rc,"
            # what iperf3 (or wget) said, for the console log
            { grep '"error"' "$LAB_CUR/out.$g" || tail -5 "$LAB_CUR/out.$g"; } | sed "s|^|LAB-INFO [$(scen)] $g: |"
        fi
    done
    if [ -n "$failed" ]; then
        echo "LAB-COST backend=$b variant=$var run=$run row=$row status=failed error=${failed%,}"
        return 1
    fi
    # UDP: the datagrams iperf3 lost (the guest's socket or a full ring), as a percentage
    local lost=""
    case $row in *-udp-*) lost="udp_lost_pct=$(sed -n 's/.*"lost_percent":[[:space:]]*\([0-9.e+-]*\).*/\1/p' "$LAB_CUR/out.g1" | tail -1)" ;; esac
    echo "LAB-COST backend=$b variant=$var run=$run row=$row status=ok $lost payload_bytes=$payload vif_packets=$((p1 - p0)) vif_bytes=$((b1 - b0)) secs=$(awk "BEGIN {printf \"%.2f\", $t1 - $t0}") $(counter_deltas "$LAB_CUR/cnt0" "$LAB_CUR/cnt1")"
}

# variant_set VARIANT: znetback's defaults, then the variant's policy and parameters
variant_set() {
    local kv p
    for p in $ZDEFAULTS; do backend_param "${p%%=*}" "${p#*=}"; done
    case ${1%%+*} in
        auto) backend_param tx_policy 0 ;;
        map) backend_param tx_policy 1 ;;
        copy) backend_param tx_policy 2 ;;
        *) fail "variant-$1" "unknown variant (auto, map or copy, then +PARAM=VALUE)"; return 1 ;;
    esac
    case $1 in *+*) ;; *) return 0 ;; esac
    for kv in $(echo "${1#*+}" | tr '+' ' '); do
        backend_param "${kv%%=*}" "${kv#*=}" || { fail "variant-$1" "cannot set ${kv%%=*}"; return 1; }
    done
}
# the precondition of every figure: dom0's kernel as in production, no allocator debugging
# (bench/cost-run boots it so)
if dbg=$(grep -oE 'slub_debug[^ ]*|page_poison[^ ]*|kfence[^ ]*' /proc/cmdline); then
    fail dom0-allocator-checks-off "dom0 booted with $(echo "$dbg" | paste -sd' '): the counts would be its checks'"
    exit 1
fi
pass dom0-allocator-checks-off "$(cat /proc/cmdline)"
command -v znbmark >/dev/null || { fail znbmark-in-dom0 "no znbmark in the dom0 image (make tools)"; exit 1; }
# one dom0 server per concurrent client (an iperf3 server runs one test at a time)
i=1; while [ $i -le "$C_GUESTS" ]; do iperf3 -s -D -p $((5200 + i)); i=$((i + 1)); done
lab_on_cleanup "killall iperf3"
: > "$LAB_CUR/guests"
if [ -n "$DD" ]; then
    dd_ramdisk || exit 1
    dd_start bench cpus=$BACKEND_CPU || exit 1
    # the driver domain's own servers, one per concurrent client as in dom0
    dd_run "i=1; while [ \$i -le $C_GUESTS ]; do iperf3 -s -D -p \$((5200 + i)); i=\$((i + 1)); done" ||
        { fail dd-iperf3-servers "iperf3 -s -D in dd failed"; exit 1; }
    SERVER_IP=$DD_IP
else
    SERVER_IP=$DOM0_IP
fi
# the rows this run measures: the sweep rows only with a sweep variant among the variants
ROWS_RUN=$C_ROWS
case " $C_VARIANTS " in *+*) ROWS_RUN="$ROWS_RUN $C_SWEEP_ROWS" ;; esac
# the outside host behind dom0's NIC, with its own iperf3 server
case " $ROWS_RUN " in *" g2nic-tcp "*|*" nic2g-tcp "*)
    peer_create peer xenbr0 nic || exit 1
    peer iperf3 -s -D -B "$PEER_IP" -p 5201 || { fail outside-iperf3-server "iperf3 -s -D in the peer netns failed"; exit 1; } ;;
esac
# what d2g-tcp and nic2g-tcp fetch from dom0's httpd or the outside host's (both serve /lab/www)
case " $ROWS_RUN " in *" d2g-tcp "*|*" nic2g-tcp "*)
    dd if=/dev/urandom of=/lab/www/cost-d2g bs=1M count="$C_MIB" 2>/dev/null || { fail d2g-tcp-blob "cannot write /lab/www/cost-d2g"; exit 1; }
    lab_on_cleanup "rm -f /lab/www/cost-d2g" ;;
esac
# shellcheck disable=SC2086 # echo joins each list's words with single spaces for tr
echo "LAB-COST-CONFIG backend_domain=${DD:+driver-domain-}${C_DD:-dom0} guest_type=$(echo ${LAB_GUEST_TYPE:-pv} | tr " " -) backend_cpu=$BACKEND_CPU guest_cpu=$GUEST_CPU mib=$C_MIB udp_mib=$C_UDP_MIB mtu_mib=$C_MTU_MIB runs=$C_RUNS variant_runs=$C_VARIANT_RUNS rows=$(echo $C_ROWS | tr ' ' ,) sweep_rows=$(echo $C_SWEEP_ROWS | tr ' ' ,) d2g_udp_rates=$C_D2G_UDP64_RATE,$C_D2G_UDP1472_RATE variants=$(echo $C_VARIANTS | tr ' ' ,) dom0_vcpus=$(grep -c ^processor /proc/cpuinfo) cpus=$(xl info | awk '/^nr_cpus/{print $3}') xen=$(xl info | awk '/xen_version/{print $3}') kernel=$(uname -r) git=$LAB_GIT cmdline=$(tr ' ' , < /proc/cmdline)"
backends=$(for bv in $C_VARIANTS; do echo "${bv%%:*}"; done | awk '!seen[$0]++')
for b in $backends; do
    guests_down
    if [ -n "$DD" ]; then
        dd_run ". /lab/tests/lib.sh; backend_load $b" || { fail "load-$b-in-dd" "backend_load failed in dd"; continue; }
    else
        backend_load "$b" || { fail "load-$b" "backend_load failed"; continue; }
        cost_symbols
    fi
    [ "$b" = znetback ] && ZDEFAULTS=$(for p in tx_policy tx_copy_below tx_flow_copy_after tx_flow_probe_every unmap_gather_us; do echo "$p=$(backend_param $p)"; done)
    guests_up || { guests_down; continue; }
    # one transfer first: ARP, the guests' TCP caches and the vif's first grants are the
    # same for every run after it
    guest_run g1 "iperf3 -c $SERVER_IP -p 5201 -n 1M" 120 >/dev/null
    for bv in $C_VARIANTS; do
        [ "${bv%%:*}" = "$b" ] || continue
        var=${bv#*:}
        [ "$b" = znetback ] && { variant_set "$var" || continue; }
        rows=$C_ROWS runs=$C_VARIANT_RUNS
        case $var in -|auto) runs=$C_RUNS ;; *+*) rows=$C_SWEEP_ROWS ;; esac
        for row in $rows; do
            # an unmeasured run first: the row's first transfer after a pause or a
            # parameter change (flow state, a guest just unpaused) is not like the others
            cost_row "$b" "$var" 0 "$row" >/dev/null
            run=1
            while [ $run -le "$runs" ]; do
                cost_row "$b" "$var" "$run" "$row"
                run=$((run + 1))
            done
        done
    done
done
guests_down
[ -n "$DD" ] || backend_load znetback
