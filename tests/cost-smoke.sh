#!/bin/bash
# The cost bench's machinery, small, as part of make check: one lab boot under QEMU instruction
# counting with the znb-cost plugin, guest->dom0 TCP (8 MiB) twice per backend. Asserts that
# QEMU really counted (-icount, the plugin loaded), that every marker got its snapshot and
# every run its counts, that both backends really mapped guest pages (Xen's grant map calls,
# counted in Xen), and that the same run twice agrees within 5 % (make bench asks 1 % of
# its larger transfers). With the profile on (BENCH_COST_PROFILE=1): bench/cost-profile
# names the functions of both backends and of everything else it counted, and its total is
# the table's. Writes to build/check/cost/, never to bench/results/.
set -u
cd "$(dirname "$0")/.." || exit
out=build/check/cost
rm -rf "$out"; mkdir -p "$out"
COST_RESULTS=$PWD/$out BENCH_COST_PROFILE=1 BENCH_COST_MIB=8 BENCH_COST_RUNS=2 BENCH_COST_VARIANT_RUNS=2 BENCH_COST_ROWS=g2d-tcp \
	BENCH_COST_VARIANTS="xen-netback:- znetback:map" bench/cost-run > "$out/run.log" 2>&1
rc=$?
cat "$out/run.log"
verdict() { local name=$1; shift; if "$@"; then echo "PASS cost/$name"; else echo "FAIL cost/$name"; fi; }
verdict bench-run-passed [ "$rc" = 0 ]
# the lab writes the command line shell-quoted (printf %q): commas come escaped
# shellcheck disable=SC1003 # tr reads '\\' as one backslash
cmdline=$(tr -d '\\' < build/lab/logs/qemu-cmdline.txt)
verdict qemu-counted-instructions grep -q -- '-icount shift=0,sleep=off,align=off' <<<"$cmdline"
verdict plugin-loaded grep -q 'znb-cost.so,out=' <<<"$cmdline"
[ -f "$out/latest-cost.csv" ] || { echo "FAIL cost/csv-written (no $out/latest-cost.csv)"; exit 1; }
python3 - "$out/latest-cost.csv" <<'PY'
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1])))
def verdict(name, ok, why=""):
    print(("PASS" if ok else "FAIL") + f" cost/{name}" + (f" ({why})" if why else ""))
verdict("four-runs-ok", sum(r["status"] == "ok" for r in rows) == 4, f"{len(rows)} lines")
for backend in ("xen-netback", "znetback"):
    runs = [r for r in rows if r["backend"] == backend and r["status"] == "ok"]
    if len(runs) != 2:
        verdict(f"{backend}-two-runs", False, f"{len(runs)} ok runs")
        continue
    instr = [int(r["dom0_xen_instr_per_gb"]) for r in runs]
    guest = [int(r["guest_instr_per_gb"]) for r in runs]
    maps = [int(r["dom0_grant_map_per_gb"] or 0) for r in runs]
    verdict(f"{backend}-counted", min(instr) > 0 and min(guest) > 0, f"dom0+Xen {instr}, guest {guest} per GB")
    verdict(f"{backend}-mapped-guest-pages", min(maps) > 0, f"Xen grant maps per GB {maps}")
    spread = (max(instr) - min(instr)) / min(instr) if min(instr) else 1
    verdict(f"{backend}-a-a-within-5pct", spread <= 0.05, f"{spread * 100:.2f} %")
PY
# the profile: cost-run printed its command and wrote what it prints (the one row g2d-tcp)
verdict profile-command-printed grep -q '^Where the instructions go: bench/cost-profile ' "$out/run.log"
verdict profile-written [ -s "$out/latest-profile.md" ]
cat "$out/latest-profile.md"
python3 - "$out/latest-cost.csv" "$out/latest-profile.md" <<'PY'
import csv, re, statistics, sys
rows = [r for r in csv.DictReader(open(sys.argv[1])) if r["status"] == "ok"]
text = open(sys.argv[2]).read()
def verdict(name, ok, why=""):
    print(("PASS" if ok else "FAIL") + f" cost/{name}" + (f" ({why})" if why else ""))
def table_row(label):
    m = re.search(r"^\| " + re.escape(label) + r" \| (.*) \|$", text, re.M)
    return [c.strip() for c in m.group(1).split("|")] if m else []
named = [float(c.rstrip(" %")) for c in table_row("named (of xen, kernel, module)")]
verdict("profile-names-what-it-counted", len(named) == 2 and min(named) >= 99, f"{named} %")
verdict("profile-names-both-backends", "[znetback]" in text and "[xen_netback]" in text)
totals = [float(c) for c in table_row("total")]
ok = len(totals) == 2
for i, backend in enumerate(("xen-netback", "znetback")):
    per_gb = statistics.mean(int(r["dom0_xen_instr_per_gb"]) for r in rows
                             if r["backend"] == backend)
    if ok:
        # per MiB of payload in the profile, per 10^9 bytes in the table
        ok = abs(totals[i] * 1e9 / 2**20 - per_gb) <= 0.001 * per_gb
verdict("profile-total-is-the-tables", ok, f"profile {totals} per MiB")
PY
