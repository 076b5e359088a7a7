#!/bin/bash
# Builds build/deb/znetback-dkms_<VERSION>_all.deb with dh-dkms: the module's sources only
# (Kbuild, VERSION, grant/*.c, include/*.h, netback/*.[ch] but the selftest build's
# netback/selftest.c, which only builds with tests/unit), the top-level dkms.conf and
# /etc/modprobe.d/znetback.conf. Needs debhelper and dh-dkms (make deps). Prints the path.
set -euo pipefail
cd "$(dirname "$0")/../.."
version=$(cat VERSION)
grep -qx "PACKAGE_VERSION=\"$version\"" dkms.conf ||
	{ echo "deb: dkms.conf's PACKAGE_VERSION is not VERSION ($version)" >&2; exit 1; }
out=build/deb
src=$out/src/znetback-$version
rm -rf "$out" && mkdir -p "$src/grant" "$src/include" "$src/netback"
cp Kbuild VERSION COPYING dkms.conf "$src/"
cp grant/*.c "$src/grant/"
cp include/*.h "$src/include/"
find netback -maxdepth 1 -name '*.[ch]' ! -name selftest.c ! -name selftest_cases.h \
	-exec cp -t "$src/netback/" {} +
cp -r tools/deb/debian "$src/"
# The changelog's date is the commit's, so two builds of one commit give the same package.
when=$(git log -1 --format=%aD 2>/dev/null || date -R)
rev=$(git rev-parse --short HEAD 2>/dev/null || echo "a source tree")
maint=$(sed -n 's/^Maintainer: //p' tools/deb/debian/control)
printf 'znetback (%s) unstable; urgency=medium\n\n  * Built from %s.\n\n -- %s  %s\n' \
	"$version" "$rev" "$maint" "$when" > "$src/debian/changelog"
(cd "$src" && dpkg-buildpackage -b -us -uc -tc > ../build.log 2>&1) ||
	{ tail -20 "$out/src/build.log" >&2; echo "deb: dpkg-buildpackage failed (see $out/src/build.log)" >&2; exit 1; }
mv "$out/src/znetback-dkms_${version}_all.deb" "$out/"
echo "$out/znetback-dkms_${version}_all.deb"
