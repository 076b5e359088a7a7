# PVH (or HVM) guest reliability under QEMU's emulated SVM: LAB_PVH_BOOTS (50) PVH guests (LAB_PVH_BOOT_TYPE=hvm: HVM guests), one after the other, each booted, answering, moving LAB_PVH_XFER_MIB (4) MiB each way (md5) and destroyed; counts Xen's "Triple fault" lines per boot, and fails on any (#21). Needs Xen's HAP: QEMU's emulated SVM with nested paging (the lab's default; make lab-pvh-boots).
# lab-backend: default
# lab-timeout: 3600
# shellcheck shell=dash
#
# Not part of make check: it measures how often the emulated CPU, not the backend, kills a
# PVH or HVM guest (seen with either backend). A triple fault is reported under its own name,
# never counted as a pass of the backend and never retried away.
N=${LAB_PVH_BOOTS:-50}
# LAB_PVH_TSC_MODE: the guests' xl tsc_mode, native by default as for every PVH guest of the
# lab (guest_start). default: Xen traps the guest's RDTSC (QEMU's qemu64 has no invariant
# TSC). The first two triple faults named sat at an RDTSC (pvclock_clocksource_read+0x15,
# native_calibrate_cpu_early.part.0+0x6e): comparing the two modes measured the trap (README).
TSC_MODE=${LAB_PVH_TSC_MODE:-native}
# LAB_PVH_MEMORY: each guest's MiB (128, as in the runs the README reports; the scenarios' guests
# have 256)
MEMORY=${LAB_PVH_MEMORY:-128}
# LAB_PVH_XFER_MIB: MiB each boot moves each way (4); more traffic, more interrupts to acknowledge
XFER_MIB=${LAB_PVH_XFER_MIB:-4}
# LAB_PVH_BOOT_TYPE=hvm: the same count for HVM guests (PV drivers; Xen's device model in
# dom0). An HVM guest's kernel enters through its decompressor, which would place it at a
# random address: nokaslr keeps it at dom0's addresses, where a PVH guest's sits (see
# kallsyms_at). LAB_PVH_CMDLINE goes to either type's kernel.
BOOT_TYPE=${LAB_PVH_BOOT_TYPE:-pvh}
case "$BOOT_TYPE" in
    pvh) GUEST_EXTRA="" ;;   # guest_start adds LAB_PVH_CMDLINE to a PVH guest's
    hvm) GUEST_EXTRA="nokaslr${LAB_PVH_CMDLINE:+ $LAB_PVH_CMDLINE}" ;;
    *) fail boot-type "LAB_PVH_BOOT_TYPE='$BOOT_TYPE': pvh or hvm"; exit 1 ;;
esac
need_hap guests-need-hap "" || exit 1
# Xen's console ring wraps under loglvl=all: each boot clears it first and counts its own lines
triple_faults() { xl dmesg | grep -c 'Triple fault'; }
# The guests boot dom0's kernel unless LAB_GUEST_KERNEL gave them their own, and neither is
# randomised (a PV dom0; a PVH guest enters vmlinux without the decompressor, an HVM guest
# boots with nokaslr), so dom0's kallsyms names a guest kernel's instruction pointer. The
# first guest to answer must show its kernel text at dom0's addresses, or none is named.
NAMES_GUEST_RIPS=""
! guests_boot_dom0_kernel || NAMES_GUEST_RIPS=1
text_checked=""
# kallsyms_at ADDR: the symbol at or below ADDR, with its offset (16 hex digits compare as strings)
kallsyms_at() {
    # shellcheck disable=SC2046 # two words wanted: the address and the name
    set -- "$1" $(awk -v a="$1" '$1 <= a && $1 > b { b = $1; s = $3 } END { print b, s }' /proc/kallsyms)
    [ -n "${3:-}" ] && printf '%s+0x%x\n' "$3" $((0x$1 - 0x$2))
}
# triple_fault_cs_rip: "CS RIP" of Xen's dump of the last vCPU that triple-faulted
triple_fault_cs_rip() { xl dmesg | sed -n '/Triple fault/,$ s/.*RIP: *\([0-9a-f]*\):\[<\([0-9a-f]*\)>\].*/\1 \2/p' | tail -1; }
# where_it_died I CS RIP: a line naming where boot I's vCPU was: Xen's code (CS e008), the
# guest's kernel (0010) or user space (0033)
where_it_died() {
    case "$2" in
        e008) info "boot $1: Xen's dump shows RIP $3 in Xen's own code (CS e008), not the guest's" ;;
        # an HVM guest's setup code and decompressor run at CS 0010 too, below the kernel's text
        0010) case "$3" in
                  ffffffff*) if [ -n "$NAMES_GUEST_RIPS" ]; then info "boot $1: the vCPU was in the guest's kernel at $3 ($(kallsyms_at "$3"))"
                             else info "boot $1: the vCPU was in the guest's kernel at $3 (not named: not dom0's kernel, or not at its addresses)"; fi ;;
                  *) info "boot $1: the vCPU was in the guest at $3, below its kernel's text (setup code or decompressor), not named" ;;
              esac ;;
        0033) info "boot $1: the vCPU was in a guest process (user space) at $3" ;;
        "") info "boot $1: no RIP in Xen's dump" ;;
        *) info "boot $1: Xen's dump shows CS $2 RIP $3" ;;
    esac
}

# stop_xfers_if_g1_dies DOMID: in the background while a boot's transfers run. Once domain
# DOMID is gone (a triple fault makes xl restart g1 under a new one), it stops every wget
# still talking to g1's address, so a dead guest costs seconds, not a transfer's timeout;
# the boot's later transfers are then skipped (g1_lives).
g1_lives() { xl list "$1" >/dev/null 2>&1; }   # DOMID
stop_xfers_if_g1_dies() {
    while g1_lives "$1"; do sleep 2; done
    info "g1 (domain $1) died mid-transfer: stopping the wgets to $(guest_ip g1)"
    pkill -f "http://$(guest_ip g1)/"
}
no_g1_left() { xl destroy g1 2>/dev/null; sleep 1; ! xl domid g1 >/dev/null 2>&1; }

bad_boot=0 bad_xfer=0 faulted=0 fault_boots=""
i=1
while [ $i -le "$N" ]; do
    xl dmesg -c >/dev/null
    if guest_start g1 1 memory="$MEMORY" type="$BOOT_TYPE" tsc_mode="$TSC_MODE" ${GUEST_EXTRA:+"extra=$GUEST_EXTRA"} && guest_wait g1 180; then
        # and its kernel text sits where dom0's does, so kallsyms_at names its addresses
        if [ -n "$NAMES_GUEST_RIPS" ] && [ -z "$text_checked" ]; then
            text_checked=1
            check_eq guest-text-at-dom0-addresses "$(grep -m1 ' _stext$' /proc/kallsyms)" \
                "$(guest_run g1 "grep -m1 ' _stext\$' /proc/kallsyms" 10)" || NAMES_GUEST_RIPS=""
        fi
        g1_domid=$(guest_domid g1)
        stop_xfers_if_g1_dies "$g1_domid" & watcher=$!
        xfer_g2d g1 "$XFER_MIB" 0 "boot-$i-g2d" || bad_xfer=$((bad_xfer + 1))
        if g1_lives "$g1_domid"; then
            xfer_d2g g1 "$XFER_MIB" 0 "boot-$i-d2g" || bad_xfer=$((bad_xfer + 1))
        else
            fail "boot-$i-d2g" "not run: g1 died during boot-$i-g2d"; bad_xfer=$((bad_xfer + 1))
        fi
        kill $watcher 2>/dev/null
        # whether Xen traps this guest's RDTSC: the 's' debug key prints whether the host TSC
        # is reliable and each domain's TSC mode (0 default: emulated unless it is; 2 native)
        if [ $i = 1 ]; then
            # the guest's APIC mode (LAB_PVH_CMDLINE=nox2apic turns x2APIC off)
            guest_run g1 'cat /proc/cmdline; dmesg | grep -i x2apic' 10 | sed "s|^|LAB-INFO [$(scen)] guest: |"
            xl debug-keys s
            xl dmesg | grep -E "TSC (not )?marked|dom$(guest_domid g1)\(" | sed "s|^|LAB-INFO [$(scen)] Xen TSC: |"
        fi
    else
        bad_boot=$((bad_boot + 1))
    fi
    if [ "$(triple_faults)" -gt 0 ]; then
        faulted=$((faulted + 1)); fault_boots="$fault_boots $i"
        xl dmesg | grep 'Triple fault' | tail -1 | sed "s|^|LAB-INFO [$(scen)] boot $i: Xen: |"
        # shellcheck disable=SC2046 # two words: CS and RIP
        where_it_died $i $(triple_fault_cs_rip)
        guest_console g1 | tail -5 | sed "s|^|LAB-INFO [$(scen)] boot $i: console: |"
    fi
    # after a triple fault Xen's reboot action makes xl restart the guest, and the new domain
    # may appear after a destroy: destroy until no g1 is left
    wait_until 60 no_g1_left || warn "boot $i: g1 is still there after destroy"
    wait_until 30 dom0_has_no_vifs || warn "boot $i: a vif is left after destroy: $(dom0_vifs)"
    : > "$LAB_CUR/guests"
    i=$((i + 1))
done
info "$(echo "$BOOT_TYPE" | tr '[:lower:]' '[:upper:]') boots: $N (tsc_mode $TSC_MODE, $MEMORY MiB, $XFER_MIB MiB each way${LAB_PVH_CMDLINE:+, cmdline $LAB_PVH_CMDLINE}${GUEST_EXTRA:+, guest_start extra $GUEST_EXTRA}), triple faults: $faulted (at boots:${fault_boots:- none}), no answer: $bad_boot, transfers failed: $bad_xfer"
check_eq no-triple-fault 0 "$faulted"
check_eq every-guest-answered 0 "$bad_boot"
check_eq every-transfer-intact 0 "$bad_xfer"
