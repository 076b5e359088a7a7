# xl's vif rate= (#17): a guest attached with rate=10Mb/s transmits at that rate, a live change of the backend's rate key takes effect at once, removing it lifts the limit at once (even for a queue waiting for a refill 30 s away), and a guest without one is not limited.
# lab-backend: default
# lab-timeout: 300
# shellcheck shell=dash
iperf3 -s -D -p 5201
iperf3 -s -D -p 5202
lab_on_cleanup "killall iperf3"

# g2d_mbit GUEST: guest->dom0 TCP, Mbit/s as dom0's iperf3 received it over 5 s after 2 s of
# warm-up (slow start is not what the limit is about)
g2d_mbit() {
    guest_run "$1" "iperf3 -J -c $DOM0_IP -p 5201 -O 2 -t 5" 60 |
        awk '/"sum_received"/ {f = 1} f && /"bits_per_second"/ {gsub(/[^0-9.e+]/, "", $2); printf "%.1f\n", $2 / 1e6; exit}'
}
# check_mbit NAME MBIT LOW HIGH
check_mbit() {
    info "$1: $2 Mbit/s (want $3..$4)"
    check "$1" awk -v v="${2:-0}" -v lo="$3" -v hi="$4" 'BEGIN {exit !(v >= lo && v <= hi)}'
}

guest_start g1 rate=10Mb/s
guest_start g2
guest_wait g1 || exit 1
guest_wait g2 || exit 1
key=/local/domain/0/backend/vif/$(guest_domid g1)/0/rate
# the precondition: the toolstack wrote the key (BYTES,MICROSECONDS) and the backend read it
rate=$(xenstore-read "$key" 2>/dev/null)
check rate-key-written-by-xl sh -c "echo '$rate' | grep -qE '^[0-9]+,[0-9]+\$'"
info "xl wrote $key = $rate"
bytes=${rate%,*}; us=${rate#*,}
case $LAB_BACKEND in
    znetback) check rate-read-by-backend sh -c "dmesg | grep -q '$(guest_vif g1): guest transmit limited to $bytes bytes every $us us'" ;;
esac
# the limit counts Ethernet frames: 10 Mb/s of them carry about 9.6 Mbit/s of TCP payload
# (+-20 %: 7.6..11.5)
check_mbit rate-10mbit-limits "$(g2d_mbit g1)" 7.6 11.5
check_mbit no-rate-not-limited "$(g2d_mbit g2)" 40 100000
# live change to 25 Mb/s: bytes per 50 ms
xenstore-write "$key" "156250,50000"
sleep 1
check_mbit rate-live-change-to-25mbit "$(g2d_mbit g1)" 19.1 28.7
# a slow rate (64 KiB per 30 s) and a UDP stream leave the queue waiting for a refill 30 s
# away: removing the key must free it at once, not at that refill
xenstore-write "$key" "65536,30000000"
sleep 1
guest_bg g1 "iperf3 -c $DOM0_IP -p 5202 -u -b 50M -t 3"
sleep 3
[ -d /sys/kernel/debug/znetback ] || mount -t debugfs debugfs /sys/kernel/debug 2>/dev/null
head -3 "/sys/kernel/debug/znetback/$(guest_vif g1)/queues" 2>&1 | sed "s/^/LAB-INFO [rate] queues: /"
case $LAB_BACKEND in
    znetback) check rate-slow-throttles grep -q 'tx_throttled 1' "/sys/kernel/debug/znetback/$(guest_vif g1)/queues" ;;
esac
xenstore-rm "$key"
check_mbit rate-removed-not-limited-at-once "$(g2d_mbit g1)" 40 100000
