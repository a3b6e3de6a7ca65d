#!/usr/bin/env bash
# Runs end-to-end test modules (tests/e2e/test_*.py, named without .py)
# against PARBENCH, E2E_JOBS at a time (default 2).  They mostly wait: on
# sleeps, timeouts, mpirun, the interpreter, a browser; one at a time they kept
# less than one of the 2 cores busy.  Each module is a unittest process of its
# own, started in the order given (the slowest first, so that the last to start
# ends soon after the others); its output is printed whole when it ends, with
# its time, so the log reads module by module.
#
#   bash tests/e2e.sh MODULE...   exit 1 when a module failed
set -uo pipefail
cd "$(dirname "$0")/.." || exit 1

# Debian's interpreter: the tests need nothing beyond its standard library.
python=/usr/bin/python3
[[ -x $python ]] || python=python3
logs=$(mktemp -d) || exit 1
trap 'rm -rf "$logs"' EXIT

# One module: its output into a file, then printed under a lock, so that two
# modules ending together do not mix their lines.  A failure leaves a marker.
run_module() {
	local module=$1 start=$SECONDS status
	PYTHONPATH=tests/e2e "$python" -m unittest --verbose "$module" >"$logs/$module.log" 2>&1
	status=$?
	((status == 0)) || touch "$logs/$module.failed"
	{
		flock 9
		echo "== $module: $((SECONDS - start)) s$( ((status == 0)) || echo ', FAILED')"
		cat "$logs/$module.log"
	} 9>"$logs/lock"
}
export -f run_module
export python logs

printf '%s\n' "$@" | xargs -P "${E2E_JOBS:-2}" -I{} bash -c 'run_module "$1"' _ {}

shopt -s nullglob
failed=("$logs"/*.failed)
if ((${#failed[@]})); then
	failed=("${failed[@]##*/}")
	echo "end-to-end: FAILED: ${failed[*]%.failed}"
	exit 1
fi
echo "end-to-end: $# modules passed"
