#!/bin/bash
# Prints the directory of a Debian kernel's build headers (a KDIR for make -C), fetching them
# first when needed: apt-get download of linux-headers-ABI, its -common part and the matching
# linux-kbuild, unpacked with dpkg -x under $ZNB_CACHE/kernels/ABI (never installed: installing
# the headers package would pull its image and a systemd upgrade).
#
#   tools/kernel-headers.sh 6.1     the installed /usr/src/linux-headers-6.1*-amd64 (make deps)
#   tools/kernel-headers.sh 6.12    the newest linux-headers-6.12.*+deb12-amd64 Debian serves
#   tools/kernel-headers.sh ABI     that exact ABI, e.g. 6.12.107+deb12-amd64
set -euo pipefail
want=${1:?usage: tools/kernel-headers.sh 6.1|6.12|ABI}
cache=${ZNB_CACHE:-$HOME/.cache/znetback}/kernels

installed=$(find /usr/src -maxdepth 1 -name "linux-headers-$want.*-amd64" | sort -V | tail -1 || true)
if [ -n "$installed" ] && [ -e "$installed/Makefile" ]; then
	echo "$installed"
	exit 0
fi
case $want in
*-amd64) abi=$want ;;
*)
	abi=$(apt-cache pkgnames "linux-headers-$want." 2>/dev/null | grep -E -- '-amd64$' |
		grep -vE -- '-(cloud|rt)-amd64$' | sed 's/^linux-headers-//' | sort -V | tail -1)
	[ -n "$abi" ] || { echo "kernel-headers: Debian serves no linux-headers-$want.*-amd64 (apt-get update?)" >&2; exit 1; }
	;;
esac
dir=$cache/$abi
kdir=$dir/root/usr/src/linux-headers-$abi
if [ ! -e "$dir/.complete" ]; then
	version=${abi%-amd64}                   # 6.12.107+deb12
	rm -rf "$dir"
	mkdir -p "$dir/debs"
	(cd "$dir/debs" && apt-get download "linux-headers-$abi" "linux-headers-$version-common" \
		"linux-kbuild-$version" > ../download.log 2>&1) ||
		{ cat "$dir/download.log" >&2; echo "kernel-headers: apt-get download failed for $abi" >&2; exit 1; }
	for deb in "$dir"/debs/*.deb; do dpkg -x "$deb" "$dir/root"; done
	# The arch part includes the common part by its installed path: point it into the cache.
	sed -i "s|^include /usr/src/|include $dir/root/usr/src/|" "$kdir/Makefile"
	touch "$dir/.complete"
fi
echo "$kdir"
