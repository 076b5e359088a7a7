/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Userspace half of include/znb_port.h, for the unit tests and fuzz targets.
 * Not kernel code: it is exempt from checkpatch (typedefs of stdint types,
 * volatile accessors) on purpose.
 */
#ifndef ZNB_PORT_USER_H
#define ZNB_PORT_USER_H


#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <assert.h>
#include <time.h>
/* The ring macros fence through these in builds outside the Xen tools. */
#define mb()	__atomic_thread_fence(__ATOMIC_SEQ_CST)
#define rmb()	__atomic_thread_fence(__ATOMIC_ACQUIRE)
#define wmb()	__atomic_thread_fence(__ATOMIC_RELEASE)
#include <xen/xen.h>
#include <xen/grant_table.h>
#include <xen/io/netif.h>

typedef uint8_t u8;
typedef uint16_t u16;
typedef uint32_t u32;
typedef uint64_t u64;
typedef int16_t s16;

#ifndef likely
#define likely(x)	__builtin_expect(!!(x), 1)
#define unlikely(x)	__builtin_expect(!!(x), 0)
#endif

#define znb_tx_request		netif_tx_request
#define znb_tx_response		netif_tx_response
#define znb_extra_info		netif_extra_info
#define znb_tx_back_ring	netif_tx_back_ring

#define ZNB_TXF_CSUM_BLANK	NETTXF_csum_blank
#define ZNB_TXF_DATA_VALIDATED	NETTXF_data_validated
#define ZNB_TXF_MORE_DATA	NETTXF_more_data
#define ZNB_TXF_EXTRA_INFO	NETTXF_extra_info
#define ZNB_RSP_OKAY		NETIF_RSP_OKAY
#define ZNB_RSP_ERROR		NETIF_RSP_ERROR
#define ZNB_RSP_NULL		NETIF_RSP_NULL
#define ZNB_PAGE_SIZE		4096u

#ifndef BIT_ULL
#define BIT_ULL(n)	(1ULL << (n))
#endif

struct znb_ref {
	int count;
};

/*
 * Userspace stand-in for the kernel's struct ubuf_info with the same three
 * members, so the model skb layer in tests/ drives the core exactly as the
 * 6.1 stack drives the module.
 */
struct znb_ubuf {
	void (*callback)(void *skb, struct znb_ubuf *uarg, bool zerocopy_success);
	struct znb_ref refcnt;
	u8 flags;
};

static inline void znb_ref_set(struct znb_ref *r, int v)
{
	__atomic_store_n(&r->count, v, __ATOMIC_SEQ_CST);
}

static inline int znb_ref_read(struct znb_ref *r)
{
	return __atomic_load_n(&r->count, __ATOMIC_SEQ_CST);
}

static inline bool znb_ref_dec_and_test(struct znb_ref *r)
{
	int left = __atomic_sub_fetch(&r->count, 1, __ATOMIC_SEQ_CST);

	assert(left >= 0 && "reference count underflow");
	return left == 0;
}

/*
 * The unit tests interleave contexts deterministically in one thread, so a
 * lock only has to catch misuse: taking it twice, or releasing it unheld.
 */
struct znb_spinlock {
	int held;
};

static inline void znb_lock_init(struct znb_spinlock *l)
{
	l->held = 0;
}

#define znb_lock(l, flags) do {						\
	(void)(flags);							\
	assert(!(l)->held && "lock taken twice");			\
	(l)->held = 1;							\
} while (0)

#define znb_unlock(l, flags) do {					\
	(void)(flags);							\
	assert((l)->held && "unlock of a lock not held");		\
	(l)->held = 0;							\
} while (0)

#define znb_assert_held(l)	assert((l)->held && "caller must hold the lock")

#define znb_read_once(x)		(*(volatile __typeof__(x) *)&(x))
#define znb_write_once(x, v)		(*(volatile __typeof__(x) *)&(x) = (v))
#define znb_rmb()			__atomic_thread_fence(__ATOMIC_ACQUIRE)

/* Provided by the test harness: monotonic (or simulated) time. */
u64 znb_now_ns(void);
/* Provided by the test harness: does anyone but us hold this page? */
bool znb_page_busy(void *page);


#endif /* ZNB_PORT_USER_H */
