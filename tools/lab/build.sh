# shellcheck shell=bash
# Image builder for the znetback Xen lab. Sourced by tools/lab/lab; not run directly.
#
#   lab_fetch     apt-get download the packages of packages.txt into $ZNB_CACHE/debs
#   lab_unpack    dpkg -x them into $ZNB_CACHE/root-<key> (key = exact .deb file names)
#   lab_images    build xen, vmlinuz, guest initrd and the dom0 base initrd under
#                 build/lab/images/ABI (LAB_IMG)
#   lab_overlay   per-run dom0 overlay cpio: tests/lab, bench/*.sh, run config (LAB_*, BENCH_*, HOSTILE_*),
#                 znetback.ko if built
#
# Nothing is installed on the host. The kernel ABI comes from LAB_KERNEL or the installed
# /usr/src/linux-headers-*-amd64 (never from uname -r).

XENVER=4.17

# LAB_ABI: the kernel dom0 and the guests boot. LAB_KERNEL=6.1|6.12|ABI picks one of Debian 12's
# kernels (tools/kernel-headers.sh names the newest ABI Debian serves and fetches its headers);
# unset, it is the installed /usr/src/linux-headers-*-amd64. LAB_IMAGE_PKG: the package with
# that kernel (a security update may ship only the -unsigned image; it is the same kernel).
lab_detect_abi() {
    if [ -z "${LAB_ABI:-}" ]; then
        local h
        if [ -n "${LAB_KERNEL:-}" ]; then
            h=$("$LAB_REPO/tools/kernel-headers.sh" "$LAB_KERNEL") ||
                die "LAB_KERNEL=$LAB_KERNEL: Debian serves no headers for it (tools/kernel-headers.sh)"
        else
            h=$(find /usr/src -maxdepth 1 -name 'linux-headers-*-amd64' | sort -V | tail -1)
            [ -n "$h" ] || die "no /usr/src/linux-headers-*-amd64 installed (run: make deps)"
        fi
        LAB_ABI=${h##*/linux-headers-}
    fi
    [ -n "${LAB_IMAGE_PKG:-}" ] || LAB_IMAGE_PKG=$(lab_image_pkg "$LAB_ABI") || exit 2
}

lab_image_pkg() { # ABI: the name of the package with that kernel image
    local p
    for p in "linux-image-$1" "linux-image-$1-unsigned"; do
        if apt-cache show "$p" 2>/dev/null | grep -q '^Version:'; then echo "$p"; return 0; fi
    done
    die "Debian serves no linux-image-$1 (nor -unsigned), the kernel of headers $1. Run 'apt-get update', or pick another kernel (LAB_KERNEL=6.1|6.12)."
}

# the module built for LAB_ABI: ./znetback.ko (make module) for the installed headers,
# build/kernels/ABI/znetback.ko (make modules-all, tools/build-kernels.sh) for another kernel
lab_default_ko() {
    if [ -e "/usr/src/linux-headers-$LAB_ABI" ]; then echo "$LAB_REPO/znetback.ko"
    else echo "$LAB_REPO/build/kernels/$LAB_ABI/znetback.ko"; fi
}

lab_pkglist() {
    sed -e 's/#.*//' -e "s/@IMAGE@/$LAB_IMAGE_PKG/g" "$LAB_TOOLS/packages.txt" | tr -s ' \t' '\n' | grep -v '^$'
}

# Resolve the package list to exact .deb file names (no network needed: apt lists).
# Output: lines "URL FILENAME".
lab_resolve() {
    local out err
    err=$(mktemp)
    # shellcheck disable=SC2046 # the packages, one argument each
    if ! out=$(apt-get download --print-uris $(lab_pkglist) 2>"$err"); then
        if grep -q "$LAB_IMAGE_PKG" "$err"; then
            cat "$err" >&2; rm -f "$err"
            die "$LAB_IMAGE_PKG (the kernel of headers $LAB_ABI) is not downloadable. Run 'apt-get update', or pick a kernel whose image Debian still ships (LAB_KERNEL=6.1|6.12)."
        fi
        cat "$err" >&2; rm -f "$err"
        return 1
    fi
    rm -f "$err"
    echo "$out" | awk '{gsub("\x27","",$1); print $1, $2}'
}

lab_fetch() {
    lab_detect_abi
    mkdir -p "$ZNB_CACHE/debs"
    local list
    if ! list=$(lab_resolve); then
        if [ -e "$ZNB_CACHE/root-last" ]; then
            warn "apt cannot resolve the package list; reusing cached root $(readlink "$ZNB_CACHE/root-last")"
            LAB_ROOT=$ZNB_CACHE/$(readlink "$ZNB_CACHE/root-last")
            return 0
        fi
        die "apt-get download --print-uris failed (run: apt-get update)"
    fi
    LAB_DEBS=$(echo "$list" | awk '{print $2}' | sort)
    # shellcheck disable=SC2086 # the .deb files, one argument each
    lab_download $LAB_DEBS
    local key
    key=root-$(echo "$LAB_DEBS" | sha256sum | cut -c1-16)
    LAB_ROOT=$ZNB_CACHE/$key
    # shellcheck disable=SC2086 # the .deb files, one argument each
    if lab_unpack "$LAB_ROOT" $LAB_DEBS; then
        # keep only the newest few unpacked roots
        # shellcheck disable=SC2010 # ls -t sorts by age, which a glob cannot
        ls -dt "$ZNB_CACHE"/root-* 2>/dev/null | grep -v -- '-last$' | tail -n +4 | xargs -r rm -rf
    fi
    ln -sfn "$key" "$ZNB_CACHE/root-last"
}

# lab_qemu_backports: QEMU from bookworm-backports (LAB_QEMU=backports), for measuring the
# emulator itself against the host's QEMU 7.2 (#21). apt works on a state of its own under
# $ZNB_CACHE/qemu-backports (its own source list, package lists and cache; the host's dpkg
# status only tells it what is installed), so nothing reaches the host's apt configuration
# or /usr. Sets LAB_QEMU_CMD: the binary and the -L firmware paths of its unpacked packages.
lab_qemu_backports() {
    local top=$ZNB_CACHE/qemu-backports
    local apt=(-o "Dir::Etc::SourceList=$top/apt/sources.list" -o Dir::Etc::SourceParts=/dev/null
        -o "Dir::State::Lists=$top/apt/lists" -o "Dir::Cache=$top/apt/cache"
        -o APT::Sandbox::User=root)
    local root=$top/root
    if [ ! -e "$root/.complete" ]; then
        mkdir -p "$top/apt/lists/partial" "$top/apt/cache/archives/partial" "$top/debs"
        echo "deb http://deb.debian.org/debian bookworm-backports main" > "$top/apt/sources.list"
        log "fetching QEMU from bookworm-backports into $top"
        apt-get "${apt[@]}" update >"$top/apt.log" 2>&1 || { cat "$top/apt.log" >&2; die "apt-get update of bookworm-backports failed"; }
        # the emulator, its firmware and keymaps; its libraries are bookworm's, as the host
        # QEMU's are (checked below)
        (cd "$top/debs" && rm -f ./*.deb && apt-get "${apt[@]}" download qemu-system-x86 qemu-system-common \
            qemu-system-data seabios >>"$top/apt.log" 2>&1) || { cat "$top/apt.log" >&2; die "apt-get download from bookworm-backports failed"; }
        rm -rf "$root" "$root.tmp"; mkdir -p "$root.tmp"
        local f; for f in "$top"/debs/*.deb; do dpkg -x "$f" "$root.tmp" || die "dpkg -x $f failed"; done
        touch "$root.tmp/.complete"; mv "$root.tmp" "$root"
    fi
    local bin=$root/usr/bin/qemu-system-x86_64 missing
    missing=$(ldd "$bin" | awk '/not found/ {print $1}')
    [ -z "$missing" ] || die "$bin needs libraries the host lacks: $missing (apt-get install them, or remove $top to fetch again)"
    # firmware: the backports SeaBIOS and option ROMs, the NICs' iPXE ROMs of the host's QEMU
    # shellcheck disable=SC2034 # boot_qemu (tools/lab/lab) runs it
    LAB_QEMU_CMD=("$bin" -L "$root/usr/share/qemu" -L "$root/usr/share/seabios" -L /usr/lib/ipxe/qemu)
}

# lab_download FILE...: the .deb files (as apt names them) not yet in $ZNB_CACHE/debs
lab_download() {
    local missing=() specs=() f p v
    for f in "$@"; do [ -s "$ZNB_CACHE/debs/$f" ] || missing+=("$f"); done
    if [ ${#missing[@]} = 0 ]; then
        log "all $# packages cached in $ZNB_CACHE/debs"
        return 0
    fi
    log "downloading ${#missing[@]} package(s) into $ZNB_CACHE/debs"
    # apt-get download wants names; map file names back to name=version
    for f in "${missing[@]}"; do
        p=${f%%_*}; v=${f#*_}; v=${v%_*}; v=${v//%3a/:}
        specs+=("$p=$v")
    done
    (cd "$ZNB_CACHE/debs" && apt-get download "${specs[@]}" >"$ZNB_CACHE/apt-download.log" 2>&1) \
        || { cat "$ZNB_CACHE/apt-download.log" >&2; die "apt-get download failed"; }
}

# lab_unpack DIR FILE...: dpkg -x the cached debs into DIR, unless done already (returns 1
# then); a half-done DIR never counts as done
lab_unpack() {
    local dir=$1 f; shift
    [ ! -e "$dir/.complete" ] || return 1
    log "unpacking $# deb(s) into $dir"
    rm -rf "$dir" "$dir.tmp"; mkdir -p "$dir.tmp"
    for f in "$@"; do dpkg -x "$ZNB_CACHE/debs/$f" "$dir.tmp" || die "dpkg -x $f failed"; done
    echo "$@" | tr ' ' '\n' > "$dir.tmp/.complete"
    mv "$dir.tmp" "$dir"
}

# ---------------------------------------------------------------- image helpers
_libpath() { echo "$LAB_ROOT/lib/x86_64-linux-gnu:$LAB_ROOT/usr/lib/x86_64-linux-gnu"; }

install_busybox() { # DEST
    local bb=$LAB_ROOT/bin/busybox a
    [ -x "$bb" ] || die "busybox-static not unpacked"
    install -D -m755 "$bb" "$1/bin/busybox"
    for a in $("$bb" --list-full); do
        [ -e "$1/$a" ] || [ -L "$1/$a" ] || { mkdir -p "$1/$(dirname "$a")"; ln -s /bin/busybox "$1/$a"; }
    done
}

# install an ELF from the unpacked root plus the libraries ldd resolves (from the root only)
install_elf() { # DEST SRC DESTPATH
    local dest=$1 src=$2 dpath=$3 name path c lib
    [ -e "$src" ] || die "binary $src not found in unpacked packages"
    install -D -m755 "$src" "$dest$dpath"
    while read -r name path; do
        if [ "$name" = ld ]; then
            [ -e "$dest/lib64/ld-linux-x86-64.so.2" ] || \
                install -D -m755 "$(readlink -f "$LAB_ROOT/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2")" "$dest/lib64/ld-linux-x86-64.so.2"
            continue
        fi
        [ -e "$dest/lib/x86_64-linux-gnu/$name" ] && continue
        lib=""
        for c in "$LAB_ROOT/lib/x86_64-linux-gnu/$name" "$LAB_ROOT/usr/lib/x86_64-linux-gnu/$name"; do
            [ -e "$c" ] && { lib=$c; break; }
        done
        [ -n "$lib" ] || die "$(basename "$src") needs $name, which no package in tools/lab/packages.txt provides (host has: $path; find its package with: dpkg -S $name)"
        install -D -m755 -T "$(readlink -f "$lib")" "$dest/lib/x86_64-linux-gnu/$name"
    done < <(LD_LIBRARY_PATH=$(_libpath) ldd "$src" | awk '/=>/{print $1" "$3} /ld-linux/{print "ld "$1}')
}

mkcpio() { (cd "$1" && find . | LC_ALL=C sort | cpio -o -H newc --quiet -R 0:0 | gzip -"${2:-6}"); }

# module index: normalized name -> path, from the unpacked kernel
_mod_index() {
    [ "${_MODIDX_DIR:-}" = "$LAB_MODDIR" ] && return 0
    declare -gA MODPATH=()
    local p n
    while read -r p; do
        n=$(basename "$p"); n=${n%%.ko*}; n=${n//-/_}
        MODPATH[$n]=$p
    done < <(find "$LAB_MODDIR/kernel" -name '*.ko*')
    _MODIDX_DIR=$LAB_MODDIR
}

# copy module NAME (and its dependencies) into DEST/lib/modules/lab, append to moddeps
add_module() { # DEST NAME
    local dest=$1 n=${2//-/_} p deps d
    [ -e "$dest/lib/modules/lab/$n.ko" ] && return 0
    _mod_index
    p=${MODPATH[$n]:-}
    if [ -z "$p" ]; then
        if grep -qE "/${2}\.ko$|/${n}\.ko$" "$LAB_MODDIR/modules.builtin" 2>/dev/null; then
            info "module $2 is built into ${LAB_MODDIR##*/}, skipping"; return 0
        fi
        die "kernel module $2 not found in the kernel ${LAB_MODDIR##*/}"
    fi
    mkdir -p "$dest/lib/modules/lab"
    case "$p" in
        *.ko.xz) xz -dc "$p" > "$dest/lib/modules/lab/$n.ko" ;;
        *.ko.zst) zstd -qdc "$p" > "$dest/lib/modules/lab/$n.ko" ;;
        *.ko.gz) gzip -dc "$p" > "$dest/lib/modules/lab/$n.ko" ;;
        *) cp "$p" "$dest/lib/modules/lab/$n.ko" ;;
    esac
    deps=$(modinfo -F depends "$dest/lib/modules/lab/$n.ko" | tr ',' ' ' | tr '-' '_')
    for d in $deps; do add_module "$dest" "$d"; done
    echo "$n $deps" >> "$dest/lib/modules/lab/moddeps"
}

# LAB_GUEST_KERNEL=6.1|6.12|ABI: the guests boot another kernel than dom0 (both netfronts
# meet both backends). Sets GUEST_ABI and GUEST_KROOT, the unpacked image package with it.
lab_guest_kernel() {
    GUEST_ABI=$LAB_ABI GUEST_KROOT=$LAB_ROOT
    [ -n "${LAB_GUEST_KERNEL:-}" ] || return 0
    local h pkg f
    h=$("$LAB_REPO/tools/kernel-headers.sh" "$LAB_GUEST_KERNEL") ||
        die "LAB_GUEST_KERNEL=$LAB_GUEST_KERNEL: Debian serves no headers for it (tools/kernel-headers.sh)"
    GUEST_ABI=${h##*/linux-headers-}
    [ "$GUEST_ABI" != "$LAB_ABI" ] || return 0
    pkg=$(lab_image_pkg "$GUEST_ABI") || exit 2
    read -r _ f < <(apt-get download --print-uris "$pkg" 2>/dev/null | awk '{gsub("\x27","",$1); print $1, $2}')
    [ -n "${f:-}" ] || die "apt-get download --print-uris $pkg failed (apt-get update?)"
    lab_download "$f"
    GUEST_KROOT=$ZNB_CACHE/kernel-${f%.deb}
    lab_unpack "$GUEST_KROOT" "$f" || true
}

_stamp_inputs() { # what the base images depend on
    echo "root=$LAB_ROOT abi=$LAB_ABI guest=$GUEST_KROOT $GUEST_ABI"
    (cd "$LAB_TOOLS" && find build.sh packages.txt modules.txt rootfs -type f | LC_ALL=C sort | xargs sha256sum)
}

# Images per kernel pair: build/lab/images/ABI (or ABI-guest-GUESTABI); LAB_IMG names it.
lab_images() {
    lab_fetch
    lab_guest_kernel
    LAB_MODDIR=$LAB_ROOT/lib/modules/$LAB_ABI
    [ -d "$LAB_MODDIR" ] || die "$LAB_IMAGE_PKG has no /lib/modules/$LAB_ABI"
    LAB_IMG=$LAB_BUILD/images/$LAB_ABI
    [ "$GUEST_ABI" = "$LAB_ABI" ] || LAB_IMG=$LAB_IMG-guest-$GUEST_ABI
    local img=$LAB_IMG stamp
    stamp=$(_stamp_inputs | sha256sum | cut -c1-16)
    if [ -e "$img/.stamp" ] && [ "$(cat "$img/.stamp")" = "$stamp" ] && [ "${LAB_REBUILD:-0}" != 1 ]; then
        log "images up to date ($img)"
        return 0
    fi
    local t0=$SECONDS
    log "building images for kernel $LAB_ABI (guests $GUEST_ABI), Xen $XENVER into $img"
    rm -rf "$img"; mkdir -p "$img"
    local xenbin=$LAB_ROOT/usr/lib/xen-$XENVER/bin
    zcat "$LAB_ROOT/boot/xen-$XENVER-amd64.gz" > "$img/xen" || die "no xen hypervisor in packages"
    cp "$LAB_ROOT/boot/vmlinuz-$LAB_ABI" "$img/vmlinuz" || die "no vmlinuz-$LAB_ABI"
    cp "$GUEST_KROOT/boot/vmlinuz-$GUEST_ABI" "$img/vmlinuz-guest" || die "no vmlinuz-$GUEST_ABI"

    # ---- guest initramfs: busybox, xen-netfront, iperf3, command CGI
    local G=$img/guest-rootfs
    mkdir -p "$G"/{proc,sys,dev,tmp,run,www}
    install_elf "$G" "$LAB_ROOT/usr/bin/iperf3" /usr/bin/iperf3
    # make bench switches the guest's TSO/GSO off for its MTU-1500 rows
    install_elf "$G" "$LAB_ROOT/sbin/ethtool" /sbin/ethtool
    # iproute2's ip (not busybox's): it loads the XDP program of tests/lab/xdp.sh
    install_elf "$G" "$LAB_ROOT/bin/ip" /sbin/ip
    install_busybox "$G"
    LAB_MODDIR=$GUEST_KROOT/lib/modules/$GUEST_ABI add_module "$G" xen-netfront
    cp -a "$LAB_TOOLS/rootfs/guest/." "$G/"; chmod 755 "$G/init" "$G/www/cgi-bin/run"
    mkcpio "$G" > "$img/guest-initrd.gz"

    # ---- dom0 base initramfs
    local D=$img/dom0-rootfs b m
    mkdir -p "$D"/{proc,sys,dev,run,tmp,var/lib,var/log,guest,lab,etc/xen/scripts,usr/local/bin}
    ln -s /run "$D/var/run"; ln -s /run/lock "$D/var/lock"
    for b in xl xenstored xenconsoled xen-init-dom0 xenconsole libxl-save-helper; do
        install_elf "$D" "$xenbin/$b" "/usr/lib/xen-$XENVER/bin/$b"
    done
    install_elf "$D" "$LAB_ROOT/usr/bin/xenstore" /usr/bin/xenstore
    for b in read write rm ls list exists chmod watch control; do ln -s xenstore "$D/usr/bin/xenstore-$b"; done
    install_elf "$D" "$LAB_ROOT/usr/bin/tcpdump" /usr/bin/tcpdump
    install_elf "$D" "$LAB_ROOT/usr/bin/iperf3" /usr/bin/iperf3
    install_elf "$D" "$LAB_ROOT/sbin/ethtool" /sbin/ethtool
    install_elf "$D" "$LAB_ROOT/bin/ip" /sbin/ip
    install_elf "$D" "$LAB_ROOT/sbin/tc" /sbin/tc
    install_elf "$D" "$LAB_ROOT/usr/bin/perf" /usr/bin/perf
    # Debian's stock vif-bridge and what it sources (xen-utils-common), run by bash
    install_elf "$D" "$LAB_ROOT/bin/bash" /bin/bash
    for b in vif-bridge vif-common.sh xen-hotplug-common.sh xen-network-common.sh \
             xen-script-common.sh locking.sh logging.sh hotplugpath.sh; do
        install -m755 "$LAB_ROOT/etc/xen/scripts/$b" "$D/etc/xen/scripts/$b" || die "no stock $b"
    done
    mkdir -p "$D/etc/iproute2" "$D/usr/lib/tc"
    cp -a "$LAB_ROOT/usr/lib/tc/." "$D/usr/lib/tc/" 2>/dev/null || true   # netem distribution tables
    # glibc dlopen()s libgcc_s for pthread_cancel/unwinding (xl create aborts without it)
    install -D -m644 "$(readlink -f "$LAB_ROOT/lib/x86_64-linux-gnu/libgcc_s.so.1")" "$D/lib/x86_64-linux-gnu/libgcc_s.so.1" \
        || die "libgcc_s.so.1 missing"
    install_busybox "$D"
    # shellcheck disable=SC2013 # several module names a line
    for m in $(sed 's/#.*//' "$LAB_TOOLS/modules.txt"); do add_module "$D" "$m"; done
    cp -a "$LAB_TOOLS/rootfs/dom0/." "$D/"; chmod 755 "$D/init" "$D/init-driver-domain" "$D/etc/xen/scripts/vif-lab"
    # a driver domain booted from this image serves its command channel as a guest does
    mkdir -p "$D/usr/share/lab"; cp -a "$LAB_TOOLS/rootfs/guest/www" "$D/usr/share/lab/guest-www"
    cp "$img/vmlinuz-guest" "$D/guest/vmlinuz"; cp "$img/guest-initrd.gz" "$D/guest/"
    echo "LAB_ABI=$LAB_ABI" > "$D/etc/lab-build"
    echo "GUEST_ABI=$GUEST_ABI" >> "$D/etc/lab-build"
    echo "XENVER=$XENVER" >> "$D/etc/lab-build"
    mkcpio "$D" > "$img/dom0-base.cpio.gz"

    # ---- dom0's HVM additions (an HVM guest's device model, hvmloader, its BIOS), appended
    # to the base only by runs that boot an HVM guest: the others do not unpack it
    local H=$img/dom0-hvm-rootfs f
    install_elf "$H" "$LAB_ROOT/usr/libexec/xen-qemu-system-i386" /usr/libexec/xen-qemu-system-i386
    install -D -m644 "$LAB_ROOT/usr/lib/xen-$XENVER/boot/hvmloader" "$H/usr/lib/xen-$XENVER/boot/hvmloader" \
        || die "no hvmloader in xen-utils-$XENVER"
    install -D -m644 "$LAB_ROOT/usr/share/seabios/bios-256k.bin" "$H/usr/share/seabios/bios-256k.bin" \
        || die "no SeaBIOS in seabios"
    # the device model's option ROM that boots the guest's kernel (no DMA under Xen), and the
    # keymap it reads even with its VNC server off
    for f in linuxboot.bin keymaps/en-us; do
        install -D -m644 "$LAB_ROOT/usr/share/qemu/$f" "$H/usr/share/qemu/$f" || die "no $f in qemu-system-data"
    done
    # the ROM of the rtl8139 xl gives an HVM guest for a type=ioemu vif: the device model
    # will not start without it
    install -D -m644 "$LAB_ROOT/usr/lib/ipxe/qemu/efi-rtl8139.rom" "$H/usr/lib/ipxe/qemu/efi-rtl8139.rom" \
        || die "no efi-rtl8139.rom in ipxe-qemu"
    # unpacked over the base: what the base has already (libc, Xen's libraries) is left out
    while read -r f; do cmp -s "$H/$f" "$D/$f" && rm "$H/$f"; done < <(cd "$H" && find . -type f)
    mkcpio "$H" > "$img/dom0-hvm.cpio.gz"
    echo "$stamp" > "$img/.stamp"
    log "images built in $((SECONDS - t0))s: dom0 base $(du -h "$img/dom0-base.cpio.gz" | cut -f1), HVM additions $(du -h "$img/dom0-hvm.cpio.gz" | cut -f1), guest $(du -h "$img/guest-initrd.gz" | cut -f1)"
}

# per-run overlay: scenarios, run config, znetback.ko. Args: OUT SCENARIO...
lab_overlay() {
    local out=$1; shift
    local O=$LAB_BUILD/run/overlay-$$
    rm -rf "$O"; mkdir -p "$O/lab/tests" "$O/lib/modules/lab"
    cp -a "$LAB_REPO/tests/lab/." "$O/lab/tests/"
    local d t
    for d in leak hostile races faults selftest soak pvh; do
        [ -d "$LAB_REPO/tests/$d" ] || continue
        mkdir -p "$O/lab/tests/$d"; cp -a "$LAB_REPO/tests/$d/." "$O/lab/tests/$d/"
    done
    # bench/NAME.sh = scenario bench/NAME; the rest of bench/ (host scripts, results) stays out
    if compgen -G "$LAB_REPO/bench/*.sh" >/dev/null; then
        mkdir -p "$O/lab/tests/bench"; cp "$LAB_REPO"/bench/*.sh "$O/lab/tests/bench/"
    fi
    # znbstat (counters), znbfront (test frontend), znbmark (cost marker): static, make tools
    mkdir -p "$O/usr/local/bin"
    for t in znbstat znbfront znbmark; do
        [ -x "$LAB_REPO/build/tools/$t" ] && cp "$LAB_REPO/build/tools/$t" "$O/usr/local/bin/"
    done
    # the guests fetch their XDP program from dom0's httpd (tests/lab/xdp.sh)
    mkdir -p "$O/lab/www"
    [ -f "$LAB_REPO/build/tools/xdp-drop-udp-port.o" ] && cp "$LAB_REPO/build/tools/xdp-drop-udp-port.o" "$O/lab/www/"
    if [ "$LAB_BACKEND" = znetback ]; then
        cp "$ZNETBACK_KO" "$O/lib/modules/lab/znetback.ko"
        local deps
        deps=$(modinfo -F depends "$ZNETBACK_KO" | tr ',' ' ' | tr '-' '_')
        echo "znetback $deps" > "$O/lib/modules/lab/moddeps.znetback"
    fi
    {
        echo "LAB_SCENARIOS=\"$*\""
        echo "LAB_BACKEND=$LAB_BACKEND"
        echo "LAB_INTERACTIVE=${LAB_INTERACTIVE:-0}"
        echo "LAB_SCENARIO_TIMEOUT=${LAB_SCENARIO_TIMEOUT:-600}"
        echo "LAB_LEAK_CYCLES=${LAB_LEAK_CYCLES:-3}"
        echo "LAB_GUEST_TYPE=\"${LAB_GUEST_TYPE:-pv}\""
        echo "LAB_NIC=${LAB_NIC:-e1000e}"
        echo "LAB_PEER_VIA=${LAB_PEER_VIA:-veth}"
        local v; for v in ${!LAB_ATTACH_@} ${!LAB_SAVE_@} ${!LAB_TX_@} ${!LAB_RACES@} ${!LAB_FAULT_SITES@} ${!SOAK_@} ${!LAB_MIGRATIONS@} ${!LAB_PVH_@} ${!LAB_HVM_@} ${!LAB_DD_@} ${!LAB_DEMO_@} ${!BENCH_@} ${!HOSTILE_@}; do echo "$v=\"${!v}\""; done
        echo "LAB_ZNB_VERSION=\"$(cat "$LAB_REPO/VERSION")\""
        # -dirty: a run of uncommitted code says so in its results
        echo "LAB_GIT=\"$(git -C "$LAB_REPO" describe --always --dirty 2>/dev/null || echo none)\""
    } | sed 's/^/export /' > "$O/lab/config"
    mkcpio "$O" 1 > "$out"
    rm -rf "$O"
}
