/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Portability layer for the grant lifecycle core.
 *
 * The files in grant/ build twice: into znetback.ko through Kbuild, and into
 * userspace unit tests and fuzz targets.  Everything they need from their
 * environment is named here once, so the core itself contains no #ifdef.
 * The Xen ABI always comes from the real public headers: the kernel's copy
 * in the module, libxen-dev's copy in userspace.
 */
#ifndef ZNB_PORT_H
#define ZNB_PORT_H

#ifdef __KERNEL__

#include <linux/types.h>
#include <linux/compiler.h>
#include <linux/spinlock.h>
#include <linux/refcount.h>
#include <linux/string.h>
#include <linux/ktime.h>
#include <linux/timekeeping.h>
#include <linux/skbuff.h>
#include <linux/mm.h>
#include <xen/grant_table.h>
#include <xen/interface/io/netif.h>

typedef struct xen_netif_tx_request znb_tx_request_t;
typedef struct xen_netif_tx_response znb_tx_response_t;
typedef struct xen_netif_extra_info znb_extra_info_t;
typedef struct xen_netif_tx_back_ring znb_tx_back_ring_t;
typedef struct xen_netif_tx_sring znb_tx_sring_t;

#define ZNB_TXF_CSUM_BLANK	XEN_NETTXF_csum_blank
#define ZNB_TXF_DATA_VALIDATED	XEN_NETTXF_data_validated
#define ZNB_TXF_MORE_DATA	XEN_NETTXF_more_data
#define ZNB_TXF_EXTRA_INFO	XEN_NETTXF_extra_info
#define ZNB_RSP_OKAY		XEN_NETIF_RSP_OKAY
#define ZNB_RSP_ERROR		XEN_NETIF_RSP_ERROR
#define ZNB_RSP_NULL		XEN_NETIF_RSP_NULL
#define ZNB_PAGE_SIZE		XEN_PAGE_SIZE

/* The zerocopy completion the stack shares between clones and segments. */
typedef struct ubuf_info znb_ubuf_t;
typedef refcount_t znb_ref_t;
#define znb_ref_set(r, v)		refcount_set((r), (v))
#define znb_ref_read(r)			refcount_read(r)
#define znb_ref_dec_and_test(r)		refcount_dec_and_test(r)

typedef spinlock_t znb_lock_t;
#define znb_lock_init(l)		spin_lock_init(l)
#define znb_lock(l, flags)		spin_lock_irqsave((l), (flags))
#define znb_unlock(l, flags)		spin_unlock_irqrestore((l), (flags))

#define znb_read_once(x)		READ_ONCE(x)
#define znb_write_once(x, v)		WRITE_ONCE((x), (v))
#define znb_rmb()			virt_rmb()
#define znb_now_ns()			ktime_get_ns()

/*
 * The stack may still hold plain page references (get_page) on a frag page
 * after the completion fired; unmapping then would pull the page from under
 * it.  Our own reference from gnttab_alloc_pages() is the only one allowed.
 */
static inline bool znb_page_busy(void *page)
{
	return page_ref_count((struct page *)page) > 1;
}

#else /* userspace */

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

typedef struct netif_tx_request znb_tx_request_t;
typedef struct netif_tx_response znb_tx_response_t;
typedef struct netif_extra_info znb_extra_info_t;
typedef struct netif_tx_back_ring znb_tx_back_ring_t;
typedef struct netif_tx_sring znb_tx_sring_t;

#define ZNB_TXF_CSUM_BLANK	NETTXF_csum_blank
#define ZNB_TXF_DATA_VALIDATED	NETTXF_data_validated
#define ZNB_TXF_MORE_DATA	NETTXF_more_data
#define ZNB_TXF_EXTRA_INFO	NETTXF_extra_info
#define ZNB_RSP_OKAY		NETIF_RSP_OKAY
#define ZNB_RSP_ERROR		NETIF_RSP_ERROR
#define ZNB_RSP_NULL		NETIF_RSP_NULL
#define ZNB_PAGE_SIZE		4096u

typedef struct {
	int count;
} znb_ref_t;

/*
 * Userspace stand-in for the kernel's struct ubuf_info with the same three
 * members, so the model skb layer in tests/ drives the core exactly as the
 * 6.1 stack drives the module.
 */
typedef struct znb_ubuf {
	void (*callback)(void *skb, struct znb_ubuf *uarg, bool zerocopy_success);
	znb_ref_t refcnt;
	u8 flags;
} znb_ubuf_t;

static inline void znb_ref_set(znb_ref_t *r, int v)
{
	__atomic_store_n(&r->count, v, __ATOMIC_SEQ_CST);
}

static inline int znb_ref_read(znb_ref_t *r)
{
	return __atomic_load_n(&r->count, __ATOMIC_SEQ_CST);
}

static inline bool znb_ref_dec_and_test(znb_ref_t *r)
{
	int left = __atomic_sub_fetch(&r->count, 1, __ATOMIC_SEQ_CST);

	assert(left >= 0 && "reference count underflow");
	return left == 0;
}

/*
 * The unit tests interleave contexts deterministically in one thread, so a
 * lock only has to catch misuse: taking it twice, or releasing it unheld.
 */
typedef struct {
	int held;
} znb_lock_t;

static inline void znb_lock_init(znb_lock_t *l)
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

#define znb_read_once(x)		(*(volatile __typeof__(x) *)&(x))
#define znb_write_once(x, v)		(*(volatile __typeof__(x) *)&(x) = (v))
#define znb_rmb()			__atomic_thread_fence(__ATOMIC_ACQUIRE)

/* Provided by the test harness: monotonic (or simulated) time. */
u64 znb_now_ns(void);
/* Provided by the test harness: does anyone but us hold this page? */
bool znb_page_busy(void *page);

#endif /* __KERNEL__ */

#endif /* ZNB_PORT_H */
