#!/bin/bash
# Runs each libFuzzer target for SECONDS (default 20), starting from the
# checked-in seeds; new inputs go to build/fuzz/corpus-<target>/, crashes to
# build/fuzz/artifacts/.  Prints PASS/FAIL per target and "N passed, N failed".
set -u
cd "$(dirname "$0")/../.." || exit
SECONDS_EACH=${1:-20}
BUILD=${BUILD:-build}
passed=0
failed=0
for t in txreq lifecycle txbuild; do
	bin="$BUILD/fuzz/fuzz-$t"
	corpus="$BUILD/fuzz/corpus-$t"
	art="$BUILD/fuzz/artifacts/$t/"
	log="$BUILD/fuzz/fuzz-$t.log"
	mkdir -p "$corpus" "$art"
	if [ ! -x "$bin" ]; then
		echo "FAIL fuzz-$t: $bin not built"
		failed=$((failed + 1))
		continue
	fi
	if "$bin" -max_total_time="$SECONDS_EACH" -timeout=10 -rss_limit_mb=2048 \
		-artifact_prefix="$art" -print_final_stats=1 \
		"$corpus" "tests/fuzz/corpus/$t" >"$log" 2>&1; then
		echo "PASS fuzz-$t: $(grep -m1 -o 'stat::number_of_executed_units: *[0-9]*' "$log" | \
			awk '{print $2}') runs in ${SECONDS_EACH}s"
		passed=$((passed + 1))
	else
		echo "FAIL fuzz-$t: see $log and $art"
		grep -m5 -E 'ERROR|model.c|fuzz_.*\.c:[0-9]+:' "$log" | sed 's/^/    /'
		failed=$((failed + 1))
	fi
done
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
