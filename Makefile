# znetback — top-level build.  `make help` lists the targets.

KDIR ?= $(shell ls -d /usr/src/linux-headers-*-amd64 2>/dev/null | sort -V | tail -n 1)
KABI := $(patsubst linux-headers-%,%,$(notdir $(KDIR)))
BUILD := build
CHECKPATCH := $(BUILD)/checkpatch/checkpatch.pl

UNIT_CC ?= gcc
SAN_FLAGS := -fsanitize=address,undefined -fno-sanitize-recover=all
UNIT_CFLAGS ?= -std=gnu11 -Wall -Wextra -Werror -g -O1 $(SAN_FLAGS) -Iinclude
FUZZ_CC ?= clang
FUZZ_SECONDS ?= 20
FUZZ_LONG_SECONDS ?= 600

# include/user/ is the userspace half of the port layer, not kernel code.
# netback/selftest_cases.h is generated (Kbuild, selftest builds).
KERNEL_SOURCES := $(filter-out netback/selftest_cases.h,$(wildcard netback/*.[ch] grant/*.[ch] include/*.h))

.PHONY: help all tools deps unit mutations fuzz fuzz-smoke kbuild-core module modules-all \
	checkpatch kernel-doc shellcheck check check-full deb deb-test demo lab-check lab-check-6.12 lab-check-mixed \
	lab-gate lab-gate-6.12 lab-gate-mixed lab-pvh lab-hvm lab-migrate lab-pvh-boots lab-races lab-faults lab-selftest soak lab-mutations fuzz-lab bench bench-driver-domain bench-profile bench-timed clean

help:
	@echo "znetback — zero-copy Xen network backend for dom0"
	@echo
	@echo "  make demo        boot the Xen lab in QEMU and show znetback moving traffic"
	@echo "  make check       the CI gate: every build and static step, the lab's core (under an hour)"
	@echo "  make check-full  make check with every lab scenario on both kernels (about two hours)"
	@echo
	@echo "  make deps        install the Debian 12 packages the build and tests need"
	@echo "  make module      build znetback.ko against $(or $(KDIR),<no kernel headers>)"
	@echo "  make tools       build znbstat (counters), znbfront (test frontend), the cost plugin,"
	@echo "                   the lab guests' XDP program"
	@echo "  make unit        userspace unit tests of the grant core (ASan+UBSan)"
	@echo "  make mutations   prove the unit tests catch deliberately broken destructors and builders"
	@echo "  make fuzz        run the libFuzzer targets for $(FUZZ_LONG_SECONDS) s each"
	@echo "  make kbuild-core compile grant/ with Kbuild, W=1, warnings are errors"
	@echo "  make modules-all build znetback.ko for every supported kernel (6.1, 6.12), W=1"
	@echo "  make checkpatch  checkpatch.pl --strict on the kernel sources"
	@echo "  make kernel-doc  kernel-doc (Debian's linux-kbuild) finds no fault in the kernel-doc comments"
	@echo "  make shellcheck  shellcheck on every shell script (found by name and shebang)"
	@echo "  make deb         build/deb/znetback-dkms_$$(cat VERSION)_all.deb (dh-dkms; see README)"
	@echo "  make deb-test    install that package here, dkms build/install on 6.1 and 6.12, purge"
	@echo "  make lab-check   run every lab scenario on real Xen in QEMU (LAB_KERNEL=6.12: on 6.12)"
	@echo "  make lab-check-6.12, lab-check-mixed"
	@echo "                   what make check-full runs on 6.12 (KFENCE) and with 6.12 guests on 6.1"
	@echo "  make lab-gate, lab-gate-6.12, lab-gate-mixed"
	@echo "                   make check's three lab boots (6.1, 6.12 with KFENCE, 6.1 dom0 + 6.12 guests)"
	@echo "  make lab-pvh     the core scenarios with PVH guests beside PV ones (not in check: README)"
	@echo "  make lab-hvm     the same with HVM guests (PV drivers) beside PV ones (not in check: README)"
	@echo "  make lab-migrate 5 live migrations of a PVH guest with traffic in flight (not in check)"
	@echo "  make lab-pvh-boots 50 PVH guests with traffic: how often the emulated CPU kills one"
	@echo "  make lab-races   hold two race windows open in a lab-only build: dom0 must stay clean"
	@echo "  make lab-faults  fail grant ops and allocations on purpose in a lab-only build"
	@echo "  make lab-selftest run grant/'s table tests (make unit's) inside dom0's kernel at module load"
	@echo "  make soak        SOAK_MINUTES (60) of mixed load and churn; trend checks, CSV, PNG"
	@echo "  make lab-mutations prove the lab catches deliberately broken destructors"
	@echo "  make fuzz-lab    20 minutes of seeded random TX rings from a hostile guest"
	@echo "  make bench       instructions per GB, znetback vs in-tree xen-netback, QEMU icount (~45 min;"
	@echo "                   LAB_KERNEL=6.12: both on Debian's 6.12)"
	@echo "  make bench-driver-domain  the same with the backend in a driver domain (DD_TYPE=pv|pvh; ~20 min)"
	@echo "  make bench-profile where dom0's instructions go, by function, on PROFILE_ROWS (~8 min)"
	@echo "  make bench-timed the host-timed iperf3 bench (noisy: guest time is host time, ~27 min)"

all: module tools unit

# Static, so the lab's busybox images can run them without a libc.
TOOL_CFLAGS := -std=gnu11 -O2 -Wall -Wextra -Werror -static
XEN_LIBS := -lxenstore -lxengnttab -lxenevtchn -lxentoolcore -lxentoollog -lpthread
TOOLS := $(BUILD)/tools/znbstat $(BUILD)/tools/znbfront $(BUILD)/tools/znbmark \
	$(BUILD)/tools/znb-cost.so $(BUILD)/tools/xdp-drop-udp-port.o
tools: $(TOOLS)

$(BUILD)/tools/znbstat: tools/znbstat/znbstat.c
	@mkdir -p $(dir $@)
	$(CC) $(TOOL_CFLAGS) -o $@ $<

$(BUILD)/tools/znbfront: $(wildcard tools/frontend/*.[ch])
	@mkdir -p $(dir $@)
	$(CC) $(TOOL_CFLAGS) -o $@ $(filter %.c,$^) $(XEN_LIBS)

$(BUILD)/tools/znbmark: tools/bench/znbmark.c tools/bench/znbmark.h
	@mkdir -p $(dir $@)
	$(CC) $(TOOL_CFLAGS) -o $@ $<

# A QEMU TCG plugin: runs in the host's QEMU, so shared and dynamic.
$(BUILD)/tools/znb-cost.so: tools/bench/cost-plugin.c tools/bench/znbmark.h
	@mkdir -p $(dir $@)
	$(CC) -std=gnu11 -O2 -Wall -Wextra -Werror -fPIC -shared -fvisibility=hidden -o $@ $<

# The lab guests' XDP program (tests/lab/xdp.sh): BPF bytecode, loaded by the guest's ip.
$(BUILD)/tools/xdp-drop-udp-port.o: tools/xdp/drop-udp-port.bpf.c
	@mkdir -p $(dir $@)
	clang -O2 -g -target bpf -Wall -Werror -I/usr/include/$(shell gcc -dumpmachine) -c -o $@ $<

deps:
	@tools/deps.sh

-include tests/unit/build.mk
-include tests/fuzz/build.mk

unit: $(BUILD)/unit/znb-unit
	$(BUILD)/unit/znb-unit

mutations:
	tests/unit/mutations.sh

fuzz-smoke: $(BUILD)/fuzz/fuzz-txreq $(BUILD)/fuzz/fuzz-lifecycle $(BUILD)/fuzz/fuzz-txbuild
	tests/fuzz/run.sh $(FUZZ_SECONDS)

fuzz: $(BUILD)/fuzz/fuzz-txreq $(BUILD)/fuzz/fuzz-lifecycle $(BUILD)/fuzz/fuzz-txbuild
	tests/fuzz/run.sh $(FUZZ_LONG_SECONDS)

# The grant core compiled alone by Kbuild: proves the dual build even before
# the module links.  W=1 output is scanned because Kbuild does not fail on it.
kbuild-core:
	@test -n "$(KDIR)" || { echo "no /usr/src/linux-headers-*-amd64: run make deps"; exit 1; }
	@rm -rf $(BUILD)/kbuild-core && mkdir -p $(BUILD)/kbuild-core
	@cp grant/*.c $(BUILD)/kbuild-core/
	@printf 'ccflags-y := -I%s/include\n' "$(CURDIR)" > $(BUILD)/kbuild-core/Kbuild
	@$(MAKE) -s -C $(KDIR) M=$(CURDIR)/$(BUILD)/kbuild-core W=1 \
		$(patsubst grant/%.c,%.o,$(wildcard grant/*.c)) 2>&1 | tee $(BUILD)/kbuild-core.log
	@! grep -qE 'warning:|error:' $(BUILD)/kbuild-core.log
	@echo "kbuild-core: grant/ builds against $(KABI) with W=1, no warnings"

module:
	@test -n "$(KDIR)" || { echo "no /usr/src/linux-headers-*-amd64: run make deps"; exit 1; }
	@mkdir -p $(BUILD)
	@$(MAKE) -C $(KDIR) M=$(CURDIR) W=1 modules 2>&1 | tee $(BUILD)/module.log
	@! grep -qE 'warning:|error:' $(BUILD)/module.log
	@test -f znetback.ko

$(CHECKPATCH):
	@mkdir -p $(BUILD)/checkpatch
	tar -xJf /usr/src/linux-source-6.1.tar.xz -C $(BUILD)/checkpatch --strip-components=2 \
		linux-source-6.1/scripts/checkpatch.pl linux-source-6.1/scripts/spelling.txt \
		linux-source-6.1/scripts/const_structs.checkpatch
	@touch $@

# CAMELCASE is ignored because the only CamelCase names are Xen's own
# (XenbusStateConnected & co. from xen/interface/io/xenbus.h).
# Debian 12's two kernels: 6.1 and the 6.12 of bookworm-security (its headers are fetched
# into the cache by tools/kernel-headers.sh, never installed).
SUPPORTED_KERNELS := 6.1 6.12
modules-all:
	@tools/build-kernels.sh $(SUPPORTED_KERNELS)

# What a selftest build also compiles into the module (Kbuild's znb_selftest_objs and their
# headers).  fixture.h's checks return from the test on purpose: the kernel has no longjmp.
SELFTEST_SOURCES := tests/unit/fixture.h tests/unit/unit_kernel.h tests/unit/txring.h \
	tests/unit/test_txreq.c tests/unit/test_credit.c tests/unit/test_policy.c
checkpatch: $(CHECKPATCH)
	perl $(CHECKPATCH) --strict --no-tree --terse --show-types --ignore CAMELCASE \
		-f $(KERNEL_SOURCES)
	perl $(CHECKPATCH) --strict --no-tree --terse --show-types \
		--ignore CAMELCASE,MACRO_WITH_FLOW_CONTROL -f $(SELFTEST_SOURCES)

# kernel-doc of Debian's kbuild (linux-kbuild-6.1, which the headers pull in): every
# kernel-doc comment must match what it documents.
KERNEL_DOC ?= $(firstword $(wildcard /usr/lib/linux-kbuild-6.1/scripts/kernel-doc \
	/usr/lib/linux-kbuild-*/scripts/kernel-doc))
kernel-doc:
	@test -n "$(KERNEL_DOC)" || { echo "no scripts/kernel-doc from linux-kbuild: run make deps"; exit 1; }
	@perl $(KERNEL_DOC) -none -Werror $(KERNEL_SOURCES)
	@echo "kernel-doc: $(words $(KERNEL_SOURCES)) files, no warnings"

# Which files are shell scripts is decided in tests/shellcheck.sh alone.
shellcheck:
	@tests/shellcheck.sh

check:
	@tools/deps.sh
	@tests/check.sh gate

check-full:
	@tools/deps.sh
	@tests/check.sh full

# The DKMS package; deb-test installs it on this machine and purges it again (part of check).
deb:
	@tools/deb/build.sh

deb-test:
	@tests/pkg/deb.sh

demo:
	@tools/deps.sh
	@$(MAKE) -s module tools
	tools/lab/demo

# Every lab scenario, the leak cycles and the hostile catalogue in one boot, on Debian 12's
# 6.1 (the installed headers) or, with LAB_KERNEL=6.12, on 6.12 with KFENCE.
# The soak runs 5 minutes there (make soak: 60).
LAB_CHECK_SCENARIOS := all leak/cycles leak/attach-cycles leak/reload hostile/catalogue hostile/isolation hostile/fuzz \
	soak/mixed
lab-check: tools
ifeq ($(LAB_KERNEL),)
	@$(MAKE) -s module
else
	@tools/build-kernels.sh $(LAB_KERNEL)
endif
	SOAK_MINUTES=$${SOAK_MINUTES:-5} LAB_BACKEND=znetback tools/lab/lab run $(LAB_CHECK_SCENARIOS)

# What make check-full runs on the second kernel and in the mixed boot. Both full sets and a mixed
# boot took too long beside the 6.1 run (measured: README), so these keep the
# scenarios where the kernel differs (data paths, lifecycle, reconnects, the hostile catalogue
# under KFENCE) and cut repetition counts; make lab-check LAB_KERNEL=6.12 runs everything.
LAB_CHECK_612_SCENARIOS := bridge guest-to-guest gso-segment local-socket destroy-inflight \
	attach-detach reconnect-paths save-restore leak/reload hostile/catalogue
LAB_CHECK_MIXED_SCENARIOS := bridge guest-to-guest reconnect-paths
# The hostile cases whose handling differs by path in the backend (each way of disabling a
# vif, each grant error, the grant and page lifetimes, RX starvation, reconnects); make check
# runs all 36 on 6.1.
LAB_CHECK_612_HOSTILE := zero-length-first-slot following-slot-crosses-page \
	slots-above-fatal-limit extra-unknown-type gso-size-zero req-prod-overflow bad-gref \
	revoke-while-queued duplicate-ids rx-starve rx-garbage-grefs evtchn-storm \
	reconnect-after-disable closed-then-connected state-flap ring-ref-change absurd-queues \
	killed-mid-flight headers-split-across-slots
lab-check-6.12: tools
	@tools/build-kernels.sh 6.12
	LAB_KERNEL=6.12 LAB_SAVE_CYCLES=2 HOSTILE_CASES="$(LAB_CHECK_612_HOSTILE)" \
		LAB_BACKEND=znetback tools/lab/lab run $(LAB_CHECK_612_SCENARIOS)
lab-check-mixed: module tools
	LAB_GUEST_KERNEL=6.12 LAB_BACKEND=znetback \
		tools/lab/lab run $(LAB_CHECK_MIXED_SCENARIOS)

# make check's lab, the CI gate: it must fit check's hour on the slowest machine CI has had
# (README, "What make check runs"). Guest isolation first: the whole hostile catalogue, the
# isolation scenario and the ring fuzz on 6.1; then each scenario once on one of the kernels
# where its code differs (data paths and attach/detach on 6.1; teardown in flight, save/restore,
# reload on 6.12 under KFENCE; the reconnect paths with 6.12's netfront on a 6.1 dom0). The
# rest runs in make check-full.
LAB_GATE_SCENARIOS := bridge guest-to-guest gso-segment wire attach-detach params leak/attach-cycles \
	driver-domain hostile/catalogue hostile/isolation hostile/fuzz
LAB_GATE_612_SCENARIOS := local-socket destroy-inflight save-restore leak/reload hostile/catalogue
LAB_GATE_MIXED_SCENARIOS := reconnect-paths
# one case for each way the backend meets a bad guest: a grant error, a vif disabled for its
# slots, a grant revoked while queued, RX starvation, a state flap, a guest killed mid-flight
LAB_GATE_612_HOSTILE := bad-gref slots-above-fatal-limit revoke-while-queued rx-starve state-flap \
	killed-mid-flight
# The gate's repetition counts live here, so make lab-gate* runs what make check runs: 5
# attach/detach leak cycles (make check-full: 10) and one save/restore cycle.
lab-gate: module tools
	LAB_ATTACH_CYCLES=$${LAB_ATTACH_CYCLES:-5} LAB_BACKEND=znetback tools/lab/lab run $(LAB_GATE_SCENARIOS)
lab-gate-6.12: tools
	@tools/build-kernels.sh 6.12
	LAB_KERNEL=6.12 LAB_SAVE_CYCLES=$${LAB_SAVE_CYCLES:-1} HOSTILE_CASES="$(LAB_GATE_612_HOSTILE)" \
		LAB_BACKEND=znetback tools/lab/lab run $(LAB_GATE_612_SCENARIOS)
lab-gate-mixed: module tools
	LAB_GUEST_KERNEL=6.12 LAB_BACKEND=znetback tools/lab/lab run $(LAB_GATE_MIXED_SCENARIOS)

# PVH guests, as most users run them (#21): the core of the scenario set with guest 1 PVH and
# guest 2 PV, so guest-to-guest carries data PVH->PV and PV->PVH. The lab boots QEMU with an
# emulated SVM and nested paging for them (Xen's HAP), and the guests with tsc_mode native.
# Not in check while QEMU's emulated SVM still kills a PVH guest now and then (README).
# The hostile catalogue's znbfront runs in guest 1, so there it drives a PVH guest's grants.
LAB_PVH_SCENARIOS := bridge local-socket guest-to-guest gso-segment netem attach-detach \
	destroy-inflight policy-flow hostile/catalogue
lab-pvh: module tools
	LAB_GUEST_TYPE="pvh pv" HOSTILE_CASES="$(LAB_GATE_612_HOSTILE)" LAB_BACKEND=znetback \
		tools/lab/lab run $(LAB_PVH_SCENARIOS)

# The same scenarios with guest 1 an HVM guest with PV drivers (netfront over Xen's platform
# PCI device, the other configuration users run): Xen's device model (QEMU) runs in dom0 for
# it. Not in check for the same reason: the same emulated SVM runs it.
lab-hvm: module tools
	LAB_GUEST_TYPE="hvm pv" HOSTILE_CASES="$(LAB_GATE_612_HOSTILE)" LAB_BACKEND=znetback \
		tools/lab/lab run $(LAB_PVH_SCENARIOS)

# Live migration needs a PVH guest (Debian's Xen has no shadow paging, which PV log-dirty
# needs), hence QEMU's emulated SVM with nested paging; not in check: PVH guests there
# triple-fault now and then, with either backend (#21).
lab-migrate: module tools
	LAB_BACKEND=znetback tools/lab/lab run pvh/migrate

# How often QEMU's emulated SVM kills a PVH guest (#21): LAB_PVH_BOOTS (50) PVH guests with
# traffic, one after the other; fails on any triple fault. Not in check until that is 0.
lab-pvh-boots: module tools
	LAB_BACKEND=znetback tools/lab/lab run pvh/boots

# The long run of check's one-minute ring fuzz; HOSTILE_FUZZ_SEED=N replays a seed.
fuzz-lab: module tools
	HOSTILE_FUZZ_SECONDS=$${HOSTILE_FUZZ_SECONDS:-1200} LAB_BACKEND=znetback tools/lab/lab run hostile/fuzz

# Lab-only builds: race windows held open, faults injected, grant/'s table tests run in the
# kernel at load (all three part of check, in one boot).
lab-races: tools
	tests/variant-lab.sh races

lab-faults: tools
	tests/variant-lab.sh faults

lab-selftest:
	tests/variant-lab.sh selftest

# SOAK_MINUTES (default 60) of mixed load, guests coming and going; samples, plot and summary
# in tests/soak/results/ (make check runs 5 minutes of it in the lab step).
soak: module tools
	tests/soak/run

# Not part of check: one lab boot per mutant.
lab-mutations: tools
	tests/mutations-lab.sh

# Not part of check (tests/cost-smoke.sh is): it measures rather than proves.
# LAB_KERNEL=6.12: dom0 and guests boot Debian's 6.12, znetback against 6.12's own xen-netback;
# results in bench/results/kernel-6.12/ (the 6.1 figures stay where the README reads them).
bench:
	@tools/deps.sh
ifeq ($(LAB_KERNEL),)
	@$(MAKE) -s module tools
	bench/cost-run
else
	@$(MAKE) -s tools
	@tools/build-kernels.sh $(LAB_KERNEL)
	@mkdir -p bench/results/kernel-$(LAB_KERNEL)
	COST_RESULTS=$(CURDIR)/bench/results/kernel-$(LAB_KERNEL) bench/cost-run
endif

# The backend in a driver domain (DD_TYPE=pv or pvh, default pv): the guest -> driver domain
# and guest -> guest rows, both backends, three CPUs; results in
# bench/results/driver-domain-$(DD_TYPE)/.
DD_TYPE ?= pv
bench-driver-domain:
	@tools/deps.sh
	@$(MAKE) -s module tools
	BENCH_COST_DD=$(DD_TYPE) bench/cost-run

# Where the instructions go: one profiled run per backend of the rows whose targets are
# missed, by function (bench/results/latest-profile.md).
PROFILE_ROWS ?= g2d-tcp g2g-tcp g2d-udp-64 d2g-udp-64
bench-profile:
	@tools/deps.sh
	@$(MAKE) -s module tools
	COST_RESULTS=$(CURDIR)/$(BUILD)/bench/profile BENCH_COST_PROFILE=1 BENCH_COST_RUNS=1 \
		BENCH_COST_ROWS="$(PROFILE_ROWS)" BENCH_COST_VARIANTS="xen-netback:- znetback:auto" \
		bench/cost-run
	cp $(BUILD)/bench/profile/latest-profile.md bench/results/latest-profile.md

bench-timed:
	@tools/deps.sh
	@$(MAKE) -s module tools
	bench/run

clean:
	rm -rf $(BUILD)
	-@test -z "$(KDIR)" || $(MAKE) -s -C $(KDIR) M=$(CURDIR) clean
