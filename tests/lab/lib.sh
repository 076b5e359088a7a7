# shellcheck shell=dash
# znetback lab: dom0-side helpers (busybox sh). Sourced by the dom0 /init and by every
# scenario. A scenario (tests/lab/NAME.sh) runs in /tmp/lab/cur after common setup:
#   - xenstored/xenconsoled up, backend ($LAB_BACKEND) loaded, xenbr0 = 10.0.0.1/24,
#     dom0 httpd serving /lab/www on :80
#   - it starts guests with guest_start, moves data with the xfer_* helpers, records
#     results with check/check_eq (printed as "LAB-CHECK scenario/name: PASS|FAIL")
#   - it does NOT need to clean up: lab_teardown (run by /init after every scenario, also
#     after a timeout) collects backend stats, detaches every vif gracefully, checks guest
#     and dom0 dmesg, destroys the guests and undoes what lab_on_cleanup registered.
# Addressing: a vif with MAC 00:16:3e:00:N:H gets 10.0.N.H/24 in the guest (guest /init).
# Guest k (1, 2, ...) has eth0 = 00:16:3e:00:00:(k+1) = 10.0.0.(k+1).

LAB_CUR=/tmp/lab/cur
# Debian's busybox-static runs its own applets before $PATH (standalone shell): use the
# iproute2 binaries (netns, veth, tc qdiscs/filters) explicitly
ip() { /sbin/ip "$@"; }
tc() { /sbin/tc "$@"; }
# shellcheck disable=SC2034 # the scenarios' address of dom0
DOM0_IP=10.0.0.1
PEER_IP=10.0.0.100

# The lifecycle scenarios are about mapped pages: under tx_policy=auto, flows the stack copies
# out anyway (veth, taps, dom0 sockets) would soon be grant-copied and hold no guest page at
# all. So every scenario starts with tx_policy=map (LAB_TX_POLICY overrides); the ones about
# the policy itself (policy-flow, the demo) switch to auto. A driver domain sets it once it
# has loaded the backend.
lab_tx_policy() {
    if [ -w /sys/module/znetback/parameters/tx_policy ]; then
        echo "${LAB_TX_POLICY:-1}" > /sys/module/znetback/parameters/tx_policy
    fi
}
lab_tx_policy

uptime_s() { cut -d' ' -f1 /proc/uptime; }
mark() { echo "LAB-MARK $* dom0_uptime=$(uptime_s)"; }
scen() { cat $LAB_CUR/name 2>/dev/null || echo boot; }
info() { echo "LAB-INFO [$(scen)] $*"; }
warn() { echo "LAB-WARN [$(scen)] $*"; }

# check NAME CMD... : run CMD, record PASS/FAIL
check() {
    _n=$1; shift
    if "$@"; then _r=PASS; else _r=FAIL; fi
    echo "LAB-CHECK $(scen)/$_n: $_r"
    echo "$_r $_n" >> $LAB_CUR/checks
    [ $_r = PASS ]
}
pass() { echo "LAB-CHECK $(scen)/$1: PASS${2:+ ($2)}"; echo "PASS $1" >> $LAB_CUR/checks; }
fail() { echo "LAB-CHECK $(scen)/$1: FAIL${2:+ ($2)}"; echo "FAIL $1" >> $LAB_CUR/checks; return 1; }
check_eq() { # NAME EXPECTED ACTUAL
    if [ -n "$2" ] && [ "$2" = "$3" ]; then pass "$1" "$3"; else fail "$1" "expected '$2' got '$3'"; fi
}
# wait_until SECS CMD...: run CMD until it succeeds or SECS seconds of wall clock have passed,
# again every 0.5 s; returns 1 on timeout, a failure its caller reports. The clock is read
# with the shell's own read, not a command: under TCG a fork costs the emulated CPUs the
# guests being waited for need, and a faster poll made whole lab runs slower.
wait_until() {
    local _up _end
    read -r _up _ < /proc/uptime
    _end=$((${_up%.*} * 100 + 1${_up#*.} - 100 + $1 * 100)); shift
    until "$@"; do
        read -r _up _ < /proc/uptime
        [ $((${_up%.*} * 100 + 1${_up#*.} - 100)) -ge "$_end" ] && return 1
        sleep 0.5
    done
}
# prints WANT CMD...: CMD prints WANT (a condition for wait_until)
prints() { _pw=$1; shift; [ "$("$@")" = "$_pw" ]; }
# register a shell command for lab_teardown (run in reverse order)
lab_on_cleanup() { echo "$*" >> $LAB_CUR/cleanup; }

# ---------------------------------------------------------------- modules / backend
lab_modprobe() { # NAME: insmod NAME after its dependencies (deps from modinfo at build time)
    local _m _deps _d
    _m=$(echo "$1" | tr '-' '_')
    grep -q "^$_m " /proc/modules && return 0
    [ -d "/sys/module/$_m" ] && return 0
    _deps=$(cat /lib/modules/lab/moddeps* 2>/dev/null | awk -v m="$_m" '$1==m{for(i=2;i<=NF;i++)print $i; exit}')
    for _d in $_deps; do lab_modprobe "$_d" || return 1; done
    [ -e "/lib/modules/lab/$_m.ko" ] || { echo "LAB-WARN module $_m not in image"; return 1; }
    insmod "/lib/modules/lab/$_m.ko"
}
backend_current() {
    if grep -q '^znetback ' /proc/modules; then echo znetback
    elif grep -q '^xen_netback ' /proc/modules; then echo xen-netback
    else echo none; fi
}
backend_load() { # znetback|xen-netback; unloads the other one (only possible without vifs)
    _cur=$(backend_current)
    [ "$_cur" = "$1" ] && return 0
    case "$_cur" in znetback) rmmod znetback || return 1 ;; xen-netback) rmmod xen_netback || return 1 ;; esac
    case "$1" in
        znetback) [ -e /lib/modules/lab/znetback.ko ] || return 1; lab_modprobe znetback || return 1 ;;
        xen-netback) lab_modprobe xen_netback || return 1 ;;
        *) return 1 ;;
    esac
    echo "LAB-INFO backend loaded: $1 ($(grep -E '^(znetback|xen_netback) ' /proc/modules))"
}

# ---------------------------------------------------------------- guests
# need_hap CHECK WHY: a PVH or HVM guest needs Xen's hardware-assisted paging (Debian's Xen
# has no shadow paging to fall back on), which the lab has only when QEMU emulates SVM with
# nested paging; fails CHECK (WHY: what else cannot serve)
need_hap() {
    xl info | grep '^virt_caps' | grep -qw hap && return 0
    fail "$1" "Xen reports '$(xl info | sed -n 's/^virt_caps *: *//p')': no HAP for a PVH or HVM guest$2 (QEMU without -cpu qemu64,+svm,+npt: LAB_CPU, or LAB_ACCEL=icount without pvh or hvm in LAB_GUEST_TYPE or LAB_DD_TYPE)"
}
# guest_start NAME [K] [key=value ...]: create guest NAME as guest number K (default: next
# free). Options: vcpus=N memory=MiB vifs=N (extra vifs at boot on xenbr0: 00:16:3e:00:j:k+1)
# cpus=LIST (the physical CPUs its vCPUs may run on; default: any) rate=RATE (xl's vif rate= of
# the first vif, e.g. 10Mb/s) type=pv|pvh|hvm (default: the K-th word of LAB_GUEST_TYPE, counted
# round, a driver domain counted too; pv without it; pvh and hvm need Xen's HAP: need_hap)
# script=NAME (the first vif's hotplug script, e.g. Debian's stock vif-bridge; default xl.conf's
# vif-lab) tsc_mode=MODE (xl's tsc_mode; a PVH or HVM guest's default is native, see below)
# ramdisk=PATH (default the guest initrd) extra=ARGS (more kernel command line; a PVH guest's
# also gets LAB_PVH_CMDLINE) driver_domain=1
guest_start() {
    _g=$1; shift
    _k=""; _vcpus=1; _mem=256; _vifs=1; _cpus=""; _rate=""; _type=""; _script=""; _tsc=""
    _rd=/guest/guest-initrd.gz; _extra=""; _dd=""; _hvm_cfg=""; _vif_type=""
    case "${1:-}" in [0-9]*) _k=$1; shift ;; esac
    for _o in "$@"; do case "$_o" in vcpus=*) _vcpus=${_o#*=} ;; memory=*) _mem=${_o#*=} ;; vifs=*) _vifs=${_o#*=} ;; cpus=*) _cpus=${_o#*=} ;; rate=*) _rate=${_o#*=} ;; type=*) _type=${_o#*=} ;; script=*) _script=${_o#*=} ;; tsc_mode=*) _tsc=${_o#*=} ;;
        ramdisk=*) _rd=${_o#*=} ;; extra=*) _extra=" ${_o#*=}" ;; driver_domain=*) _dd=${_o#*=} ;; esac; done
    if [ -z "$_k" ]; then _k=$(( $(cat $LAB_CUR/guests 2>/dev/null | wc -l) + 1 )); fi
    [ -n "$_type" ] || _type=$(echo "${LAB_GUEST_TYPE:-pv}" | awk -v k="$_k" '{ print $((k - 1) % NF + 1) }')
    case "$_type" in
        pv) ;;
        # xl's default tsc_mode makes Xen trap a PVH guest's RDTSC (qemu64 has no invariant
        # TSC), and QEMU's emulation of that SVM intercept triple-faulted about one PVH boot
        # in twenty; with native, 0 in 120 (#21, README "PVH guests"). A test of the trap
        # itself asks for tsc_mode=default.
        pvh) [ -n "$_tsc" ] || _tsc=native
             _extra="$_extra${LAB_PVH_CMDLINE:+ $LAB_PVH_CMDLINE}"
             need_hap "create-$_g" " (guest $_g is PVH)" || return 1 ;;
        # the same native TSC. Xen's device model boots the kernel directly (SeaBIOS, QEMU's
        # linuxboot ROM). No display and no serial port: the kernel writes to hvc0 as the
        # other guests' do, hvmloader to Xen's log (xl dmesg). The vifs are netfront only
        # (type=vif: no emulated NIC for the guest to pick instead), or, with
        # LAB_HVM_VIF_TYPE=ioemu, xl's default: each vif also an rtl8139 in the device model,
        # on a tap vifD.N-emu in dom0's bridge, which the guest's kernel unplugs when it has
        # netfront (guest_wait checks both).
        hvm) [ -n "$_tsc" ] || _tsc=native
             case "${LAB_HVM_VIF_TYPE:-vif}" in
                 vif) _vif_type="type=vif," ;;
                 ioemu) _vif_type="type=ioemu,"
                        lab_modprobe tun || { fail "create-$_g" "no tun module for the emulated NIC's tap"; return 1; } ;;
                 *) fail "create-$_g" "LAB_HVM_VIF_TYPE='$LAB_HVM_VIF_TYPE': vif or ioemu"; return 1 ;;
             esac
             need_hap "create-$_g" " (guest $_g is HVM)" || return 1
             [ -x /usr/libexec/xen-qemu-system-i386 ] || { fail "create-$_g" "no device model in dom0 for HVM guest $_g: the lab loads dom0-hvm.cpio.gz only when LAB_GUEST_TYPE or LAB_PVH_BOOT_TYPE names hvm (a scenario's own type=hvm does not)"; return 1; }
             _hvm_cfg='vga = "none"
vnc = 0
serial = "none"'
             # a device model log left by an earlier g1 must not pass for this one's
             rm -f "/var/log/xen/qemu-dm-$_g.log" ;;
        *) fail "create-$_g" "type=$_type: the lab boots pv, pvh or hvm guests (LAB_GUEST_TYPE='${LAB_GUEST_TYPE:-}')"; return 1 ;;
    esac
    _h=$(printf '%02x' $((_k + 1)))
    _vl="'${_vif_type}mac=00:16:3e:00:00:$_h,bridge=xenbr0${_rate:+,rate=$_rate}${_script:+,script=$_script}'"
    _j=1; while [ $_j -lt "$_vifs" ]; do _vl="$_vl, '${_vif_type}mac=00:16:3e:00:$(printf %02x $_j):$_h,bridge=xenbr0'"; _j=$((_j+1)); done
    cat > "$LAB_CUR/$_g.cfg" <<EOF
name = "$_g"
type = "$_type"
kernel = "/guest/vmlinuz"
ramdisk = "$_rd"
extra = "console=hvc0 loglevel=7 lab.name=$_g$_extra"
${_dd:+driver_domain = $_dd}
memory = $_mem
vcpus = $_vcpus
${_cpus:+cpus = \"$_cpus\"}
${_tsc:+tsc_mode = \"$_tsc\"}
vif = [ $_vl ]
on_crash = "preserve"
$_hvm_cfg
EOF
    echo "$_g $_k $_type" >> $LAB_CUR/guests
    echo "$_type" >> $LAB_CUR/guest-types   # every guest the scenario booted: its summary line
    [ -z "$_dd" ] || echo "$_g" >> $LAB_CUR/driver-domains
    # xenconsoled appends to guest-NAME.log: this guest's console starts at the current end
    _log=$(guest_console_log "$_g")
    if [ -e "$_log" ]; then wc -c < "$_log"; else echo 0; fi > "$LAB_CUR/$_g.console-offset"
    _t0=$(uptime_s)
    if ! xl create "$LAB_CUR/$_g.cfg" > "$LAB_CUR/$_g.create.log" 2>&1; then
        sed 's/^/LAB-INFO xl create: /' "$LAB_CUR/$_g.create.log"
        # an HVM guest's device model says why it exited in its own log
        [ ! -s "/var/log/xen/qemu-dm-$_g.log" ] || tail -n 40 "/var/log/xen/qemu-dm-$_g.log" | sed "s/^/LAB-INFO qemu-dm-$_g.log: /"
        fail "create-$_g" "xl create failed"; return 1
    fi
    info "guest $_g ($_type, domid $(xl domid "$_g"), ip $(guest_ip "$_g"), vcpus $_vcpus) created in $(awk "BEGIN{print $(uptime_s)-$_t0}")s"
}
# guests_boot_dom0_kernel: the image's guests boot dom0's kernel (no LAB_GUEST_KERNEL)
guests_boot_dom0_kernel() {
    [ "$(sed -n 's/^GUEST_ABI=//p' /etc/lab-build)" = "$(sed -n 's/^LAB_ABI=//p' /etc/lab-build)" ]
}
guest_k() { awk -v g="$1" '$1==g{print $2}' $LAB_CUR/guests; }
# lab_guests: the guests this scenario created (guest_start), one a line
lab_guests() { awk '{print $1}' $LAB_CUR/guests 2>/dev/null; }
# lab_guests_teardown_order: lab_guests, driver domains last (their guests' vifs go first)
lab_guests_teardown_order() {
    for _tg in $(lab_guests); do grep -qx "$_tg" $LAB_CUR/driver-domains 2>/dev/null || echo "$_tg"; done
    for _tg in $(lab_guests); do grep -qx "$_tg" $LAB_CUR/driver-domains 2>/dev/null && echo "$_tg"; done
}
guest_ip() { echo "10.0.${2:-0}.$(( $(guest_k "$1") + 1 ))"; }     # NAME [SUBNET]
guest_mac() { printf '00:16:3e:00:%02x:%02x\n' "${2:-0}" $(( $(guest_k "$1") + 1 )); }
guest_domid() { xl domid "$1" 2>/dev/null; }
# guest_replaced NAME OLD_DOMID: NAME runs again, as a domain other than OLD_DOMID
guest_replaced() { _gd=$(guest_domid "$1"); [ -n "$_gd" ] && [ "$_gd" != "$2" ]; }
guest_vif() { echo "vif$(guest_domid "$1").${2:-0}"; }   # NAME [DEVID] -> dom0 netdev
guest_console_log() { echo "/var/log/xen/console/guest-$1.log"; }
# guest_console NAME: what this guest (not an earlier one of the same name) wrote to its console
guest_console() {
    tail -c +$(( $(cat "$LAB_CUR/$1.console-offset" 2>/dev/null || echo 0) + 1 )) "$(guest_console_log "$1")" 2>/dev/null | tr -d '\r'
}

# guest_run NAME CMD [TIMEOUT]: run a shell snippet in the guest (over its eth0 HTTP command
# channel); prints the output, returns its exit code (255: channel failed)
guest_run() {
    _out=$(timeout "${3:-120}" wget -q -O - --post-data "$2" "http://$(guest_ip "$1")/cgi-bin/run" 2>/dev/null)
    _rc=$(echo "$_out" | sed -n 's/^LAB-RC=//p' | tail -1)
    echo "$_out" | grep -v '^LAB-RC='
    [ -n "$_rc" ] || return 255
    return "$_rc"
}
guest_bg() { guest_run "$1" "( $2 ) </dev/null >/tmp/bg.log 2>&1 &"; }   # NAME CMD
# guest_kind NAME [TIMEOUT]: what the guest's kernel says it runs as (PV, PVH or HVM)
guest_kind() { guest_run "$1" 'cat /sys/hypervisor/guest_type' "${2:-10}"; }
# guest_answers NAME: the guest answers ping and its command channel
guest_answers() { ping -c 1 -W 1 "$(guest_ip "$1")" >/dev/null 2>&1 && [ "$(guest_run "$1" 'echo ok' 10)" = ok ]; }
# guest_emulated_nics_unplugged NAME: an HVM guest with type=ioemu vifs got an emulated NIC
# for its first vif from its device model, the device model (still running) has deleted
# that NIC's tap in dom0 (vifD.0-emu), which it does when the guest unplugs the NIC, and
# every network device the guest kept is netfront's (driver vif): the backend carries all
# of its traffic. The device model is found by the pid libxl records, never by its command
# line in ps, where a grep would find itself.
guest_emulated_nics_unplugged() {
    _gd=$(guest_domid "$1")
    _dm=$(xenstore-read "/local/domain/$_gd/image/device-model-pid" 2>/dev/null)
    check "emulated-nic-$1" sh -c "[ -n '$_gd' ] && [ -n '$_dm' ] && tr '\\0' '\\n' < /proc/$_dm/cmdline | grep -q '^rtl8139,id=nic0,'" || return
    check "emulated-nic-unplug-requested-$1" guest_run "$1" 'dmesg | grep -q "unplug emulated NICs"' 10
    check "emulated-nic-tap-gone-$1" sh -c "[ -d /proc/$_dm ] && [ ! -e /sys/class/net/vif$_gd.0-emu ]"
    # shellcheck disable=SC2016 # expanded by the guest's shell
    _nics=$(guest_run "$1" 'for n in /sys/class/net/*; do [ ! -e "$n/device" ] || echo "${n##*/}" "$(basename "$(readlink "$n/device/driver")")"; done' 10)
    check_eq "netfront-only-$1" "$(echo "$_nics" | awk '{ print $1, "vif" }')" "$_nics"
}
# guest_wait NAME [SECS]: wait up to SECS (360) seconds until the guest answers
guest_wait() {
    _t0=$(uptime_s)
    if wait_until "${2:-360}" guest_answers "$1"; then
        pass "up-$1" "answers after $(awk "BEGIN{print $(uptime_s)-$_t0}")s"
        # a PVH or HVM run must not pass on guests a config slip booted PV: their kernel
        # says which
        _want=$(awk -v g="$1" '$1 == g { print $3 }' $LAB_CUR/guests)
        _rc=0
        case "$_want" in pvh|hvm) check_eq "type-$1" "$(echo "$_want" | tr '[:lower:]' '[:upper:]')" "$(guest_kind "$1")" || _rc=1 ;; esac
        if [ "$_want" = hvm ] && [ "${LAB_HVM_VIF_TYPE:-vif}" = ioemu ]; then
            guest_emulated_nics_unplugged "$1" || _rc=1
        fi
        return $_rc
    fi
    # what is left to tell why: the guest's own words (or that it wrote none), whether xl
    # still has it and how it ended (its xl log's shutdown reason), and Xen's last words
    # (less the HVM context records xl create prints)
    info "console $1: $(guest_console "$1" | wc -c) bytes; xl list: $(xl list "$1" 2>&1 | tail -1)"
    guest_console "$1" | tail -30 | sed "s|^|LAB-INFO [$(scen)] console $1: |"
    grep -h 'shut down\|Action for' "/var/log/xen/xl-$1.log" 2>/dev/null | tail -2 | sed "s|^|LAB-INFO [$(scen)] xl $1: |"
    xl dmesg | grep -v ' save: ' | tail -10 | sed "s|^|LAB-INFO [$(scen)] Xen: |"
    fail "up-$1" "no answer from $(guest_ip "$1")"
}

# ---------------------------------------------------------------- driver domains
# A driver domain "dd" boots the lab's dom0 image with lab.role=driver-domain
# (tools/lab/rootfs/dom0/init-driver-domain): the run's backend serves vifs on its bridge
# ddbr0 (10.0.60.1/24), `xl devd` runs their hotplug scripts, its eth0 (a netfront on dom0's
# xenbr0) carries the command channel. LAB_DD_TYPE=pvh makes it a PVH guest (need_hap).
DD_TYPE=${LAB_DD_TYPE:-pv}
DD_SUBNET=60
# shellcheck disable=SC2034 # the scenarios' address of dd
DD_IP=10.0.$DD_SUBNET.1

# dd_run CMD [TIMEOUT]: run a shell snippet in the driver domain
dd_run() { guest_run dd "$1" "${2:-120}"; }
# dd_vif GUEST: the backend netdev in dd of GUEST's dd-served vif (devid 1)
dd_vif() { echo "vif$(guest_domid "$1").1"; }
# dd_stat VIF NAME: a counter of VIF in dd (ethtool -S)
dd_stat() { dd_run "ethtool -S $1" | awk -v k="$2:" '$1==k{print $2}'; }
# dd_mapped: pages the backend in dd holds mapped, all vifs (znetback's debugfs)
dd_mapped() { dd_run "mount -t debugfs debugfs /sys/kernel/debug 2>/dev/null; cat /sys/kernel/debug/znetback/pages_mapped"; }
dd_mapped_zero() { [ "$(dd_mapped)" = 0 ]; }
dd_has_vif() { dd_run "[ -e /sys/class/net/$1 ]" >/dev/null; }
dd_lacks_vif() { dd_run "[ ! -e /sys/class/net/$1 ]" >/dev/null; }
# the guest's dd-served address answers from dd
dd_reaches() { dd_run "ping -c 1 -W 1 $(guest_ip "$1" $DD_SUBNET)" >/dev/null; }

# dd_attach GUEST PHASE: a vif served by dd on ddbr0; waits until dd reaches the guest
# through it (PHASE names the checks: one scenario attaches the same guest several times)
dd_attach() {
    if ! timeout 60 xl network-attach "$1" backend=dd bridge=ddbr0 mac="$(guest_mac "$1" $DD_SUBNET)" >/dev/null; then
        fail "dd-attach-$1-$2" "xl network-attach $1 backend=dd failed"; return 1
    fi
    check "dd-vif-$1-in-dd-$2" wait_until 30 dd_has_vif "$(dd_vif "$1")" || return 1
    check "dd-vif-$1-not-in-dom0-$2" [ ! -e "/sys/class/net/$(dd_vif "$1")" ]
    check "dd-reaches-$1-$2" wait_until 60 dd_reaches "$1"
}
# dd_detach GUEST PHASE: graceful detach of GUEST's dd-served vif; its netdev in dd goes
dd_detach() {
    _ddv=$(dd_vif "$1")
    timeout 60 xl network-detach "$1" 1 || { fail "dd-detach-$1-$2" "xl network-detach failed"; return 1; }
    check "dd-detached-$1-$2" wait_until 30 dd_lacks_vif "$_ddv"
}
# dd_ramdisk: dd's ramdisk, /tmp/dd-initrd.gz: dom0's own root filesystem (the image and
# this run's overlay), without the guests' images, /tmp and what the mounts hold
dd_ramdisk() {
    lab_on_cleanup "rm -f /tmp/dd-initrd.gz"
    _t0=$(uptime_s)
    # cpio's status too, not only gzip's (a pipeline's is its last command's)
    (cd / && find . -xdev \( -path ./guest -o -path ./tmp -o -path ./lab/www \) -prune -o -print |
        { cpio -o -H newc 2>/dev/null; echo $? > /tmp/dd-cpio-rc; } | gzip -1) > /tmp/dd-initrd.gz ||
        { fail dd-ramdisk "gzip of the ramdisk failed"; return 1; }
    [ "$(cat /tmp/dd-cpio-rc)" = 0 ] || { fail dd-ramdisk "cpio of / failed"; return 1; }
    info "driver domain ramdisk: $(du -m /tmp/dd-initrd.gz | cut -f1) MiB in $(awk "BEGIN{print $(uptime_s) - $_t0}") s"
}
# dd_start PHASE [OPTION...]: create dd from dd_ramdisk's ramdisk (OPTIONs: guest_start's,
# e.g. cpus=1) and wait until it answers
dd_start() {
    _ph=$1; shift
    guest_start dd memory=384 type="$DD_TYPE" ramdisk=/tmp/dd-initrd.gz extra=lab.role=driver-domain driver_domain=1 "$@" || return 1
    guest_wait dd 240 || return 1
    check_eq "dd-type-$_ph" "$(echo "$DD_TYPE" | tr '[:lower:]' '[:upper:]')" "$(guest_kind dd 120)"
    # before anything in dd sources lib.sh, which sets tx_policy again
    if backend_is_znetback; then
        check_eq "dd-tx-policy-$_ph" "${LAB_TX_POLICY:-1}" "$(dd_run 'cat /sys/module/znetback/parameters/tx_policy')"
    fi
    check_eq "dd-backend-loaded-$_ph" "$(backend_current | tr - _)" \
        "$(dd_run "awk '\$1 == \"znetback\" || \$1 == \"xen_netback\" {print \$1}' /proc/modules")"
    dd_run "dmesg | grep -E 'znetback|xen_netback' | tail -3" | sed "s|^|LAB-INFO [$(scen)] dd dmesg: |"
    if backend_is_znetback; then
        check "dd-backend-says-driver-domain-$_ph" quietly dd_run "dmesg | grep -q 'vif backend ready in a driver domain (guest TX: copy'"
        # a driver domain's default policy: copy (bench/results/driver-domain-*)
        check "dd-tx-policy-default-copy-$_ph" dd_console_says "DRIVER-DOMAIN: tx_policy 2 by default"
    fi
    check "dd-devd-running-$_ph" quietly dd_run "pidof xl"
    # its /init says FAILED for each step that did not work (a module, xenfs, the backend, devd)
    guest_console dd | grep "DRIVER-DOMAIN: " | sed "s|^|LAB-INFO [$(scen)] dd console: |"
    check "dd-init-ready-$_ph" dd_console_says "DRIVER-DOMAIN: ready"
    check "dd-init-nothing-failed-$_ph" dd_init_failed_nothing
}
dd_console_says() { guest_console dd | grep -q "$1"; }
dd_init_failed_nothing() { ! dd_console_says "DRIVER-DOMAIN: .*FAILED"; }
# ---------------------------------------------------------------- data transfer + md5
# all transfers: random blob, HTTP (busybox httpd + wget), md5 compared end to end
_rate() { awk "BEGIN{d=$3-$2; if(d<=0)d=0.001; printf \"%.1f MiB in %.1fs = %.2f MiB/s\", $1, d, $1/d}"; }
blob_dom0() { # NAME MiB -> /lab/www/NAME, prints md5
    dd if=/dev/urandom of="/lab/www/$1" bs=1M count="$2" 2>/dev/null
    md5sum "/lab/www/$1" | cut -d' ' -f1
}
blob_guest() { # GUEST NAME MiB -> guest:/www/NAME, prints md5
    guest_run "$1" "dd if=/dev/urandom of=/www/$2 bs=1M count=$3 2>/dev/null; md5sum /www/$2 | cut -d' ' -f1"
}
# ---------------------------------------------------------------- forwarding peer (netns)
# peer_create [NAME] [BRIDGE] [VIA]: network namespace NAME ("peer"), the "outside" host:
# inside, "<NAME>1" = 10.0.0.100/24 with httpd serving /lab/www; dom0's side "<NAME>0" is
# a port of BRIDGE (xenbr0). Traffic guest<->peer is FORWARDED by dom0 (never a dom0 socket).
# VIA (default LAB_PEER_VIA, veth): the two sides are a veth pair, or with "nic" dom0's two
# NICs (QEMU joins them back to back: tools/lab/lab, LAB_NIC), renamed so that scenarios
# name them the same way: then guest pages leave dom0 by the NIC driver's DMA.
peer_create() {
    _p=${1:-peer}; _br=${2:-xenbr0}; _via=${3:-${LAB_PEER_VIA:-veth}}
    # an earlier peer of this name: its processes ended and a NIC it held handed back first,
    # or the NIC would stay in a namespace nothing can reach
    [ -e "/run/netns/$_p" ] && wire_return "$_p" "${_p}1"
    ip netns del "$_p" 2>/dev/null; ip link del "${_p}0" 2>/dev/null
    ip netns add "$_p" || { fail "peer-$_p" "ip netns add failed"; return 1; }
    lab_on_cleanup "ip netns del $_p"
    case "$_via" in
        veth)
            lab_modprobe veth || return 1
            ip link add "${_p}0" type veth peer name "${_p}1" || return 1
            lab_on_cleanup "ip link del ${_p}0" ;;
        nic)
            wire_take "${_p}0" "${_p}1" || { fail "peer-$_p" "dom0 has no NIC pair (LAB_NIC=${LAB_NIC:-e1000e})"; return 1; }
            # at teardown before the namespace goes (cleanups run last-registered first)
            lab_on_cleanup "wire_return $_p ${_p}1" ;;
        *) fail "peer-$_p" "peer_create: VIA is veth or nic, not '$_via'"; return 1 ;;
    esac
    ip link set "${_p}1" netns "$_p"
    ip link set "${_p}0" master "$_br"
    ip link set "${_p}0" up
    ip netns exec "$_p" ip link set lo up
    ip netns exec "$_p" ip addr add $PEER_IP/24 dev "${_p}1"
    ip netns exec "$_p" ip link set "${_p}1" up
    # /sbin/ip, not the ip function: $! must be httpd's own pid for the kill at teardown
    /sbin/ip netns exec "$_p" httpd -f -p $PEER_IP:80 -h /lab/www &
    lab_on_cleanup "kill $! 2>/dev/null"
    if [ "$_via" = nic ]; then
        # a NIC's link comes up a while after it is set up; forwarding before that loses packets
        if ! wire_link_up "${_p}0" "$_p" "${_p}1"; then
            fail "peer-$_p-link" "no carrier on the wire: ${_p}0 $(cat "/sys/class/net/${_p}0/operstate" 2>/dev/null)"; return 1
        fi
        info "peer netns $_p up over the wire: NIC ${_p}0 ($(wire_driver "${_p}0")) on $_br, NIC ${_p}1 = $PEER_IP"
    else
        info "peer netns $_p up: ${_p}0 on $_br, ${_p}1 = $PEER_IP"
    fi
}
# ---------------------------------------------------------------- the wire (dom0's NICs)
WIRE_MACS="52:54:00:0a:00:01 52:54:00:0a:00:02"   # as tools/lab/lab gives them to QEMU
# wire_nic K: the name of dom0's NIC number K (1 or 2), found by its MAC; empty if none
wire_nic() {
    _wm=$(echo "$WIRE_MACS" | cut -d' ' -f"$1")
    for _wn in /sys/class/net/*; do
        [ "$(cat "$_wn/address" 2>/dev/null)" = "$_wm" ] && { basename "$_wn"; return 0; }
    done
    return 1
}
wire_driver() { basename "$(readlink "/sys/class/net/$1/device/driver")"; }   # NIC
wire_carrier() { [ "$(cat "/sys/class/net/$1/carrier" 2>/dev/null)" = 1 ]; }   # NIC
# wire_link_up NIC0 NETNS NIC1: both ends of the wire have carrier (within 20 s each); a
# NIC's link drops for a moment whenever its driver resets it (an MTU change)
wire_link_up() {
    wait_until 20 wire_carrier "$1" &&
        wait_until 20 /sbin/ip netns exec "$2" sh -c "grep -qx 1 /sys/class/net/$3/carrier"
}
# wire_up: the NIC driver loaded (LAB_NIC) and both NICs present
wire_up() {
    [ "${LAB_NIC:-e1000e}" != none ] || { warn "LAB_NIC=none: dom0 has no NIC"; return 1; }
    lab_modprobe "${LAB_NIC:-e1000e}" || return 1
    wait_until 20 wire_nic 2 >/dev/null
}
# wire_take NAME0 NAME1: dom0's two NICs, down and renamed NAME0 and NAME1
wire_take() {
    wire_up || return 1
    _w0=$(wire_nic 1) && _w1=$(wire_nic 2) || return 1
    ip link set "$_w0" down && ip link set "$_w0" name "$1" &&
        ip link set "$_w1" down && ip link set "$_w1" name "$2"
}
# wire_return NETNS NAME1: the processes in NETNS ended, the NIC it holds as NAME1 (if NAME1
# is one of dom0's NICs) moved back, and both NICs out of any bridge, down, named wire1 and
# wire2 and reset to what the next scenario expects: no qdisc, MTU 1500, offloads on. Each
# step may find a NIC gone (rmmod).
wire_return() {
    /sbin/ip netns pids "$1" 2>/dev/null | xargs -r kill 2>/dev/null
    case " $WIRE_MACS " in
        *" $(/sbin/ip netns exec "$1" cat "/sys/class/net/$2/address" 2>/dev/null) "*)
            /sbin/ip netns exec "$1" /sbin/ip link set "$2" netns 1 ;;
    esac
    for _wk in 1 2; do
        _wn=$(wire_nic $_wk) || continue
        ip link set "$_wn" nomaster; ip link set "$_wn" down
        tc qdisc del dev "$_wn" root
        ethtool -K "$_wn" sg on tso on gso on gro on
        ip link set "$_wn" mtu 1500; ip link set "$_wn" name "wire$_wk"
    done >/dev/null 2>&1
    return 0
}
peer() { ip netns exec peer "$@"; }
# Every transfer: a random blob served over HTTP, fetched by a command that prints the md5 of
# what it received; the check compares it with the blob's md5 and reports the rate.
_blob_id() { echo "b$(cut -c1-8 /proc/sys/kernel/random/uuid)"; }
# _timed_md5 CHECKNAME MiB MD5 FETCH...: run FETCH..., check the md5 it prints
_timed_md5() {
    local _name _mib _sum _t0 _got _t1
    _name=$1 _mib=$2 _sum=$3; shift 3
    _t0=$(uptime_s); _got=$("$@"); _t1=$(uptime_s)
    check_eq "$_name" "$_sum" "$_got" && info "$_name: $(_rate "$_mib" "$_t0" "$_t1")"
}
# _from_guest CHECKNAME GUEST MiB FETCH...: a blob in GUEST's web root, fetched by FETCH... BLOB
_from_guest() {
    local _name _guest _mib _blob _sum _status
    _name=$1 _guest=$2 _mib=$3; shift 3
    _blob=$(_blob_id)
    _sum=$(blob_guest "$_guest" "$_blob" "$_mib") || { fail "$_name" "blob in guest failed"; return 1; }
    # not _rc: the guest_run below sets it, to the rc of the rm
    _timed_md5 "$_name" "$_mib" "$_sum" "$@" "$_blob"; _status=$?
    guest_run "$_guest" "rm -f /www/$_blob" >/dev/null
    return "$_status"
}
# _from_dom0 CHECKNAME MiB FETCH...: a blob in dom0's web root (the peer serves it too), fetched
# by FETCH... BLOB
_from_dom0() {
    local _name _mib _blob _sum _status
    _name=$1 _mib=$2; shift 2
    _blob=$(_blob_id)
    _sum=$(blob_dom0 "$_blob" "$_mib")
    _timed_md5 "$_name" "$_mib" "$_sum" "$@" "$_blob"; _status=$?
    rm -f "/lab/www/$_blob"
    return "$_status"
}
_md5_of_stdin() { md5sum | cut -d' ' -f1; }
_fetch_by_dom0() { timeout 600 wget -q -O - "http://$1/$2" | _md5_of_stdin; }   # HOST BLOB
_fetch_by_peer() { timeout 900 /sbin/ip netns exec peer wget -q -O - "http://$1/$2" | _md5_of_stdin; }   # HOST BLOB
_fetch_by_guest() { guest_run "$1" "wget -q -O - http://$2/$3 | md5sum | cut -d' ' -f1" 900; }   # GUEST HOST BLOB

# xfer_g2d GUEST MiB [SUBNET] [CHECKNAME]: guest -> dom0 local socket
xfer_g2d() { _from_guest "${4:-xfer-$1-to-dom0}" "$1" "$2" _fetch_by_dom0 "$(guest_ip "$1" "${3:-0}")"; }
# xfer_d2g GUEST MiB [SUBNET] [CHECKNAME]: dom0 -> guest
xfer_d2g() { _from_dom0 "${4:-xfer-dom0-to-$1}" "$2" _fetch_by_guest "$1" "10.0.${3:-0}.1"; }
# xfer_g2g SRC DST MiB [CHECKNAME]: guest -> guest through the bridge
xfer_g2g() { _from_guest "${4:-xfer-$1-to-$2}" "$1" "$3" _fetch_by_guest "$2" "$(guest_ip "$1")"; }
# xfer_g2p GUEST MiB [CHECKNAME]: guest -> peer (forwarded)
xfer_g2p() { _from_guest "${3:-xfer-$1-to-peer}" "$1" "$2" _fetch_by_peer "$(guest_ip "$1")"; }
# xfer_p2g GUEST MiB [CHECKNAME]: peer -> guest (forwarded)
xfer_p2g() { _from_dom0 "${3:-xfer-peer-to-$1}" "$2" _fetch_by_guest "$1" "$PEER_IP"; }

quietly() { "$@" >/dev/null 2>&1; }
ping_check() { # NAME [COUNT] [NETNS]: ping guest eth0 from dom0 (or from netns)
    if [ -n "${3:-}" ]; then
        check "ping-$1-from-$3" quietly ip netns exec "$3" ping -c "${2:-3}" -W 2 "$(guest_ip "$1")"
    else
        check "ping-$1" quietly ping -c "${2:-3}" -W 2 "$(guest_ip "$1")"
    fi
}

# ---------------------------------------------------------------- backend counters
# backend_stats VIF: print the backend's ethtool counters (znetback: pages_mapped_now, ...)
backend_stats() {
    [ -e "/sys/class/net/$1" ] || return 0
    ethtool -S "$1" 2>/dev/null | tr -s ' ' | sed "s|^|LAB-INFO [$(scen)] ethtool -S $1:|" | head -60
}
# backend_stat VIF NAME -> value (empty if the backend has no such counter)
backend_stat() { ethtool -S "$1" 2>/dev/null | awk -v k="$2:" '$1==k{print $2}'; }
# znetback always has its counters: there an empty value means a gone vif or a renamed
# counter, an error to report, never a 0. The in-tree xen-netback has none of them.
backend_is_znetback() { [ "$(backend_current)" = znetback ]; }
# check_vif_identity VIF: the vif is named as in-tree xen-netback names it (driver "vif" in
# `ethtool -i` and sysfs: udev/systemd-networkd rules match on it), the module behind it is the
# backend under test, and znetback's modinfo version is the tree's VERSION
check_vif_identity() {
    _drv=/sys/class/net/$1/device/driver
    [ -e "$_drv/module" ] || { fail identity "no $_drv/module: is $1 a backend vif?"; return 1; }
    check_eq identity-ethtool-driver vif "$(ethtool -i "$1" | awk '$1=="driver:"{print $2}')"
    check_eq identity-sysfs-driver vif "$(basename "$(readlink "$_drv")")"
    check_eq identity-module "$(backend_current | tr - _)" "$(basename "$(readlink "$_drv/module")")"
    backend_is_znetback || return 0
    # znbstat finds znetback's vifs by that module link, not by the driver's name
    check identity-znbstat sh -c "/usr/local/bin/znbstat | grep -qx '$1'"
    check_eq identity-version "$LAB_ZNB_VERSION" "$(cat /sys/module/znetback/version 2>/dev/null)"
}
is_count() { case "$1" in ''|*[!0-9]*) return 1 ;; esac; }
# count_or_0 VALUE: VALUE if it is a count, else 0 (for differences of counters checked apart)
count_or_0() { if is_count "$1"; then echo "$1"; else echo 0; fi; }
is_count_above_zero() { is_count "$1" && [ "$1" -gt 0 ]; }
# maps_nothing VIF WHY: in this scenario VIF never has to map a guest page (it only carries
# packets tx_policy=auto grant-copies, say): the mapping precondition below is waived for
# it, and the log says why. Kept in a file: lab_teardown runs in a shell of its own.
maps_nothing() { echo "$1 $2" >> $LAB_CUR/maps-nothing; }
# assert_pages_were_mapped VIF: a drain to 0 proves nothing unless the backend really mapped
# guest pages on VIF first (znetback: ethtool stats map_ops and pages_mapped_peak above 0)
assert_pages_were_mapped() {
    if ! backend_is_znetback; then info "pages-mapped-$1: $(backend_current) has no map_ops/pages_mapped_peak counters, not checked"; return 0; fi
    _why=$(awk -v v="$1" '$1==v{sub(/^[^ ]* /, ""); print; exit}' $LAB_CUR/maps-nothing 2>/dev/null)
    if [ -n "$_why" ]; then info "pages-mapped-$1: not required, the scenario maps nothing there: $_why"; return 0; fi
    _ops=$(backend_stat "$1" map_ops) _peak=$(backend_stat "$1" pages_mapped_peak)
    if is_count_above_zero "$_ops" && is_count_above_zero "$_peak"; then
        pass "pages-mapped-$1" "map_ops $_ops, pages_mapped_peak $_peak"
    else
        fail "pages-mapped-$1" "map_ops '$_ops', pages_mapped_peak '$_peak': nothing was mapped, a drain to 0 would prove nothing"
    fi
}
# assert_mappings_drained VIF [SECS]: once traffic has stopped, the backend must hold no
# grant mappings for VIF (znetback: ethtool stat pages_mapped_now returns to 0), after it
# held some. Not checked (INFO) on a backend without the counters (in-tree xen-netback).
assert_mappings_drained() {
    if ! backend_is_znetback; then info "mappings-drained-$1: $(backend_current) has no map_ops/pages_mapped_* counters, neither the mapping nor the drain is checked"; return 0; fi
    assert_pages_were_mapped "$1"
    wait_until "${2:-20}" vif_unmapped "$1"
    check_eq "mappings-drained-$1" 0 "$(backend_stat "$1" pages_mapped_now)"
}
# vif_unmapped VIF: VIF maps no page, or has no counter left to say so (gone)
vif_unmapped() { _vu=$(backend_stat "$1" pages_mapped_now); ! is_count "$_vu" || [ "$_vu" = 0 ]; }
# vif_holds_pages VIF: VIF has guest pages mapped
vif_holds_pages() { is_count_above_zero "$(backend_stat "$1" pages_mapped_now)"; }

# module-wide count of guest pages the backend holds mapped (znetback debugfs
# /sys/kernel/debug/znetback/pages_mapped); empty if the backend has none
# debugfs_mounted: znetback's debugfs files readable (dom0 boots without debugfs mounted)
debugfs_mounted() { [ -d /sys/kernel/debug/znetback ] || mount -t debugfs debugfs /sys/kernel/debug 2>/dev/null; }
backend_global_mapped() {
    debugfs_mounted
    cat /sys/kernel/debug/znetback/pages_mapped 2>/dev/null
}
# global_mapped_settled N: the backend holds N pages mapped, or has no counter to say so
global_mapped_settled() { _gm=$(backend_global_mapped); ! is_count "$_gm" || [ "$_gm" = "$1" ]; }
# nothing_draining: no page is mapped, and no torn-down queue waits for pages (in this order:
# backend_global_mapped mounts debugfs)
nothing_draining() { [ "$(backend_global_mapped)" = 0 ] && [ "$(cat /sys/kernel/debug/znetback/queues_draining 2>/dev/null)" = 0 ]; }
# expect_leaked PAGES: the scenario made PAGES grant unmaps fail on purpose; those pages stay
# mapped for as long as dom0 runs (a boot file: later scenarios of the boot see them too)
expect_leaked() { echo "$1" > /tmp/lab/expect-leaked; }
# assert_global_drained [SECS]: after all guests are gone, no mapping may be left anywhere
# (but the pages expect_leaked announced)
assert_global_drained() {
    if ! backend_is_znetback; then info "global-pages-mapped-zero: $(backend_current) has no mapping counter, not checked"; return 0; fi
    _want=$(cat /tmp/lab/expect-leaked 2>/dev/null || echo 0)
    wait_until "${1:-20}" global_mapped_settled "$_want"
    _v=$(backend_global_mapped)
    if [ "$_want" = 0 ]; then check_eq global-pages-mapped-zero 0 "$_v"
    else check_eq global-pages-mapped-only-leaked "$_want" "$_v"; fi
}

# ---------------------------------------------------------------- leak baselines
# What the leak checks compare before and after: Xen free memory, dom0 memory (MiB), and the
# backend module's reference count (0 = nothing holds it).
xen_free() { xl info | awk '/^free_memory/{print $3}'; }
dom0_avail() { awk '/^MemAvailable/{print int($2/1024)}' /proc/meminfo; }
modref() { awk -v m="$(backend_current | tr - _)" '$1==m{print $3}' /proc/modules; }
snapshot() { echo "xen_free=$(xen_free)MiB dom0_avail=$(dom0_avail)MiB slab=$(awk '/^Slab/{print int($2/1024)}' /proc/meminfo)MiB modref=$(modref) mapped=$(backend_global_mapped)"; }

# ---------------------------------------------------------------- dmesg checks
# The slab and page-poison reports are spelt as mm/slub.c (slab_bug, slab_err, object_err,
# check_bytes_and_report: "BUG kmalloc-64 (Tainted: ...): Poison overwritten", "Left Redzone
# overwritten", "Freepointer corrupt", ...) and mm/page_poison.c ("pagealloc: memory
# corruption", "pagealloc: corrupted page details") print them.
DOM0_BAD='Oops|BUG[: ]|WARNING:|[Bb]ad page|general protection|Call Trace|refcount_t|list_add corruption|list_del corruption|use-after-free|double free|RIP: '
DOM0_BAD="$DOM0_BAD"'|Poison overwritten|Redzone overwritten|[Pp]adding overwritten|Freepointer corrupt|Freechain corrupt'
DOM0_BAD="$DOM0_BAD"'|pagealloc: (memory corruption|single bit error|corrupted page)|Slab disabled since SLUB|Not a valid slab page'
GUEST_BAD='Grant still in use|leaked grant|leaking g\.e\.|Oops|BUG[: ]|WARNING:|Call Trace|[Bb]ad page'
# what Linux 6.1 xen-netfront says when its backend's responses break the protocol
GUEST_BAD="$GUEST_BAD"'|Disabled for further use|Response has incorrect id|Response for inactive request'
GUEST_BAD="$GUEST_BAD"'|Illegal number of responses|RX producer index going backwards|Bad rx response id'
GUEST_BAD="$GUEST_BAD"'|rx->offset: |Missing extra info|Invalid extra type|Need more slots|Too many slots'
GUEST_BAD="$GUEST_BAD"'|GSO size must not be zero|Bad GSO type'
# the guest /init prints this first: without it the console holds nothing of this guest
GUEST_BOOT_MARKER='GUEST: init start'
# dom0 kernel log since the current scenario began
dom0_dmesg_since_begin() { dmesg | awk -v s="LAB-SCENARIO-BEGIN $(scen)" 'index($0,s){p=1;next} p'; }
check_dom0_dmesg() {
    # without its start marker the log says nothing about this scenario: never a silent pass
    if ! dmesg | grep -q "LAB-SCENARIO-BEGIN $(scen)"; then
        fail dom0-dmesg-clean "the kernel log no longer holds this scenario's start"; return 1
    fi
    _bad=$(dom0_dmesg_since_begin | grep -E "$DOM0_BAD")
    if [ -z "$_bad" ]; then pass dom0-dmesg-clean; else
        echo "$_bad" | head -20 | sed "s|^|LAB-INFO [$(scen)] dom0 dmesg: |"
        fail dom0-dmesg-clean "$(echo "$_bad" | head -1)"
    fi
}
# guest_may_log NAME ERE WHY: lines of NAME's kernel log that match ERE are the guest's right
# answer to what the scenario does to it on purpose (an ERROR response it was sent, say):
# check_guest_dmesg counts them instead of failing on them. Kept in a file, as maps_nothing.
guest_may_log() { printf '%s\t%s\t%s\n' "$1" "$2" "$3" >> $LAB_CUR/guest-may-log; }
# guest kernel log = its console (loglevel=7 prints everything there), so it is readable
# even after the guest lost its network or was destroyed
check_guest_dmesg() { # NAME
    # a missing or empty console would hold no complaint either: never a silent pass
    if ! guest_console "$1" | grep -q "$GUEST_BOOT_MARKER"; then
        fail "guest-dmesg-clean-$1" "no '$GUEST_BOOT_MARKER' in $(guest_console_log "$1"): the guest's kernel log was not captured"
        return 1
    fi
    # the kernel the image was built with (a mixed boot gives the guests another than dom0's)
    _want=$(sed -n 's/^GUEST_ABI=//p' /etc/lab-build)
    guest_console "$1" | grep -q "Linux version $_want " ||
        fail "guest-kernel-$1" "its console has no 'Linux version $_want': $(guest_console "$1" | grep -o 'Linux version [^ ]*' | head -1)"
    _may=$(awk -F'\t' -v g="$1" '$1==g{print $2}' $LAB_CUR/guest-may-log 2>/dev/null | paste -sd'|')
    _bad=$(guest_console "$1" | grep -E "$GUEST_BAD" | grep -vE "${_may:-^\$}")
    [ -z "$_may" ] || info "guest-dmesg-$1: $(guest_console "$1" | grep -cE "$_may") lines the scenario caused on purpose: $(awk -F'\t' -v g="$1" '$1==g{print $3}' $LAB_CUR/guest-may-log | paste -sd';')"
    if [ -z "$_bad" ]; then pass "guest-dmesg-clean-$1"; else
        _l=$(guest_console "$1" | grep -n -E "$GUEST_BAD" | head -1 | cut -d: -f1)
        guest_console "$1" | sed -n "$((_l > 15 ? _l - 15 : 1)),$((_l + 40))p" | sed "s|^|LAB-INFO [$(scen)] $1 console: |"
        fail "guest-dmesg-clean-$1" "$(echo "$_bad" | head -1)"
    fi
}
final_dom0_dmesg_check() {
    _bad=$(dmesg | grep -E "$DOM0_BAD")
    if [ -z "$_bad" ]; then echo "LAB-BOOT-CHECK dom0-dmesg: PASS"; else
        echo "$_bad" | head -20 | sed 's/^/LAB-INFO dom0 dmesg: /'
        echo "LAB-BOOT-CHECK dom0-dmesg: FAIL"
    fi
    kfence_check
}
# Booted with KFENCE (the host sets kfence.sample_interval where the kernel has it): a clean
# log only means something if KFENCE really ran and sampled allocations all along.
kfence_check() {
    _ms=$(sed -n 's/.*kfence\.sample_interval=\([0-9]*\).*/\1/p' /proc/cmdline)
    [ -n "$_ms" ] && [ "$_ms" != 0 ] || return 0
    _stats=/sys/kernel/debug/kfence/stats
    [ -r $_stats ] || mount -t debugfs debugfs /sys/kernel/debug 2>/dev/null
    _allocs=$(awk -F: '/^total allocations/{print $2 + 0}' $_stats 2>/dev/null)
    echo "LAB-INFO kfence: $(tr '\n' ';' < $_stats 2>/dev/null)"
    if dmesg | grep -q 'kfence: initialized' && [ "${_allocs:-0}" -gt 0 ]; then
        echo "LAB-BOOT-CHECK kfence-sampled: PASS (${_allocs} allocations sampled every ${_ms} ms)"
    else
        echo "LAB-BOOT-CHECK kfence-sampled: FAIL (sample_interval=$_ms but $(dmesg | grep -m1 kfence || echo 'no kfence line in dmesg'), ${_allocs:-no} allocations sampled)"
    fi
}

# ---------------------------------------------------------------- vifs
# vif_devids NAME: the devids of NAME's vifs that dom0 serves (not a driver domain)
vif_devids() { xl network-list "$1" 2>/dev/null | awk 'NR>1 && $2==0{print $1}'; }
# vif_devids_elsewhere NAME: the devids of NAME's vifs that a driver domain serves
vif_devids_elsewhere() { xl network-list "$1" 2>/dev/null | awk 'NR>1 && $2!=0{print $1}'; }
# vif_detach NAME DEVID: graceful xl network-detach, waits until the backend device is gone
vif_detach() {
    _v=$(guest_vif "$1" "$2")
    if ! timeout 60 xl network-detach "$1" "$2"; then fail "detach-$1-$2" "xl network-detach failed"; return 1; fi
    wait_until 20 [ ! -e "/sys/class/net/$_v" ] || { fail "detach-$1-$2" "$_v still exists"; return 1; }
}

# dom0_vifs: the backend's vifs in dom0 (vifD.H netdevs), one a line
dom0_vifs() { for _nv in /sys/class/net/vif*; do [ ! -e "$_nv" ] || echo "${_nv##*/}"; done; }
dom0_has_no_vifs() { [ -z "$(dom0_vifs)" ]; }
# rx_threads VIF: how many znetback guest RX threads (vifD.H-qN-rx) VIF has
rx_threads() { grep -lx "$1-q[0-9]*-rx" /proc/[0-9]*/comm 2>/dev/null | wc -l; }
# queues VIF: the netdev's transmit queues (one per queue pair)
queues() { find "/sys/class/net/$1/queues" -maxdepth 1 -name 'tx-*' | wc -l; }

# hot_bridge NAME SUBNET: a second bridge (dom0 = 10.0.SUBNET.1) for hot-plugged vifs
hot_bridge() {
    ip link add "$1" type bridge && lab_on_cleanup "ip link del $1"
    ip link set "$1" type bridge forward_delay 0 stp_state 0 2>/dev/null
    ip addr add "10.0.$2.1/24" dev "$1"
    ip link set "$1" up
}
# vif_attach NAME SUBNET BRIDGE CHECKNAME: stock `xl network-attach` of a vif with MAC
# 00:16:3e:00:SUBNET:k+1 on BRIDGE; waits until the guest answers on it. Sets DEVID.
vif_attach() {
    DEVID=""
    if ! timeout 60 xl network-attach "$1" bridge="$3" mac="$(guest_mac "$1" "$2")" script=/etc/xen/scripts/vif-lab; then
        fail "$4" "xl network-attach failed"; return 1
    fi
    DEVID=$(vif_devids "$1" | tail -1)
    _ip=$(guest_ip "$1" "$2")
    wait_until 60 quietly ping -c 1 -W 1 "$_ip" || quietly ping -c 1 -W 2 "$_ip" ||
        { fail "$4" "no answer from $_ip on devid $DEVID"; return 1; }
}

# lab_teardown: run by /init after each scenario (also after a timeout / failure)
lab_teardown() {
    for _g in $(lab_guests_teardown_order); do
        xl domid "$_g" >/dev/null 2>&1 || { warn "guest $_g is not running at teardown"; check_guest_dmesg "$_g"; continue; }
        for _d in $(vif_devids "$_g"); do
            backend_stats "$(guest_vif "$_g" "$_d")"
            assert_mappings_drained "$(guest_vif "$_g" "$_d")"
        done
        # graceful detach makes netfront end its grants: "Grant still in use" shows here
        for _d in $(vif_devids "$_g"); do vif_detach "$_g" "$_d" || true; done
        for _d in $(vif_devids_elsewhere "$_g"); do timeout 60 xl network-detach "$_g" "$_d" || fail "detach-$_g-$_d" "xl network-detach of a vif a driver domain serves failed"; done
        sleep 1
        check_guest_dmesg "$_g"
        xl destroy "$_g" || fail "destroy-$_g"
        guest_console "$_g" > "$LAB_CUR/guest-$_g.log"
        # xl restarts a guest that rebooted, on purpose (reconnect-paths, the soak) or
        # because an HVM guest's triple fault made it (#21): there, where its first kernel
        # had got to is the clue
        if [ "$(grep -c 'Linux version' "$LAB_CUR/guest-$_g.log")" -gt 1 ]; then
            awk '/Linux version/ { n++ } n == 1' "$LAB_CUR/guest-$_g.log" | tail -12 |
                sed "s|^|LAB-INFO [$(scen)] console $_g before it rebooted: |"
        fi
    done
    wait_until 10 dom0_has_no_vifs || fail backend-vifs-gone "left: $(dom0_vifs)"
    assert_global_drained 30
    [ -z "$(xenstore-ls /local/domain/0/backend/vif 2>/dev/null)" ] || warn "backend/vif xenstore entries left: $(xenstore-list /local/domain/0/backend/vif 2>/dev/null | tr '\n' ' ')"
    if [ -f $LAB_CUR/cleanup ]; then
        sed '1!G;h;$!d' $LAB_CUR/cleanup > $LAB_CUR/cleanup.rev
        while read -r _c; do eval "$_c" >/dev/null 2>&1; done < $LAB_CUR/cleanup.rev
    fi
    killall tcpdump iperf3 2>/dev/null
    check_dom0_dmesg
}
