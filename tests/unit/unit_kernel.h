/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Kernel half of the test fixture (fixture.h), for a selftest build of the
 * module (-DZNB_SELFTEST): UNIT_TEST(name) defines znb_selftest_<name>(), which
 * netback/selftest.c runs at load from the list Kbuild generates out of the
 * UNIT_TEST() lines (netback/selftest_cases.h); a failed check is reported there
 * and ends the test by returning.
 */
#ifndef ZNB_UNIT_KERNEL_H
#define ZNB_UNIT_KERNEL_H

#include <linux/types.h>
#include "../../netback/selftest.h"

#define UNIT_TEST(name)							\
	void znb_selftest_##name(void);					\
	void znb_selftest_##name(void)

#define fixture_fail		znb_selftest_fail
#define fixture_failed		znb_selftest_failed
#define fixture_txq_init	znb_selftest_txq_init

/* The guest's side of the ring, which only the tests write (the kernel's names). */
#define znb_tx_sring		xen_netif_tx_sring
#define znb_tx_front_ring	xen_netif_tx_front_ring

#endif
