/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Kernel version differences, all in one place.  The baseline is Debian 12's
 * 6.1 kernel.  Kbuild probes the kernel headers for the newer interfaces and
 * defines ZNB_HAVE_* (a probe, not a version check, so backports work).
 */
#ifndef ZNB_COMPAT_H
#define ZNB_COMPAT_H

#include <linux/hrtimer.h>
#include <linux/netdevice.h>
#include <linux/skbuff.h>
#include <linux/timer.h>

/*
 * 6.10 moved the zerocopy completion behind struct ubuf_info_ops.  The
 * callback keeps its signature; only the way it is attached differs.
 */
#ifdef ZNB_HAVE_UBUF_INFO_OPS
#define znb_ubuf_ops			ubuf_info_ops
#define znb_ubuf_set_ops(uarg, o)	((uarg)->ops = (o))
#else
struct znb_ubuf_ops {
	void (*complete)(struct sk_buff *skb, struct ubuf_info *uarg,
			 bool zerocopy_success);
};

#define znb_ubuf_set_ops(uarg, o)	((uarg)->callback = (o)->complete)
#endif

/* 6.2 renamed del_timer_sync(); 6.15 dropped the old name. */
#ifdef ZNB_HAVE_TIMER_DELETE_SYNC
#define znb_timer_delete_sync(t)	timer_delete_sync(t)
#define znb_timer_delete(t)		timer_delete(t)
#else
#define znb_timer_delete_sync(t)	del_timer_sync(t)
#define znb_timer_delete(t)		del_timer(t)
#endif

/* 6.16 renamed from_timer(). */
#ifdef ZNB_HAVE_TIMER_CONTAINER_OF
#define znb_timer_container_of(var, t, field)	timer_container_of(var, t, field)
#else
#define znb_timer_container_of(var, t, field)	from_timer(var, t, field)
#endif

/* 6.13 added hrtimer_setup(), which sets the callback; 6.15 dropped hrtimer_init(). */
#ifdef ZNB_HAVE_HRTIMER_SETUP
#define znb_hrtimer_setup(t, fn, clock, mode)	hrtimer_setup(t, fn, clock, mode)
#else
static inline void znb_hrtimer_setup(struct hrtimer *t,
				     enum hrtimer_restart (*fn)(struct hrtimer *),
				     clockid_t clock, enum hrtimer_mode mode)
{
	hrtimer_init(t, clock, mode);
	t->function = fn;
}
#endif

/* 6.3 passes the xenbus driver's uevent callback a const device. */
#ifdef ZNB_HAVE_CONST_XENBUS_UEVENT
#define znb_xenbus_uevent_dev	const struct xenbus_device
#else
#define znb_xenbus_uevent_dev	struct xenbus_device
#endif

/*
 * Does GRO hold packets of this NAPI instance, merging or waiting to go up
 * in a batch?  Read in its poll only.  The fields are napi_struct's from 6.1
 * to 6.12 (later kernels move them into a struct gro_node).
 */
static inline bool znb_napi_holds_packets(const struct napi_struct *napi)
{
	return napi->gro_bitmask || napi->rx_count;
}

#endif /* ZNB_COMPAT_H */
