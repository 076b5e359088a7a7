// SPDX-License-Identifier: GPL-2.0
/*
 * Guest RX: packets dom0 sends to the guest.
 *
 * ndo_start_xmit() parks each packet on a bounded per-queue list; the
 * queue's RX thread (or its NAPI poll, for packets sent from softirq context)
 * grant-copies it into buffers the frontend posted on its RX ring,
 * packed back to back, and writes one response per buffer.  A full list
 * stops the stack's transmit queue until half of it is delivered.
 * A frontend that posts no buffers cannot hold dom0's senders for long:
 * after a timeout the queue counts as stalled (carrier off, everything
 * dropped) until the frontend posts buffers again.
 */
#include <linux/etherdevice.h>
#include <linux/if_vlan.h>
#include <xen/page.h>
#include <xen/events.h>

#include "common.h"

/* Buffers a packet takes on the guest RX ring (data, plus a GSO extra). */
static unsigned int znb_rx_slots(const struct sk_buff *skb)
{
	return DIV_ROUND_UP(skb->len, XEN_PAGE_SIZE) + !!skb_is_gso(skb);
}

/* Makes the packet something the frontend negotiated; nonzero to drop. */
static int znb_rx_prepare(struct znb_vif *vif, struct sk_buff *skb)
{
	unsigned int data_slots;

	if (!skb->len)
		return -EINVAL;
	if (skb_has_frag_list(skb) && __skb_linearize(skb))
		return -ENOMEM;

	if (skb_is_gso(skb)) {
		unsigned int type = skb_shinfo(skb)->gso_type;

		if (!((type & SKB_GSO_TCPV4) && vif->gso4) &&
		    !((type & SKB_GSO_TCPV6) && vif->gso6))
			return -EOPNOTSUPP;
	} else if (skb->ip_summed == CHECKSUM_PARTIAL) {
		__be16 proto = vlan_get_protocol(skb);
		bool ok = (proto == htons(ETH_P_IP) && vif->ip_csum) ||
			  (proto == htons(ETH_P_IPV6) && vif->ipv6_csum);

		if (!ok && skb_checksum_help(skb))
			return -EINVAL;
	}

	data_slots = DIV_ROUND_UP(skb->len, XEN_PAGE_SIZE);
	if (data_slots > XEN_NETIF_NR_SLOTS_MIN ||
	    (!vif->can_sg && data_slots > 1))
		return -EMSGSIZE;
	return 0;
}

static bool znb_rx_queue_full(const struct znb_queue *q)
{
	return skb_queue_len(&q->rx_queue) >= READ_ONCE(znb_rx_queue_len);
}

/* Restarts the stack's transmit queue once the list is half empty. */
static void znb_rx_wake(struct znb_queue *q)
{
	struct netdev_queue *txq = netdev_get_tx_queue(q->vif->dev, q->id);

	/*
	 * Pairs with the barrier in znb_start_xmit(): either it sees the list
	 * shrunk after stopping the queue, or we see the queue stopped.
	 */
	smp_mb();
	if (netif_tx_queue_stopped(txq) &&
	    skb_queue_len(&q->rx_queue) <= READ_ONCE(znb_rx_queue_len) / 2)
		netif_tx_wake_queue(txq);
}

/**
 * znb_start_xmit() - queue a packet for the guest
 * @skb: packet
 * @dev: the vif's netdev
 *
 * Return: NETDEV_TX_OK; packets that cannot be queued are dropped.
 */
netdev_tx_t znb_start_xmit(struct sk_buff *skb, struct net_device *dev)
{
	struct znb_vif *vif = netdev_priv(dev);
	struct znb_queue **queues = READ_ONCE(vif->queues);
	unsigned int qi = skb_get_queue_mapping(skb);
	struct znb_queue *q;

	if (unlikely(!queues || qi >= READ_ONCE(vif->nr_queues)))
		goto drop_dev;
	q = queues[qi];
	if (unlikely(!READ_ONCE(q->live) || atomic_read(&vif->disabled) ||
		     READ_ONCE(q->rx_stalled) || znb_rx_queue_full(q)))
		goto drop;
	if (znb_rx_prepare(vif, skb))
		goto drop;

	skb_queue_tail(&q->rx_queue, skb);
	/*
	 * A full list stops the stack's queue rather than dropping what
	 * follows: a sender faster than the guest then waits in the qdisc and
	 * on its socket instead of burning dom0 CPU on packets we would drop.
	 */
	if (znb_rx_queue_full(q)) {
		struct netdev_queue *txq = netdev_get_tx_queue(dev, qi);

		netif_tx_stop_queue(txq);
		/* Pairs with znb_rx_wake(): the poll may have just emptied it. */
		smp_mb__after_atomic();
		if (!znb_rx_queue_full(q))
			netif_tx_start_queue(txq);
	}
	if (in_serving_softirq())
		napi_schedule(&q->napi);
	else
		znb_rx_kick(q);
	return NETDEV_TX_OK;

drop:
	q->stats.tx_dropped++;
	dev_kfree_skb_any(skb);
	return NETDEV_TX_OK;
drop_dev:
	dev_core_stats_tx_dropped_inc(dev);
	dev_kfree_skb_any(skb);
	return NETDEV_TX_OK;
}

/*
 * Are @needed buffers posted?  If not, asks the frontend to notify us once
 * they are (req_event), and checks again to close the race with it.
 */
static bool znb_rx_slots_available(struct znb_queue *q, unsigned int needed)
{
	RING_IDX prod, cons = q->rx.req_cons;

	do {
		prod = READ_ONCE(q->rx.sring->req_prod);
		if (prod - cons >= needed)
			return true;
		WRITE_ONCE(q->rx.sring->req_event, cons + needed);
		/* Publish req_event before looking at req_prod again. */
		virt_mb();
	} while (READ_ONCE(q->rx.sring->req_prod) != prod);
	return false;
}

/* Ring position (relative to the first) of data buffer @i. */
static unsigned int znb_rx_pos(const struct znb_rx_pkt *p, unsigned int i)
{
	return i == 0 ? 0 : i + p->gso;
}

/* Hands the queued copies of the batch to the hypervisor in one call. */
static void znb_rx_flush(struct znb_queue *q)
{
	bool warned = false;
	unsigned int i;

	if (!q->rx_nr_copy)
		return;
	gnttab_batch_copy(q->rx_copy, q->rx_nr_copy);
	for (i = 0; i < q->rx_nr_copy; i++) {
		if (q->rx_copy[i].status == GNTST_okay)
			continue;
		q->rx_pkt[q->rx_copy_pkt[i]].err = true;
		if (!warned && net_ratelimit())
			netdev_warn(q->vif->dev, "guest RX buffer grant %u cannot be written (status %d)\n",
				    q->rx_copy[i].dest.u.ref,
				    q->rx_copy[i].status);
		warned = true;
	}
	q->rx_nr_copy = 0;
}

/* Queues copies of @len bytes at @off in @page (may run past the page). */
static void znb_rx_copy_region(struct znb_queue *q, struct znb_rx_pkt *p,
			       struct page *page, unsigned int off,
			       unsigned int len)
{
	while (len) {
		struct xen_page_foreign *foreign;
		struct gnttab_copy *op;
		unsigned int chunk;

		page += off >> PAGE_SHIFT;
		off &= ~PAGE_MASK;
		if (p->slot_off == XEN_PAGE_SIZE) {
			p->slot++;
			p->slot_off = 0;
		}
		if (WARN_ON_ONCE(p->slot >= p->data_slots)) {
			p->err = true;
			return;
		}
		chunk = min3(len, (unsigned int)PAGE_SIZE - off,
			     (unsigned int)XEN_PAGE_SIZE - p->slot_off);

		op = &q->rx_copy[q->rx_nr_copy];
		foreign = xen_page_foreign(page);
		if (foreign) {
			/* A page another guest granted us: copy by its grant. */
			op->source.domid = foreign->domid;
			op->source.u.ref = foreign->gref;
			op->flags = GNTCOPY_source_gref | GNTCOPY_dest_gref;
		} else {
			op->source.domid = DOMID_SELF;
			op->source.u.gmfn = xen_page_to_gfn(page);
			op->flags = GNTCOPY_dest_gref;
		}
		op->source.offset = off;
		op->dest.domid = q->vif->domid;
		op->dest.u.ref = p->req[znb_rx_pos(p, p->slot)].gref;
		op->dest.offset = p->slot_off;
		op->len = chunk;
		op->status = GNTST_general_error;
		q->rx_copy_pkt[q->rx_nr_copy++] = p - q->rx_pkt;

		p->filled[p->slot] += chunk;
		p->slot_off += chunk;
		off += chunk;
		len -= chunk;
		if (q->rx_nr_copy == ZNB_RX_COPY_OPS)
			znb_rx_flush(q);
	}
}

/* Takes the guest's buffers for @skb and queues the copies into them. */
static void znb_rx_start(struct znb_queue *q, struct sk_buff *skb)
{
	struct znb_rx_pkt *p = &q->rx_pkt[q->rx_nr_pkts++];
	RING_IDX cons = q->rx.req_cons;
	unsigned int total, i;

	p->skb = skb;
	p->gso = skb_is_gso(skb);
	p->err = false;
	p->data_slots = DIV_ROUND_UP(skb->len, XEN_PAGE_SIZE);
	p->slot = 0;
	p->slot_off = 0;
	memset(p->filled, 0, sizeof(p->filled));
	total = p->data_slots + p->gso;
	for (i = 0; i < total; i++)
		RING_COPY_REQUEST(&q->rx, cons + i, &p->req[i]);
	q->rx.req_cons = cons + total;
	p->rsp = q->rx.rsp_prod_pvt;
	q->rx.rsp_prod_pvt = p->rsp + total;

	znb_rx_copy_region(q, p, virt_to_page(skb->data),
			   offset_in_page(skb->data), skb_headlen(skb));
	for (i = 0; i < skb_shinfo(skb)->nr_frags; i++) {
		const skb_frag_t *frag = &skb_shinfo(skb)->frags[i];

		znb_rx_copy_region(q, p, skb_frag_page(frag),
				   skb_frag_off(frag), skb_frag_size(frag));
	}
}

/* Writes the responses of a packet whose copies are done, then frees it. */
static void znb_rx_answer(struct znb_queue *q, struct znb_rx_pkt *p)
{
	struct sk_buff *skb = p->skb;
	unsigned int i;

	for (i = 0; i < p->data_slots; i++) {
		unsigned int pos = znb_rx_pos(p, i);
		struct xen_netif_rx_response *r =
			RING_GET_RESPONSE(&q->rx, p->rsp + pos);
		u16 flags = 0;

		if (i + 1 < p->data_slots)
			flags |= XEN_NETRXF_more_data;
		if (i == 0) {
			if (skb->ip_summed == CHECKSUM_PARTIAL)
				flags |= XEN_NETRXF_csum_blank |
					 XEN_NETRXF_data_validated;
			else if (skb->ip_summed == CHECKSUM_UNNECESSARY)
				flags |= XEN_NETRXF_data_validated;
			if (p->gso)
				flags |= XEN_NETRXF_extra_info;
		}
		r->id = p->req[pos].id;
		r->offset = 0;
		r->flags = flags;
		r->status = p->err ? XEN_NETIF_RSP_ERROR : p->filled[i];
	}
	if (p->gso) {
		struct xen_netif_extra_info *ex = (struct xen_netif_extra_info *)
			RING_GET_RESPONSE(&q->rx, p->rsp + 1);

		ex->type = XEN_NETIF_EXTRA_TYPE_GSO;
		ex->flags = 0;
		ex->u.gso.size = skb_shinfo(skb)->gso_size;
		ex->u.gso.type = (skb_shinfo(skb)->gso_type & SKB_GSO_TCPV6) ?
				 XEN_NETIF_GSO_TYPE_TCPV6 :
				 XEN_NETIF_GSO_TYPE_TCPV4;
		ex->u.gso.pad = 0;
		ex->u.gso.features = 0;
	}

	if (p->err) {
		q->stats.tx_dropped++;
	} else {
		q->stats.tx_packets++;
		q->stats.tx_bytes += skb->len;
	}
	dev_consume_skb_any(skb);
	p->skb = NULL;
}

/*
 * Finishes the batch: the copies of several small packets go to the
 * hypervisor in one call instead of one call each.
 */
static void znb_rx_finish(struct znb_queue *q)
{
	unsigned int i;

	znb_rx_flush(q);
	for (i = 0; i < q->rx_nr_pkts; i++)
		znb_rx_answer(q, &q->rx_pkt[i]);
	q->rx_nr_pkts = 0;
}

static void znb_rx_purge(struct znb_queue *q)
{
	struct sk_buff *skb;

	while ((skb = skb_dequeue(&q->rx_queue)) != NULL) {
		q->stats.tx_dropped++;
		dev_kfree_skb_any(skb);
	}
	znb_rx_wake(q);
}

static void znb_rx_stop_waiting(struct znb_queue *q)
{
	if (!q->rx_waiting)
		return;
	q->rx_waiting = false;
	q->rx_stall_fired = false;
	znb_timer_delete(&q->rx_stall_timer);
}

/**
 * znb_rx_stall_timer() - the frontend posted no buffers for too long
 * @t: the queue's rx_stall_timer
 */
void znb_rx_stall_timer(struct timer_list *t)
{
	struct znb_queue *q = znb_timer_container_of(q, t, rx_stall_timer);

	WRITE_ONCE(q->rx_stall_fired, true);
	znb_rx_kick(q);
}

/**
 * znb_rx_has_work() - has the RX thread something to do now?
 * @q: queue
 *
 * Return: true if a packet waits and the frontend posted buffers for it,
 * a stall decision is due, or the vif was disabled with packets queued.
 */
bool znb_rx_has_work(struct znb_queue *q)
{
	struct sk_buff *skb;

	if (atomic_read(&q->vif->disabled))
		return q->rx_waiting || skb_peek(&q->rx_queue);
	if (READ_ONCE(q->rx_stall_fired))
		return true;
	if (q->rx_stalled)
		return RING_HAS_UNCONSUMED_REQUESTS(&q->rx);
	skb = skb_peek(&q->rx_queue);
	return skb && znb_rx_slots_available(q, znb_rx_slots(skb));
}

/**
 * znb_rx_poll() - deliver queued packets to the guest
 * @q: queue
 *
 * Context: softirq or BH disabled, with the queue's rx_lock held.
 * Return: true if more packets could be delivered right away.
 */
bool znb_rx_poll(struct znb_queue *q)
{
	struct znb_vif *vif = q->vif;
	unsigned int done = 0;
	struct sk_buff *skb;
	int notify;

	if (atomic_read(&vif->disabled)) {
		znb_rx_stop_waiting(q);
		znb_rx_purge(q);
		return false;
	}
	if (!q->rx_waiting)
		WRITE_ONCE(q->rx_stall_fired, false);

	if (q->rx_stalled) {
		if (!znb_rx_slots_available(q, 1)) {
			znb_rx_purge(q);
			return false;
		}
		WRITE_ONCE(q->rx_stalled, false);
		atomic_dec(&vif->stalled_queues);
		netdev_info(vif->dev, "queue %u: guest posts RX buffers again\n",
			    q->id);
		znb_vif_update_carrier(vif);
	}

	while (done < ZNB_RX_BATCH && (skb = skb_peek(&q->rx_queue))) {
		if (!znb_rx_slots_available(q, znb_rx_slots(skb))) {
			if (!q->rx_waiting) {
				q->rx_waiting = true;
				mod_timer(&q->rx_stall_timer, jiffies +
					  msecs_to_jiffies(znb_rx_stall_timeout_ms));
			} else if (READ_ONCE(q->rx_stall_fired)) {
				znb_rx_stop_waiting(q);
				WRITE_ONCE(q->rx_stalled, true);
				atomic_inc(&vif->stalled_queues);
				netdev_warn(vif->dev, "queue %u: guest posted no RX buffers for %u ms; dropping its packets, carrier off\n",
					    q->id, znb_rx_stall_timeout_ms);
				znb_rx_purge(q);
				/* Any new buffer wakes us up. */
				znb_rx_slots_available(q, 1);
				znb_vif_update_carrier(vif);
			}
			break;
		}
		znb_rx_stop_waiting(q);
		skb = skb_dequeue(&q->rx_queue);
		if (q->rx_nr_pkts == ZNB_RX_PKTS)
			znb_rx_finish(q);
		znb_rx_start(q, skb);
		done++;
	}
	znb_rx_finish(q);
	if (!skb_peek(&q->rx_queue))
		znb_rx_stop_waiting(q);
	if (done)
		znb_rx_wake(q);

	if (done) {
		RING_PUSH_RESPONSES_AND_CHECK_NOTIFY(&q->rx, notify);
		if (notify)
			znb_queue_notify(q, true);
	}
	return done == ZNB_RX_BATCH && skb_peek(&q->rx_queue);
}
