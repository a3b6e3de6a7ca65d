#!/usr/bin/env bash
# Installs the Debian packages parbench needs to build, test, plot and report.
# Idempotent: it installs only what is missing, and says so when nothing is.
set -euo pipefail

packages=(
	gcc make pkg-config   # the build (gcc brings libgomp for OpenMP)
	libhwloc-dev          # topology and pinning
	libudev-dev           # hwloc's own dependency, for linking libhwloc.a
	libjansson-dev        # meta.json and the JSON exports
	libgsl-dev            # statistics: distributions and quantiles
	libuv1-dev            # the evloop-uv strategies
	liburing-dev          # evloop-uring (optional: without it the strategy is unavailable)
	libhttp-parser-dev    # io.http's client and server (Node's http_parser)
	ocl-icd-opencl-dev    # the opencl strategy: the ICD loader (optional: without it, unavailable)
	opencl-headers        # the opencl strategy: CL/cl.h
	pocl-opencl-icd       # PoCL: an OpenCL device on every CPU, where no GPU vendor's ICD is
	clinfo                # what OpenCL platforms and devices a machine has, for the user
	libopenmpi-dev        # the mpi strategies' rank program (mpicc); without it they are unavailable
	openmpi-bin           # mpirun, which the mpi strategies start for every repetition
	libcriterion-dev      # unit tests
	clang                 # make fuzz and the tests' fuzz smoke stage (libFuzzer), make test-tsan
	libclang-rt-dev       # clang's libFuzzer and sanitizer runtimes, TSan's (only recommended by clang)
	libomp-dev            # clang's OpenMP: the fuzz targets' library; make test-tsan (libarcher.so)
	gnuplot-nox           # plots
	python3               # the end-to-end tests, plot.sh reading meta.json (standard library)
	python3-matplotlib    # make report: scripts/report.py's plots
	python3-dask          # py-dask (for /usr/bin/python3 only; without it, unavailable)
	python3-distributed   # py-dask: Dask's distributed scheduler, LocalCluster, dask-scheduler
)

missing=()
for pkg in "${packages[@]}"; do
	status=$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null || true)
	[[ $status == "install ok installed" ]] || missing+=("$pkg")
done

if ((${#missing[@]} == 0)); then
	echo "install-deps: all ${#packages[@]} packages are installed"
	exit 0
fi

if ! command -v apt-get >/dev/null 2>&1; then
	echo "install-deps: this system has no apt-get; install these Debian packages" \
		"(or your distribution's equivalents), then run make again: ${missing[*]}" >&2
	exit 1
fi

sudo=()
if ((EUID != 0)); then
	if ! command -v sudo >/dev/null 2>&1; then
		echo "install-deps: not root and no sudo; as root run: apt-get install ${missing[*]}" >&2
		exit 1
	fi
	sudo=(sudo)
fi

echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
"${sudo[@]}" apt-get update -qq
"${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
