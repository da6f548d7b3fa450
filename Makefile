# stampede — build, test, demo, bench.
#
#   make          build build/stampede (and build/limit, what bench
#                 measures it against)
#   make demo     install what is missing, build, run the hot-key story
#   make test     the include check, then install what is missing (and a
#                 browser, chromium, to open the HTML report in), unit tests
#                 (plain and under ASan + UBSan), validation tests
#                 (optimised), examples/parallel.sh (GNU parallel) on a
#                 small sweep against the unsharded sweep, and make install
#                 into a temporary PREFIX (tests/install.sh)
#   make test-slurm  examples/slurm/sweep.sbatch on a single-node Slurm
#                 started on localhost (installs slurm-wlm and munge if
#                 missing; skips, saying why, where they cannot run)
#   make check-includes  the #include graph of sim/ and models/ against the
#                 layers of DESIGN.md §2: no cycle between modules, no
#                 include upwards, no two files of one name (POSIX sh + awk)
#   make samples  write the sample data files of scenarios/data/ again
#                 (build/gen-samples; a unit test checks they match)
#   make install  the binary, the gnuplot scripts, the scenario library,
#                 the man page and the bash completion under PREFIX
#                 (default /usr/local; DESTDIR for a staging root)
#   make bench    the benchmark suite
#   make fuzz     libFuzzer over the scenario loader and --set (clang), for
#                 FUZZ_SECONDS (default 600)
#   make valgrind the unit tests, then the binary, under valgrind (~5 min)
#   make faults   the fault catalogue (tests/faults/run.sh, ~45 s): signals
#                 at several moments, full disks, file size and memory
#                 limits, unwritable folders, concurrent writers, hostile
#                 inputs, a broken or hanging gnuplot, each outcome checked
#                 against what docs/limits.md promises; one line a case,
#                 then `faults: N tried, K clean`; fails if K < N. Cases
#                 that need root (a small tmpfs) are skipped elsewhere.
#                 Not part of `make test`; .ci/run runs it.
#   make mutate   mutation testing: each mutant of tools/mutants.txt (one
#                 line of models/ or sim/kernel/ made wrong) applied in turn
#                 to a scratch copy; the unit tests must kill it. The last
#                 line is `mutants: N killed: K survived: S equivalent: E`;
#                 fails if S > 0. MUTATE_FILES=... limits it to those files.
#                 Not part of `make test` (~5 min here).
#
# Libraries are found with pkg-config. The top-level targets run
# tools/deps.sh first, which installs missing Debian packages (as root) or
# says exactly which ones to install.

CC      ?= cc
BUILD   := build
PKGS    := gsl libcjson zlib
WARN    := -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes
STD     := -std=c11 -D_POSIX_C_SOURCE=200809L
INC     := -Isim -Imodels
# Recursive (=) so pkg-config runs only when a recipe needs it, after
# tools/deps.sh has had the chance to install the packages.
PKG_CFLAGS = $(shell pkg-config --cflags $(PKGS))
PKG_LIBS   = $(shell pkg-config --libs $(PKGS)) -lm
CHECK_CFLAGS = $(shell pkg-config --cflags check)
CHECK_LIBS   = $(shell pkg-config --libs check)

OPT      := -O2 -g
SAN      := -O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer \
            -fno-sanitize-recover=all

# The simulator's sources, main.c apart (tests link everything else).
LIB_SRC  := $(wildcard sim/kernel/*.c) $(wildcard models/*.c) \
            $(wildcard models/policies/*.c) $(wildcard sim/scenario/*.c) \
            $(wildcard sim/experiment/*.c) $(wildcard sim/output/*.c) \
            $(filter-out sim/cli/main.c,$(wildcard sim/cli/*.c))
UNIT_SRC := $(wildcard tests/unit/*.c) tests/runner.c tests/support.c tests/spy.c \
            tests/runs.c tests/svg.c
VAL_SRC  := $(wildcard tests/validation/*.c) tests/runner.c tests/support.c tests/spy.c \
            tests/runs.c tests/theory.c

obj = $(patsubst %.c,$(BUILD)/$(1)/%.o,$(2))

.PHONY: all deps demo test bench fuzz valgrind mutate faults clean check-build \
        unit-tests validation-tests check-includes check-mutants samples \
        parallel-example test-slurm install install-test
all: $(BUILD)/stampede $(BUILD)/limit

deps:
	@tools/deps.sh

# ---- objects ---------------------------------------------------------------

$(BUILD)/opt/%.o: %.c
	@mkdir -p $(@D)
	$(CC) $(STD) $(OPT) $(WARN) $(INC) $(PKG_CFLAGS) $(CHECK_CFLAGS) -MMD -MP -c $< -o $@

$(BUILD)/san/%.o: %.c
	@mkdir -p $(@D)
	$(CC) $(STD) $(SAN) $(WARN) $(INC) $(PKG_CFLAGS) $(CHECK_CFLAGS) -MMD -MP -c $< -o $@

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)

# ---- programs --------------------------------------------------------------

$(BUILD)/stampede: $(call obj,opt,$(LIB_SRC) sim/cli/main.c)
	$(CC) $(OPT) $^ -o $@ $(PKG_LIBS)

# The binary under the sanitizers: the second pass of the unit tests runs
# it, so that leaks and errors on the paths only the binary takes (the
# commands, their error exits, signals) are found too.
$(BUILD)/stampede-san: $(call obj,san,$(LIB_SRC) sim/cli/main.c)
	$(CC) $(SAN) $^ -o $@ $(PKG_LIBS)

$(BUILD)/test-unit: $(call obj,opt,$(LIB_SRC) $(UNIT_SRC))
	$(CC) $(OPT) $^ -o $@ $(PKG_LIBS) $(CHECK_LIBS)

$(BUILD)/test-unit-san: $(call obj,san,$(LIB_SRC) $(UNIT_SRC))
	$(CC) $(SAN) $^ -o $@ $(PKG_LIBS) $(CHECK_LIBS)

$(BUILD)/test-validation: $(call obj,opt,$(LIB_SRC) $(VAL_SRC))
	$(CC) $(OPT) $^ -o $@ $(PKG_LIBS) $(CHECK_LIBS)

# The least work the hot-key-steady benchmark needs, hand-written on the
# kernel's streams, samplers, histogram and heap: `stampede bench` finds
# it beside itself and reports the simulator's speed against it.
$(BUILD)/limit: $(call obj,opt,tools/limit.c $(LIB_SRC))
	$(CC) $(OPT) $^ -o $@ $(PKG_LIBS)

# The event queues the kernel could keep, on the hold model
# (docs/performance.md says which won and by how much).
$(BUILD)/queues: $(call obj,opt,tools/queues.c $(LIB_SRC))
	$(CC) $(OPT) $^ -o $@ $(PKG_LIBS)

# The random number generators the kernel could use, timed
# (docs/performance.md says which was chosen and why).
$(BUILD)/generators: $(call obj,opt,tools/generators.c $(LIB_SRC))
	$(CC) $(OPT) $^ -o $@ $(PKG_LIBS)

# The generator of the sample data files (scenarios/data/).
$(BUILD)/gen-samples: $(call obj,opt,tools/gen_samples.c)
	$(CC) $(OPT) $^ -o $@ $(PKG_LIBS)

samples: $(BUILD)/gen-samples
	$(BUILD)/gen-samples scenarios/data

# ---- top-level jobs --------------------------------------------------------

check-build: $(BUILD)/stampede $(BUILD)/stampede-san $(BUILD)/test-unit \
             $(BUILD)/test-unit-san $(BUILD)/test-validation \
             $(BUILD)/gen-samples $(BUILD)/limit $(BUILD)/queues \
             $(BUILD)/generators

unit-tests: $(BUILD)/stampede $(BUILD)/stampede-san $(BUILD)/test-unit \
            $(BUILD)/test-unit-san $(BUILD)/gen-samples
	@echo "== unit tests"
	STAMPEDE=$(BUILD)/stampede $(BUILD)/test-unit
	@echo "== unit tests under AddressSanitizer + UndefinedBehaviorSanitizer"
	STAMPEDE=$(BUILD)/stampede-san ASAN_OPTIONS=detect_leaks=1 \
	  UBSAN_OPTIONS=print_stacktrace=1 CK_TIMEOUT_MULTIPLIER=4 \
	  $(BUILD)/test-unit-san

ifneq ($(wildcard tests/validation/*.c),)
validation-tests: $(BUILD)/stampede $(BUILD)/test-validation
	@echo "== validation tests (simulator against queueing theory)"
	STAMPEDE=$(BUILD)/stampede $(BUILD)/test-validation
else
validation-tests:
	@echo "== no validation tests yet"
endif

# The checker's own tests first, so that a checker that has stopped
# finding anything cannot pass the tree.
check-includes:
	@echo "== include graph (tools/check-includes)"
	@tests/check-includes.sh
	@tools/check-includes

# Every mutant of the catalogue still names a line of the code (a
# catalogue that has rotted would test nothing): a second, not a run.
check-mutants:
	@echo "== mutant catalogue (tools/mutate --list)"
	@tools/mutate --list > /dev/null

test: check-includes check-mutants
	@tools/deps.sh test
	@$(MAKE) --no-print-directory unit-tests validation-tests parallel-example \
	  install-test

# The sweep of examples/parallel.sh, sliced and merged (a few seconds).
parallel-example: $(BUILD)/stampede
	@echo "== examples/parallel.sh: slices through GNU parallel, merged"
	@tests/parallel-example.sh $(BUILD)/stampede

test-slurm:
	@tools/deps.sh slurm
	@$(MAKE) --no-print-directory $(BUILD)/stampede
	@echo "== examples/slurm/sweep.sbatch on a single-node Slurm"
	@tests/slurm-example.sh $(BUILD)/stampede

demo:
	@tools/deps.sh
	@$(MAKE) --no-print-directory $(BUILD)/stampede
	@tools/demo.sh

# ---- valgrind: the unit tests, and the binary on the paths that exit early -

VALGRIND := valgrind -q --leak-check=full \
            --errors-for-leak-kinds=definite,indirect --error-exitcode=1
# The suites that run the binary on error paths, overloads and signals:
# run again with the binary itself under valgrind (tools/valgrind-stampede
# exits 99 on a finding, which fails the test that ran it).
VALGRIND_BINARY_SUITES := bad_inputs cli memguard overload signals

# CK_FORK=no: every test in the one process valgrind watches (Check then
# runs the tests one after another in it, without their timeouts). About
# 2.5 minutes, then 2.5 more for the binary.
valgrind: $(BUILD)/stampede $(BUILD)/test-unit
	@echo "== unit tests under valgrind"
	CK_FORK=no STAMPEDE=$(BUILD)/stampede $(VALGRIND) $(BUILD)/test-unit
	@echo "== the binary under valgrind"
	@for suite in $(VALGRIND_BINARY_SUITES); do \
	  echo "TEST_SUITE=$$suite STAMPEDE=tools/valgrind-stampede $(BUILD)/test-unit"; \
	  TEST_SUITE=$$suite STAMPEDE=tools/valgrind-stampede \
	    CK_TIMEOUT_MULTIPLIER=10 $(BUILD)/test-unit || exit 1; \
	done

# ---- fuzzing: libFuzzer over the scenario loader and --set (clang) ---------

FUZZ_CC      ?= clang
FUZZ_SECONDS ?= 600
FUZZ_SAN     := -g -O1 -fno-omit-frame-pointer -fsanitize=address,undefined \
                -fno-sanitize-recover=all
FUZZ_CORPUS  := $(BUILD)/fuzz-corpus

$(BUILD)/fuzz/%.o: %.c
	@mkdir -p $(@D)
	$(FUZZ_CC) $(STD) $(FUZZ_SAN) -fsanitize=fuzzer-no-link $(WARN) $(INC) $(PKG_CFLAGS) -MMD -MP -c $< -o $@

$(BUILD)/fuzz-scenario: $(call obj,fuzz,$(LIB_SRC) tests/fuzz/fuzz_scenario.c)
	$(FUZZ_CC) $(FUZZ_SAN) -fsanitize=fuzzer $^ -o $@ $(PKG_LIBS)

# Seeded from the scenario library and a few inputs with --set arguments;
# what it finds stays in the corpus for the next run. A crash, leak or
# slow input is saved as build/fuzz-crash-*, -leak-*, -timeout-* and fails
# the target.
fuzz:
	@tools/deps.sh
	@$(MAKE) --no-print-directory $(BUILD)/fuzz-scenario
	@mkdir -p $(FUZZ_CORPUS)
	cp scenarios/*.json $(FUZZ_CORPUS)/
	# the seeds apart from the library's scenarios: fleet.json is both
	for f in tests/fuzz/seeds/*; do cp "$$f" $(FUZZ_CORPUS)/seed-$${f##*/}; done
	$(BUILD)/fuzz-scenario -max_total_time=$(FUZZ_SECONDS) -max_len=8192 \
	  -timeout=10 -dict=tests/fuzz/scenario.dict -print_final_stats=1 \
	  -artifact_prefix=$(BUILD)/fuzz- $(FUZZ_CORPUS)

# ---- the fault catalogue: see tests/faults/run.sh ----------------------------

faults:
	@tools/deps.sh faults
	@$(MAKE) --no-print-directory $(BUILD)/stampede
	STAMPEDE=$(BUILD)/stampede tests/faults/run.sh

# ---- mutation testing: see tools/mutate and tools/mutants.txt ----------------

mutate:
	@tools/deps.sh
	tools/mutate $(MUTATE_FILES)

# ---- install ----------------------------------------------------------------

PREFIX  ?= /usr/local
DESTDIR ?=
SHARE   := $(DESTDIR)$(PREFIX)/share

# The installed binary finds its scripts and scenarios in
# ../share/stampede/ beside it (sim/kernel/datadir.c).
install: $(BUILD)/stampede
	install -d $(DESTDIR)$(PREFIX)/bin $(SHARE)/stampede/plots \
	  $(SHARE)/man/man1 $(SHARE)/bash-completion/completions
	install -m 755 $(BUILD)/stampede $(DESTDIR)$(PREFIX)/bin/stampede
	install -m 644 plots/*.gp $(SHARE)/stampede/plots/
	for d in $$(cd scenarios && find . -type d); do \
	  install -d $(SHARE)/stampede/scenarios/$$d || exit 1; \
	  for f in $$(cd scenarios && find $$d -maxdepth 1 -type f); do \
	    install -m 644 scenarios/$$f $(SHARE)/stampede/scenarios/$$f || exit 1; \
	  done; \
	done
	install -m 644 docs/stampede.1 $(SHARE)/man/man1/stampede.1
	install -m 644 completion/stampede.bash \
	  $(SHARE)/bash-completion/completions/stampede

# make install into a temporary PREFIX, and what it installed at work
# (tests/install.sh).
install-test: $(BUILD)/stampede
	@echo "== make install, the man page and the completion (tests/install.sh)"
	@tests/install.sh

bench:
	@tools/deps.sh
	@$(MAKE) --no-print-directory $(BUILD)/stampede $(BUILD)/limit
	$(BUILD)/stampede bench

clean:
	rm -rf $(BUILD)
