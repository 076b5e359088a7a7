// SPDX-License-Identifier: GPL-2.0
/*
 * debugfs: znetback/pages_mapped (all vifs) and znetback/vif<domid>.<handle>/
 * with ring indices, slot states and counters of each queue.
 */
#include <linux/rtnetlink.h>
#include <linux/seq_file.h>

#include "common.h"

static const char *const znb_slot_state_names[] = {
	[ZNB_SLOT_FREE] = "free",
	[ZNB_SLOT_PENDING] = "pending",
	[ZNB_SLOT_MAPPED] = "mapped",
	[ZNB_SLOT_COPIED] = "copied",
	[ZNB_SLOT_RELEASED] = "released",
	[ZNB_SLOT_UNMAPPING] = "unmapping",
	[ZNB_SLOT_LEAKED] = "leaked",
};

static const char *znb_slot_state_name(unsigned int state)
{
	if (state >= ARRAY_SIZE(znb_slot_state_names))
		return "?";
	return znb_slot_state_names[state];
}

static void znb_dbg_queue(struct seq_file *m, struct znb_queue *q)
{
	unsigned int count[ARRAY_SIZE(znb_slot_state_names)] = { };
	u64 now = znb_now_ns();
	unsigned int i;

	seq_printf(m, "queue %u: live %d disabled %d eoi_pending %#lx tx_throttled %d\n",
		   q->id, q->live, atomic_read(&q->vif->disabled),
		   atomic_long_read(&q->eoi_pending),
		   READ_ONCE(q->tx_throttled));
	if (q->tx.sring)
		seq_printf(m, "  tx: req_prod %u req_cons %u rsp_prod_pvt %u rsp_prod %u req_event %u rsp_event %u\n",
			   READ_ONCE(q->tx.sring->req_prod), q->tx.req_cons,
			   q->tx.rsp_prod_pvt, READ_ONCE(q->tx.sring->rsp_prod),
			   READ_ONCE(q->tx.sring->req_event),
			   READ_ONCE(q->tx.sring->rsp_event));
	if (q->rx.sring)
		seq_printf(m, "  rx: req_prod %u req_cons %u rsp_prod_pvt %u rsp_prod %u req_event %u rsp_event %u\n",
			   READ_ONCE(q->rx.sring->req_prod), q->rx.req_cons,
			   q->rx.rsp_prod_pvt, READ_ONCE(q->rx.sring->rsp_prod),
			   READ_ONCE(q->rx.sring->req_event),
			   READ_ONCE(q->rx.sring->rsp_event));
	seq_printf(m, "  rx_queue %u bytes %u waiting %d copying %d dropping %d stalled %d\n",
		   skb_queue_len(&q->rx_queue), READ_ONCE(q->rx_queue_bytes),
		   q->rx_waiting, q->rx_copying, q->rx_dropping,
		   q->rx_stalled);
	seq_printf(m, "  slots: free %u outstanding %u dealloc_pending %d oldest_mapping_ms %llu\n",
		   znb_txq_free_slots(&q->txq), znb_txq_outstanding(&q->txq),
		   znb_dealloc_pending(&q->txq),
		   div_u64(znb_txq_oldest_age_ns(&q->txq, now), NSEC_PER_MSEC));
	znb_queue_counters_show(m, q);

	for (i = 0; i < ZNB_PENDING; i++) {
		u8 state = READ_ONCE(q->txq.slot[i].state);

		if (state < ARRAY_SIZE(count))
			count[state]++;
	}
	seq_puts(m, "  slot states:");
	for (i = 0; i < ARRAY_SIZE(count); i++)
		seq_printf(m, " %s %u", znb_slot_state_name(i), count[i]);
	seq_putc(m, '\n');

	for (i = 0; i < ZNB_PENDING; i++) {
		const struct znb_slot *s = &q->txq.slot[i];
		u8 state = READ_ONCE(s->state);

		if (state == ZNB_SLOT_FREE)
			continue;
		seq_printf(m, "  slot %3u %-9s gref %u handle %#x id %u pkt %u",
			   i, znb_slot_state_name(state), s->gref, s->handle,
			   s->req_id, s->pkt);
		if (s->handle != ZNB_NO_HANDLE)
			seq_printf(m, " age_ms %llu",
				   div_u64(now - s->map_ns, NSEC_PER_MSEC));
		seq_putc(m, '\n');
	}
}

static int znb_dbg_queues_show(struct seq_file *m, void *v)
{
	struct znb_vif *vif = m->private;
	unsigned int i;

	rtnl_lock();
	if (!vif->queues)
		seq_puts(m, "not connected\n");
	for (i = 0; vif->queues && i < vif->nr_queues; i++)
		znb_dbg_queue(m, vif->queues[i]);
	rtnl_unlock();
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(znb_dbg_queues);

/**
 * znb_debugfs_vif_add() - create znetback/vif<domid>.<handle>/
 * @vif: vif
 */
void znb_debugfs_vif_add(struct znb_vif *vif)
{
	vif->dbg = debugfs_create_dir(netdev_name(vif->dev), znb_debugfs_root);
	debugfs_create_file("queues", 0444, vif->dbg, vif,
			    &znb_dbg_queues_fops);
	debugfs_create_u16("xdp_headroom", 0444, vif->dbg, &vif->rx_headroom);
}

/**
 * znb_debugfs_vif_remove() - remove a vif's debugfs directory
 * @vif: vif
 */
void znb_debugfs_vif_remove(struct znb_vif *vif)
{
	debugfs_remove_recursive(vif->dbg);
	vif->dbg = NULL;
}
