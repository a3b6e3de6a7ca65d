#!/usr/bin/env bash
# Draws a run's plots with gnuplot, each as PNG and SVG:
#   per cpu or mem workload  <workload>-speedup, <workload>-efficiency, or
#                            under --scaling weak <workload>-weak-efficiency
#   per io workload          <workload>-wall, <workload>-latency
#   with an overhead workload (cpu.nop)  cost-per-task
#   with several sizes       <workload>-granularity (strong scaling only)
#   always                   overview (workloads x strategies: the best
#                            speedup, or under --scaling weak the weak
#                            efficiency at the largest worker count)
#
#   scripts/plot.sh RESULTS_DIR [PLOTS_DIR]
#
# RESULTS_DIR is a run directory (results/<run-id>, or results/latest);
# the plots go to PLOTS_DIR, by default plots/<run-id>.  It reads only
# summary.csv, meta.json and schema.json (each workload's size unit, and
# which workload's time is what a strategy costs), and leaves out cells
# whose ok is not 1.
#
# With several pin policies or task sizes, every plot but the granularity
# one uses each workload's first pin policy and first task size (those of
# its first row in summary.csv); the granularity plot uses every size, at
# the first pin.
set -euo pipefail

here=$(dirname "${BASH_SOURCE[0]}")
run=${1:?usage: scripts/plot.sh RESULTS_DIR [PLOTS_DIR]}
[[ -f $run/summary.csv ]] || { echo "plot: no summary.csv in '$run'" >&2; exit 2; }
command -v gnuplot >/dev/null || { echo "plot: gnuplot not found; run scripts/install-deps.sh" >&2; exit 1; }
command -v python3 >/dev/null || { echo "plot: python3 not found; run scripts/install-deps.sh" >&2; exit 1; }
run=$(cd "$run" && pwd -P)
out=${2:-plots/$(basename "$run")}
mkdir -p "$out"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
failed=0

# ---------------------------------------------------------------- inputs

# meta.json nests the machine; python3's json reads it whatever its layout.
# Prints the CPU model and the PUs, one a line (empty when null), and the
# plan's scaling (strong for a run from before --scaling).
read_meta() {
	python3 -c '
import json, sys
meta = json.load(open(sys.argv[1]))
machine = meta.get("machine") or {}
for key in ("cpu_model", "pus"):
    print("" if machine.get(key) is None else machine[key])
print((meta.get("plan") or {}).get("scaling") or "strong")
' "$run/meta.json"
}

# schema.json's workloads: their size units, and the overhead workloads
# (cpu.nop), drawn as a cost per task.  A run from before parbench wrote
# schema.json gets generic units and no cost plot.
declare -A unit_of=() overhead=()
read_schema() {
	local workload unit cost
	if [[ ! -f $run/schema.json ]]; then
		echo "plot: no schema.json in '$run' (an older run): generic size units, no cost plot" >&2
		return 0
	fi
	while IFS=$'\t' read -r workload unit cost; do
		unit_of[$workload]=$unit
		((cost == 0)) || overhead[$workload]=1
	done < <(python3 -c '
import json, sys
for name, w in json.load(open(sys.argv[1]))["workloads"].items():
    print(name, w["size_unit"], int(w["overhead"]), sep="\t")
' "$run/schema.json")
}

# palette.tsv: strategy<TAB>colour; its row also picks the point type, so
# that a strategy looks the same in every plot.
declare -A colour=() point=()
read_palette() {
	local strategy hex row=0
	while IFS=$'\t' read -r strategy hex; do
		[[ -n $strategy && $strategy != \#* ]] || continue
		colour[$strategy]=$hex
		point[$strategy]=$((4 + row % 8))
		row=$((row + 1))
	done <"$here/palette.tsv"
}

# A strategy's colour, grey when palette.tsv has none; its line style.
colour_of() {
	echo "${colour[$1]:-#7f7f7f}"
}
style() {
	echo "linecolor rgb '$(colour_of "$1")' pointtype ${point[$1]:-1}"
}

# A strategy's name in the keys: an offload's with its device's type
# (summary.csv's device column: "NAME (CPU, PLATFORM), ..."), so that
# "opencl (CPU)" is never read as a GPU.
declare -A label=()
read_labels() {
	local strategy type
	while read -r strategy type; do
		label[$strategy]="$strategy ($type)"
	done < <(summary_awk 'v("device") ~ /\((CPU|GPU|ACCELERATOR|OTHER), / && !seen[v("strategy")]++ {
		match(v("device"), /\((CPU|GPU|ACCELERATOR|OTHER), /)
		print v("strategy"), substr(v("device"), RSTART + 1, RLENGTH - 3) }')
}
label_of() {
	echo "${label[$1]:-$1}"
}

# summary.csv as TSV, for awk: a field may be quoted ("pu:0,1"). Adds three
# columns: first (the cell has its workload's first pin and size), top (it
# has the first pin and its strategy's largest worker count there) and
# sizes (how many task sizes its workload has).
summary_tsv() {
	awk '
		function split_csv(line, f,   n, i, ch, field, quoted) {
			split("", f)
			for (i = 1; i <= length(line); i++) {
				ch = substr(line, i, 1)
				if (quoted && ch == "\"" && substr(line, i + 1, 1) == "\"") { field = field ch; i++ }
				else if (ch == "\"") quoted = !quoted
				else if (ch == "," && !quoted) { f[++n] = field; field = "" }
				else field = field ch
			}
			f[++n] = field
			return n
		}
		{
			n = index($0, "\"") ? split_csv($0, f) : split($0, f, ",")
			line = f[1]
			for (i = 2; i <= n; i++) line = line "\t" f[i]
			row[NR] = line
		}
		NR == 1 { for (i = 1; i <= n; i++) c[f[i]] = i; next }
		{
			w = f[c["workload"]]; s = f[c["strategy"]]
			if (!(w in pin)) { pin[w] = f[c["pin"]]; size[w] = f[c["size"]] }
			first[NR] = f[c["pin"]] == pin[w] && f[c["size"]] == size[w]
			if (f[c["pin"]] != pin[w]) next
			at[NR] = w SUBSEP s; workers[NR] = f[c["workers"]] + 0
			if (workers[NR] > most[w, s]) most[w, s] = workers[NR]
			if (!((w, f[c["size"]]) in seen)) { seen[w, f[c["size"]]]; sizes[w]++ }
		}
		END {
			print row[1] "\tfirst\ttop\tsizes"
			for (r = 2; r <= NR; r++) {
				split(row[r], f, "\t")
				w = f[c["workload"]]
				print row[r] "\t" first[r] "\t" (r in at && workers[r] == most[at[r]]) "\t" sizes[w]
			}
		}
	' "$run/summary.csv" >"$tmp/summary.tsv"
}

# summary_awk [AWK OPTIONS] PROGRAM: runs PROGRAM over the ok cells of the
# TSV summary, where v("column") is a column by its name.
summary_awk() {
	local options=("${@:1:$#-1}") program=${!#}
	awk -F'\t' "${options[@]}" '
		function v(name) { return $c[name] }
		NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next }
		$c["ok"] != 1 { next }
	'"$program" "$tmp/summary.tsv"
}

# series DATA WORKLOAD WHERE COLUMN...: writes to DATA one gnuplot data
# block per strategy, of the columns (the first is x, sorted; an empty
# later one is NaN), from the cells of WORKLOAD where the awk condition
# WHERE holds, and prints the strategies in block order.
series() {
	local data=$1 workload=$2 where=$3
	shift 3
	: >"$data"
	summary_awk -v data="$data" -v w="$workload" -v columns="$*" '
		BEGIN { ncol = split(columns, col, " ") }
		v("workload") == w && v(col[1]) != "" && v(col[2]) != "" && ('"$where"') {
			s = v("strategy")
			if (!(s in n)) order[++strategies] = s
			line = v(col[1])
			for (i = 2; i <= ncol; i++) line = line " " (v(col[i]) == "" ? "NaN" : v(col[i]))
			k = ++n[s]; x[s, k] = v(col[1]) + 0; row[s, k] = line
		}
		END {
			for (j = 1; j <= strategies; j++) {
				s = order[j]
				for (a = 2; a <= n[s]; a++)	# insertion sort by x: a few rows
					for (b = a; b > 1 && x[s, b - 1] > x[s, b]; b--) {
						t = x[s, b]; x[s, b] = x[s, b - 1]; x[s, b - 1] = t
						t = row[s, b]; row[s, b] = row[s, b - 1]; row[s, b - 1] = t
					}
				for (k = 1; k <= n[s]; k++) print row[s, k] > data
				printf "\n\n" > data
				print s
			}
		}'
}

# Units of a task's size, by workload, for the granularity plot's x axis.
size_unit() {
	echo "${unit_of[$1]:-units of work per task}"
}

# ---------------------------------------------------------------- drawing

# Text for a gnuplot double-quoted enhanced string, shown as it is: the
# string takes \\ for \ and \" for ", and enhanced text \_ for _ (and ^ @ & ~ { } \).
gp_text() {
	sed 's/\\/\\\\\\\\/g; s/"/\\"/g; s/[_^@&~{}]/\\\\&/g' <<<"$1"
}

# The title: what the plot shows, and the machine under it.
title() {
	printf 'set title "%s\\n{/*0.8 %s}"\n' "$(gp_text "$1")" "$(gp_text "$machine")"
}

skip() {
	echo "plot: $1: $2; no plot" >&2
}

# draw NAME < GNUPLOT COMMANDS: draws NAME.png and NAME.svg in $out.  The
# commands run once per terminal, rather than replot, so that a plot may
# set anything; a failure is counted and the other plots still get drawn.
draw() {
	local name=$1 body
	body=$(cat)
	if gnuplot <<-GNUPLOT; then
		set encoding utf8
		set key outside right top Left reverse noenhanced
		set grid
		set terminal pngcairo size 1080,640 font ',11'
		set output '$out/$name.png'
		$body
		set terminal svg size 1080,640 font ',11'
		set output '$out/$name.svg'
		$body
	GNUPLOT
		echo "plot: $out/$name.png"
		echo "plot: $out/$name.svg"
	else
		echo "plot: gnuplot failed on $name" >&2
		failed=1
	fi
}

# A plot command from clauses, which are joined with commas.
plot_command() {
	local IFS=,
	echo "plot $*"
}

# ---------------------------------------------------------------- plots

# The cells whose speedup is against seq: not seq itself, nor the py-* ones,
# whose speedup is against py-seq (the report sets those against C apart).
against_seq='v("strategy") != "seq" && v("strategy") !~ /^py-/'

# A figure of merit against workers, with its 95% interval and the ideal line:
# scaling_plot WORKLOAD NAME COLUMN IDEAL_EXPR IDEAL_TITLE TITLE YLABEL
scaling_plot() {
	local workload=$1 name=$2 column=$3 ideal=$4 ideal_title=$5 title_text=$6 ylabel=$7
	local data=$tmp/$1-$2.dat strategy clauses=() i=0
	for strategy in $(series "$data" "$workload" "v(\"first\") == 1 && $against_seq" \
		workers "$column" "${column}_ci95_lo" "${column}_ci95_hi"); do
		clauses+=("'$data' index $i using 1:2:3:4 with yerrorlines $(style "$strategy") linewidth 2 title '$(label_of "$strategy")'")
		i=$((i + 1))
	done
	((i > 0)) || { skip "$workload-$name" "no successful cells"; return 0; }
	# CPU and memory work can use at most the PUs.
	[[ -z $pus ]] || clauses+=("$ideal with lines dashtype 2 linewidth 1.5 linecolor 'gray30' title '$ideal_title'")
	draw "$workload-$name" <<-GNUPLOT
		$(title "$workload: $title_text (error bars: 95% interval)")
		set xlabel 'workers (threads or processes, log scale)'
		set ylabel '$ylabel'
		set logscale x 2
		set yrange [0:*]
		set offsets graph 0.03, graph 0.03, graph 0.08, 0
		set samples 1000
		$(plot_command "${clauses[@]}")
	GNUPLOT
}

speedup_plot() {
	scaling_plot "$1" speedup speedup "(x < $pus ? x : $pus)" 'ideal: min(workers, PUs)' \
		'speedup over seq' 'speedup over seq (×)'
}

efficiency_plot() {
	scaling_plot "$1" efficiency efficiency "(x < $pus ? 1 : $pus / x)" \
		'ideal: min(1, PUs / workers)' 'parallel efficiency' \
		'efficiency (speedup / workers; 1 = linear)'
}

# Weak scaling: each cell has its workers times seq's tasks, so the ideal
# is seq's time at every worker count the PUs can hold, T1 / Tn = 1.
weak_efficiency_plot() {
	scaling_plot "$1" weak-efficiency weak_efficiency "(x < $pus ? 1 : $pus / x)" \
		'ideal: min(1, PUs / workers)' 'weak scaling efficiency (tasks grow with workers)' \
		'weak efficiency (T1 / Tn; 1 = time flat)'
}

# I/O: median wall time against concurrency; seq is concurrency 1.
wall_plot() {
	local workload=$1 data=$tmp/$1-wall.dat strategy clauses=() i=0
	for strategy in $(series "$data" "$workload" 'v("first") == 1' \
		workers wall_median_s wall_ci95_lo_s wall_ci95_hi_s); do
		clauses+=("'$data' index $i using 1:2:3:4 with yerrorlines $(style "$strategy") linewidth 2 title '$(label_of "$strategy")'")
		i=$((i + 1))
	done
	((i > 0)) || { skip "$workload-wall" "no successful cells"; return 0; }
	draw "$workload-wall" <<-GNUPLOT
		$(title "$workload: wall time (median, error bars: 95% interval)")
		set xlabel 'concurrency (workers or tasks in flight, log scale)'
		set ylabel 'wall time (s, log scale)'
		set logscale x 2
		set logscale y 10
		set format y '%.0s %cs'
		set offsets graph 0.02, graph 0.02, 0, 0
		$(plot_command "${clauses[@]}")
	GNUPLOT
}

# I/O: the tasks' p50 (solid) and p99 (dashed) latency against concurrency.
latency_plot() {
	local workload=$1 data=$tmp/$1-latency.dat strategy clauses=() i=0
	for strategy in $(series "$data" "$workload" 'v("first") == 1' workers lat_p50_s lat_p99_s); do
		clauses+=("'$data' index $i using 1:2 with linespoints $(style "$strategy") linewidth 2 dashtype 1 title '$(label_of "$strategy")'")
		clauses+=("'$data' index $i using 1:3 with linespoints $(style "$strategy") linewidth 2 dashtype 2 notitle")
		i=$((i + 1))
	done
	((i > 0)) || { skip "$workload-latency" "no successful cells"; return 0; }
	clauses+=("NaN with lines linecolor 'black' dashtype 1 linewidth 2 title 'p50 (solid)'")
	clauses+=("NaN with lines linecolor 'black' dashtype 2 linewidth 2 title 'p99 (dashed)'")
	draw "$workload-latency" <<-GNUPLOT
		$(title "$workload: task latency, p50 and p99 (medians over the repetitions)")
		set xlabel 'concurrency (workers or tasks in flight, log scale)'
		set ylabel 'task latency, start to done (s, log scale)'
		set logscale x 2
		set logscale y 10
		set format y '%.0s %cs'
		set offsets graph 0.02, graph 0.02, 0, 0
		$(plot_command "${clauses[@]}")
	GNUPLOT
}

# An overhead workload (cpu.nop): what a task costs each strategy above
# seq (summary.csv's task_cost_s; py-* above py-seq) with its 95%
# interval, at the strategy's cell with the lowest median, cheapest
# first.  A strategy with several
# workers can cost less than seq, so the y axis is asinh-scaled: linear
# within the smallest cost's decade of 0, logarithmic beyond, either sign.
cost_plot() {
	local workload=$1 data=$tmp/cost.dat setup=$tmp/cost.gp strategy workers clauses=() tics=() i=0
	: >"$data"
	: >"$setup"
	while read -r strategy workers; do
		# A box from 0 to the cost: with a nonlinear axis, boxes would start at its bottom.
		clauses+=("'$data' index $i using 1:2:(\$1 - 0.35):(\$1 + 0.35):(\$2 < 0 ? \$2 : 0):(\$2 < 0 ? 0 : \$2) with boxxyerror fillcolor rgb '$(colour_of "$strategy")' notitle")
		# The interval as a vector with flat heads: yerrorbars would draw a point.
		clauses+=("'$data' index $i using 1:3:(0):(\$4 - \$3) with vectors heads size screen 0.008, 90 linecolor 'black' notitle")
		[[ $strategy != py-* || $strategy == py-seq ]] || workers+=", above py-seq"
		tics+=("'$strategy, $workers' $i")
		i=$((i + 1))
	done < <(summary_awk -v data="$data" -v setup="$setup" -v w="$workload" '
		# Four figures in a unit that suits, as the report and the console table.
		function duration(s,   a) {
			a = s < 0 ? -s : s
			if (a >= 1) return sprintf("%.4g s", s)
			if (a >= 1e-3) return sprintf("%.4g ms", s * 1e3)
			if (a >= 1e-6) return sprintf("%.4g µs", s * 1e6)
			return sprintf("%.4g ns", s * 1e9)
		}
		function floor(x) {
			return x == int(x) || x > 0 ? int(x) : int(x) - 1
		}
		function extent(x,   a) {
			a = x < 0 ? -x : x
			if (a > 0 && (small == 0 || a < small)) small = a
			if (x < low) low = x
			if (x > high) high = x
		}
		v("workload") == w && v("first") == 1 && v("task_cost_s") != "" {
			s = v("strategy"); m = v("wall_median_s") + 0
			if ((s in median) && m >= median[s]) next
			if (!(s in median)) name[++n] = s
			median[s] = m; workers[s] = v("workers"); cost[s] = v("task_cost_s") + 0
			lo[s] = v("task_cost_ci95_lo_s") == "" ? cost[s] : v("task_cost_ci95_lo_s") + 0
			hi[s] = v("task_cost_ci95_hi_s") == "" ? cost[s] : v("task_cost_ci95_hi_s") + 0
		}
		END {
			if (!n) exit
			for (a = 2; a <= n; a++)	# insertion sort by cost: a few strategies
				for (b = a; b > 1 && cost[name[b - 1]] > cost[name[b]]; b--) {
					t = name[b]; name[b] = name[b - 1]; name[b - 1] = t
				}
			for (j = 1; j <= n; j++) {
				s = name[j]
				printf "%d %.9g %.9g %.9g \"%s\"\n\n\n", j - 1, cost[s], lo[s], hi[s],
					duration(cost[s]) > data
				print s, workers[s]
				extent(cost[s]); extent(lo[s]); extent(hi[s])
			}
			linear = small ? 10 ^ floor(log(small) / log(10)) : 1e-9
			tics = "\"0\" 0"
			for (d = linear; d <= 10 * (high > -low ? high : -low); d *= 10) {
				if (d <= 10 * high) tics = tics ", \"" duration(d) "\" " d
				if (d <= -10 * low) tics = tics ", \"" duration(-d) "\" " (-d)
			}
			printf "linear = %.9g\n", linear > setup
			printf "set yrange [%.9g:%.9g]\n", 3 * low, 3 * high > setup
			print "set ytics (" tics ")" > setup
		}')
	((i > 0)) || { skip "cost-per-task" "no successful $workload cells with a task cost"; return 0; }
	clauses+=("'$data' using 1:(\$2 < 0 ? NaN : \$4):5 with labels offset 0, 0.8 notitle")
	clauses+=("'$data' using 1:(\$2 < 0 ? \$3 : NaN):5 with labels offset 0, -0.8 notitle")
	draw cost-per-task <<-GNUPLOT
		$(title "$workload: cost per task above seq (py-*: py-seq), cheapest first, at each strategy's fastest worker count (error bars: 95% interval)")
		set xlabel 'strategy, workers'
		set ylabel 'cost per task above seq (asinh scale: linear near 0, log beyond)'
		$(cat "$setup")
		set nonlinear y via asinh(y / linear) inverse linear * sinh(y)
		set key off
		set grid noxtics
		set xtics ($(IFS=,; echo "${tics[*]}")) rotate by -30 noenhanced
		set xrange [-0.6:$i - 0.4]
		set style fill solid 0.85 border rgb 'gray30'
		set bmargin 8
		$(plot_command "${clauses[@]}")
	GNUPLOT
}

# Speedup against task size at each strategy's largest worker count, with
# the crossover (summary.csv's crossover_size) as a tick across y = 1.
granularity_plot() {
	local workload=$1 data=$tmp/$1-granularity.dat strategy clauses=() i=0
	for strategy in $(series "$data" "$workload" "v(\"top\") == 1 && $against_seq" \
		size speedup crossover_size); do
		clauses+=("'$data' index $i using 1:2 with linespoints $(style "$strategy") linewidth 2 title '$(label_of "$strategy")'")
		clauses+=("'$data' index $i every ::0::0 using 3:(0.75):(0):(1.33 - 0.75) with vectors nohead linewidth 4 linecolor rgb '$(colour_of "$strategy")' notitle")
		i=$((i + 1))
	done
	((i > 0)) || { skip "$workload-granularity" "no successful cells"; return 0; }
	clauses+=("1 with lines dashtype 2 linewidth 1.5 linecolor 'gray30' title 'speedup 1 (seq)'")
	clauses+=("NaN with lines linewidth 4 linecolor 'black' title 'crossover: beats seq above it'")
	draw "$workload-granularity" <<-GNUPLOT
		$(title "$workload: speedup against task size, at each strategy's largest worker count")
		set xlabel 'task size ($(size_unit "$workload"), log scale)'
		set ylabel 'speedup over seq (×, log scale)'
		set logscale x 10
		set format x '10^{%L}'
		set logscale y 10
		set offsets graph 0.02, graph 0.02, 0, 0
		$(plot_command "${clauses[@]}")
	GNUPLOT
}

# Workloads (rows) x strategies (columns): each one's best speedup, on a
# log colour scale centred on 1 (red slower than seq, blue faster).  Under
# weak scaling a speedup would set cells of more work against seq: each
# one's weak efficiency at its largest worker count instead (red: its time
# grew with the work, 1: flat).
overview_plot() {
	local data=$tmp/overview.dat setup column=speedup where='v("first") == 1'
	local what="best speedup over seq (at any worker count)" legend='best speedup over seq (×, log scale)'
	if [[ $scaling == weak ]]; then
		column=weak_efficiency where='v("first") == 1 && v("top") == 1'
		what="weak efficiency T1 / Tn at the largest worker count (tasks grow with workers; 1 = time flat)"
		legend='weak efficiency (log scale)'
	fi
	setup=$(summary_awk -v data="$data" -v column="$column" '
		'"$where"' && '"$against_seq"' && v(column) != "" {
			w = v("workload"); s = v("strategy"); x = v(column) + 0
			if (!(w in row)) { row[w] = ++rows; rname[rows] = w }
			if (!(s in col)) { col[s] = ++cols; cname[cols] = s }
			if (!((w, s) in best) || x > best[w, s]) best[w, s] = x
		}
		END {
			if (!rows) exit
			span = 2
			for (k in best) {
				split(k, ws, SUBSEP); x = best[k]
				if (x > 0 && (x > span || 1 / x > span)) span = x > 1 ? x : 1 / x
				printf "%d %d %.6g \"%s\"\n", col[ws[2]], row[ws[1]], x,
					sprintf(x < 0.1 ? "%.2g" : x < 10 ? "%.2f" : x < 100 ? "%.1f" : "%.0f", x) > data
			}
			for (j = 1; j <= cols; j++) xt = xt (j > 1 ? ", " : "") "\"" cname[j] "\" " j
			for (j = 1; j <= rows; j++) yt = yt (j > 1 ? ", " : "") "\"" rname[j] "\" " j
			print "set xtics (" xt ") rotate by -30 noenhanced"
			print "set ytics (" yt ") noenhanced"
			printf "set xrange [0.5:%d.5]\nset yrange [%d.5:0.5]\n", cols, rows
			printf "set cbrange [%.6g:%.6g]\n", 1 / span, span
		}')
	[[ -n $setup ]] || { skip overview "no successful cells with a ${column//_/ }"; return 0; }
	draw overview <<-GNUPLOT
		$(title "all workloads: each strategy's $what")
		set xlabel 'strategy'
		set ylabel 'workload'
		set cblabel '$legend'
		$setup
		set logscale cb 10
		set palette defined (0 '#d73027', 0.5 '#ffffbf', 1 '#4575b4')
		set grid noxtics noytics
		set tics scale 0
		set key off
		set bmargin 8
		plot '$data' using 1:2:(0.5):(0.5):3 with boxxyerror fillstyle solid 1.0 border linecolor 'white' fillcolor palette, \
			'' using 1:2:4 with labels
	GNUPLOT
}

# ---------------------------------------------------------------- the run

meta=$(read_meta)
cpu_model=$(sed -n 1p <<<"$meta")
pus=$(sed -n 2p <<<"$meta")
scaling=$(sed -n 3p <<<"$meta")
machine="${cpu_model:-unknown CPU}, ${pus:-?} PUs"
read_palette
read_schema
summary_tsv
read_labels

# workload kind sizes, in the order of summary.csv; the cost per task of
# the first overhead workload.
cost_of=
while read -r workload kind sizes; do
	case $kind in
	io) wall_plot "$workload"; latency_plot "$workload" ;;
	*)
		if [[ $scaling == weak ]]; then
			weak_efficiency_plot "$workload"
		else
			speedup_plot "$workload"; efficiency_plot "$workload"
		fi ;;
	esac
	if ((sizes > 1)) && [[ $scaling == weak ]]; then
		skip "$workload-granularity" "under --scaling weak a cell does its workers times seq's work, so no size makes it beat seq"
	elif ((sizes > 1)); then
		granularity_plot "$workload"
	fi
	[[ -n $cost_of || -z ${overhead[$workload]:-} ]] || cost_of=$workload
done < <(awk -F'\t' 'NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next }
	!seen[$c["workload"]]++ { print $c["workload"], $c["kind"], $c["sizes"] }' "$tmp/summary.tsv")
[[ -z $cost_of ]] || cost_plot "$cost_of"
overview_plot
exit "$failed"
