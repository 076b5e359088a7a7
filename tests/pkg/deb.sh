#!/bin/bash
# The znetback-dkms package as an admin meets it: `make deb`, install it on this machine with
# dpkg (its postinst builds the module with DKMS), `dkms build` + `dkms install` against every
# supported kernel's headers, check the installed module's modinfo and the modprobe.d file,
# purge it, and check the machine is as it was. One PASS/FAIL line per step.
# Needs root and dkms (make deps); refuses to run when a znetback-dkms is already installed.
set -uo pipefail
cd "$(dirname "$0")/../.." || exit
version=$(cat VERSION)
kernels=${ZNB_DEB_KERNELS:-"6.1 6.12"}
failed=0
pass() { echo "PASS deb/$1${2:+ ($2)}"; }
fail() { echo "FAIL deb/$1${2:+ ($2)}"; failed=1; }
die() { echo "FAIL deb/$1 ($2)"; exit 1; }

[ "$(id -u)" -eq 0 ] || die precondition "needs root to install a package"
command -v dkms >/dev/null || die precondition "no dkms: run make deps"
dpkg-query -W -f='${db:Status-Status}' znetback-dkms 2>/dev/null | grep -qx installed &&
	die precondition "znetback-dkms is already installed here; this test would purge it"

# Everything the package or DKMS may add, before and after
state() {
	dpkg-query -W -f='${Package} ${db:Status-Status}\n' 'znetback*' 2>/dev/null
	ls -d /usr/src/znetback-* /var/lib/dkms/znetback /etc/modprobe.d/znetback.conf 2>/dev/null
	ls /lib/modules
	find /lib/modules -name 'znetback.ko*' 2>/dev/null
}
before=$(state)
lib_modules_before=$(ls /lib/modules)
cleanup() {
	dpkg-query -W znetback-dkms >/dev/null 2>&1 && dpkg --purge znetback-dkms >/dev/null 2>&1
	# dkms install creates /lib/modules/ABI for a kernel whose headers live only in our cache
	for d in /lib/modules/*; do
		echo "$lib_modules_before" | grep -qx "${d##*/}" || rm -rf "$d"
	done
}
trap cleanup EXIT

deb=$(tools/deb/build.sh) || die build "tools/deb/build.sh failed"
pass build "$deb, $(stat -c %s "$deb") bytes"
files=$(dpkg-deb -c "$deb" | awk '{print $6}')
stray=$(echo "$files" | grep -E '\.(o|ko|cmd)$|/tests/|/tools/|/bench/|/include/user/')
if [ -z "$stray" ]; then pass contents "only the module's sources"; else fail contents "also ships: $stray"; fi

log=build/deb/install.log
if dpkg -i "$deb" > "$log" 2>&1; then
	pass install "$(grep -m1 '^Building for' "$log")"
else
	tail -20 "$log"
	die install "dpkg -i failed (see $log)"
fi
if [ -f /etc/modprobe.d/znetback.conf ] && grep -qx 'blacklist xen-netback' /etc/modprobe.d/znetback.conf; then
	pass modprobe-conf "xen-netback blacklisted"
else
	fail modprobe-conf "no blacklist of xen-netback"
fi

for k in $kernels; do
	kdir=$(tools/kernel-headers.sh "$k") || { fail "dkms-$k" "no headers for $k"; continue; }
	abi=${kdir##*/linux-headers-}
	# A kernel whose headers only our cache holds (6.12 here) has no /lib/modules/ABI, which
	# dkms install wants: make it as installing that kernel would (cleanup removes it)
	mkdir -p "/lib/modules/$abi"
	if ! dkms status -m znetback -v "$version" -k "$abi" | grep -q installed; then
		{ dkms build -m znetback -v "$version" -k "$abi" --kernelsourcedir "$kdir" >> "$log" 2>&1 &&
		dkms install -m znetback -v "$version" -k "$abi" --kernelsourcedir "$kdir" >> "$log" 2>&1; } ||
		{ grep -iE 'error' "$log" | tail -5; fail "dkms-$abi" "build or install failed (see $log)"; continue; }
	fi
	ko=/lib/modules/$abi/updates/dkms/znetback.ko
	[ -f "$ko" ] || { fail "dkms-$abi" "no $ko after dkms install"; continue; }
	got="$(modinfo -F version "$ko") $(modinfo -F vermagic "$ko" | cut -d' ' -f1) $(modinfo -F alias "$ko")"
	if [ "$got" = "$version $abi xen-backend:vif" ]; then
		pass "dkms-$abi" "modinfo: $got"
	else
		fail "dkms-$abi" "modinfo says '$got', expected '$version $abi xen-backend:vif'"
	fi
	# what modprobe does when a script asks for xen-netback on that kernel
	redirect=$(modprobe -S "$abi" -n -v xen-netback 2>&1)
	if echo "$redirect" | grep -q 'install /sbin/modprobe --ignore-install znetback'; then
		pass "modprobe-$abi" "xen-netback requests load znetback"
	else
		fail "modprobe-$abi" "modprobe -n xen-netback says: $redirect"
	fi
done

# A kernel it was not tested on is refused by BUILD_EXCLUSIVE_KERNEL (dkms exit 77), not built
untested=6.6.0-1-amd64
mkdir -p "/lib/modules/$untested"
dkms build -m znetback -v "$version" -k "$untested" --kernelsourcedir "$(tools/kernel-headers.sh 6.1)" >> "$log" 2>&1
rc=$?
if [ $rc = 77 ] && grep -q 'BUILD_EXCLUSIVE directive which does not match' "$log"; then
	pass untested-kernel "dkms refuses $untested"
else
	fail untested-kernel "dkms build for $untested exited $rc"
fi

dpkg --purge znetback-dkms >> "$log" 2>&1 || fail purge "dpkg --purge failed (see $log)"
cleanup
after=$(state)
if [ "$after" = "$before" ]; then
	pass purge "the machine is as it was"
else
	fail purge "left behind: $(diff <(echo "$before") <(echo "$after") | grep '^>' | tr '\n' ' ')"
fi
exit $failed
