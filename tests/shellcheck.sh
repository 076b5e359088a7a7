#!/bin/bash
# Runs shellcheck on every shell script of the tree and prints one line a script,
# "PASS shellcheck/FILE" or "FAIL shellcheck/FILE: N finding(s)" (tests/check.sh counts
# them), the findings below a FAIL. The scripts are found, not listed: every *.sh and every
# file whose first line is a sh/bash shebang, tracked or new (what .gitignore ignores,
# build/ with its copies of the lab's scripts among it, is left out), so a new script is
# checked from its first run.
set -uo pipefail
cd "$(dirname "$0")/.." || exit

command -v shellcheck >/dev/null || { echo "FAIL shellcheck: shellcheck is not installed (make deps)"; exit 1; }
files=$(git ls-files --cached --others --exclude-standard 2>/dev/null) ||
	{ echo "FAIL shellcheck: not a git work tree, so no list of the scripts"; exit 1; }

scripts=()
while IFS= read -r f; do
	[ -f "$f" ] || continue
	case "$f" in
	*.sh) scripts+=("$f") ;;
	*) head -n 1 "$f" | grep -qaE '^#! *(/usr)?/bin/(env +)?(ba|da)?sh( |$)' && scripts+=("$f") ;;
	esac
done <<< "$files"
[ ${#scripts[@]} -gt 0 ] || { echo "FAIL shellcheck: no shell script found"; exit 1; }

# One run for all of them (each sourced helper is parsed once), split per file afterwards;
# -x from the top of the tree, where the scripts' `source=` directives start.
out=$(shellcheck -x -f gcc "${scripts[@]}" 2>&1)
rc=$?
# exit 1 means findings, each of them a file's: anything else is shellcheck failing to run,
# and a PASS line for a file it did not check would be a lie
if [ $rc -gt 1 ] || { [ $rc -eq 1 ] && ! grep -qE '^[^ ]+:[0-9]+:[0-9]+: ' <<< "$out"; }; then
	head -n 20 <<< "$out" | sed "s/^/    /"
	echo "FAIL shellcheck: shellcheck exited $rc on ${#scripts[@]} scripts"
	exit 1
fi
failed=0
for f in "${scripts[@]}"; do
	n=$(grep -c "^$f:" <<< "$out")
	if [ "$n" -eq 0 ]; then
		echo "PASS shellcheck/$f"
	else
		echo "FAIL shellcheck/$f: $n finding(s)"
		grep "^$f:" <<< "$out" | sed 's/^/    /'
		failed=$((failed + 1))
	fi
done
echo "shellcheck $(shellcheck --version | sed -n 's/^version: //p'): ${#scripts[@]} scripts, $failed with findings"
[ "$failed" -eq 0 ]
