#!/usr/bin/env bash
# make test-tsan: the end-to-end tests that run the threaded strategies
# (pthreads, pthreads-per-task, openmp-*, evloop-*) against a parbench built
# with ThreadSanitizer.  PARBENCH names that binary (the Makefile sets it).
# Criterion cannot run under TSan, so there are no unit tests here.
#
# Every TSan report fails the run.  halt_on_error makes the process that
# reports exit 66 at once, so a report in a cell process is a failed cell and
# the test that ran it fails where it happened; log_path puts each report in
# a file of its own, so that a report in a process whose exit no test checks
# (`parbench serve` killed at the end of a test) fails the run too, and the
# reports are printed at the end.
#
#   bash tests/tsan.sh --check   exit 0 when clang's TSan and Archer are here
set -uo pipefail
cd "$(dirname "$0")/.." || exit 1

# Archer (LLVM's OMPT tool that tells TSan about OpenMP's synchronization)
# ships in Debian's libomp-N-dev as /usr/lib/llvm-N/lib/libarcher.so: the one
# beside the libomp that clang's -fopenmp links.
archer=$(clang -print-resource-dir 2>/dev/null)/../../libarcher.so
archer=$(realpath -e "$archer" 2>/dev/null) || archer=
if [[ ${1:-} == --check ]]; then
	[[ -n $archer ]] && echo 'int main(void) { return 0; }' |
		clang -x c -fsanitize=thread -o /dev/null - >/dev/null 2>&1
	exit
fi
if [[ -z $archer ]]; then
	echo "tsan: no libarcher.so beside clang's libomp; bash scripts/install-deps.sh" \
		"installs it (libomp-dev)" >&2
	exit 1
fi

: "${PARBENCH:=$PWD/.build/tsan/parbench}"
export PARBENCH
reports=$(dirname "$PARBENCH")/tsan-reports
rm -rf "$reports" && mkdir -p "$reports" || exit 1

# ignore_noninstrumented_modules: libuv, hwloc and libomp from Debian are not
# built with TSan; their pthread calls are still seen through the interceptors.
export TSAN_OPTIONS="halt_on_error=1 exitcode=66 ignore_noninstrumented_modules=1
	second_deadlock_stack=1 suppressions=$PWD/tests/tsan.supp log_path=$reports/tsan
	${TSAN_OPTIONS:-}"
export OMP_TOOL_LIBRARIES=$archer

# Every strategy on every workload at 1, 2 and 3 workers; 1,000 threads and
# loops at once, --loops, io.file's helper threads; io.http against the
# built-in server and `parbench serve`'s threads; pinning; timeouts and SIGINT;
# a task that crashes, hangs or returns a wrong checksum under every strategy;
# evloop-uring's loops over two threads.
# The slowest first (tests/e2e.sh runs two at a time).
tests=(test_checksums test_faults test_http test_uring test_io test_pin test_robustness)

failed=0
start=$SECONDS
echo "== end-to-end tests under ThreadSanitizer ($PARBENCH, Archer $archer)"
bash tests/e2e.sh "${tests[@]}" || failed=1

shopt -s nullglob
logs=("$reports"/tsan.*)
if ((${#logs[@]})); then
	# The first few in full: one race usually fails many cells alike.
	for log in "${logs[@]:0:5}"; do
		echo "== ThreadSanitizer report $log"
		cat "$log"
	done
	echo "tsan: ${#logs[@]} process(es) reported (the first 5 above; all in $reports);" \
		"a real race is fixed, never suppressed: see tests/tsan.supp"
	failed=1
fi
echo "tsan: $((SECONDS - start)) s"

if ((failed)); then
	echo "tests under tsan: FAILED"
	exit 1
fi
echo "tests under tsan: all passed, no ThreadSanitizer report"
