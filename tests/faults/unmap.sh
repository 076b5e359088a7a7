# Unmaps that fail (lab-only build, tests/variant-lab.sh faults): real Xen refuses one in N grant unmaps under md5-checked traffic; each refused page is counted, its slot is leaked and never answered (netfront never sees "Grant still in use"), the guest keeps moving data on the slots left, and the leaked pages stay mapped for as long as dom0 runs. Leaves them mapped: the last scenario of its boot.
# lab-backend: znetback
# lab-timeout: 400
# shellcheck shell=dash
#
# What a leak costs, asserted as such: the torn-down queue and the module stay (rmmod is
# refused), and Xen cannot free the destroyed guest while dom0 maps its pages (it stays a
# dying domain). Nothing frees or reuses a page whose unmap failed: that would hand the guest
# back a page dom0 can still read.
P=/sys/module/znetback/parameters
if [ ! -w $P/fault_unmap_every ]; then
    fail fault-build "$P/fault_unmap_every missing: znetback.ko is not a fault-injection build"; exit 1
fi
debugfs_mounted
leaked_slots() { awk '{for (i = 1; i < NF; i++) if ($i == "leaked") n += $(i + 1)} END{print n + 0}' "/sys/kernel/debug/znetback/$V/queues"; }
lab_on_cleanup "echo 0 > $P/fault_unmap_every; echo 0 > $P/tx_policy"

guest_start g1
guest_wait g1 || exit 1
V=$(guest_vif g1)
D=$(guest_domid g1)
echo 1 > $P/tx_policy
xfer_g2d g1 4 0 before-unmap-faults
h0=$(cat $P/fault_unmap_hits) u0=$(backend_stat "$V" unmap_errors)
echo 150 > $P/fault_unmap_every
xfer_g2d g1 4 0 during-unmap-faults
echo 0 > $P/fault_unmap_every
h=$(( $(cat $P/fault_unmap_hits) - h0 ))
info "$h grant unmaps refused on purpose"
check unmap-faults-injected [ "$h" -gt 0 ]
# a refused unmap is counted after its hypercall, in the dealloc work: wait until it settled
only_leaked_held() { [ "$(leaked_slots)" = "$1" ] && [ "$(backend_stat "$V" pages_mapped_now)" = "$1" ]; }   # PAGES
wait_until 10 only_leaked_held "$h"
is_count "$u0" || fail unmap-errors-readable "unmap_errors '$u0'"
check_eq unmap-errors-counted "$h" $(( $(count_or_0 "$(backend_stat "$V" unmap_errors)") - $(count_or_0 "$u0") ))
check_eq leaked-slots-reported "$h" "$(leaked_slots)"
check_eq only-leaked-pages-stay-mapped "$h" "$(backend_stat "$V" pages_mapped_now)"
expect_leaked "$h"
# the slots left still carry the guest's traffic
xfer_g2d g1 8 0 after-unmap-faults
check_eq still-only-leaked-pages-mapped "$h" "$(backend_stat "$V" pages_mapped_now)"
grep -E 'slots:|slot states:' "/sys/kernel/debug/znetback/$V/queues" | sed "s|^|LAB-INFO [$(scen)] $V|"

# detach: netfront ends its grants; the queue with leaked slots outlives the vif
vif_detach g1 0 || exit 1
check_guest_dmesg g1
check_eq queue-with-leaks-kept 1 "$(cat /sys/kernel/debug/znetback/queues_draining)"
check rmmod-refused-while-leaked sh -c '! rmmod znetback 2>/dev/null'
check module-still-loaded grep -q '^znetback ' /proc/modules
check guest-destroyed xl destroy g1
# destroyed, its name gone, but kept by Xen as a dying domain while dom0 maps its pages
dying() { xl list | awk -v d="$1" '$2 == d && $1 == "(null)"' | grep -q .; }   # DOMID
wait_until 10 dying "$D"
xl list | sed "s|^|LAB-INFO [$(scen)] xl list: |"
check guest-kept-by-leaked-pages dying "$D"
