#!/bin/bash
# Loads znetback.ko into Debian's 6.1 kernel booted in QEMU without Xen (a
# driver domain may load it, bare metal may not): the insmod must fail with
# one clear message, no oops, and leave nothing loaded.
# Prints "PASS bare-metal-..." / "FAIL bare-metal-..." lines; exit 0 if all pass.
set -uo pipefail
cd "$(dirname "$0")/../.." || exit 2
ko=${ZNETBACK_KO:-$PWD/znetback.ko}
work=build/bare-metal
log=$work/console.log

[ -f "$ko" ] || { echo "FAIL bare-metal-setup: $ko not built (make module)"; exit 1; }
tools/lab/lab build > "$work.build.log" 2>&1
img=$(sed -n 's/^.*] images: //p' "$work.build.log" | tail -1)
{ [ -x "$img/dom0-rootfs/bin/busybox" ] && [ -f "$img/vmlinuz" ]; } || {
	echo "FAIL bare-metal-setup: lab images missing (tools/lab/lab build failed, see $work.build.log)"
	exit 1
}

rm -rf "$work" && mkdir -p "$work/root/bin"
cp "$img/dom0-rootfs/bin/busybox" "$work/root/bin/busybox"
cp "$ko" "$work/root/znetback.ko"
cat > "$work/root/init" <<'INIT'
#!/bin/busybox sh
/bin/busybox --install -s /bin
mkdir -p /proc /sys /dev
mount -t proc proc /proc; mount -t sysfs sys /sys; mount -t devtmpfs dev /dev
echo "BAREMETAL: kernel $(uname -r), xen: $(cat /sys/hypervisor/type 2>/dev/null || echo none)"
insmod /znetback.ko; echo "BAREMETAL: insmod rc=$?"
dmesg | grep -i znetback | sed 's/^/BAREMETAL: dmesg: /'
grep -q '^znetback ' /proc/modules && echo "BAREMETAL: still loaded" || echo "BAREMETAL: not loaded"
ls /sys/kernel/debug/znetback >/dev/null 2>&1 && echo "BAREMETAL: debugfs left" || true
dmesg | grep -E 'Oops|BUG:|WARNING:|Call Trace|general protection' | sed 's/^/BAREMETAL: bad: /'
echo BAREMETAL-DONE
poweroff -f
INIT
chmod 755 "$work/root/init"
(cd "$work/root" && find . | cpio -o -H newc --quiet | gzip -1) > "$work/initrd.gz"

# One QEMU per machine, like the lab.
exec 9>/tmp/znetback-lab-qemu.lock
flock -w "${LAB_LOCK_WAIT:-1200}" 9 || { echo "FAIL bare-metal-setup: lab QEMU lock busy"; exit 1; }
timeout 300 qemu-system-x86_64 -machine pc -accel tcg -cpu qemu64 -m 1024 -nographic \
	-no-reboot -kernel "$img/vmlinuz" -initrd "$work/initrd.gz" \
	-append "console=ttyS0 loglevel=4 panic=-1" > "$log" 2>&1 9>&-
exec 9>&-
tr -d '\r' < "$log" | grep '^BAREMETAL' | sed 's/^/  /'

result() { if eval "$2"; then echo "PASS bare-metal-$1"; else echo "FAIL bare-metal-$1"; failed=1; fi; }
failed=0
c=$(tr -d '\r' < "$log")
# shellcheck disable=SC2317 # called by the checks result evals
said() { grep -q "$1" <<< "$c"; }
result booted 'said BAREMETAL-DONE'
result insmod-refused 'said "BAREMETAL: insmod rc=[1-9]"'
result clear-message 'said "BAREMETAL: dmesg: .*znetback: not running on Xen"'
result nothing-left 'said "BAREMETAL: not loaded" && ! said "debugfs left"'
result no-oops '! said "BAREMETAL: bad:"'
exit $failed
