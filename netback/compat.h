/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Kernel version differences, all in one place.  The baseline is Debian 12's
 * 6.1 kernel: struct ubuf_info with a callback member, 3-argument
 * netif_napi_add(), del_timer_sync() and from_timer().
 */
#ifndef ZNB_COMPAT_H
#define ZNB_COMPAT_H

#include <linux/version.h>
#include <linux/skbuff.h>
#include <linux/timer.h>

/*
 * 6.10 moved the zerocopy completion behind struct ubuf_info_ops.  The
 * callback keeps its signature; only the way it is attached differs.
 */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 10, 0)
#define znb_ubuf_ops			ubuf_info_ops
#define znb_ubuf_set_ops(uarg, o)	((uarg)->ops = (o))
#else
struct znb_ubuf_ops {
	void (*complete)(struct sk_buff *skb, struct ubuf_info *uarg,
			 bool zerocopy_success);
};

#define znb_ubuf_set_ops(uarg, o)	((uarg)->callback = (o)->complete)
#endif

#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 2, 0)
#define znb_timer_delete_sync(t)	timer_delete_sync(t)
#else
#define znb_timer_delete_sync(t)	del_timer_sync(t)
#endif

#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 16, 0)
#define znb_timer_container_of(var, t, field)	timer_container_of(var, t, field)
#else
#define znb_timer_container_of(var, t, field)	from_timer(var, t, field)
#endif

#endif /* ZNB_COMPAT_H */
