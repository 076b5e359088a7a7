#!/bin/bash
# Mutation proof: build the unit tests against grant/ compiled with each
# test-only mutation and require the lifecycle tests to FAIL.  Each mutation
# is tried twice: with every model check, and without the ubuf refcount
# bookkeeping check (ZNB_MODEL_NO_REFCNT_CHECK=1), so the product-level
# checks (netfront's "Grant still in use", early unmap, stale completion)
# are shown to catch it on their own.
#
#   tests/unit/mutations.sh            (from the repository root)
#   UNIT_CC=clang SEED=7 PACKETS=20000 tests/unit/mutations.sh
set -u
cd "$(dirname "$0")/../.." || exit

UNIT_CC=${UNIT_CC:-gcc}
BUILD=${BUILD:-build}
SEED=${SEED:-1}
PACKETS=${PACKETS:-20000}
FILTER=lifecycle_
CFLAGS="-std=gnu11 -Wall -Wextra -Werror -g -O1 -fsanitize=address,undefined -fno-sanitize-recover=all -Iinclude -Itests/unit"
# The core announces a mutated build with #warning; that is expected here.
if "$UNIT_CC" --version 2>/dev/null | grep -qi clang; then
	CFLAGS="$CFLAGS -Wno-#warnings"
else
	CFLAGS="$CFLAGS -Wno-cpp"
fi
SOURCES=$(make -s --no-print-directory unit-sources)
MUTATIONS="RESPOND_BEFORE_UNMAP UNMAP_ON_FIRST_PUT MAP_REFUSAL_IGNORED FRAG_OVERLAPS_HEAD"

passed=0
failed=0
pass() { echo "PASS $1"; passed=$((passed + 1)); }
fail() { echo "FAIL $1: $2"; failed=$((failed + 1)); }

build() { # name extra-flags
	local out="$BUILD/unit-mut/$1/znb-unit"
	mkdir -p "$(dirname "$out")"
	# shellcheck disable=SC2086 # the flag and source lists, one argument each
	if ! "$UNIT_CC" $CFLAGS $2 -o "$out" $SOURCES 2>"$BUILD/unit-mut/$1/build.log"; then
		cat "$BUILD/unit-mut/$1/build.log" >&2
		return 1
	fi
	echo "$out"
}

run() { # binary log [env...]
	local bin=$1 log=$2
	shift 2
	env "$@" ASAN_OPTIONS=detect_leaks=0 "$bin" --seed "$SEED" --packets "$PACKETS" \
		$FILTER >"$log" 2>&1
}

# Baseline: the same tests must pass on the real core, or a "caught"
# mutation proves nothing.
if bin=$(build baseline ""); then
	if run "$bin" "$BUILD/unit-mut/baseline/run.log"; then
		pass baseline-lifecycle-tests-pass
	else
		fail baseline-lifecycle-tests-pass "unmutated core fails, see $BUILD/unit-mut/baseline/run.log"
		grep '^FAIL' "$BUILD/unit-mut/baseline/run.log" | head -5
	fi
else
	fail baseline-lifecycle-tests-pass "build failed"
fi

for m in $MUTATIONS; do
	name=$(echo "$m" | tr 'A-Z_' 'a-z-')
	if ! bin=$(build "$name" "-DZNB_MUTATE_$m"); then
		fail "mutation-$name-caught" "build failed"
		continue
	fi
	for mode in all-checks without-refcnt-check; do
		log="$BUILD/unit-mut/$name/run-$mode.log"
		envs=()
		suffix=""
		[ "$mode" = without-refcnt-check ] && envs=(ZNB_MODEL_NO_REFCNT_CHECK=1) && suffix=-$mode
		if run "$bin" "$log" "${envs[@]}"; then
			fail "mutation-$name-caught$suffix" "every test passed against the mutated core"
		else
			pass "mutation-$name-caught$suffix"
			grep -m3 '^FAIL' "$log" | sed 's/^/    /'
		fi
	done
done

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
