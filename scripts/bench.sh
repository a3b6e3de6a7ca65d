#!/usr/bin/env bash
# make bench: the default plan in two parts within one time budget, each part with its
# table, CSV files and plots.  CPU and memory work first, with CPU_SHARE of the budget;
# then I/O with whatever is left of it, less what the plots take.
#
#   scripts/bench.sh PARBENCH OUT BUDGET [ARGS...]    ARGS go to both parts
#
# Exits with the worst status of the parts; stops after bad input (status 2).
set -u

parbench=$1 out=$2 budget=$3
shift 3
CPU_SHARE=65            # percent of the budget for the first part
PLOT_RESERVE=5          # seconds kept for each part's plots

# Worker counts from 2 (seq is the one-worker run): powers of two below the PUs, the PUs
# and twice them, as parbench's own default without its 1.
pus=$(nproc)
workers=""
for ((n = 2; n < pus; n *= 2)); do workers+="$n,"; done
((pus > 1)) && workers+="$pus,"
workers+=$((2 * pus))

# CPU and memory work interleaved, each repetition in a cell process of its own; I/O in
# sequential order, all of a cell's repetitions in one process: its setup (1024 files,
# a server) costs more than its repetitions, and waiting drifts less than computing.
cpu_part=(-w cpu,mem -n "$workers")
io_part=(-w io --tasks 1024 -n 16,256,1024 --warmup 0 --delay 0.001 --order sequential)

start=$(date +%s)
echo "make bench: two parts within ${budget} s (--budget): CPU and memory work in" \
	"about $((budget * CPU_SHARE / 100)) s, then I/O in what is left"

rc=0
run_part() {                # run_part BUDGET ARGS...: one part and its plots
	local part_budget=$1 r
	shift
	"$parbench" run "$@" --budget "$part_budget" --out "$out" "${ARGS[@]}"
	r=$?
	if ((r <= 1)); then bash "$(dirname "$0")/plot.sh" "$out/latest" || r=1; fi
	((r > rc)) && rc=$r
	return "$r"
}

ARGS=("$@")
run_part $((budget * CPU_SHARE / 100 - PLOT_RESERVE)) "${cpu_part[@]}"
(($? > 1)) && exit "$rc"
left=$((budget - ($(date +%s) - start) - PLOT_RESERVE))
if ((left < 10)); then
	echo "make bench: no time left for the I/O part within ${budget} s;" \
		"raise it: make bench BENCH_BUDGET=$((budget * 2))" >&2
	exit 1
fi
run_part "$left" "${io_part[@]}"
echo "make bench: $(($(date +%s) - start)) s of ${budget} s"
exit "$rc"
