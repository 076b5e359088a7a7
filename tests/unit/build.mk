# Unit tests of the grant core: included by the top-level Makefile.
#   make build/unit/znb-unit && build/unit/znb-unit [--seed N] [--packets N]
BUILD ?= build
UNIT_CC ?= gcc
UNIT_CFLAGS ?= -std=gnu11 -Wall -Wextra -Werror -g -O1 \
	-fsanitize=address,undefined -fno-sanitize-recover=all -Iinclude
UNIT_EXTRA_CFLAGS ?=

UNIT_TEST_SOURCES := tests/unit/main.c tests/unit/model.c \
	tests/unit/test_txreq.c tests/unit/test_lifecycle.c tests/unit/test_policy.c \
	tests/unit/test_credit.c
UNIT_CORE_SOURCES := grant/txreq.c grant/pool.c grant/policy.c grant/credit.c \
	grant/txbuild.c
UNIT_HEADERS := $(wildcard tests/unit/*.h include/*.h)

$(BUILD)/unit/znb-unit: $(UNIT_TEST_SOURCES) $(UNIT_CORE_SOURCES) $(UNIT_HEADERS) tests/unit/build.mk
	@mkdir -p $(dir $@)
	$(UNIT_CC) $(UNIT_CFLAGS) -Iinclude -Itests/unit $(UNIT_EXTRA_CFLAGS) -o $@ \
		$(UNIT_TEST_SOURCES) $(UNIT_CORE_SOURCES)

# For tests/unit/mutations.sh, which builds the same sources with other flags.
.PHONY: unit-sources
unit-sources:
	@echo $(UNIT_TEST_SOURCES) $(UNIT_CORE_SOURCES)
