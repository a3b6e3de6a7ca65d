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
echo "== unit tests ($UNIT_TESTS)"
"$UNIT_TESTS" --jobs 2 || failed=1
echo "== end-to-end tests ($PARBENCH)"
"$python" -m unittest discover --start-directory tests/e2e --top-level-directory tests/e2e \
	--pattern 'test_*.py' --verbose || failed=1

if ((failed)); then
	echo "tests: FAILED"
	exit 1
fi
echo "tests: all passed"
