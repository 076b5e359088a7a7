# Hostile-guest catalogue: znbfront (a userspace netfront in guest g1) misbehaves on a second vif, one case at a time, while guest g2 moves verified traffic.
# lab-backend: default
# lab-timeout: 2400
# shellcheck shell=dash
#
# Per case: the guest-side verdict of znbfront (error response / vif disabled / survived:
# every request answered exactly once, under its own id, with the status the case allows),
# no Oops/BUG/WARNING in dom0, for vif-disabling cases exactly one log line naming the vif,
# g2's transfer intact, the hostile vif detaches, and (znetback) no mapped page left.
# headers-split-across-slots also checks that its frames reached dom0's stack and (znetback)
# that tx_headers_nonlinear stayed 0 (XSA-423): see hostile_headers_judge.
#
# HOSTILE_CASES="name ..." (from the host environment) runs only those cases.
# shellcheck source=tests/hostile/lib.sh
. /lab/tests/hostile/lib.sh
hostile_setup || exit 1
_cases=$(/usr/local/bin/znbfront cases | awk '{print $1 ":" $2}')
# a name that is not a case would otherwise be skipped without a word
for _c in ${HOSTILE_CASES:-}; do
    echo "$_cases" | grep -q "^$_c:" || fail "case-$_c" "znbfront has no such case"
done
for _line in $_cases; do
    if [ -n "${HOSTILE_CASES:-}" ] && ! echo " $HOSTILE_CASES " | grep -q " ${_line%%:*} "; then continue; fi
    hostile_case "${_line%%:*}" "${_line#*:}"
done
