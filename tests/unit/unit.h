/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Minimal unit test framework: UNIT_TEST(name) registers a test; CHECK*()
 * fails the running test with a reason and returns to the runner.
 */
#ifndef ZNB_UNIT_H
#define ZNB_UNIT_H

#include <stdarg.h>
#include <stdio.h>
#include <stdint.h>

void unit_register(const char *name, void (*fn)(void));
void unit_fail(const char *file, int line, const char *fmt, ...)
	__attribute__((noreturn, format(printf, 3, 4)));

/* Options of the randomized tests (--seed, --packets). */
extern uint64_t unit_seed;
extern unsigned long unit_packets;

#define UNIT_TEST(name)							\
	static void name(void);						\
	__attribute__((constructor)) static void unit_reg_##name(void)	\
	{ unit_register(#name, name); }					\
	static void name(void)

#define FAIL(...) unit_fail(__FILE__, __LINE__, __VA_ARGS__)

#define CHECK(cond, ...) do {						\
	if (!(cond))							\
		unit_fail(__FILE__, __LINE__, "check '" #cond "' failed: " __VA_ARGS__); \
} while (0)

#define CHECK_EQ(a, b) do {						\
	long long _a = (long long)(a), _b = (long long)(b);		\
	if (_a != _b)							\
		unit_fail(__FILE__, __LINE__, "%s == %lld, expected %s == %lld", \
			  #a, _a, #b, _b);				\
} while (0)

#endif
