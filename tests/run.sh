#!/usr/bin/env bash
# Runs the unit tests (Criterion) and the end-to-end tests of the built
# program, and, in the plain build only, the fuzz smoke stage.  PARBENCH,
# UNIT_TESTS and VARIANT (release or asan) come from the Makefile.
set -uo pipefail
cd "$(dirname "$0")/.."

: "${PARBENCH:=$PWD/parbench}" "${UNIT_TESTS:=$PWD/.build/release/unit-tests}" "${VARIANT:=release}"
export PARBENCH

# The end-to-end modules, the slowest first (tests/e2e.sh runs two at a time).
slow_first=(test_mpi test_cluster test_python test_report test_dask test_faults test_checksums test_verdicts)
# Under ASan, every module runs but those that test what scripts/ makes of
# parbench's output (the report, the plots): the runs they make are ones other
# modules make too, so ASan would see no C path anew, for a minute of the run.
# A new module that drives parbench's C code in a way no other module does (bad
# input, faults, write errors, a strategy, a workload, a subcommand, io, http,
# pinning, counters, mpi's ranks) runs under ASan: leave it out of this list.
scripts_only=(test_report test_plots)
listed() { local name=$1; shift; [[ " $* " == *" $name "* ]]; }
modules=()
for module in "${slow_first[@]}" $(cd tests/e2e && ls test_*.py | sed 's/\.py$//'); do
	listed "$module" "${modules[@]}" && continue    # a slow one, already first
	[[ $VARIANT == asan ]] && listed "$module" "${scripts_only[@]}" && continue
	modules+=("$module")
done

failed=0
# Under ASan: what LeakSanitizer is not to report (tests/lsan.supp).
export LSAN_OPTIONS="suppressions=$PWD/tests/lsan.supp${LSAN_OPTIONS:+:$LSAN_OPTIONS}"
echo "== unit tests ($UNIT_TESTS)"
"$UNIT_TESTS" --jobs 2 || failed=1
echo "== end-to-end tests ($PARBENCH)"
bash tests/e2e.sh "${modules[@]}" || failed=1

# libFuzzer targets of the parsers (tests/fuzz/): their seeds and regression
# inputs, then a short run of each.  Needs clang with libFuzzer, else skipped.
# They are built with ASan and UBSan whatever the VARIANT, so once is enough.
echo "== fuzz smoke"
if [[ $VARIANT != release ]]; then
	echo "fuzz smoke: in make test only (its targets have ASan and UBSan of their own)"
elif ! command -v "${FUZZ_CC:-clang}" >/dev/null 2>&1; then
	echo "fuzz smoke: skipped, no ${FUZZ_CC:-clang} (bash scripts/install-deps.sh installs it)"
elif ! echo 'int LLVMFuzzerTestOneInput(const char *d, unsigned long n) { return 0; }' |
	"${FUZZ_CC:-clang}" -x c -fsanitize=fuzzer,address -o /dev/null - >/dev/null 2>&1; then
	echo "fuzz smoke: skipped, ${FUZZ_CC:-clang} cannot link libFuzzer (install libclang-rt-dev)"
else
	start=$SECONDS
	make --no-print-directory -s fuzz FUZZ_SMOKE=1 || failed=1
	echo "fuzz smoke: $((SECONDS - start)) s"
fi

if ((failed)); then
	echo "tests: FAILED"
	exit 1
fi
echo "tests: all passed"
