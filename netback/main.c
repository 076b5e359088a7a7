// SPDX-License-Identifier: GPL-2.0
/*
 * znetback: Xen network backend whose guest TX path grant-maps the guest's
 * pages straight into skb frags instead of copying them.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/cpumask.h>
#include <linux/module.h>
#include <xen/xen.h>

#include "common.h"

unsigned int znb_fatal_slots = ZNB_TX_SLOTS_FATAL;
module_param_named(fatal_skb_slots, znb_fatal_slots, uint, 0444);
MODULE_PARM_DESC(fatal_skb_slots,
		 "Slots per guest packet beyond which the vif is disabled (18..32)");

bool znb_provides_xdp_headroom = true;
module_param_named(provides_xdp_headroom, znb_provides_xdp_headroom, bool,
		   0644);
MODULE_PARM_DESC(provides_xdp_headroom,
		 "Offer guests feature-xdp-headroom (read when a vif appears): their netfront then runs XDP programs on what it receives");

/*
 * Runtime-writable parameters whose 0 (or a tiny value) would break the
 * module are checked on every write: an out-of-range value is refused.
 */
struct znb_uint_param {
	unsigned int *val;
	unsigned int min;
	unsigned int max;
};

static int znb_param_set_range(const char *val, const struct kernel_param *kp)
{
	const struct znb_uint_param *p = kp->arg;
	unsigned int v;
	int err;

	err = kstrtouint(val, 0, &v);
	if (err)
		return err;
	if (v < p->min || v > p->max) {
		pr_warn("%s must be within %u..%u, not %u\n", kp->name, p->min,
			p->max, v);
		return -ERANGE;
	}
	WRITE_ONCE(*p->val, v);
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

/* Like mainline: 8 queues at most unless the admin asks for more. */
#define ZNB_MAX_QUEUES_DEFAULT	8
static unsigned int znb_max_queues;
static struct znb_uint_param znb_max_queues_p = { &znb_max_queues, 0, 64 };
module_param_cb(max_queues, &znb_param_range_ops, &znb_max_queues_p, 0644);
MODULE_PARM_DESC(max_queues,
		 "Maximum queues per vif offered to frontends, for vifs created from now on (0..64; 0 = the online CPUs, at most 8)");

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
static struct znb_uint_param znb_rx_queue_len_p = {
	&znb_rx_queue_len, 1, 4096
};
module_param_cb(rx_queue_len, &znb_param_range_ops, &znb_rx_queue_len_p, 0644);
MODULE_PARM_DESC(rx_queue_len,
		 "Packets queued per queue for a guest before the stack is told to wait (1..4096)");

/*
 * At least one packet of the largest size fits; at most what the RX poll
 * may copy out of other guests' pages at once with interrupts off.
 */
unsigned int znb_rx_queue_bytes = 512 * 1024;
static struct znb_uint_param znb_rx_queue_bytes_p = {
	&znb_rx_queue_bytes, 65536, 4 << 20
};
module_param_cb(rx_queue_bytes, &znb_param_range_ops, &znb_rx_queue_bytes_p,
		0644);
MODULE_PARM_DESC(rx_queue_bytes,
		 "Bytes queued per queue for a guest before the stack is told to wait, and packets dropped (65536..4194304)");

unsigned int znb_rx_drain_timeout_ms = 10000;
static struct znb_uint_param znb_rx_drain_timeout_p = {
	&znb_rx_drain_timeout_ms, 1000, 600000
};
module_param_cb(rx_drain_timeout_msecs, &znb_param_range_ops,
		&znb_rx_drain_timeout_p, 0644);
MODULE_PARM_DESC(rx_drain_timeout_msecs,
		 "Milliseconds a packet waits for guest RX buffers before it and the packets behind it are dropped (1000..600000)");

unsigned int znb_rx_stall_timeout_ms = 60000;
static struct znb_uint_param znb_rx_stall_timeout_p = {
	&znb_rx_stall_timeout_ms, 1000, 3600000
};
module_param_cb(rx_stall_timeout_msecs, &znb_param_range_ops,
		&znb_rx_stall_timeout_p, 0644);
MODULE_PARM_DESC(rx_stall_timeout_msecs,
		 "Milliseconds without guest RX buffers before carrier goes off (1000..3600000)");

unsigned int znb_drain_timeout_ms = 120000;
static struct znb_uint_param znb_drain_timeout_p = {
	&znb_drain_timeout_ms, 1000, 86400000
};
module_param_cb(drain_timeout, &znb_param_range_ops, &znb_drain_timeout_p,
		0644);
MODULE_PARM_DESC(drain_timeout,
		 "Milliseconds after a disconnect at which guest pages still held by the network stack are reported (1000..86400000); they stay mapped until the stack returns them");

unsigned int znb_tx_policy = ZNB_POLICY_AUTO;
module_param_named(tx_policy, znb_tx_policy, uint, 0644);
MODULE_PARM_DESC(tx_policy,
		 "Guest TX data: 0 = auto (map; copy flows the stack copies out anyway), 1 = always map, 2 = always copy");

unsigned int znb_tx_copy_below = 512;
module_param_named(tx_copy_below, znb_tx_copy_below, uint, 0644);
MODULE_PARM_DESC(tx_copy_below,
		 "With tx_policy=0, guest packets shorter than this are copied, not mapped");

unsigned int znb_tx_flow_copy_after = ZNB_FLOW_COPY_AFTER;
module_param_named(tx_flow_copy_after, znb_tx_flow_copy_after, uint, 0644);
MODULE_PARM_DESC(tx_flow_copy_after,
		 "With tx_policy=0, a flow is copied after this many of its mapped packets in a row were copied out by the stack (1..255)");

unsigned int znb_tx_flow_probe_every = ZNB_FLOW_PROBE_EVERY;
module_param_named(tx_flow_probe_every, znb_tx_flow_probe_every, uint, 0644);
MODULE_PARM_DESC(tx_flow_probe_every,
		 "With tx_policy=0, a copied flow still maps one packet in this many, to notice a path that stopped copying (1..65535)");

unsigned int znb_unmap_gather_us = 100;
module_param_named(unmap_gather_us, znb_unmap_gather_us, uint, 0644);
MODULE_PARM_DESC(unmap_gather_us,
		 "While half the TX slots are free, wait this long after a release to unmap more grants per hypercall (0 = unmap at once)");

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

	if (!xen_domain() || !xen_initial_domain()) {
		pr_err("not running as the Xen initial domain (dom0); refusing to load\n");
		return -ENODEV;
	}

	znb_fatal_slots = clamp_t(unsigned int, znb_fatal_slots,
				  XEN_NETIF_NR_SLOTS_MIN, ZNB_TX_SLOTS_MAX);

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
	pr_info("vif backend ready (zero-copy guest TX, up to %u queues per vif)\n",
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
