// SPDX-License-Identifier: GPL-2.0
/*
 * znetback: Xen network backend whose guest TX path grant-maps the guest's
 * pages straight into skb frags instead of copying them.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/cpumask.h>
#include <linux/module.h>
#include <linux/stringify.h>
#include <xen/xen.h>

#include "common.h"
#include "selftest.h"

/*
 * Every numeric parameter an admin sets goes through these ops, with its
 * range declared beside it.  A write at run time outside the range is
 * refused, so the admin sees the error at once.  At load a value outside it
 * never keeps the module from loading, since that would leave the host
 * without vifs: a parameter xen-netback also has is clamped into the range,
 * as modprobe options written for xen-netback mean a limit; one of
 * znetback's own keeps its default, since the nearest bound of a mistyped
 * policy or tuning knob (tx_policy=9) is a guess.  Either way one warning
 * names the parameter.
 */
struct znb_uint_param {
	unsigned int *val;
	unsigned int min;
	unsigned int max;
	bool netback_name;
};

static int znb_param_set_range(const char *val, const struct kernel_param *kp)
{
	const struct znb_uint_param *p = kp->arg;
	bool loading = kp->mod && kp->mod->state != MODULE_STATE_LIVE;
	unsigned int v, kept;
	int err;

	err = kstrtouint(val, 0, &v);
	if (err)
		return err;
	if (v >= p->min && v <= p->max) {
		WRITE_ONCE(*p->val, v);
		return 0;
	}
	if (!loading) {
		pr_warn("%s must be within %u..%u, not %u\n",
			kp->name, p->min, p->max, v);
		return -ERANGE;
	}
	if (p->netback_name)
		WRITE_ONCE(*p->val, clamp(v, p->min, p->max));
	kept = READ_ONCE(*p->val);
	/* A default outside the range is chosen at module init (tx_policy). */
	if (kept < p->min || kept > p->max)
		pr_warn("%s=%u is outside %u..%u: using the default\n",
			kp->name, v, p->min, p->max);
	else
		pr_warn("%s=%u is outside %u..%u: using %u\n", kp->name, v,
			p->min, p->max, kept);
	return 0;
}

static int znb_param_get_range(char *buf, const struct kernel_param *kp)
{
	const struct znb_uint_param *p = kp->arg;

	return sysfs_emit(buf, "%u\n", READ_ONCE(*p->val));
}

static const struct kernel_param_ops znb_param_range_ops = {
	.set = znb_param_set_range,
	.get = znb_param_get_range,
};

/*
 * ZNB_UINT_PARAM() - declare znetback's parameter @name, stored in @var,
 * within @lo..@hi; modinfo shows the type and the range after @desc.  The
 * type and the description are __MODULE_PARM_TYPE()'s and
 * MODULE_PARM_DESC()'s own expansions, spelled out so that @name appears
 * bare only once.  ZNB_NETBACK_PARAM() declares one that
 * xen-netback also has.
 */
#define ZNB_RANGE_PARAM(name, var, lo, hi, netback, perm, desc)		\
	static struct znb_uint_param var##_range = {			\
		.val = &(var), .min = (lo), .max = (hi),		\
		.netback_name = (netback),				\
	};								\
	module_param_cb(name, &znb_param_range_ops, &var##_range, perm);	\
	__MODULE_INFO(parmtype, name##_type, #name ":uint");		\
	__MODULE_INFO(parm, name##_desc, #name ":" desc " ("			\
		      __stringify(lo) ".." __stringify(hi) ")")
#define ZNB_UINT_PARAM(name, var, lo, hi, perm, desc)			\
	ZNB_RANGE_PARAM(name, var, lo, hi, false, perm, desc)
#define ZNB_NETBACK_PARAM(name, var, lo, hi, perm, desc)		\
	ZNB_RANGE_PARAM(name, var, lo, hi, true, perm, desc)

unsigned int znb_fatal_slots = ZNB_TX_SLOTS_FATAL;
ZNB_NETBACK_PARAM(fatal_skb_slots, znb_fatal_slots, XEN_NETIF_NR_SLOTS_MIN,
		  ZNB_TX_SLOTS_MAX, 0444,
		  "Slots per guest packet beyond which the vif is disabled");

bool znb_provides_xdp_headroom = true;
module_param_named(provides_xdp_headroom, znb_provides_xdp_headroom, bool,
		   0644);
MODULE_PARM_DESC(provides_xdp_headroom,
		 "Offer guests feature-xdp-headroom (read when a vif appears): their netfront then runs XDP programs on what it receives");

/* Like mainline: 8 queues at most unless the admin asks for more. */
#define ZNB_MAX_QUEUES_DEFAULT	8
static unsigned int znb_max_queues;
ZNB_NETBACK_PARAM(max_queues, znb_max_queues, 0, 64, 0644,
		  "Maximum queues per vif offered to frontends, for vifs created from now on; 0 = the online CPUs, at most 8");

/**
 * znb_queues_offered() - queues a new vif offers its frontend (max_queues)
 *
 * Return: at least 1.
 */
unsigned int znb_queues_offered(void)
{
	unsigned int n = READ_ONCE(znb_max_queues);

	return n ? n : min_t(unsigned int, ZNB_MAX_QUEUES_DEFAULT,
			     num_online_cpus());
}

unsigned int znb_rx_queue_len = 512;
ZNB_UINT_PARAM(rx_queue_len, znb_rx_queue_len, 1, 4096, 0644,
	       "Packets queued per queue for a guest before the stack is told to wait");

/*
 * At least one packet of the largest size fits; at most what the RX poll
 * may copy out of other guests' pages at once with interrupts off.
 */
unsigned int znb_rx_queue_bytes = 512 * 1024;
ZNB_UINT_PARAM(rx_queue_bytes, znb_rx_queue_bytes, 65536, 4194304, 0644,
	       "Bytes queued per queue for a guest before the stack is told to wait, and packets dropped");

unsigned int znb_rx_drain_timeout_ms = 10000;
ZNB_NETBACK_PARAM(rx_drain_timeout_msecs, znb_rx_drain_timeout_ms, 1000,
		  600000, 0644,
		  "Milliseconds a packet waits for guest RX buffers before it and the packets behind it are dropped");

unsigned int znb_rx_stall_timeout_ms = 60000;
ZNB_NETBACK_PARAM(rx_stall_timeout_msecs, znb_rx_stall_timeout_ms, 1000,
		  3600000, 0644,
		  "Milliseconds without guest RX buffers before carrier goes off");

unsigned int znb_drain_timeout_ms = 120000;
ZNB_UINT_PARAM(drain_timeout, znb_drain_timeout_ms, 1000, 86400000, 0644,
	       "Milliseconds after a disconnect at which guest pages still held by the network stack are reported; they stay mapped until the stack returns them");

/*
 * Until module init: the admin gave no valid tx_policy, and the default is
 * chosen by where the backend runs (znb_tx_policy_default()).
 */
#define ZNB_TX_POLICY_BY_DOMAIN	UINT_MAX
unsigned int znb_tx_policy = ZNB_TX_POLICY_BY_DOMAIN;
ZNB_UINT_PARAM(tx_policy, znb_tx_policy, 0, 2, 0644,
	       "Guest TX data: 0 = auto (map; copy flows the stack copies out anyway), 1 = always map, 2 = always copy; default 0 in a PV dom0, else 2");

/*
 * The cost bench (bench/results/driver-domain-{pv,pvh}/) found grant copy
 * cheaper for the backend's domain and Xen than mapping on every guest TX
 * row measured in a driver domain, PV or PVH: the map and unmap hypercalls,
 * and in a PVH domain the p2m updates and the flush each page costs,
 * outweigh the copy.  A PVH dom0 maps through its p2m as a PVH driver domain
 * does.  A PV dom0 keeps auto until the NIC path, where mapping lets a guest
 * page reach the wire uncopied, is measured.
 */
static enum znb_tx_policy znb_tx_policy_default(void)
{
	return xen_initial_domain() && xen_pv_domain() ? ZNB_POLICY_AUTO :
							 ZNB_POLICY_COPY;
}

static const char *const znb_tx_policy_names[] = {
	[ZNB_POLICY_AUTO] = "auto",
	[ZNB_POLICY_MAP] = "map",
	[ZNB_POLICY_COPY] = "copy",
};

/* A guest packet is at most 64 KiB - 1: 65536 copies every one. */
unsigned int znb_tx_copy_below = 512;
ZNB_UINT_PARAM(tx_copy_below, znb_tx_copy_below, 0, 65536, 0644,
	       "With tx_policy=0, guest packets shorter than this are copied, not mapped");

unsigned int znb_tx_flow_copy_after = ZNB_FLOW_COPY_AFTER;
ZNB_UINT_PARAM(tx_flow_copy_after, znb_tx_flow_copy_after, 1,
	       ZNB_FLOW_COPY_AFTER_MAX, 0644,
	       "With tx_policy=0, a flow is copied after this many of its mapped packets in a row were copied out by the stack");

unsigned int znb_tx_flow_probe_every = ZNB_FLOW_PROBE_EVERY;
ZNB_UINT_PARAM(tx_flow_probe_every, znb_tx_flow_probe_every, 1,
	       ZNB_FLOW_PROBE_EVERY_MAX, 0644,
	       "With tx_policy=0, a copied flow still maps one packet in this many, to notice a path that stopped copying");

/*
 * The window delays the guests' reuse of their buffers: beyond 10 ms it
 * would only stall their TCP (the bench found 1000 us already slower than
 * 100).
 */
unsigned int znb_unmap_gather_us = 100;
ZNB_UINT_PARAM(unmap_gather_us, znb_unmap_gather_us, 0, 10000, 0644,
	       "While half the TX slots are free, wait this long after a release to unmap more grants per hypercall; 0 = unmap at once");

#ifdef ZNB_LAB_RACE_WINDOWS
unsigned int znb_race_rx_peek_us;
module_param_named(race_rx_peek_us, znb_race_rx_peek_us, uint, 0644);
MODULE_PARM_DESC(race_rx_peek_us,
		 "Lab-only: delay in the RX thread's wake-up test, after it read the head of the guest RX queue");
unsigned int znb_race_zc_kick_us;
module_param_named(race_zc_kick_us, znb_race_zc_kick_us, uint, 0644);
MODULE_PARM_DESC(race_zc_kick_us,
		 "Lab-only: delay between a torn-down queue's zerocopy completion and its kick of the dealloc work");
unsigned int znb_race_connect_us;
module_param_named(race_connect_us, znb_race_connect_us, uint, 0644);
MODULE_PARM_DESC(race_connect_us,
		 "Lab-only: delay between connecting a vif's queues and starting the vif");
unsigned int znb_race_bind_us;
module_param_named(race_bind_us, znb_race_bind_us, uint, 0644);
MODULE_PARM_DESC(race_bind_us,
		 "Lab-only: delay between binding a queue's event channels and making the queue live");
atomic_t znb_race_early_events = ATOMIC_INIT(0);
module_param_named(race_early_events, znb_race_early_events.counter, int, 0444);
MODULE_PARM_DESC(race_early_events,
		 "Lab-only: guest events with work that arrived before their queue was live");
atomic_t znb_race_hits = ATOMIC_INIT(0);
module_param_named(race_hits, znb_race_hits.counter, int, 0444);
MODULE_PARM_DESC(race_hits, "Lab-only: times a race window was held open");
#endif

#ifdef ZNB_LAB_FAULTS
/* Per site: fail one in this many operations (0: none); written by the lab. */
static unsigned int znb_fault_every[ZNB_FAULT_SITES];
/* Per site: operations seen, and those failed on purpose. */
static atomic_t znb_fault_ops[ZNB_FAULT_SITES];
static atomic_t znb_fault_hits[ZNB_FAULT_SITES];

module_param_named(fault_tx_map_every, znb_fault_every[ZNB_FAULT_TX_MAP],
		   uint, 0644);
MODULE_PARM_DESC(fault_tx_map_every,
		 "Lab-only: fail one in this many grant maps of guest TX pages (0 = none)");
module_param_named(fault_tx_map_hits,
		   znb_fault_hits[ZNB_FAULT_TX_MAP].counter, int, 0444);
MODULE_PARM_DESC(fault_tx_map_hits, "Lab-only: grant maps failed on purpose");
module_param_named(fault_tx_copy_every, znb_fault_every[ZNB_FAULT_TX_COPY],
		   uint, 0644);
MODULE_PARM_DESC(fault_tx_copy_every,
		 "Lab-only: fail one in this many grant copies from guest TX pages (0 = none)");
module_param_named(fault_tx_copy_hits,
		   znb_fault_hits[ZNB_FAULT_TX_COPY].counter, int, 0444);
MODULE_PARM_DESC(fault_tx_copy_hits,
		 "Lab-only: TX grant copies failed on purpose");
module_param_named(fault_rx_copy_every, znb_fault_every[ZNB_FAULT_RX_COPY],
		   uint, 0644);
MODULE_PARM_DESC(fault_rx_copy_every,
		 "Lab-only: fail one in this many grant copies into guest RX buffers (0 = none)");
module_param_named(fault_rx_copy_hits,
		   znb_fault_hits[ZNB_FAULT_RX_COPY].counter, int, 0444);
MODULE_PARM_DESC(fault_rx_copy_hits,
		 "Lab-only: RX grant copies failed on purpose");
module_param_named(fault_unmap_every, znb_fault_every[ZNB_FAULT_UNMAP],
		   uint, 0644);
MODULE_PARM_DESC(fault_unmap_every,
		 "Lab-only: fail one in this many grant unmaps, leaking the page (0 = none)");
module_param_named(fault_unmap_hits, znb_fault_hits[ZNB_FAULT_UNMAP].counter,
		   int, 0444);
MODULE_PARM_DESC(fault_unmap_hits, "Lab-only: grant unmaps failed on purpose");
module_param_named(fault_skb_alloc_every,
		   znb_fault_every[ZNB_FAULT_SKB_ALLOC], uint, 0644);
MODULE_PARM_DESC(fault_skb_alloc_every,
		 "Lab-only: fail one in this many skb allocations for guest TX packets (0 = none)");
module_param_named(fault_skb_alloc_hits,
		   znb_fault_hits[ZNB_FAULT_SKB_ALLOC].counter, int, 0444);
MODULE_PARM_DESC(fault_skb_alloc_hits,
		 "Lab-only: skb allocations failed on purpose");
module_param_named(fault_page_alloc_every,
		   znb_fault_every[ZNB_FAULT_PAGE_ALLOC], uint, 0644);
MODULE_PARM_DESC(fault_page_alloc_every,
		 "Lab-only: fail one in this many page allocations for copied guest TX frags (0 = none)");
module_param_named(fault_page_alloc_hits,
		   znb_fault_hits[ZNB_FAULT_PAGE_ALLOC].counter, int, 0444);
MODULE_PARM_DESC(fault_page_alloc_hits,
		 "Lab-only: page allocations failed on purpose");

/**
 * znb_fault() - should this operation of @site fail on purpose?
 * @site: where the operation is
 *
 * Lab-only.  Counts the operation; every fault_<site>_every-th one fails.
 *
 * Return: true if the caller must make the operation fail.
 */
bool znb_fault(enum znb_fault_site site)
{
	unsigned int every = READ_ONCE(znb_fault_every[site]);

	if (!every ||
	    (unsigned int)atomic_inc_return(&znb_fault_ops[site]) % every)
		return false;
	atomic_inc(&znb_fault_hits[site]);
	return true;
}
#endif

struct workqueue_struct *znb_wq;
struct dentry *znb_debugfs_root;
atomic_t znb_pages_mapped = ATOMIC_INIT(0);

static int __init znb_init(void)
{
	int err;

	/* Selftest builds only; the grant core's tests need no Xen, so they come first. */
	err = znb_selftest_run();
	if (err)
		return err;

	/* A driver domain serves vifs as dom0 does: it needs only Xen. */
	if (!xen_domain()) {
		pr_err("not running on Xen; refusing to load\n");
		return -ENODEV;
	}

	/* The parameter's file exists already: a value written there wins. */
	cmpxchg(&znb_tx_policy, ZNB_TX_POLICY_BY_DOMAIN,
		znb_tx_policy_default());

	znb_counters_init();
	znb_wq = alloc_workqueue(KBUILD_MODNAME, WQ_UNBOUND | WQ_MEM_RECLAIM,
				 0);
	if (!znb_wq)
		return -ENOMEM;

	znb_debugfs_root = debugfs_create_dir(KBUILD_MODNAME, NULL);
	debugfs_create_atomic_t("pages_mapped", 0444, znb_debugfs_root,
				&znb_pages_mapped);
	debugfs_create_atomic_t("queues_draining", 0444, znb_debugfs_root,
				&znb_queues_draining);

	err = znb_xenbus_init();
	if (err) {
		pr_err("cannot register the vif backend driver: %d%s\n", err,
		       err == -EBUSY ?
		       " (another vif backend, e.g. xen-netback, is loaded)" : "");
		debugfs_remove_recursive(znb_debugfs_root);
		destroy_workqueue(znb_wq);
		return err;
	}
	pr_info("vif backend ready in %s (guest TX: %s, up to %u queues per vif)\n",
		xen_initial_domain() ? "dom0" : "a driver domain",
		znb_tx_policy_names[READ_ONCE(znb_tx_policy)],
		znb_queues_offered());
	return 0;
}
module_init(znb_init);

static void __exit znb_exit(void)
{
	znb_xenbus_exit();
	znb_queues_wait_drained();
	debugfs_remove_recursive(znb_debugfs_root);
	destroy_workqueue(znb_wq);
	if (atomic_read(&znb_pages_mapped))
		pr_crit("%d guest pages still mapped at unload\n",
			atomic_read(&znb_pages_mapped));
}
module_exit(znb_exit);

MODULE_DESCRIPTION("Xen zero-copy network backend (vif)");
MODULE_LICENSE("GPL");
MODULE_ALIAS("xen-backend:vif");
MODULE_VERSION(ZNB_VERSION);
