# libFuzzer targets: included by the top-level Makefile.
#   make build/fuzz/fuzz-txreq build/fuzz/fuzz-lifecycle build/fuzz/fuzz-txbuild
#   tests/fuzz/run.sh SECONDS
BUILD ?= build
FUZZ_CC ?= clang
FUZZ_CFLAGS ?= -std=gnu11 -g -O1 -Wall -Wextra -Werror \
	-fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all
FUZZ_INC := -Iinclude -Itests/unit
FUZZ_CORE := grant/txreq.c grant/pool.c grant/policy.c grant/txbuild.c
FUZZ_DEPS := $(FUZZ_CORE) $(wildcard include/*.h include/user/*.h tests/unit/*.h) \
	tests/unit/model.c tests/fuzz/fail.c tests/fuzz/build.mk

$(BUILD)/fuzz/fuzz-txreq: tests/fuzz/fuzz_txreq.c $(FUZZ_DEPS)
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_CFLAGS) $(FUZZ_INC) -o $@ tests/fuzz/fuzz_txreq.c \
		tests/fuzz/fail.c tests/unit/model.c $(FUZZ_CORE)

$(BUILD)/fuzz/fuzz-lifecycle: tests/fuzz/fuzz_lifecycle.c $(FUZZ_DEPS)
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_CFLAGS) $(FUZZ_INC) -o $@ tests/fuzz/fuzz_lifecycle.c \
		tests/fuzz/fail.c tests/unit/model.c $(FUZZ_CORE)

$(BUILD)/fuzz/fuzz-txbuild: tests/fuzz/fuzz_txbuild.c $(FUZZ_DEPS)
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_CFLAGS) $(FUZZ_INC) -o $@ tests/fuzz/fuzz_txbuild.c \
		tests/fuzz/fail.c tests/unit/model.c $(FUZZ_CORE)
