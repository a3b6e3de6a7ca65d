#!/usr/bin/env bash
# Runs the libFuzzer targets that `make fuzz` built (.build/fuzz/TARGET).
#
#   run.sh --time SEC TARGET...   fuzz each SEC seconds from its seeds
#                                 (tests/fuzz/corpus/TARGET) and regression inputs
#                                 (tests/fuzz/regressions/TARGET); what it finds new
#                                 goes to .build/fuzz/corpus/TARGET, crashes to
#                                 .build/fuzz/artifacts/TARGET/
#   run.sh --smoke TARGET...      replay the seeds and the regression inputs, then
#                                 a short run from a fixed seed (make test)
#
# Exits 1 when a target crashed or broke an invariant.
set -uo pipefail
cd "$(dirname "$0")/../.."

dir=.build/fuzz
mode=${1:?--time SEC or --smoke}
shift
if [[ $mode == --time ]]; then
	time_s=${1:?--time needs seconds}
	shift
fi

failed=()
for target in "$@"; do
	bin=$dir/$target
	seeds=tests/fuzz/corpus/$target
	regressions=tests/fuzz/regressions/$target
	artifacts=$dir/artifacts/$target/
	log=$dir/logs/$target.log
	mkdir -p "$artifacts" "$dir/logs" "$seeds" "$regressions"
	args=(-max_len=4096 -timeout=10 -print_final_stats=1 -artifact_prefix="$artifacts")
	[[ -f tests/fuzz/$target.dict ]] && args+=(-dict="tests/fuzz/$target.dict")
	start=$SECONDS
	if [[ $mode == --smoke ]]; then
		# Each regression input once, then the seeds and 30000 more inputs.
		work=$dir/smoke/$target
		rm -rf "$work" && mkdir -p "$work"
		regression_files=("$regressions"/*)
		rc=0
		if [[ -e ${regression_files[0]} ]]; then
			"$bin" "${args[@]}" "${regression_files[@]}" >"$log" 2>&1 || rc=$?
		fi
		if ((rc == 0)); then
			"$bin" "${args[@]}" -seed=1 -runs=30000 "$work" "$seeds" >>"$log" 2>&1 || rc=$?
		fi
	else
		mkdir -p "$dir/corpus/$target"
		"$bin" "${args[@]}" -max_total_time="$time_s" "$dir/corpus/$target" "$seeds" \
			"$regressions" >"$log" 2>&1
		rc=$?
	fi
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
	speed=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
	if ((rc != 0)); then
		failed+=("$target")
		echo "fuzz: $target FAILED (exit $rc) after $((SECONDS - start)) s; the end of $log:"
		tail -n 40 "$log"
	else
		# libFuzzer counts its speed in whole seconds: a run under one second says 0.
		[[ ${speed:-0} != 0 ]] && speed=", $speed per second" || speed=""
		printf 'fuzz: %-14s ok, %s executions%s, %d s\n' "$target" "${execs:-?}" "$speed" \
			$((SECONDS - start))
	fi
done

if ((${#failed[@]})); then
	echo "fuzz: FAILED: ${failed[*]} (inputs in $dir/artifacts/); keep a crash's input" \
		"in tests/fuzz/regressions/TARGET/ once it is fixed"
	exit 1
fi
