#!/usr/bin/env bash
# Runs the unit tests (Criterion) and the end-to-end tests of the built
# program.  PARBENCH and UNIT_TESTS name the binaries (the Makefile sets them).
set -uo pipefail
cd "$(dirname "$0")/.."

: "${PARBENCH:=$PWD/parbench}" "${UNIT_TESTS:=$PWD/.build/release/unit-tests}"
export PARBENCH
# Debian's interpreter: the tests need nothing beyond its standard library.
python=/usr/bin/python3
[[ -x $python ]] || python=python3

failed=0
# Under ASan: what LeakSanitizer is not to report (tests/lsan.supp).
export LSAN_OPTIONS="suppressions=$PWD/tests/lsan.supp${LSAN_OPTIONS:+:$LSAN_OPTIONS}"
echo "== unit tests ($UNIT_TESTS)"
"$UNIT_TESTS" --jobs 2 || failed=1
echo "== end-to-end tests ($PARBENCH)"
"$python" -m unittest discover --start-directory tests/e2e --top-level-directory tests/e2e \
	--pattern 'test_*.py' --verbose || failed=1

# libFuzzer targets of the parsers (tests/fuzz/): their seeds and regression
# inputs, then a short run of each.  Needs clang with libFuzzer, else skipped.
echo "== fuzz smoke"
if ! command -v "${FUZZ_CC:-clang}" >/dev/null 2>&1; then
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
