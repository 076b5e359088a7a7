# Benchmark: in-tree xen-netback vs znetback in interleaved rounds (iperf3 TCP/UDP both ways, guest->guest, tx_copy_below, flow-rule and unmap_gather_us sweeps, 1, 2, 4 guests at once in every round and 8 in one round per backend at the end, a perf profile); LAB-BENCH and LAB-PROFILE lines for bench/run.
# lab-backend: znetback
# lab-timeout: 1950
# shellcheck shell=dash
#
# One LAB-BENCH line per measurement: backend, round, row, variant (xen-netback "-";
# znetback "auto" = tx_policy 0 with the default tx_copy_below, "map" = tx_policy 1,
# "below=N" = auto with tx_copy_below N, "after=N" / "probe=N" = auto with tx_flow_copy_after
# / tx_flow_probe_every N, "gather=N" / "map+gather=N" = auto / map with unmap_gather_us N), value + unit (TCP: receiver Mbit/s, UDP:
# packets/s received), dom0 busy CPU seconds per GB received (/proc/stat, all dom0 vCPUs,
# steal excluded), and the delta of the vifs' ethtool counters. A run whose iperf3 output
# has no receiver summary is reported status=failed with no value.
# shellcheck source=bench/lib.sh
. /lab/tests/bench/lib.sh

# Settings (BENCH_* from the host's environment, via /lab/config):
B_ROUNDS=${BENCH_ROUNDS:-3}
B_SECS=${BENCH_SECS:-8}
B_MEM=${BENCH_GUEST_MEM:-192}
if [ "${BENCH_QUICK:-0}" = 1 ]; then
    B_SWEEP=${BENCH_SWEEP-"0 65536"}; B_SCALE=${BENCH_SCALE:-"1 2"}
else
    B_SWEEP=${BENCH_SWEEP-"0 256 1024 2048 65536"}; B_SCALE=${BENCH_SCALE:-"1 2 4"}
fi
B_SWEEP_ROUNDS=${BENCH_SWEEP_ROUNDS:-1}
B_AFTER_SWEEP=${BENCH_AFTER_SWEEP-"1 16"}   # tx_flow_copy_after values besides the default
B_PROBE_SWEEP=${BENCH_PROBE_SWEEP-"8 128"}  # tx_flow_probe_every values besides the default
B_GATHER=${BENCH_GATHER-"0 1000"}  # unmap_gather_us values besides the default, in every round
B_PROFILE=${BENCH_PROFILE-"g2g-tcp d2g-udp-64"}  # rows profiled with perf after the rounds
# after the rounds, one round per backend with this many guests sending at once: booting
# that many guests in every round would take the bench past 30 minutes
B_WIDE=${BENCH_WIDE-8}
B_ROWS=${BENCH_ROWS:-}  # only these rows (e.g. "g2d-udp-64 scale-2"); empty = all
B_SETTLE_MAX=${BENCH_SETTLE_MAX:-90}
B_ROUND_GUESTS=2
for n in $B_SCALE; do [ "$n" -gt "$B_ROUND_GUESTS" ] && B_ROUND_GUESTS=$n; done

ZPARAM=/sys/module/znetback/parameters
zparam() { [ -w "$ZPARAM/$1" ] && echo "$2" > "$ZPARAM/$1"; }

# user+nice+system+irq+softirq: steal is time Xen gave to someone else
cpu_busy() { awk '/^cpu /{print $2 + $3 + $4 + $7 + $8; exit}' /proc/stat; }

# iperf3 -J output -> "BYTES SECONDS" of end.sum_received (what the receiver got), or
# "error TEXT" when iperf3 reported one
iperf_recv() {
    awk '/"error":/ {sub(/^[^:]*:[ \t]*/, ""); gsub(/[ \t",]+/, "_"); print "error", $0; exit}
        /"sum_received"/ {f = 1}
        f && /"bytes"/ {b = $2; gsub(/[^0-9]/, "", b)}
        f && /"seconds"/ {s = $2; gsub(/,/, "", s)}
        f && /}/ {if (b != "" && s != "") print b, s; exit}'
}

B_BACKEND=none; B_ROUND=0; B_VARIANT=-
bench_line() { echo "LAB-BENCH backend=$B_BACKEND round=$B_ROUND variant=$B_VARIANT $*"; }

# measure ROW UNIT LEN VIFS CMD...: CMD runs the iperf3 client(s) and leaves their -J output in
# $LAB_CUR/out.* (one file per client); LEN = UDP payload (0 for TCP)
measure() {
    m_row=$1 m_unit=$2 m_len=$3 m_vifs=$4; shift 4
    case " ${B_ROWS:-$m_row} " in *" $m_row "*) ;; *) return 0 ;; esac
    rm -f "$LAB_CUR"/out.*
    # shellcheck disable=SC2086 # a list of vifs, one argument each
    vif_counters $m_vifs > $LAB_CUR/cnt0
    m_c0=$(cpu_busy); m_t0=$(uptime_s)
    "$@"
    m_c1=$(cpu_busy); m_t1=$(uptime_s)
    # shellcheck disable=SC2086 # a list of vifs, one argument each
    vif_counters $m_vifs > $LAB_CUR/cnt1
    m_bytes=0; m_per=""; m_err=""; m_secs=0
    for f in "$LAB_CUR"/out.*; do
        # shellcheck disable=SC2046 # the receiver's bytes and seconds, one positional parameter each
        set -- $(iperf_recv < "$f")
        if [ "${1:-}" = error ] || [ -z "${2:-}" ]; then
            m_err="${m_err}${f##*.}:${2:-no_receiver_summary},"; continue
        fi
        m_bytes=$((m_bytes + $1))
        m_per="$m_per$(awk -v b="$1" -v s="$2" -v l="$m_len" 'BEGIN {printf "%.1f/", l ? b / l / s : b * 8 / s / 1e6}')"
        m_secs=$2
    done
    m_ctrs=$(counter_deltas "$LAB_CUR/cnt0" "$LAB_CUR/cnt1")
    m_cpu=$(awk -v c="$((m_c1 - m_c0))" -v b="$m_bytes" 'BEGIN {printf "%.3f", b ? c / 100 / (b / 1e9) : 0}')
    m_wall=$(awk "BEGIN {printf \"%.1f\", $m_t1 - $m_t0}")
    if [ -n "$m_err" ]; then
        bench_line "row=$m_row status=failed error=${m_err%,} unit=$m_unit wall=$m_wall"
        return 1
    fi
    # aggregate over concurrent clients = sum of their rates
    m_val=$(echo "${m_per%/}" | tr '/' '\n' | awk '{s += $1} END {printf "%.1f", s}')
    bench_line "row=$m_row status=ok value=$m_val unit=$m_unit bytes=$m_bytes secs=$m_secs wall=$m_wall" \
        "cpu_jiffies=$((m_c1 - m_c0)) cpu_s_per_gb=$m_cpu guests=$(echo "$m_vifs" | wc -w) per_guest=${m_per%/} $m_ctrs"
}

# client GUEST PORT IPERF-ARGS...: one iperf3 client in GUEST, -J output to $LAB_CUR/out.GUEST
client() {
    c_g=$1 c_p=$2; shift 2
    guest_run "$c_g" "iperf3 -J -t $B_SECS -p $c_p $*" $((B_SECS + 60)) > "$LAB_CUR/out.$c_g"
}
clients() { # N: guests g1..gN send TCP to dom0 at once, each to its own dom0 server
    c_i=1
    while [ $c_i -le "$1" ]; do client g$c_i $((5200 + c_i)) -c "$DOM0_IP" -l 64K & c_i=$((c_i + 1)); done
    wait
}
scale() { # N: g1..gN send to dom0 at once
    s_g=""; s_v=""; i=1
    while [ $i -le "$1" ]; do s_g="$s_g g$i"; s_v="$s_v $(guest_vif g$i)"; i=$((i + 1)); done
    # shellcheck disable=SC2086 # a list of guests, one argument each
    only $s_g
    measure "scale-$1" Mbit/s 0 "$s_v" clients "$1"
}
# row ROW UNIT LEN GUEST-CLIENT-ARGS...: g1 runs the client, g1's vif is measured
row() {
    r_row=$1 r_unit=$2 r_len=$3; shift 3
    case $r_row in g2g-*) only g1 g2 ;; *) only g1 ;; esac
    measure "$r_row" "$r_unit" "$r_len" "$(guest_vif g1)" client g1 5201 "$@"
}

guests_up() {
    local i
    i=1; while [ $i -le "$B_GUESTS" ]; do guest_start g$i $i memory="$B_MEM" & i=$((i + 1)); done
    wait
    i=1; while [ $i -le "$B_GUESTS" ]; do bench_guest_ready g$i || return 1; i=$((i + 1)); done
    guest_bg g2 "iperf3 -s -p 5201"
    only g1
    settle
}
# settle: one-second TCP probes g1 -> dom0 until two in a row agree within 25% (at most
# BENCH_SETTLE_MAX s). In a test run the rows right after switching to znetback ran 10-100x
# slower for about a minute; the wait is reported (row=settle) rather than hidden.
settle() {
    s_t0=$(uptime_s); s_prev=0; s_n=0
    while :; do
        s_r=$(guest_run g1 "iperf3 -J -t 1 -p 5201 -c $DOM0_IP" 60 | iperf_recv | awk '{printf "%d", $1 * 8 / $2 / 1e6}')
        s_n=$((s_n + 1))
        if [ -n "$s_r" ] && [ "$s_prev" -gt 0 ] && awk -v a="$s_r" -v b="$s_prev" 'BEGIN {exit !(a < 1.25 * b && b < 1.25 * a)}'; then break; fi
        [ "$(awk "BEGIN {print ($(uptime_s) - $s_t0 > $B_SETTLE_MAX)}")" = 1 ] && break
        s_prev=${s_r:-0}
    done
    bench_line "row=settle status=ok value=$(awk "BEGIN {printf \"%.1f\", $(uptime_s) - $s_t0}") unit=s probes=$s_n last_probe=${s_r:-failed}Mbit/s"
}
# graceful detach first, so a netfront "Grant still in use" shows in the guest's console
guests_down() {
    local g
    # shellcheck disable=SC2046 # a list of guests, one argument each
    only $(lab_guests)
    for g in $(lab_guests); do
        xl domid "$g" >/dev/null 2>&1 || continue
        assert_mappings_drained "$(guest_vif "$g")"
        vif_detach "$g" 0
        check_guest_dmesg "$g"
        xl destroy "$g"
    done
    : > "$LAB_CUR/guests"
    wait_until 20 dom0_has_no_vifs || warn "vifs left 20 s after the guests' destroy: $(dom0_vifs)"
}

# run_row ROW: measure one of the single-guest rows by its name
run_row() {
    case $1 in
        g2d-tcp-gso) row "$1" Mbit/s 0 -c "$DOM0_IP" -l 64K ;;
        g2d-tcp-1500) nogso row "$1" Mbit/s 0 -c "$DOM0_IP" ;;
        g2g-tcp) row "$1" Mbit/s 0 -c "$(guest_ip g2)" -l 64K ;;
        d2g-tcp-gso) row "$1" Mbit/s 0 -c "$DOM0_IP" -l 64K -R ;;
        d2g-tcp-1500) d2g_nogso ;;
        g2d-udp-*) row "$1" pkt/s "${1##*-}" -c "$DOM0_IP" -u -l "${1##*-}" -b 0 ;;
        d2g-udp-*) row "$1" pkt/s "${1##*-}" -c "$DOM0_IP" -u -l "${1##*-}" -b 0 -R ;;
        *) bench_line "row=$1 status=failed error=unknown_row" ;;
    esac
}
g2d_rows() { # the rows a policy change can move: guest TX into a dom0 socket and the bridge
    local name
    for name in g2d-tcp-gso g2d-tcp-1500 g2g-tcp; do run_row $name; done
}
# nogso CMD...: CMD with g1's TSO/GSO off, so it sends MTU-sized packets
nogso() {
    if guest_run g1 "ethtool -K eth0 tso off gso off sg on" >/dev/null; then
        "$@"; guest_run g1 "ethtool -K eth0 tso on gso on" >/dev/null
    else
        bench_line "row=$2 status=failed error=ethtool_-K_in_guest_failed"
    fi
}
# dom0 TCP sends MTU-sized segments when the route's device (xenbr0) offers no GSO
d2g_nogso() {
    if ethtool -K xenbr0 tso off gso off; then
        row d2g-tcp-1500 Mbit/s 0 -c "$DOM0_IP" -R; ethtool -K xenbr0 tso on gso on
    else
        bench_line "row=d2g-tcp-1500 status=failed error=ethtool_-K_xenbr0_failed"
    fi
}

# policy_sweep PARAM LABEL "VALUES": guest->dom0 socket at MTU 1500 (a flow the stack copies
# out, so the rule copies it and probes it) with the module parameter at each value
policy_sweep() {
    local v ps_def
    ps_def=$(cat "$ZPARAM/$1")
    for v in $3; do
        zparam "$1" "$v"; B_VARIANT=$2=$v
        run_row g2d-tcp-1500
    done
    zparam "$1" "$ps_def"; B_VARIANT=auto
}

# backend_up BACKEND ROUND GUESTS ROW: load BACKEND (znetback with tx_policy 0) and boot GUESTS
# guests; on failure one failed line for ROW
backend_up() {
    B_BACKEND=$1; B_ROUND=$2; B_VARIANT=-; B_GUESTS=$3
    guests_down
    if ! backend_load "$1"; then bench_line "row=$4 status=failed error=backend_load"; return 1; fi
    if [ "$1" = znetback ]; then
        B_DEF_BELOW=$(cat $ZPARAM/tx_copy_below)
        zparam tx_policy 0; B_VARIANT=auto
        info "round $2 znetback: tx_policy=0 tx_copy_below=$B_DEF_BELOW, $3 guests"
    fi
    guests_up || { bench_line "row=$4 status=failed error=guests_up"; guests_down; return 1; }
}

round() { # BACKEND ROUND
    local name n b gather_us gather_def
    backend_up "$1" "$2" "$B_ROUND_GUESTS" all || return 1
    g2d_rows
    for name in d2g-tcp-gso d2g-tcp-1500 g2d-udp-64 d2g-udp-64 g2d-udp-1472 d2g-udp-1472; do
        run_row $name
    done
    for n in $B_SCALE; do scale "$n"; done
    if [ "$1" = znetback ]; then
        zparam tx_policy 1; B_VARIANT=map
        g2d_rows
        zparam tx_policy 0; B_VARIANT=auto
        # unmap batching against answer latency, on the rows that map: guest->guest and
        # guest->dom0 with tx_policy=1
        gather_def=$(cat $ZPARAM/unmap_gather_us)
        for gather_us in $B_GATHER; do
            zparam unmap_gather_us "$gather_us"; B_VARIANT=gather=$gather_us
            run_row g2g-tcp
            zparam tx_policy 1; B_VARIANT=map+gather=$gather_us
            run_row g2d-tcp-gso
            zparam tx_policy 0
        done
        zparam unmap_gather_us "$gather_def"; B_VARIANT=auto
        if [ "$2" -le "$B_SWEEP_ROUNDS" ]; then
            for b in $B_SWEEP; do
                zparam tx_copy_below "$b"; B_VARIANT=below=$b
                for name in g2d-tcp-1500 g2d-udp-1472 g2g-tcp; do run_row $name; done
            done
            zparam tx_copy_below "$B_DEF_BELOW"
            # the flow rule's thresholds, on the row where every flow is copied out
            policy_sweep tx_flow_copy_after after "$B_AFTER_SWEEP"
            policy_sweep tx_flow_probe_every probe "$B_PROBE_SWEEP"
        fi
    fi
    guests_down
}

# profile: where dom0's CPU time goes while znetback carries each B_PROFILE row. perf
# samples every dom0 CPU (cpu-clock: Xen gives a PV dom0 no hardware PMU) during the
# row's iperf3 run; the symbols at 2% or more, each with its main call paths, come out as
# LAB-PROFILE lines. An idle vCPU shows as swapper in xen_hypercall_pv (blocked in Xen). The
# run itself is reported as variant "profile" and left out of the table (sampling slows it).
profile() {
    command -v perf >/dev/null || { warn "no perf in the dom0 image: no profile"; return 1; }
    backend_up znetback 0 2 profile || return 1
    local p pf
    for p in $B_PROFILE; do
        case " ${B_ROWS:-$p} " in *" $p "*) ;; *) continue ;; esac
        perf record -a -g -e cpu-clock -F 499 -o "$LAB_CUR/perf.data" -- sleep "$B_SECS" \
            > "$LAB_CUR/perf.log" 2>&1 &
        pf=$!
        B_VARIANT=profile; run_row "$p"; B_VARIANT=auto
        wait $pf || { warn "perf record failed: $(tail -3 "$LAB_CUR/perf.log" | tr '\n' ' ')"; continue; }
        # per symbol, its main call paths (last frames), e.g. which hypercalls dominate
        perf report -i "$LAB_CUR/perf.data" --stdio --no-children --sort comm,sym \
            -g folded,5,caller --percent-limit 2 2>/dev/null |
            awk '/^ +[0-9.]+%  / {print; next}
                 /^[0-9.]+% .*;/ {n = split(substr($0, index($0, " ") + 1), f, ";"); c = f[n]
                                  for (i = n - 1; i >= 1 && i > n - 6; i--) c = f[i] ";" c
                                  print "    <- " $1 " " c}' |
            head -60 | sed "s/^ */LAB-PROFILE row=$p /"
    done
    guests_down
}

# wide BACKEND N: boot N guests and measure them sending to dom0 at once
wide() {
    backend_up "$1" 1 "$2" "scale-$2" || return 1
    scale "$2"
    guests_down
}

: > "$LAB_CUR/guests"
i=1; while [ $i -le 8 ]; do iperf3 -s -D -p $((5200 + i)); i=$((i + 1)); done
lab_on_cleanup "killall iperf3"
# shellcheck disable=SC2086 # echo joins each list's words with single spaces for tr
echo "LAB-BENCH-CONFIG rows=$(echo ${B_ROWS:-all} | tr ' ' ,) rounds=$B_ROUNDS secs=$B_SECS guest_mem=$B_MEM sweep=$(echo $B_SWEEP | tr ' ' ,) after_sweep=$(echo $B_AFTER_SWEEP | tr ' ' ,) probe_sweep=$(echo $B_PROBE_SWEEP | tr ' ' ,) scale=$(echo $B_SCALE $B_WIDE | tr ' ' ,) dom0_vcpus=$(grep -c ^processor /proc/cpuinfo) xen=$(xl info | awk '/xen_version/{print $3}') kernel=$(uname -r) git=$LAB_GIT"
r=1
while [ $r -le "$B_ROUNDS" ]; do
    t0=$(uptime_s)
    round xen-netback $r
    round znetback $r
    info "round $r took $(awk "BEGIN {print $(uptime_s) - $t0}")s"
    r=$((r + 1))
done
for n in $B_WIDE; do
    case " ${B_ROWS:-scale-$n} " in *" scale-$n "*) ;; *) continue ;; esac
    t0=$(uptime_s)
    wide xen-netback "$n"
    wide znetback "$n"
    info "$n guests at once took $(awk "BEGIN {print $(uptime_s) - $t0}")s"
done
[ -n "$B_PROFILE" ] && profile
backend_load znetback
