/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A guest's transmit allowance: the vif's rate= setting of xl (libxl writes
 * the backend's "rate" key as "BYTES,MICROSECONDS").
 */
#ifndef ZNB_CREDIT_H
#define ZNB_CREDIT_H

#include "znb_port.h"

/*
 * What a period's unused allowance may carry into the next: one largest
 * packet (64 KiB, a GSO packet).  The bytes left over while a packet waits
 * for more are so never lost, so the guest gets its full rate, and a packet
 * of any size passes at any rate; a quiet guest saves up no more than that.
 */
#define ZNB_CREDIT_CARRY	65536
/* Larger allowances per period are taken as this one (256 TiB). */
#define ZNB_CREDIT_MAX_BYTES	BIT_ULL(48)

/**
 * struct znb_credit - what a vif may still transmit
 * @bytes: allowance per period; 0 = no limit
 * @period_us: length of a period in microseconds (not 0 when @bytes is set)
 * @left: bytes the guest may send before the next refill
 * @next_us: time of the next refill (the caller's clock, microseconds)
 *
 * Owned by the caller, which serialises every call on one credit.
 */
struct znb_credit {
	u64 bytes;
	u32 period_us;
	u64 left;
	u64 next_us;
};

bool znb_credit_parse(const char *text, u64 *bytes, u32 *period_us);
bool znb_credit_set(struct znb_credit *c, u64 bytes, u32 period_us, u64 now_us);
u64 znb_credit_take(struct znb_credit *c, u32 size, u64 now_us);

#endif /* ZNB_CREDIT_H */
