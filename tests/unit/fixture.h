/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The fixture both halves of the table tests share.  test_txreq.c, test_credit.c
 * and test_policy.c use only grant/ and the port layer, so they build twice: into
 * the userspace unit tests (unit.h, main.c; ASan and UBSan) and, in a selftest
 * build of the module (-DZNB_SELFTEST), into znetback.ko, which runs them at load
 * (unit_kernel.h, netback/selftest.c).  Each half provides UNIT_TEST(name),
 * fixture_fail(), fixture_failed(), fixture_txq_init() and the names of the
 * guest's side of the ring; the checks below are the same in both.
 *
 * A failed check ends its test.  In userspace fixture_fail() never returns (it
 * jumps back to the runner); the kernel has no such jump, so the macros return,
 * and a test never runs on past a check that failed.  A helper that checks ends
 * only itself that way: tests call it through CHECKED(), which ends the caller too.
 */
#ifndef ZNB_FIXTURE_H
#define ZNB_FIXTURE_H

#ifdef __KERNEL__
#include "unit_kernel.h"
#else
#include "unit.h"
#endif
#include "znb_pool.h"

/* An idle queue on pages nothing else references, for the table tests of the pool. */
void fixture_txq_init(struct znb_txq *q);

#define FAIL(...) do {							\
	fixture_fail(__FILE__, __LINE__, __VA_ARGS__);			\
	return;								\
} while (0)

#define CHECK(cond, ...) do {						\
	if (!(cond))							\
		FAIL("check '" #cond "' failed: " __VA_ARGS__);		\
} while (0)

#define CHECK_EQ(a, b) do {						\
	long long _a = (long long)(a), _b = (long long)(b);		\
	if (_a != _b)							\
		FAIL("%s == %lld, expected %s == %lld", #a, _a, #b, _b); \
} while (0)

/* Calls a helper that checks; its failure ends the calling test as well. */
#define CHECKED(call) do {						\
	call;								\
	if (fixture_failed())						\
		return;							\
} while (0)

#endif
