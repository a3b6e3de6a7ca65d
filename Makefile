# parbench: build, bench, plots, test.
#
#   make            build ./parbench (installs missing packages first)
#   make bench      the default plan within five minutes (BENCH_BUDGET=300),
#                   its tables, CSV files and plots
#   make bench-python  the articles' Python methods beside the C strategies
#   make bench-granularity  cpu.sumsq over five decades of task size
#   make bench-overhead  each strategy beside its bare mechanism: the per-task
#                   and pool ones' (bare-*) on cpu.nop, py-*'s (bare-py-*) on cpu.sumsq
#   make plots      plots of a run: make plots RUN=results/<run-id>
#   make report     one HTML page of a run, its plots, tables and findings:
#                   make report RUN=results/<run-id> [RUN2=results/<run-id>]
#   make test       unit and end-to-end tests
#   make test-asan  the same tests (but the report's, plots' and fuzz ones),
#                   built with AddressSanitizer and UBSan
#   make test-tsan  the end-to-end tests of the threaded strategies, built with
#                   ThreadSanitizer (clang, LLVM's libomp and its Archer tool)
#   make fuzz       libFuzzer on the parsers, FUZZ_TIME seconds each (default 60)
#   make plugin-examples  the example workload plugins (benchmarks/plugins/)
#                   as .build/plugins/*.so, for parbench run -w plugin:PATH
#   make deps       install the Debian packages parbench needs
#   make clean      remove what the build made (results/ and plots/ stay)

ifeq ($(origin CC),default)
CC = gcc
endif

VARIANT ?= release
OBJDIR := .build/$(VARIANT)
PKGS := hwloc jansson libuv gsl

ifeq ($(VARIANT),asan)
SANITIZE := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
BIN := $(OBJDIR)/parbench
else ifeq ($(VARIANT),tsan)
# TSan sees OpenMP's synchronization only in LLVM's libomp (clang's -fopenmp
# links it), through its Archer tool: tests/tsan.sh loads that.
CC = clang
SANITIZE := -fsanitize=thread -fno-omit-frame-pointer
OPTIMIZE := -O1
BIN := $(OBJDIR)/parbench
else
BIN := parbench
endif
OPTIMIZE ?= -O2

# evloop-uring needs liburing; without it the strategy is built as one that
# says so in `parbench list`.
URING = $(shell pkg-config --exists liburing && echo liburing)

# opencl needs the OpenCL headers and ICD loader; without them (or with
# OPENCL=0, which builds as a machine without them would) the strategy is
# built as one that says so in `parbench list`.
OPENCL ?= 1
OPENCL_PKG = $(if $(filter 1,$(OPENCL)),$(shell pkg-config --exists OpenCL && echo OpenCL))

# Recursive (=), so pkg-config runs after `deps` has installed what it finds.
CFLAGS_ALL = -std=c11 -D_GNU_SOURCE -Iharness -Ibenchmarks $(OPTIMIZE) -g -fopenmp -Wall -Wextra $(if $(WERROR),-Werror) \
	     $(SANITIZE) $(shell pkg-config --cflags $(PKGS) $(URING) $(OPENCL_PKG)) \
	     $(if $(URING),-DPB_HAVE_URING) $(if $(OPENCL_PKG),-DPB_HAVE_OPENCL) $(CFLAGS)
# The release build links hwloc, jansson, libuv, GSL, liburing and
# http_parser from their .a files (Debian's -dev packages ship them): a fork
# copies every mapping of the process, 5 for each shared library, and with
# 13 of them a task of fork-per-task cost 1.36x a fork from a small program
# (1.14x with 5).  The sanitizer builds keep them shared, as TSan tells
# uninstrumented code apart by module, and so does the MPI rank program,
# whose libmpi brings the shared hwloc.  libOpenCL, the ICD loader, is not
# linked at all: the opencl strategy opens it when it runs
# (harness/strategies/opencl/loader.h).
SYSTEM_LIBS := -lm -lpthread -ldl -lrt -ludev
SHARED_LIBRARIES = $(shell pkg-config --libs $(PKGS) $(URING)) -lhttp_parser
ifeq ($(VARIANT),release)
LIBRARIES = -Wl,-Bstatic $(filter-out $(SYSTEM_LIBS),$(shell pkg-config --static --libs-only-l \
	    hwloc jansson libuv-static gsl $(URING))) -lhttp_parser -Wl,-Bdynamic -ludev
else
LIBRARIES = $(SHARED_LIBRARIES)
endif
# -z now: every symbol bound at start-up, not lazily at its first call, which
# each forked worker would otherwise do again on its own copied pages
# (fork-per-task paid some 40 us a task for it).
# --dynamic-list: the functions a workload plugin calls (parbench_workload.h)
# are exported to the shared objects dlopen() brings in, and nothing else.
LINK_FLAGS = -fopenmp $(SANITIZE) -lm -lpthread -Wl,-z,now \
	     -Wl,--dynamic-list=benchmarks/plugin.syms $(LDLIBS)
LDLIBS_ALL = $(LIBRARIES) $(LINK_FLAGS)
GIT_REVISION := $(shell git describe --always --dirty 2>/dev/null || echo unknown)

# Every .c under benchmarks/ and harness/ but the two programs built apart:
# the mpi strategies' rank program (mpicc) and parbench-bare (small on purpose),
# and the example plugins (make plugin-examples), which are shared objects.
RANK_SOURCE := harness/strategies/mpi/mpi_rank.c
BARE_SOURCE := harness/strategies/bare/bare_main.c
SOURCES := $(filter-out $(RANK_SOURCE) $(BARE_SOURCE),$(shell find benchmarks harness -name '*.c' \
	   -not -path 'benchmarks/plugins/*'))
OBJECTS := $(SOURCES:%.c=$(OBJDIR)/%.o)
LIB_OBJECTS := $(filter-out $(OBJDIR)/harness/cli/main.o,$(OBJECTS))
UNIT_SOURCES := $(wildcard tests/unit/*.c)
UNIT_OBJECTS := $(UNIT_SOURCES:%.c=$(OBJDIR)/%.o)
UNIT_TESTS := $(OBJDIR)/unit-tests

# Open MPI, when installed (recursive, so it is looked for after `deps`):
# the mpi strategies' rank program goes beside parbench and is the only
# program that links libmpi; without mpicc they say they are unavailable.
MPICC = $(shell command -v mpicc 2>/dev/null)
MPIRUN = $(if $(MPICC),$(shell command -v mpirun 2>/dev/null))
RANK_BIN := $(dir $(BIN))parbench-mpi-rank

# The bare-* strategies' program: the mechanisms alone, linked with libc,
# pthreads and OpenMP's runtime only, as a user's program would be.
BARE_BIN := $(dir $(BIN))parbench-bare
BARE_OBJECTS := $(addprefix $(OBJDIR)/,harness/cell/sample.o harness/util/fd.o \
	harness/util/clock.o harness/util/parse.o harness/util/proc.o harness/machine/cpus.o \
	benchmarks/checksum.o)

OUT ?= results
comma := ,
RUN ?= $(OUT)/latest
BENCH_ARGS ?=

.PHONY: all bench bench-python bench-granularity bench-overhead plots report test test-asan test-tsan deps clean fuzz \
	plugin-examples

all: $(BIN) $(RANK_BIN) $(BARE_BIN)

$(BIN): $(OBJECTS)
	$(CC) -o $@ $^ $(LDLIBS_ALL)

$(OBJDIR)/%.o: %.c | deps
	@mkdir -p $(@D)
	$(CC) $(CFLAGS_ALL) $(BUILD_INFO) -MMD -MP -c -o $@ $<

# meta.json records the revision and flags: rebuild meta.o when they change.
$(OBJDIR)/build-info: FORCE | deps
	@mkdir -p $(@D)
	@echo '$(GIT_REVISION) $(CFLAGS_ALL) $(MPIRUN)' | cmp -s - $@ || \
		echo '$(GIT_REVISION) $(CFLAGS_ALL) $(MPIRUN)' > $@
$(OBJDIR)/harness/report/meta.o: $(OBJDIR)/build-info

# evloop-uring's object is rebuilt when liburing comes or goes.
$(OBJDIR)/uring: FORCE | deps
	@mkdir -p $(@D)
	@echo '$(URING)' | cmp -s - $@ || echo '$(URING)' > $@
$(OBJDIR)/harness/strategies/evloop/evloop_uring.o: $(OBJDIR)/uring
# and the opencl strategy's, when the OpenCL loader does (or OPENCL changes).
$(OBJDIR)/opencl: FORCE | deps
	@mkdir -p $(@D)
	@echo '$(OPENCL_PKG)' | cmp -s - $@ || echo '$(OPENCL_PKG)' > $@
$(addprefix $(OBJDIR)/harness/strategies/opencl/,opencl.o device.o): $(OBJDIR)/opencl
$(OBJDIR)/harness/report/meta.o: BUILD_INFO = -DPB_GIT_REVISION='"$(GIT_REVISION)"' \
	-DPB_CFLAGS='"$(strip $(subst ",,$(CFLAGS_ALL)))"'
$(OBJDIR)/harness/strategies/mpi/mpi.o: $(OBJDIR)/build-info
$(OBJDIR)/harness/strategies/mpi/mpi.o: BUILD_INFO = $(if $(MPIRUN),-DPB_MPIRUN='"$(MPIRUN)"')

# mpicc with our compiler (OMPI_CC) and flags, linked with the library's objects.
$(RANK_BIN): $(RANK_SOURCE) $(LIB_OBJECTS) | deps
	@if [ -z '$(MPIRUN)' ]; then echo "$@: not built: no mpicc and mpirun; the mpi" \
		"strategies stay unavailable (bash scripts/install-deps.sh installs Open MPI)"; \
	else echo "OMPI_CC=$(CC) mpicc ... -o $@ $<"; OMPI_CC=$(CC) $(MPICC) $(CFLAGS_ALL) \
		-MMD -MP -MF $(OBJDIR)/harness/strategies/mpi/mpi_rank.d -o $@ $(filter %.c %.o,$^) \
		$(SHARED_LIBRARIES) $(LINK_FLAGS); fi

$(BARE_BIN): $(BARE_SOURCE) $(BARE_OBJECTS) | deps
	$(CC) $(CFLAGS_ALL) -MMD -MP -MF $(OBJDIR)/$(BARE_SOURCE:.c=.d) -o $@ $(filter %.c %.o,$^) \
		-fopenmp $(SANITIZE) -lpthread -lm

# The example plugins, built as a user builds one: the public header only, no
# parbench object linked in (pb_mix64 and pb_task_fail come from parbench at
# load time).  Release flags whatever the VARIANT: they are the user's code.
PLUGIN_DIR := .build/plugins
PLUGINS := $(patsubst benchmarks/plugins/%.c,$(PLUGIN_DIR)/%.so,$(wildcard benchmarks/plugins/*.c))

plugin-examples: $(PLUGINS)
	@for so in $^; do echo "plugin: $$so  (parbench run -w plugin:$$so)"; done

$(PLUGIN_DIR)/%.so: benchmarks/plugins/%.c benchmarks/parbench_workload.h
	@mkdir -p $(@D)
	$(CC) -std=c11 -O2 -shared -fPIC -Wall -Wextra $(if $(WERROR),-Werror) -I benchmarks -o $@ $<

$(UNIT_TESTS): $(UNIT_OBJECTS) $(LIB_OBJECTS) $(OBJDIR)/tests/opencl_without.o
	$(CC) -o $@ $^ $(LDLIBS_ALL) $(shell pkg-config --libs criterion)

# The opencl strategy as a machine without the OpenCL packages builds it,
# under another name, so that the unit tests check what it says there.
$(OBJDIR)/tests/opencl_without.o: harness/strategies/opencl/opencl.c | deps
	@mkdir -p $(@D)
	$(CC) $(CFLAGS_ALL) -UPB_HAVE_OPENCL -Dpb_strategy_opencl=pb_strategy_opencl_without \
		-c -o $@ $<

# The default plan in two parts within BENCH_BUDGET seconds (scripts/bench.sh):
# CPU and memory work over 1..2xPUs workers, then I/O over concurrency
# 16..1024 (seq is its concurrency 1), each with its table, CSV files and
# plots.  BENCH_ARGS go to both.
BENCH_BUDGET ?= 300

# Runs `parbench run` once per part (a quoted argument list) with $(1) and
# BENCH_ARGS, and plots each; stops at bad input, exits with the worst status.
define run_parts
	@rc=0; for part in $(2); do \
		./$(BIN) run $(1) $$part --out $(OUT) $(BENCH_ARGS); r=$$?; \
		if [ $$r -le 1 ]; then bash scripts/plot.sh $(OUT)/latest || r=1; fi; \
		if [ $$r -gt $$rc ]; then rc=$$r; fi; \
		if [ $$r -gt 1 ]; then break; fi; \
	done; exit $$rc
endef

bench: $(BIN)
	@bash scripts/bench.sh ./$(BIN) $(OUT) $(BENCH_BUDGET) $(BENCH_ARGS)

# The articles' Python methods (py-all) beside the C strategies that do the
# same (a thread per task, a pool of threads, a process per task, a pool of
# processes, an event loop), on the workloads with a Python version, at sizes
# an interpreter gets through: cpu.sumsq at 10^6 iterations a task.
BENCH_PYTHON_STRATEGIES := seq,pthreads-per-task,pthreads,fork-per-task,fork,evloop-epoll,py-all
BENCH_PYTHON_PARTS := "-w cpu.sumsq --size 1000000" "-w cpu.nop --tasks 200" \
	"-w io --tasks 256 -n 16,256 --reps 3 --warmup 0 --order sequential --delay 0.001"

bench-python: $(BIN)
	$(call run_parts,-s $(BENCH_PYTHON_STRATEGIES),$(BENCH_PYTHON_PARTS))

# Speedup against task size: where each strategy starts to beat seq.
GRANULARITY_ARGS := -w cpu.sumsq --tasks 64 --size 10,100,1000,10000,100000,1000000 \
	-n $(shell nproc)

bench-granularity: $(BIN)
	./$(BIN) run $(GRANULARITY_ARGS) --out $(OUT) $(BENCH_ARGS)

# Each strategy beside the bare mechanism that does what it does, unpinned as
# the bare ones are, in two runs, since the two kinds of pair want different
# work: each per-task and pool strategy beside its bare-* (parbench-bare, a
# small program of its own) on cpu.nop's empty tasks; then, when there is a
# python3, each py-* method beside its bare-py-* (the articles' own Python
# code) on cpu.sumsq at 20,000 iterations a task (a millisecond or two in
# CPython, the least that is still work).  The table's "mechanism:" lines and
# summary.csv's mechanism_ratio say what parbench adds to a task.
OVERHEAD_PAIRS := pthreads-per-task,bare-thread fork-per-task,bare-fork pthreads,bare-pool \
	fork,bare-fork-pool openmp-static,bare-omp
OVERHEAD_PY_PAIRS := py-seq,bare-py-seq py-threads-per-task,bare-py-threads-per-task \
	py-threadpool,bare-py-threadpool py-process-per-task,bare-py-process-per-task \
	py-pool,bare-py-pool py-processpool,bare-py-processpool
OVERHEAD_PARTS := "-w cpu.nop -s $(subst $(eval) ,$(comma),$(OVERHEAD_PAIRS)) --tasks 4000" \
	$(if $(shell command -v python3),"-w cpu.sumsq -s $(subst $(eval) ,$(comma),$(OVERHEAD_PY_PAIRS)) \
	--tasks 32 --size 20000")
OVERHEAD_ARGS := -n 1,$(shell nproc) --reps 10 --pin none

bench-overhead: $(BIN) $(BARE_BIN)
	$(call run_parts,$(OVERHEAD_ARGS),$(OVERHEAD_PARTS))

plots:
	bash scripts/plot.sh $(RUN)

# The report needs a python3 with matplotlib: the one on PATH, else Debian's.
# Without RUN, the two latest runs of $(OUT) when they are one `make bench`.
REPORT_PYTHON = $(shell for p in python3 /usr/bin/python3; do \
	$$p -c 'import matplotlib' 2>/dev/null && { command -v $$p; break; }; done)
RUN2 ?=

report:
	@py='$(REPORT_PYTHON)'; if [ -z "$$py" ]; then echo "report: no python3 with" \
		"matplotlib; install it: apt-get install python3-matplotlib" \
		"(or bash scripts/install-deps.sh)" >&2; exit 2; fi; \
	$$py scripts/report.py $(if $(filter file,$(origin RUN)),--auto-pair) $(RUN) $(RUN2)

# +: tests/run.sh's `make fuzz` shares this make's jobs (-j).
test: $(BIN) $(RANK_BIN) $(BARE_BIN) $(UNIT_TESTS) $(PLUGINS)
	+PARBENCH=$(abspath $(BIN)) UNIT_TESTS=$(abspath $(UNIT_TESTS)) VARIANT=$(VARIANT) bash tests/run.sh

test-asan:
	$(MAKE) VARIANT=asan test

# ThreadSanitizer over the end-to-end tests that run the threaded strategies
# (tests/tsan.sh says which); Criterion's unit tests cannot run under TSan.
TSAN_BIN := .build/tsan/parbench

test-tsan:
	@command -v clang >/dev/null && bash tests/tsan.sh --check 2>/dev/null \
		|| bash scripts/install-deps.sh
	$(MAKE) VARIANT=tsan $(TSAN_BIN)
	PARBENCH=$(abspath $(TSAN_BIN)) bash tests/tsan.sh

# libFuzzer on the parsers (tests/fuzz/*.c), built with clang into .build/fuzz
# whatever the VARIANT: the parsers with coverage, ASan and UBSan, the rest of
# the library plain.  FUZZ_SMOKE=1: a short run of each, its seeds and its
# regression inputs replayed (tests/run.sh does that).
FUZZ_CC ?= clang
FUZZ_TIME ?= 60
FUZZ_DIR := .build/fuzz
FUZZ_TARGETS := $(basename $(notdir $(wildcard tests/fuzz/*.c)))
FUZZ_BINS := $(FUZZ_TARGETS:%=$(FUZZ_DIR)/%)
FUZZ_PARSERS := $(FUZZ_DIR)/benchmarks/http/url.o $(FUZZ_DIR)/benchmarks/http/parse.o $(FUZZ_DIR)/harness/util/parse.o \
		$(FUZZ_DIR)/harness/machine/pin.o $(FUZZ_DIR)/harness/machine/slurm.o $(FUZZ_DIR)/harness/cell/sample.o
FUZZ_PLAIN := $(filter-out $(FUZZ_PARSERS),$(LIB_OBJECTS:$(OBJDIR)/%=$(FUZZ_DIR)/%))
FUZZ_SANITIZE := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
FUZZ_CFLAGS = -std=c11 -D_GNU_SOURCE -Iharness -Ibenchmarks -g -fopenmp -Wall -Wextra $(if $(WERROR),-Werror) \
	      $(shell pkg-config --cflags $(PKGS))

fuzz: $(FUZZ_BINS)
	bash tests/fuzz/run.sh $(if $(FUZZ_SMOKE),--smoke,--time $(FUZZ_TIME)) $(FUZZ_TARGETS)

$(FUZZ_BINS): $(FUZZ_DIR)/%: tests/fuzz/%.c $(FUZZ_PARSERS) $(FUZZ_PLAIN)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -O1 -fsanitize=fuzzer $(FUZZ_SANITIZE) -MMD -MP -MF $@.d \
		-o $@ $(filter %.c %.o,$^) $(shell pkg-config --libs $(PKGS)) -lhttp_parser -lm -lpthread

$(FUZZ_PARSERS): $(FUZZ_DIR)/%.o: %.c | deps
	@mkdir -p $(@D)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -O1 -fsanitize=fuzzer-no-link $(FUZZ_SANITIZE) -MMD -MP -c -o $@ $<

$(FUZZ_PLAIN): $(FUZZ_DIR)/%.o: %.c | deps
	@mkdir -p $(@D)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -O0 -MMD -MP -c -o $@ $<

deps:
	@pkg-config --exists $(PKGS) libudev criterion && command -v gnuplot >/dev/null \
		&& [ -f /usr/include/http_parser.h ] \
		&& [ -d /usr/lib/python3/dist-packages/matplotlib ] || bash scripts/install-deps.sh

clean:
	rm -rf .build parbench parbench-mpi-rank parbench-bare

FORCE:

-include $(OBJECTS:.o=.d) $(UNIT_OBJECTS:.o=.d) $(OBJDIR)/harness/strategies/mpi/mpi_rank.d \
	$(OBJDIR)/$(BARE_SOURCE:.c=.d)
-include $(FUZZ_PARSERS:.o=.d) $(FUZZ_PLAIN:.o=.d) $(FUZZ_BINS:=.d)
