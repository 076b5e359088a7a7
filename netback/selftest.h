/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Selftest build (-DZNB_SELFTEST: tests/variant-lab.sh selftest; never a module
 * built for use): the table tests of grant/ in tests/unit run inside the kernel
 * at load, against the grant/ code compiled into this module, and a failure
 * refuses the load.  Other builds contain none of it.
 */
#ifndef ZNB_SELFTEST_H
#define ZNB_SELFTEST_H

#include <linux/compiler.h>
#include <linux/types.h>

struct znb_txq;

#ifdef ZNB_SELFTEST
int znb_selftest_run(void);
__printf(3, 4)
void znb_selftest_fail(const char *file, int line, const char *fmt, ...);
bool znb_selftest_failed(void);
void znb_selftest_txq_init(struct znb_txq *q);
#else
static inline int znb_selftest_run(void)
{
	return 0;
}
#endif

#endif /* ZNB_SELFTEST_H */
