/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Userspace half of the test fixture (fixture.h): UNIT_TEST(name) registers a
 * test with the runner (main.c); a failed check jumps back to the runner with
 * its reason, so it never returns.
 */
#ifndef ZNB_UNIT_H
#define ZNB_UNIT_H

#include <stdarg.h>
#include <stdbool.h>
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

#define fixture_fail		unit_fail
/* A failed check never comes back here: nothing has failed while a test still runs. */
#define fixture_failed()	false

/* The kernel's name for it, which the tests shared with the kernel use. */
#define __aligned(x)		__attribute__((aligned(x)))

/* The guest's side of the ring, which only the tests write (libxen-dev's names). */
#define znb_tx_sring		netif_tx_sring
#define znb_tx_front_ring	netif_tx_front_ring

#endif
