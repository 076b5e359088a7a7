# Module parameters: a write outside a range is refused at run time, and never stops the load.
# lab-backend: znetback
# lab-timeout: 180
# shellcheck shell=dash
#
# A runtime write outside a parameter's range is refused and changes nothing; at load, a
# value outside it never stops the module loading: one of xen-netback's names (modprobe
# options written for it) is clamped, one of znetback's own keeps its default, each with one
# warning line naming it.
params=/sys/module/znetback/parameters

# NAME MIN MAX of every numeric parameter an admin may write at run time
param_ranges="max_queues 0 64
rx_queue_len 1 4096
rx_queue_bytes 65536 4194304
rx_drain_timeout_msecs 1000 600000
rx_stall_timeout_msecs 1000 3600000
drain_timeout 1000 86400000
tx_policy 0 2
tx_copy_below 0 65536
tx_flow_copy_after 1 255
tx_flow_probe_every 1 65535
unmap_gather_us 0 10000"

# write_param NAME VALUE: prints "accepted VALUE-READ-BACK" or "refused VALUE-READ-BACK"
write_param() {
    if echo "$2" > "$params/$1" 2>/dev/null; then printf 'accepted '; else printf 'refused '; fi
    cat "$params/$1"
}

echo "$param_ranges" | while read -r name min max; do
    if [ ! -w "$params/$name" ]; then fail "param-$name-writable" "no writable $params/$name"; continue; fi
    before=$(cat "$params/$name")
    check_eq "param-$name-above-max-refused" "refused $before" "$(write_param "$name" $((max + 1)))"
    if [ "$min" -gt 0 ]; then
        check_eq "param-$name-below-min-refused" "refused $before" "$(write_param "$name" $((min - 1)))"
    fi
    check_eq "param-$name-max-accepted" "accepted $max" "$(write_param "$name" "$max")"
    check_eq "param-$name-min-accepted" "accepted $min" "$(write_param "$name" "$min")"
    echo "$before" > "$params/$name"
done

# At load: the module must be reloadable, so no vif may exist yet.
probe_default=$(cat $params/tx_flow_probe_every)
if check_eq load-precondition-no-vifs 0 "$(find /sys/class/net -maxdepth 1 -name 'vif*' | wc -l)" &&
   check_eq load-precondition-znetback-loaded znetback "$(backend_current)"; then
    rmmod znetback
    mark="params: loading with values out of range"
    echo "$mark" > /dev/kmsg
    options="max_queues=128 fatal_skb_slots=64 tx_policy=9 tx_flow_probe_every=0"
    # shellcheck disable=SC2086 # one word per option
    if insmod /lib/modules/lab/znetback.ko $options; then
        pass load-out-of-range-loads
        check_eq load-max_queues-clamped 64 "$(cat $params/max_queues)"
        check_eq load-fatal_skb_slots-clamped 32 "$(cat $params/fatal_skb_slots)"
        check_eq load-tx_policy-keeps-default 0 "$(cat $params/tx_policy)"
        check_eq load-tx_flow_probe_every-keeps-default "$probe_default" "$(cat $params/tx_flow_probe_every)"
        warnings=$(dmesg | sed -n "\|$mark|,\$p" | grep 'znetback: .* is outside')
        echo "$warnings" | sed "s/^/LAB-INFO [$(scen)] /"
        check_eq load-one-warning-per-value-out-of-range 4 "$(echo "$warnings" | grep -c .)"
        # tx_policy's default is chosen at init, by where the module runs: the warning
        # says so rather than printing the placeholder it holds until then
        check_eq load-tx_policy-warning-says-default 1 "$(echo "$warnings" | grep -c 'tx_policy=9 is outside 0\.\.2: using the default$')"
        rmmod znetback
    else
        fail load-out-of-range-loads "insmod with $options failed"
    fi
fi
check "reload-with-defaults" backend_load znetback
check_eq reload-tx_policy-default 0 "$(cat $params/tx_policy)"
