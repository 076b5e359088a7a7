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

unsigned int znb_max_queues;
module_param_named(max_queues, znb_max_queues, uint, 0644);
MODULE_PARM_DESC(max_queues,
		 "Maximum queues per vif offered to frontends (0 = number of online CPUs)");

unsigned int znb_fatal_slots = ZNB_TX_SLOTS_FATAL;
module_param_named(fatal_skb_slots, znb_fatal_slots, uint, 0444);
MODULE_PARM_DESC(fatal_skb_slots,
		 "Slots per guest packet beyond which the vif is disabled (18..32)");

unsigned int znb_rx_queue_len = 512;
module_param_named(rx_queue_len, znb_rx_queue_len, uint, 0644);
MODULE_PARM_DESC(rx_queue_len,
		 "Packets queued per queue for a guest before the stack is told to wait");

unsigned int znb_rx_stall_timeout_ms = 60000;
module_param_named(rx_stall_timeout, znb_rx_stall_timeout_ms, uint, 0644);
MODULE_PARM_DESC(rx_stall_timeout,
		 "Milliseconds without guest RX buffers before carrier goes off");

unsigned int znb_drain_timeout_ms = 120000;
module_param_named(drain_timeout, znb_drain_timeout_ms, uint, 0644);
MODULE_PARM_DESC(drain_timeout,
		 "Milliseconds disconnect waits for mapped guest pages before leaking them");

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

	if (!znb_max_queues)
		znb_max_queues = num_online_cpus();
	znb_fatal_slots = clamp_t(unsigned int, znb_fatal_slots,
				  XEN_NETIF_NR_SLOTS_MIN, ZNB_TX_SLOTS_MAX);
	if (!znb_rx_queue_len)
		znb_rx_queue_len = 1;

	znb_wq = alloc_workqueue(KBUILD_MODNAME, WQ_UNBOUND | WQ_MEM_RECLAIM,
				 0);
	if (!znb_wq)
		return -ENOMEM;

	znb_debugfs_root = debugfs_create_dir(KBUILD_MODNAME, NULL);
	debugfs_create_atomic_t("pages_mapped", 0444, znb_debugfs_root,
				&znb_pages_mapped);

	err = znb_xenbus_init();
	if (err) {
		pr_err("cannot register the vif backend driver: %d\n", err);
		debugfs_remove_recursive(znb_debugfs_root);
		destroy_workqueue(znb_wq);
		return err;
	}
	pr_info("vif backend ready (zero-copy guest TX, up to %u queues per vif)\n",
		znb_max_queues);
	return 0;
}
module_init(znb_init);

static void __exit znb_exit(void)
{
	znb_xenbus_exit();
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
