// SPDX-License-Identifier: GPL-2.0
/*
 * Guest RX: packets dom0 sends to the guest.
 *
 * ndo_start_xmit() parks each packet on a per-queue list bounded in packets
 * and in bytes; the queue's RX thread (or its NAPI poll, for packets sent
 * from softirq context) grant-copies it into buffers the frontend posted on
 * its RX ring, packed back to back, and writes one response per buffer.  A
 * full list stops the stack's transmit queue until half of it is delivered.
 *
 * A packet waiting here may hold another guest's mapped TX pages (bridged
 * guest to guest), so nothing waits without bound, whatever the frontend
 * does.  Once the guest has left the head packet waiting ZNB_RX_HOLD_MS,
 * the frags of every queued packet are copied out of foreign pages (which
 * releases them to their guest), and so are those of packets arriving
 * while it keeps waiting; the stack's queue is no longer stopped for such a
 * guest, so its qdisc holds nothing either.  A packet that waited
 * rx_drain_timeout_msecs is dropped with everything queued behind it, and
 * packets for the guest are dropped on arrival until it posts buffers again.
 * After rx_stall_timeout_msecs without buffers the queue also counts as stalled
 * (carrier off).
 */
#include <linux/etherdevice.h>
#include <linux/if_vlan.h>
#include <xen/page.h>
#include <xen/events.h>

#include "common.h"

/* What ndo_start_xmit() notes in a packet it parks (skb->cb is the driver's). */
struct znb_rx_cb {
	unsigned long expires;	/* jiffies: dropped if still waiting then */
	u16 headroom;		/* bytes left free before it in its first buffer */
};

#define ZNB_RX_CB(skb)	((struct znb_rx_cb *)(skb)->cb)

/*
 * How long a packet left waiting by the guest may keep another guest's pages
 * mapped: long enough for a healthy guest to post buffers (no copy), short
 * enough that the other guest's TX never waits on this one.
 */
#define ZNB_RX_HOLD_MS	200

/* Data buffers a packet takes on the guest RX ring. */
static unsigned int znb_rx_data_slots(const struct sk_buff *skb)
{
	return DIV_ROUND_UP(ZNB_RX_CB(skb)->headroom + skb->len, XEN_PAGE_SIZE);
}

/* Buffers a packet takes on the guest RX ring (data, plus a GSO extra). */
static unsigned int znb_rx_slots(const struct sk_buff *skb)
{
	return znb_rx_data_slots(skb) + !!skb_is_gso(skb);
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

	data_slots = znb_rx_data_slots(skb);
	if (data_slots > XEN_NETIF_NR_SLOTS_MIN ||
	    (!vif->can_sg && data_slots > 1))
		return -EMSGSIZE;
	return 0;
}

static bool znb_rx_queue_full(const struct znb_queue *q)
{
	return skb_queue_len(&q->rx_queue) >= READ_ONCE(znb_rx_queue_len) ||
	       READ_ONCE(q->rx_queue_bytes) >= READ_ONCE(znb_rx_queue_bytes);
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
	    skb_queue_len(&q->rx_queue) <= READ_ONCE(znb_rx_queue_len) / 2 &&
	    READ_ONCE(q->rx_queue_bytes) <= READ_ONCE(znb_rx_queue_bytes) / 2)
		netif_tx_wake_queue(txq);
}

/*
 * The head of the list changed: caches what the event handler and the RX
 * thread's wake-up test need, so neither touches a packet the poll may free.
 * Context: rx_queue.lock held.
 */
static void znb_rx_head_changed(struct znb_queue *q)
{
	struct sk_buff *head = skb_peek(&q->rx_queue);

	lockdep_assert_held(&q->rx_queue.lock);
	if (head)
		WRITE_ONCE(q->rx_head_expires, ZNB_RX_CB(head)->expires);
	/* The expiry first: the RX poll reading these needs reads its expiry. */
	smp_store_release(&q->rx_slots_needed, head ? znb_rx_slots(head) : 0);
}

/*
 * Queues @skb unless packets for the guest are being dropped; false if not
 * queued.  The RX poll sets rx_dropping and rx_copying before it purges or
 * walks the list under the same lock: checked here, under that lock, a
 * packet either sees them or is purged (or copied) by that walk.
 */
static bool znb_rx_enqueue(struct znb_queue *q, struct sk_buff *skb)
{
	unsigned long flags;

	ZNB_RX_CB(skb)->expires = jiffies +
		msecs_to_jiffies(READ_ONCE(znb_rx_drain_timeout_ms));
	spin_lock_irqsave(&q->rx_queue.lock, flags);
	/* The guest keeps us waiting: do not let it hold another's pages. */
	if (READ_ONCE(q->rx_dropping) ||
	    (READ_ONCE(q->rx_copying) && skb_orphan_frags_rx(skb, GFP_ATOMIC))) {
		spin_unlock_irqrestore(&q->rx_queue.lock, flags);
		return false;
	}
	__skb_queue_tail(&q->rx_queue, skb);
	WRITE_ONCE(q->rx_queue_bytes, q->rx_queue_bytes + skb->len);
	if (skb_queue_len(&q->rx_queue) == 1)
		znb_rx_head_changed(q);
	spin_unlock_irqrestore(&q->rx_queue.lock, flags);
	return true;
}

static struct sk_buff *znb_rx_dequeue(struct znb_queue *q)
{
	struct sk_buff *skb;
	unsigned long flags;

	spin_lock_irqsave(&q->rx_queue.lock, flags);
	skb = __skb_dequeue(&q->rx_queue);
	if (skb) {
		WRITE_ONCE(q->rx_queue_bytes, q->rx_queue_bytes - skb->len);
		znb_rx_head_changed(q);
	}
	spin_unlock_irqrestore(&q->rx_queue.lock, flags);
	return skb;
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
		     READ_ONCE(q->rx_dropping) || znb_rx_queue_full(q)))
		goto drop;
	/*
	 * Fixed per packet when it is queued: its slot count, counted now,
	 * must not change under it if the guest changes its headroom.
	 */
	ZNB_RX_CB(skb)->headroom = READ_ONCE(vif->rx_headroom);
	if (znb_rx_prepare(vif, skb) || !znb_rx_enqueue(q, skb))
		goto drop;
	/*
	 * A full list stops the stack's queue rather than dropping what
	 * follows: a sender faster than the guest then waits in the qdisc and
	 * on its socket instead of burning dom0 CPU on packets we would drop.
	 * Not for a guest that keeps us waiting: the qdisc would hold what
	 * it queues, other guests' pages included.
	 */
	if (znb_rx_queue_full(q) && !READ_ONCE(q->rx_copying)) {
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
	/* Any CPU may be here: the RX poll owns q->stats. */
	dev_core_stats_tx_dropped_inc(dev);
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
		op->dest.u.ref = znb_fault(ZNB_FAULT_RX_COPY) ?
				 ZNB_FAULT_BAD_GREF :
				 p->req[znb_rx_pos(p, p->slot)].gref;
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
	p->data_slots = znb_rx_data_slots(skb);
	p->slot = 0;
	p->headroom = ZNB_RX_CB(skb)->headroom;
	p->slot_off = p->headroom;
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
		r->offset = i == 0 ? p->headroom : 0;
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

/**
 * znb_rx_purge() - drop every packet waiting for the guest
 * @q: queue
 */
void znb_rx_purge(struct znb_queue *q)
{
	struct sk_buff *skb;

	while ((skb = znb_rx_dequeue(q)) != NULL) {
		q->stats.tx_dropped++;
		dev_kfree_skb_any(skb);
	}
	znb_rx_wake(q);
}

static void znb_rx_stop_waiting(struct znb_queue *q)
{
	if (!q->rx_waiting)
		return;
	WRITE_ONCE(q->rx_waiting, false);
	WRITE_ONCE(q->rx_copying, false);
	znb_timer_delete(&q->rx_deadline_timer);
}

static unsigned long znb_rx_hold_end(const struct znb_queue *q)
{
	return q->rx_wait_start + msecs_to_jiffies(ZNB_RX_HOLD_MS);
}

static void znb_rx_earliest(unsigned long *next, unsigned long t)
{
	if (time_before(t, *next))
		*next = t;
}

/*
 * Wakes the RX thread at the next deadline of a waiting queue: the stall
 * decision, the end of the hold on other guests' pages, the expiry of the
 * head packet, and the next look at a ring whose frontend never notifies.
 */
static void znb_rx_arm_deadline(struct znb_queue *q)
{
	unsigned long next = jiffies + MAX_JIFFY_OFFSET;

	if (!q->rx_stalled)
		znb_rx_earliest(&next, q->rx_wait_start +
				msecs_to_jiffies(READ_ONCE(znb_rx_stall_timeout_ms)));
	/* A queue dropping its packets holds nobody's pages. */
	if (!q->rx_copying && !q->rx_dropping)
		znb_rx_earliest(&next, znb_rx_hold_end(q));
	/* Pairs with znb_rx_head_changed(): then the expiry is this head's. */
	if (smp_load_acquire(&q->rx_slots_needed))
		znb_rx_earliest(&next, q->rx_head_expires);
	if (q->vif->rx_poll)
		znb_rx_earliest(&next, jiffies + msecs_to_jiffies(ZNB_RX_POLL_MS));
	/* A deadline already passed would keep the RX thread spinning. */
	if (time_before_eq(next, jiffies))
		next = jiffies + 1;
	WRITE_ONCE(q->rx_deadline, next);
	mod_timer(&q->rx_deadline_timer, next);
}

/**
 * znb_rx_deadline_timer() - a waiting packet expires or the guest stalls
 * @t: the queue's rx_deadline_timer
 */
void znb_rx_deadline_timer(struct timer_list *t)
{
	struct znb_queue *q = znb_timer_container_of(q, t, rx_deadline_timer);

	znb_rx_kick(q);
}

/*
 * The guest left the head packet waiting ZNB_RX_HOLD_MS: copies the frags of
 * every queued packet out of pages other guests granted (releasing them to
 * their owners), and restarts the stack's queue so that its qdisc hands
 * over what it holds, to be copied or dropped here.
 */
static void znb_rx_release_foreign(struct znb_queue *q)
{
	struct sk_buff_head failed;
	struct sk_buff *skb, *tmp;
	unsigned long flags;

	__skb_queue_head_init(&failed);
	q->stats.tx_holds++;
	WRITE_ONCE(q->rx_copying, true);
	spin_lock_irqsave(&q->rx_queue.lock, flags);
	skb_queue_walk_safe(&q->rx_queue, skb, tmp) {
		if (!skb_orphan_frags_rx(skb, GFP_ATOMIC))
			continue;
		__skb_unlink(skb, &q->rx_queue);
		WRITE_ONCE(q->rx_queue_bytes, q->rx_queue_bytes - skb->len);
		__skb_queue_tail(&failed, skb);
	}
	znb_rx_head_changed(q);
	spin_unlock_irqrestore(&q->rx_queue.lock, flags);

	q->stats.tx_dropped += skb_queue_len(&failed);
	while ((skb = __skb_dequeue(&failed)) != NULL)
		dev_kfree_skb_any(skb);
	netif_tx_wake_queue(netdev_get_tx_queue(q->vif->dev, q->id));
}

/*
 * The head packet waited rx_drain_timeout_msecs: drop it and all behind it,
 * and drop what arrives until the guest posts a buffer, so that neither this
 * list nor the stack's queue in front of it holds pages (another guest's,
 * bridged here) for longer.
 */
static void znb_rx_start_dropping(struct znb_queue *q)
{
	unsigned int expired = skb_queue_len(&q->rx_queue);

	WRITE_ONCE(q->rx_dropping, true);
	q->stats.tx_expired += expired;
	if (net_ratelimit())
		netdev_warn(q->vif->dev, "queue %u: guest took no packet for %u ms (it posted %u RX buffers, the next packet needs %u); dropping %u queued packets and those that follow until it posts more\n",
			    q->id, READ_ONCE(znb_rx_drain_timeout_ms),
			    READ_ONCE(q->rx.sring->req_prod) - q->rx.req_cons,
			    q->rx_slots_needed, expired);
	znb_rx_purge(q);
}

/* No buffer for rx_stall_timeout_msecs: carrier off until the guest posts one. */
static void znb_rx_stall(struct znb_queue *q)
{
	struct znb_vif *vif = q->vif;

	/* A frontend that never notifies is still polled for buffers. */
	if (!vif->rx_poll)
		znb_rx_stop_waiting(q);
	WRITE_ONCE(q->rx_dropping, true);
	q->rx_stalled = true;
	atomic_inc(&vif->stalled_queues);
	netdev_warn(vif->dev, "queue %u: guest posted no RX buffers for %u ms; dropping its packets, carrier off\n",
		    q->id, READ_ONCE(znb_rx_stall_timeout_ms));
	znb_rx_purge(q);
	znb_vif_update_carrier(vif);
}

/* The guest posted buffers again: packets for it are queued again. */
static void znb_rx_resume(struct znb_queue *q)
{
	struct znb_vif *vif = q->vif;

	znb_rx_stop_waiting(q);
	WRITE_ONCE(q->rx_dropping, false);
	if (!q->rx_stalled)
		return;
	q->rx_stalled = false;
	atomic_dec(&vif->stalled_queues);
	netdev_info(vif->dev, "queue %u: guest posts RX buffers again\n", q->id);
	znb_vif_update_carrier(vif);
}

/**
 * znb_rx_ready() - did the frontend post what the next delivery needs?
 * @q: queue
 *
 * What makes a guest RX event real work (XSA-332): buffers for the packet at
 * the head of the list, or any buffer while packets for the guest are being
 * dropped.  Buffers with nothing to put in them are not work: a guest that
 * notifies with the ring merely full of buffers is throttled as spurious.
 * Reads only cached values, never a packet: safe in any context, no lock.
 *
 * Return: true if the RX poll can deliver or resume now.
 */
bool znb_rx_ready(struct znb_queue *q)
{
	RING_IDX posted = READ_ONCE(q->rx.sring->req_prod) -
			  READ_ONCE(q->rx.req_cons);
	unsigned int needed;

	if (READ_ONCE(q->rx_dropping))
		return posted != 0;
	needed = READ_ONCE(q->rx_slots_needed);
	return needed && posted >= needed;
}

/**
 * znb_rx_has_work() - has the RX thread something to do now?
 * @q: queue
 *
 * Context: any; takes no lock and dereferences no queued packet.
 * Return: true if a packet can be delivered, a packet waits that no poll
 * has seen, a deadline of a waiting queue passed, or the vif was disabled
 * with packets queued.
 */
bool znb_rx_has_work(struct znb_queue *q)
{
	bool waiting = READ_ONCE(q->rx_waiting);

	if (atomic_read(&q->vif->disabled))
		return waiting || READ_ONCE(q->rx_slots_needed);
	if (waiting && time_after_eq(jiffies, READ_ONCE(q->rx_deadline)))
		return true;
	znb_race_window(rx_peek_us, READ_ONCE(q->rx_slots_needed));
	/*
	 * Only a poll starts the wait of a packet the guest has no buffers
	 * for, and with it the deadlines that bound it and the polling of a
	 * ring whose frontend never notifies.  A packet queued by a process
	 * (its kick wakes only this thread) or while the NAPI poll lost the
	 * queue's lock to this thread has not been seen by one.
	 */
	if (!waiting && READ_ONCE(q->rx_slots_needed))
		return true;
	return znb_rx_ready(q);
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
	unsigned int done = 0, needed;
	struct sk_buff *skb;
	int notify;

	lockdep_assert_held(&q->rx_lock);
	if (atomic_read(&vif->disabled)) {
		znb_rx_stop_waiting(q);
		znb_rx_purge(q);
		return false;
	}

	if (q->rx_waiting && !q->rx_stalled &&
	    time_after_eq(jiffies, q->rx_wait_start +
			  msecs_to_jiffies(READ_ONCE(znb_rx_stall_timeout_ms))))
		znb_rx_stall(q);
	if (q->rx_dropping) {
		/* Arms req_event: the guest's next buffer notifies us. */
		if (!znb_rx_slots_available(q, 1)) {
			znb_rx_purge(q);
			/* A deadline passed without a change of state: re-arm. */
			if (q->rx_waiting && time_after_eq(jiffies, q->rx_deadline))
				znb_rx_arm_deadline(q);
			return false;
		}
		znb_rx_resume(q);
	}

	while (done < ZNB_RX_BATCH &&
	       /* Pairs with znb_rx_head_changed(), as below. */
	       (needed = smp_load_acquire(&q->rx_slots_needed))) {
		if (!znb_rx_slots_available(q, needed)) {
			if (!q->rx_waiting) {
				q->rx_wait_start = jiffies;
				WRITE_ONCE(q->rx_waiting, true);
			}
			if (!q->rx_copying &&
			    time_after_eq(jiffies, znb_rx_hold_end(q)))
				znb_rx_release_foreign(q);
			/* Pairs with znb_rx_head_changed(). */
			if (smp_load_acquire(&q->rx_slots_needed) &&
			    time_after_eq(jiffies, q->rx_head_expires)) {
				znb_rx_start_dropping(q);
				/* Any new buffer ends the dropping. */
				znb_rx_slots_available(q, 1);
			}
			znb_rx_arm_deadline(q);
			break;
		}
		znb_rx_stop_waiting(q);
		skb = znb_rx_dequeue(q);
		done++;
		/*
		 * Queued before the guest changed its headroom: its XDP
		 * program, attached or detached since, would read it at the
		 * wrong offset.
		 */
		if (unlikely(ZNB_RX_CB(skb)->headroom !=
			     READ_ONCE(vif->rx_headroom))) {
			q->stats.tx_dropped++;
			dev_kfree_skb_any(skb);
			continue;
		}
		if (q->rx_nr_pkts == ZNB_RX_PKTS)
			znb_rx_finish(q);
		znb_rx_start(q, skb);
	}
	znb_rx_finish(q);
	if (!q->rx_slots_needed && !q->rx_dropping)
		znb_rx_stop_waiting(q);
	if (done)
		znb_rx_wake(q);

	if (done) {
		RING_PUSH_RESPONSES_AND_CHECK_NOTIFY(&q->rx, notify);
		if (notify)
			znb_queue_notify(q, true);
	}
	return done == ZNB_RX_BATCH && q->rx_slots_needed;
}
