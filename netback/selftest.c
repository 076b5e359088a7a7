// SPDX-License-Identifier: GPL-2.0
/*
 * Selftest build only (see selftest.h): runs the grant/ table tests of
 * tests/unit at load and reports them in KTAP, one line per test.  The same
 * tests run in userspace under ASan (make unit); here they prove that grant/ as
 * Kbuild compiles it for this kernel gives the same answers.
 */
#define pr_fmt(fmt) KBUILD_MODNAME " selftest: " fmt

#include <linux/gfp.h>
#include <linux/kernel.h>
#include <linux/mm.h>
#include <linux/sched.h>
#include <linux/string.h>

#include "znb_pool.h"
#include "selftest.h"

struct znb_selftest_case {
	const char *name;
	void (*run)(void);
};

/*
 * Made by Kbuild from the UNIT_TEST(name) lines of the test files: each test's
 * prototype and ZNB_SELFTEST_CASES, one ZNB_SELFTEST_CASE(name) per test.
 */
#include "selftest_cases.h"

#define ZNB_SELFTEST_CASE(test)	{ .name = #test, .run = znb_selftest_##test },
static const struct znb_selftest_case znb_selftest_cases[] = {
	ZNB_SELFTEST_CASES
};

/* The tests run one at a time, from module init: no lock needed. */
static bool znb_selftest_failing;
/* One page for every slot: see znb_selftest_txq_init(). */
static void *znb_selftest_pages[ZNB_PENDING];

/**
 * znb_selftest_fail() - report a failed check of the running test
 * @file: source file of the check
 * @line: its line
 * @fmt: what failed, printf-style
 *
 * Prints a KTAP diagnostic line ahead of the test's "not ok" line and marks
 * the test failed; the check that called it then returns from the test.
 */
void znb_selftest_fail(const char *file, int line, const char *fmt, ...)
{
	struct va_format vaf;
	va_list args;

	va_start(args, fmt);
	vaf.fmt = fmt;
	vaf.va = &args;
	pr_err("# %s:%d: %pV\n", kbasename(file), line, &vaf);
	va_end(args);
	znb_selftest_failing = true;
}

/**
 * znb_selftest_failed() - whether a check of the running test failed
 *
 * Return: true once the running test failed a check.
 */
bool znb_selftest_failed(void)
{
	return znb_selftest_failing;
}

/**
 * znb_selftest_txq_init() - an idle queue for the table tests of the pool
 * @q: queue to initialise
 *
 * Every slot gets the same page, which only this file references, so the
 * pool's page-reference guard (znb_page_busy()) never holds a slot back; the
 * tests map and unmap nothing.
 */
void znb_selftest_txq_init(struct znb_txq *q)
{
	znb_txq_init(q, znb_selftest_pages);
}

/**
 * znb_selftest_run() - run every grant/ table test, report them in KTAP
 *
 * Return: 0 if all passed; -EINVAL if any failed (the module must not load
 * on a grant/ that fails its own tests); -ENOMEM if the tests' page could
 * not be allocated.
 */
int znb_selftest_run(void)
{
	unsigned int i, n = ARRAY_SIZE(znb_selftest_cases), failed = 0;
	struct page *page = alloc_page(GFP_KERNEL);

	if (!page)
		return -ENOMEM;
	for (i = 0; i < ZNB_PENDING; i++)
		znb_selftest_pages[i] = page;
	pr_info("KTAP version 1\n");
	pr_info("1..%u\n", n);
	for (i = 0; i < n; i++) {
		znb_selftest_failing = false;
		znb_selftest_cases[i].run();
		if (znb_selftest_failing) {
			failed++;
			pr_err("not ok %u %s\n", i + 1, znb_selftest_cases[i].name);
		} else {
			pr_info("ok %u %s\n", i + 1, znb_selftest_cases[i].name);
		}
		cond_resched();
	}
	__free_page(page);
	if (failed) {
		pr_err("%u passed, %u failed\n", n - failed, failed);
		pr_err("refusing to load: %u of the %u grant/ tests failed in this kernel\n",
		       failed, n);
		return -EINVAL;
	}
	pr_info("%u passed, 0 failed\n", n);
	return 0;
}
