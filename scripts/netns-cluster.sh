#!/usr/bin/env bash
# Several "hosts" on one machine, for tests and demos of the strategies that cross hosts
# (mpi, mpi-static with --hostfile; py-dask with --dask-scheduler): N network namespaces,
# each with a hostname of its own, joined by a Linux bridge on private test addresses
# (198.18.0.0/24, RFC 2544's benchmark range); traffic stays inside the machine.
#
#   scripts/netns-cluster.sh up N [SLOTS]   N hosts pbnode1..N (198.18.0.2..), SLOTS each (1)
#   scripts/netns-cluster.sh down           remove every namespace, link, process and file
#   scripts/netns-cluster.sh status         what is up; exit 0 when up, 1 when not
#   scripts/netns-cluster.sh dask-up        a dask scheduler on the bridge, a worker per host
#   scripts/netns-cluster.sh dask-down      stop them
#
# up writes into the state directory (NETNS_CLUSTER_DIR, default /run/parbench-netns) a
# hostfile for Open MPI, the launcher agent Open MPI calls instead of ssh, and mpi.env, the
# variables that make mpirun use both: `env $(cat DIR/mpi.env) parbench run -s mpi --hostfile
# DIR/hostfile ...`.  docs/cluster.md says more.
#
# Exit status: 0 done, 1 failed (a failed up leaves nothing behind), 2 bad arguments,
# 3 this machine cannot (not root, namespaces refused, a tool missing): tests skip on 3.
set -Eeuo pipefail    # -E: a function's failure reaches the ERR trap of a failed up

STATE=${NETNS_CLUSTER_DIR:-/run/parbench-netns}
BRIDGE=pbbr0
PREFIX=pbnode           # namespaces and hostnames pbnode1..N
VETH=pbveth             # their links' ends on the bridge, pbveth1..N
NET=198.18.0            # the bridge .1, node i .(i+1)
MAX_NODES=253
DASK_PORT=8786
CANNOT=3

die() {                 # die STATUS MESSAGE
	echo "netns-cluster: $2" >&2
	exit "$1"
}

usage() {
	die 2 "usage: $0 up N [SLOTS] | down | status | dask-up | dask-down"
}

# A whole number in [lo, hi], or exit 2 naming it and what is allowed.
check_count() {         # check_count WHAT VALUE LO HI
	local what=$1 value=$2 lo=$3 hi=$4
	if ! [[ $value =~ ^[0-9]+$ ]] || ((10#$value < lo || 10#$value > hi)); then
		die 2 "$what '$value' is not allowed: a whole number from $lo to $hi"
	fi
}

# Root, the tools, and a kernel (or sandbox) that makes network namespaces: else exit 3.
check_can() {
	((EUID == 0)) || die $CANNOT "needs root to make network namespaces (run it with sudo)"
	local tool
	for tool in ip nsenter unshare; do
		command -v "$tool" >/dev/null || die $CANNOT "needs $tool (iproute2, util-linux)"
	done
	unshare --net --uts true 2>/dev/null ||
		die $CANNOT "this machine refuses network or UTS namespaces (unshare --net --uts failed)"
}

node_ns() { echo "/run/netns/$1"; }
node_uts() { echo "$STATE/uts/$1"; }
in_node() {             # in_node NAME COMMAND...
	local name=$1
	shift
	nsenter --net="$(node_ns "$name")" --uts="$(node_uts "$name")" -- "$@"
}
is_up() { [[ -f $STATE/nodes ]]; }

# The nodes of the state directory, one NAME ADDRESS a line.
nodes() { cat "$STATE/nodes"; }

# Our namespaces and host-side links, found by name, whatever the state directory says.
our_namespaces() { ip netns list | awk -v p="^${PREFIX}[0-9]+$" '$1 ~ p { print $1 }'; }
our_links() {
	ip -o link show | awk -F': ' -v p="^${VETH}[0-9]+$" '{ sub(/@.*/, "", $2) } $2 ~ p { print $2 }'
}

# Whether the bridge and every node of the state directory are there.
intact() {
	local name addr
	ip link show "$BRIDGE" >/dev/null 2>&1 || return 1
	while read -r name addr; do
		[[ -e $(node_ns "$name") ]] && mountpoint -q "$(node_uts "$name")" || return 1
	done < <(nodes)
}

# Whether ADDRESS answers a TCP connection from node NAME; a refused one answers too.
answers() {             # answers NAME ADDRESS
	local said
	said=$(LC_ALL=C in_node "$1" timeout 2 bash -c ": >/dev/tcp/$2/9" 2>&1) && return 0
	[[ $said == *"Connection refused"* ]]
}

# The first host reaches the bridge and the last host: else a firewall drops bridged traffic.
check_reach() {
	local first last
	first=$(head -n 1 "$STATE/nodes")
	last=$(tail -n 1 "$STATE/nodes")
	if ! answers "${first% *}" "$NET.1" || ! answers "${first% *}" "${last#* }"; then
		echo "netns-cluster: ${first% *} cannot reach $NET.1 and ${last#* } over $BRIDGE:" \
			"a firewall on bridged traffic? (sysctl net.bridge.bridge-nf-call-iptables)" >&2
		return 1
	fi
}

# Node i: a network namespace with its veth on the bridge, and a persistent UTS namespace
# (bind-mounted, as ip netns does) whose hostname is its name.
add_node() {            # add_node I SLOTS
	local name=$PREFIX$1 veth=$VETH$1 addr=$NET.$(($1 + 1))
	ip netns add "$name"
	ip link add "$veth" type veth peer name eth0 netns "$name"
	ip link set "$veth" master "$BRIDGE" up
	ip -n "$name" addr add "$addr/24" dev eth0
	ip -n "$name" link set eth0 up
	ip -n "$name" link set lo up
	# Mpirun's address on the host's own interfaces is reachable through the bridge too.
	ip -n "$name" route add default via "$NET.1"
	touch "$(node_uts "$name")"
	unshare --uts="$(node_uts "$name")" hostname "$name"
	echo "$name $addr" >>"$STATE/nodes"
	echo "$name slots=$2" >>"$STATE/hostfile"
}

# Open MPI's launcher: what ssh would do on node HOST, inside its namespaces.  mpirun
# calls it as `AGENT [ssh options] HOST COMMAND...`, and ssh runs the command's words,
# joined by spaces, through the remote user's shell: so does the agent.  The environment
# passes through (ssh would not pass it): mpirun's OMPI_* variables reach the daemons.
write_agent() {
	cat >"$STATE/agent" <<EOF
#!/usr/bin/env bash
# Written by scripts/netns-cluster.sh: Open MPI's plm_rsh_agent for its hosts.
set -euo pipefail
while [[ \${1:-} == -* ]]; do shift; done
host=\${1:?usage: \$0 HOST COMMAND...}
shift
grep -q "^\$host " "$STATE/nodes" ||
	{ echo "\$0: \$host: not a host of this cluster ($STATE/nodes)" >&2; exit 255; }
exec nsenter --net="/run/netns/\$host" --uts="$STATE/uts/\$host" -- /bin/sh -c "\$*"
EOF
	chmod 755 "$STATE/agent"
}

# mpirun's variables: the agent instead of ssh, one daemon per host launched from here,
# and the bridge's network for its own and the ranks' TCP traffic.
write_mpi_env() {
	cat >"$STATE/mpi.env" <<EOF
OMPI_MCA_plm_rsh_agent=$STATE/agent
OMPI_MCA_plm_rsh_no_tree_spawn=1
OMPI_MCA_oob_tcp_if_include=$NET.0/24
OMPI_MCA_btl_tcp_if_include=$NET.0/24
EOF
}

say_up() {
	local n hosts run=./parbench\ run
	n=$(wc -l <"$STATE/nodes")
	hosts=$(awk '{ printf "%s%s (%s)", (NR > 1 ? ", " : ""), $1, $2 }' "$STATE/nodes")
	echo "netns-cluster: $n hosts up: $hosts"
	echo "  bridge $BRIDGE $NET.1; state in $STATE"
	echo "  mpi: env \$(cat $STATE/mpi.env) $run -s mpi --hostfile $STATE/hostfile -n $n --pin none"
	echo "  a shell on a host: nsenter --net=$(node_ns "${PREFIX}1") --uts=$(node_uts "${PREFIX}1")"
	if [[ -f $STATE/dask/scheduler.pid ]]; then
		echo "  dask: $run -s py-dask --dask-scheduler $(dask_address) -n $n --pin none"
	fi
}

# A failed up takes down what it made, so that nothing is left half made.
up_failed() {
	trap - ERR
	echo "netns-cluster: up failed; taking down what it made" >&2
	down >/dev/null 2>&1 || true
	exit 1
}

up() {                  # up N SLOTS
	local n=$1 slots=$2 i
	if is_up && [[ $(cat "$STATE/shape") == "$n $slots" ]] && intact; then
		say_up
		return
	fi
	down >/dev/null         # another shape, or what a killed up or down left
	trap up_failed ERR
	mkdir -p "$STATE/uts"
	: >"$STATE/nodes"
	: >"$STATE/hostfile"
	ip link add "$BRIDGE" type bridge
	ip addr add "$NET.1/24" dev "$BRIDGE"
	ip link set "$BRIDGE" up
	for ((i = 1; i <= n; i++)); do add_node "$i" "$slots"; done
	check_reach
	write_agent
	write_mpi_env
	echo "$n $slots" >"$STATE/shape"
	trap - ERR
	say_up
}

# Processes still in our namespaces (mpirun's daemons, dask workers): TERM, then KILL.
stop_inside() {
	local name pids=()
	for name in $(our_namespaces); do
		mapfile -t -O "${#pids[@]}" pids < <(ip netns pids "$name" 2>/dev/null || true)
	done
	((${#pids[@]})) || return 0
	kill -TERM "${pids[@]}" 2>/dev/null || true
	sleep 0.5
	kill -KILL "${pids[@]}" 2>/dev/null || true
}

down() {
	local name link f
	dask_down >/dev/null
	stop_inside
	# The links first: a namespace's veth goes some time after the namespace.
	for link in $(our_links); do ip link delete "$link"; done
	for name in $(our_namespaces); do ip netns delete "$name"; done
	if ip link show "$BRIDGE" >/dev/null 2>&1; then ip link delete "$BRIDGE"; fi
	if [[ -d $STATE/uts ]]; then
		for f in "$STATE"/uts/*; do
			[[ -e $f ]] && { umount "$f" 2>/dev/null || true; }
		done
	fi
	rm -rf "$STATE"
	echo "netns-cluster: down"
}

status() {
	if is_up && intact; then
		say_up
		return 0
	fi
	if is_up; then
		echo "netns-cluster: partly up (a namespace or the bridge is missing): up again, or down"
	else
		echo "netns-cluster: down"
	fi
	return 1
}

dask_address() { echo "tcp://$NET.1:$DASK_PORT"; }

# Waits up to 60 s for a line matching PATTERN in FILE, while process PID lives.
wait_for_line() {       # wait_for_line FILE PATTERN PID WHAT
	local file=$1 pattern=$2 pid=$3 what=$4 tries
	for ((tries = 0; tries < 600; tries++)); do
		grep -q "$pattern" "$file" 2>/dev/null && return 0
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.1
	done
	echo "netns-cluster: $what did not start; its last lines ($file):" >&2
	tail -n 5 "$file" >&2
	return 1
}

# Starts COMMAND... in the background, detached, its pid into PIDFILE, its output to LOG.
start_detached() {      # start_detached PIDFILE LOG COMMAND...
	local pidfile=$1 log=$2
	shift 2
	setsid "$@" </dev/null >"$log" 2>&1 &
	echo $! >"$pidfile"
}

dask_up_failed() {
	trap - ERR
	dask_down >/dev/null 2>&1 || true
	exit 1
}

dask_up() {
	local dir=$STATE/dask name addr
	is_up || die 1 "no cluster is up: $0 up N first"
	[[ -x /usr/bin/dask-scheduler && -x /usr/bin/dask-worker ]] ||
		die $CANNOT "needs /usr/bin/dask-scheduler and dask-worker (python3-distributed)"
	if [[ -f $dir/scheduler.pid ]]; then
		say_up
		return
	fi
	trap dask_up_failed ERR
	mkdir -p "$dir"
	start_detached "$dir/scheduler.pid" "$dir/scheduler.log" /usr/bin/dask-scheduler \
		--host "$NET.1" --port "$DASK_PORT" --no-dashboard
	wait_for_line "$dir/scheduler.log" "Scheduler at:" "$(cat "$dir/scheduler.pid")" \
		"the dask scheduler"
	# One single-thread worker per host, its files in a directory of its own.
	while read -r name addr; do
		start_detached "$dir/$name.pid" "$dir/$name.log" \
			nsenter --net="$(node_ns "$name")" --uts="$(node_uts "$name")" -- \
			/usr/bin/dask-worker "$(dask_address)" --host "$addr" --name "$name" \
			--nthreads 1 --no-nanny --no-dashboard \
			--local-directory "$dir/$name"
	done < <(nodes)
	while read -r name addr; do
		wait_for_line "$dir/$name.log" "Registered to:" "$(cat "$dir/$name.pid")" \
			"the dask worker on $name"
	done < <(nodes)
	trap - ERR
	say_up
}

# Stops the processes of the pid files in the dask directory, and removes it.
dask_down() {
	local dir=$STATE/dask f pids=()
	[[ -d $dir ]] || return 0
	for f in "$dir"/*.pid; do
		[[ -e $f ]] && pids+=("$(cat "$f")")
	done
	if ((${#pids[@]})); then
		kill -TERM "${pids[@]}" 2>/dev/null || true
		for ((f = 0; f < 50; f++)); do
			kill -0 "${pids[@]}" 2>/dev/null || break
			sleep 0.1
		done
		kill -KILL "${pids[@]}" 2>/dev/null || true
	fi
	rm -rf "$dir"
	echo "netns-cluster: dask down"
}

(($# >= 1)) || usage
command=$1
shift
case $command in
up)
	(($# >= 1 && $# <= 2)) || usage
	check_count N "$1" 1 $MAX_NODES
	check_count SLOTS "${2:-1}" 1 1024
	check_can
	up "$((10#$1))" "$((10#${2:-1}))"
	;;
down)
	(($# == 0)) || usage
	check_can
	down
	;;
status)
	(($# == 0)) || usage
	status
	;;
dask-up)
	(($# == 0)) || usage
	check_can
	dask_up
	;;
dask-down)
	(($# == 0)) || usage
	check_can
	dask_down
	;;
*)
	usage
	;;
esac
