#!/bin/bash
# Installs the Debian 12 packages znetback's build, tests and lab need.
# Does nothing (and needs no network) when they are all present.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
packages=(
	build-essential clang libclang-rt-14-dev   # unit tests, sanitizers, libFuzzer
	linux-headers-amd64 linux-source-6.1 kmod  # module build, checkpatch
	shellcheck                                 # make shellcheck
	dwarves                                    # pahole: BTF of modules built for 6.12
	libxen-dev                                 # Xen public headers and libs
	qemu-system-x86 cpio bc busybox-static     # the lab
	xz-utils gzip
	debhelper dh-dkms dkms fakeroot            # make deb and its install test
)
if [ -f "$here/lab/host-packages.txt" ]; then
	while read -r p _; do
		case "$p" in ''|'#'*) ;; *) packages+=("$p") ;; esac
	done < "$here/lab/host-packages.txt"
fi

missing=()
for p in "${packages[@]}"; do
	status=$(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null || true)
	[ "$status" = installed ] || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
	echo "deps: all ${#packages[@]} packages present"
	exit 0
fi

echo "deps: installing ${missing[*]}"
sudo=""
[ "$(id -u)" -eq 0 ] || sudo=sudo
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
