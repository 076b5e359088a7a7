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

#include <linux/bits.h>
#include <linux/build_bug.h>
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

/* Struct tags of the ABI, under names that are the same in both builds. */
#define znb_tx_request		xen_netif_tx_request
#define znb_tx_response		xen_netif_tx_response
#define znb_extra_info		xen_netif_extra_info
#define znb_tx_back_ring	xen_netif_tx_back_ring

#define ZNB_TXF_CSUM_BLANK	XEN_NETTXF_csum_blank
#define ZNB_TXF_DATA_VALIDATED	XEN_NETTXF_data_validated
#define ZNB_TXF_MORE_DATA	XEN_NETTXF_more_data
#define ZNB_TXF_EXTRA_INFO	XEN_NETTXF_extra_info
#define ZNB_RSP_OKAY		XEN_NETIF_RSP_OKAY
#define ZNB_RSP_ERROR		XEN_NETIF_RSP_ERROR
#define ZNB_RSP_NULL		XEN_NETIF_RSP_NULL
#define ZNB_PAGE_SIZE		XEN_PAGE_SIZE

/* The zerocopy completion the stack shares between clones and segments. */
#define znb_ubuf		ubuf_info
#define znb_ref			refcount_struct
#define znb_ref_set(r, v)		refcount_set((r), (v))
#define znb_ref_read(r)			refcount_read(r)
#define znb_ref_dec_and_test(r)		refcount_dec_and_test(r)

#define znb_spinlock		spinlock
#define znb_lock_init(l)		spin_lock_init(l)
#define znb_lock(l, flags)		spin_lock_irqsave((l), (flags))
#define znb_unlock(l, flags)		spin_unlock_irqrestore((l), (flags))
#define znb_assert_held(l)		lockdep_assert_held(l)

#define znb_read_once(x)		READ_ONCE(x)
#define znb_write_once(x, v)		WRITE_ONCE((x), (v))
/* Orders the read of req_prod before the reads of the requests it covers. */
#define znb_rmb()			virt_rmb()
/*
 * The clock of mapping ages, which are reported in milliseconds: the tick
 * count, a load and a multiply, where reading a clocksource (Xen's, in a PV
 * dom0) costs a call per mapped page.
 */
#define znb_now_ns()			((u64)jiffies * TICK_NSEC)

/*
 * The stack may still hold plain page references (get_page) on a frag page
 * after the completion fired; unmapping then would pull the page from under
 * it.  Our own reference from gnttab_alloc_pages() is the only one allowed.
 */
static inline bool znb_page_busy(void *page)
{
	return page_ref_count((struct page *)page) > 1;
}

#else
#include "user/znb_port_user.h"
#endif

#endif /* ZNB_PORT_H */
