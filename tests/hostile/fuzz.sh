# Fuzzing through the real rings: znbfront in g1 sends seeded random mutations of valid packets, half of those without GSO with real Ethernet/IPv4/UDP headers, on a hostile vif (reconnecting after each disable) while g2 moves verified traffic; dom0 must stay clean and the backend must never stall. The seed is printed for replay.
# lab-backend: default
# lab-timeout: 2400
# shellcheck shell=dash
#
# HOSTILE_FUZZ_SECONDS (default 60; `make fuzz-lab`: 1200) and HOSTILE_FUZZ_SEED (default:
# from the clock) come from the host environment.
# shellcheck source=tests/hostile/lib.sh
. /lab/tests/hostile/lib.sh
HOSTILE_FUZZ_SECONDS=${HOSTILE_FUZZ_SECONDS:-60}
SEED=${HOSTILE_FUZZ_SEED:-$(( $(date +%s) % 1000000 + 1 ))}
info "fuzz seed $SEED for ${HOSTILE_FUZZ_SECONDS}s (replay: HOSTILE_FUZZ_SEED=$SEED make fuzz-lab)"
hostile_setup || exit 1
hostile_case "fuzz-seed-$SEED" survive "-t $HOSTILE_FUZZ_SECONDS -r $SEED fuzz"
