#!/bin/bash
# Builds znetback.ko against each kernel named (6.1, 6.12 or an exact ABI) with W=1, in
# build/kernels/ABI/, and prints one PASS/FAIL line per kernel: a warning is a failure.
# Headers come from tools/kernel-headers.sh (6.12's are fetched into the cache, not installed).
#   tools/build-kernels.sh 6.1 6.12
set -uo pipefail
cd "$(dirname "$0")/.." || exit
rc=0
for k in "$@"; do
	if ! kdir=$(tools/kernel-headers.sh "$k"); then
		echo "FAIL module-$k: no headers"
		rc=1
		continue
	fi
	abi=${kdir##*/linux-headers-}
	dir=build/kernels/$abi
	rm -rf "$dir" && mkdir -p "$dir"
	cp -r Kbuild VERSION grant include netback "$dir/"
	if make -C "$kdir" M="$PWD/$dir" W=1 modules > "$dir/build.log" 2>&1 &&
	   ! grep -qE 'warning:|error:' "$dir/build.log" && [ -f "$dir/znetback.ko" ]; then
		echo "PASS module-$abi (W=1, no warning: $dir/znetback.ko)"
	else
		grep -E 'warning:|error:' "$dir/build.log" | head -20
		tail -5 "$dir/build.log"
		echo "FAIL module-$abi (see $dir/build.log)"
		rc=1
	fi
done
exit $rc
