#!/usr/bin/env bash
# Draws a run's plots with gnuplot: per workload, speedup over seq against
# workers, one line per strategy, with the ideal line.
#
#   scripts/plot.sh RESULTS_DIR [PLOTS_DIR]
#
# RESULTS_DIR is a run directory (results/<run-id>, or results/latest);
# the plots go to PLOTS_DIR, by default plots/<run-id>, as PNG and SVG.
set -euo pipefail

run=${1:?usage: scripts/plot.sh RESULTS_DIR [PLOTS_DIR]}
[[ -f $run/summary.csv ]] || { echo "plot: no summary.csv in '$run'" >&2; exit 2; }
command -v gnuplot >/dev/null || { echo "plot: gnuplot not found; run scripts/install-deps.sh" >&2; exit 1; }
run=$(cd "$run" && pwd -P)
out=${2:-plots/$(basename "$run")}
mkdir -p "$out"

# meta.json has one key per line (jansson's indented output).
meta_string() { sed -n "s/^ *\"$1\": \"\(.*\)\",\{0,1\}$/\1/p" "$run/meta.json" | head -n 1; }
meta_number() { sed -n "s/^ *\"$1\": \([0-9.]*\),\{0,1\}$/\1/p" "$run/meta.json" | head -n 1; }
pus=$(meta_number pus)
machine="$(meta_string cpu_model), $pus PUs"

# summary.csv columns: 2 workload, 4 strategy, 5 workers, 6 pin, 8 size, 18 speedup, 23 ok.
workloads=$(awk -F, 'NR > 1 && !seen[$2]++ { print $2 }' "$run/summary.csv")
strategies=$(awk -F, 'NR > 1 && $4 != "seq" && !seen[$4]++ { print $4 }' "$run/summary.csv")

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

for workload in $workloads; do
	data=$tmp/$workload.dat
	plot=()
	index=0
	color=0
	for strategy in $strategies; do
		color=$((color % 10 + 1))
		# One line per strategy: at the workload's first pin policy and task size.
		rows=$(awk -F, -v w="$workload" -v s="$strategy" \
			'NR > 1 && $2 == w && !first++ { pin = $6; size = $8 }
			 NR > 1 && $2 == w && $4 == s && $6 == pin && $8 == size && $23 == 1 &&
			 $18 != "" { print $5, $18 }' \
			"$run/summary.csv")
		[[ -n $rows ]] || continue
		printf '%s\n\n\n' "$rows" >>"$data"
		plot+=("'$data' index $index using 1:2 with linespoints linestyle $color title '$strategy'")
		index=$((index + 1))
	done
	if ((index == 0)); then
		echo "plot: $workload has no successful cells; no plot" >&2
		continue
	fi
	# CPU and memory work can use at most the PUs; waiting tasks, any number.
	kind=$(awk -F, -v w="$workload" 'NR > 1 && $2 == w { print $3; exit }' "$run/summary.csv")
	if [[ $kind == io ]]; then
		ideal="x title 'ideal: workers (tasks in flight)'"
		yscale="set logscale y 2"
	else
		ideal="(x < $pus ? x : $pus) title 'ideal: min(workers, PUs)'"
		yscale="set yrange [0:*]"
	fi
	plot+=("[1:*] $ideal with lines dashtype 2 linewidth 1.5 linecolor 'gray30'")
	for terminal in "pngcairo size 1080,640 font ',11'" "svg size 1080,640 dynamic font ',11'"; do
		ext=${terminal%% *}
		ext=${ext/pngcairo/png}
		gnuplot <<-GNUPLOT
			set terminal $terminal
			set output '$out/$workload-speedup.$ext'
			set title "$workload: speedup over seq\n{/*0.8 $machine}"
			set xlabel 'workers (threads or processes)'
			set ylabel 'speedup over seq (x)'
			set logscale x 2
			set key outside right top
			set grid
			$yscale
			set offsets 0, 0, graph 0.08, 0
			set style line 1 linecolor rgb '#1f77b4' linewidth 2 pointtype 4
			set style line 2 linecolor rgb '#ff7f0e' linewidth 2 pointtype 5
			set style line 3 linecolor rgb '#2ca02c' linewidth 2 pointtype 6
			set style line 4 linecolor rgb '#d62728' linewidth 2 pointtype 7
			set style line 5 linecolor rgb '#9467bd' linewidth 2 pointtype 8
			set style line 6 linecolor rgb '#8c564b' linewidth 2 pointtype 9
			set style line 7 linecolor rgb '#e377c2' linewidth 2 pointtype 10
			set style line 8 linecolor rgb '#17becf' linewidth 2 pointtype 4
			set style line 9 linecolor rgb '#bcbd22' linewidth 2 pointtype 5
			set style line 10 linecolor rgb '#7f7f7f' linewidth 2 pointtype 6
			plot $(IFS=,; echo "${plot[*]}")
		GNUPLOT
		echo "plot: $out/$workload-speedup.$ext"
	done
done
