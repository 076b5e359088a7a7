// SPDX-License-Identifier: GPL-2.0
/*
 * Guest TX: packets the frontend puts on its TX ring.
 *
 * The first bytes of a packet (its headers) are grant-copied into the skb
 * head, from every slot they span; everything else becomes frags: the
 * guest's pages grant-mapped, or, where the policy finds copying cheaper,
 * grant-copied into dom0 pages.  The
 * packet's zerocopy completion is shared by every clone and GSO segment the
 * stack makes; when the last of them lets go, the grant core queues the
 * slots to the dealloc work, which unmaps them in batches and only then
 * answers the frontend.
 *
 * One packet's path, step by step (grant/ is the core, the rest is here):
 *   read and validate   znb_tx_poll() -> znb_tx_gather()      grant/txreq.c
 *   lay out, reserve    znb_tx_prepare() -> znb_tx_build_layout(),
 *                       znb_pkt_start(), znb_tx_build_head()  grant/
 *   copy the heads      znb_tx_flush()
 *   copy or map         znb_tx_queue_data() -> znb_policy_decide(),
 *                       znb_tx_build_data()                   grant/
 *   hypercalls          znb_tx_flush()
 *   answers             znb_tx_complete() -> znb_tx_collect_data(),
 *                       znb_tx_build_apply()                  grant/
 *   skb                 znb_tx_complete()
 *   to the stack        znb_tx_finish_skb(), then GRO or receive
 *   last reference      znb_zc_complete() -> znb_pkt_zc_put()  grant/pool.c
 *   unmap and answer    znb_tx_dealloc_work() -> znb_dealloc_collect(),
 *                       znb_dealloc_finish()                  grant/pool.c
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/etherdevice.h>
#include <linux/if_ether.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/tcp.h>
#include <linux/udp.h>
#include <net/ip.h>
#include <net/ipv6.h>
#include <xen/page.h>
#include <xen/events.h>

#include "common.h"

static void znb_zc_complete(struct sk_buff *skb, struct ubuf_info *uarg,
			    bool zerocopy_success)
{
	struct znb_pkt *pkt = container_of(uarg, struct znb_pkt, zc);
	struct znb_queue *q = container_of(pkt->q, struct znb_queue, txq);

	/*
	 * Once the put released the last slot, a torn-down queue may be freed
	 * before the kick below: its freeing waits for this read section.
	 */
	rcu_read_lock();
	if (znb_pkt_zc_put(pkt, zerocopy_success)) {
		znb_race_window(zc_kick_us, !READ_ONCE(q->napi_on));
		znb_tx_kick_dealloc(q);
	}
	rcu_read_unlock();
}

static const struct znb_ubuf_ops znb_zc_ops = {
	.complete = znb_zc_complete,
};

/*
 * Queues the dealloc work @us from now.  A window still queued is left
 * alone: it started with an earlier release, and it will collect this one.
 * One whose callback is already running may not, so that one is restarted.
 */
static void znb_tx_dealloc_after(struct znb_queue *q, unsigned int us)
{
	if (!hrtimer_is_queued(&q->dealloc_timer))
		hrtimer_start(&q->dealloc_timer,
			      ns_to_ktime((u64)us * NSEC_PER_USEC),
			      HRTIMER_MODE_REL_SOFT);
}

/**
 * znb_tx_kick_dealloc() - have the dealloc work unmap released slots
 * @q: queue
 *
 * While at least half the slots are free, the work runs unmap_gather_us
 * after the first release instead of at once, so the releases of that
 * window share one unmap hypercall (and one TLB flush).  That delays only
 * the guest's reuse of its buffers, never a packet, and only while the
 * guest has slots to spare; below half, the work runs at once.
 *
 * Safe in any context, including with interrupts disabled.
 */
void znb_tx_kick_dealloc(struct znb_queue *q)
{
	unsigned int gather_us = READ_ONCE(znb_unmap_gather_us);

	if (gather_us && znb_txq_free_slots(&q->txq) >= ZNB_PENDING / 2)
		znb_tx_dealloc_after(q, gather_us);
	else
		queue_work(znb_wq, &q->dealloc_work);
}

/**
 * znb_tx_dealloc_timer() - a gathering window or a retry delay is over
 * @timer: the queue's dealloc_timer
 *
 * Return: HRTIMER_NORESTART.
 */
enum hrtimer_restart znb_tx_dealloc_timer(struct hrtimer *timer)
{
	struct znb_queue *q = container_of(timer, struct znb_queue,
					   dealloc_timer);

	queue_work(znb_wq, &q->dealloc_work);
	return HRTIMER_NORESTART;
}

/*
 * Queues the grant copy @op of a packet (plan @plan) on the batch, into the
 * dom0 frame @gfn at @dst_off.
 */
static void znb_tx_queue_copy(struct znb_queue *q,
			      const struct znb_tx_plan *plan,
			      const struct znb_tx_op *op, unsigned long gfn,
			      unsigned int dst_off)
{
	struct gnttab_copy *c = &q->tx_copy[q->nr_copy++];

	c->source.u.ref = znb_fault(ZNB_FAULT_TX_COPY) ?
			  ZNB_FAULT_BAD_GREF : plan->slot[op->slot].gref;
	c->source.domid = q->vif->domid;
	c->source.offset = op->offset;
	c->dest.u.gmfn = gfn;
	c->dest.domid = DOMID_SELF;
	c->dest.offset = dst_off;
	c->len = op->len;
	c->flags = GNTCOPY_source_gref;
	c->status = GNTST_general_error;
}

/*
 * The transport protocol of @skb (data at the network header) if the packet
 * carries that protocol's header, else 0: a later IP fragment carries none.
 */
static u8 znb_tx_l4_proto(const struct sk_buff *skb)
{
	if (skb->protocol == htons(ETH_P_IP)) {
		const struct iphdr *iph;
		struct iphdr _iph;

		iph = skb_header_pointer(skb, 0, sizeof(_iph), &_iph);
		if (!iph || iph->frag_off & htons(IP_OFFSET))
			return 0;
		return iph->protocol;
	}
	if (skb->protocol == htons(ETH_P_IPV6)) {
		const struct ipv6hdr *ip6h;
		struct ipv6hdr _ip6h;
		__be16 frag_off;
		u8 nexthdr;

		ip6h = skb_header_pointer(skb, 0, sizeof(_ip6h), &_ip6h);
		if (!ip6h)
			return 0;
		nexthdr = ip6h->nexthdr;
		if (ipv6_skip_exthdr(skb, sizeof(*ip6h), &nexthdr, &frag_off) < 0 ||
		    frag_off & htons(IP6_OFFSET))
			return 0;
		return nexthdr;
	}
	return 0;
}

/*
 * Can GRO merge @skb with others?  Not a GSO packet: it is already as large
 * as GRO would make it.  Only TCP otherwise: UDP merges only for a socket or
 * tunnel endpoint that asked for it, which a guest's datagrams rarely meet,
 * and the attempt cost a 64 B datagram ~370 instructions (the cost bench).
 */
static bool znb_tx_wants_gro(const struct sk_buff *skb, u8 l4proto)
{
	return !skb_is_gso(skb) && l4proto == IPPROTO_TCP;
}

/*
 * Are the Ethernet, IP and TCP/UDP headers of @skb (transport protocol
 * @l4proto) all in its linear area?  Drivers and the stack parse them there
 * once checked; one left in a frag mapped from the guest can be rewritten by
 * the guest after that check (XSA-423).  A packet without such headers has
 * nothing to leave out.
 */
static bool znb_tx_headers_linear(const struct sk_buff *skb, u8 l4proto)
{
	unsigned int thoff, l4len;

	if (!skb_transport_header_was_set(skb))
		return true;
	thoff = skb_transport_offset(skb);
	switch (l4proto) {
	case IPPROTO_TCP: {
		const struct tcphdr *th;
		struct tcphdr _th;

		th = skb_header_pointer(skb, thoff, sizeof(_th), &_th);
		if (!th)
			return true;
		l4len = th->doff * 4;
		break;
	}
	case IPPROTO_UDP:
		l4len = sizeof(struct udphdr);
		break;
	default:
		return true;
	}
	return thoff + l4len <= skb_headlen(skb);
}

/*
 * Checks and completes the metadata of a guest packet; false to drop it.
 * Sets *@l4proto to its transport protocol (znb_tx_l4_proto()).
 */
static bool znb_tx_finish_skb(struct znb_queue *q, struct sk_buff *skb,
			      const struct znb_tx_plan *plan, u8 *l4proto)
{
	struct net_device *dev = q->vif->dev;
	bool recalc = false;

	if (skb_headlen(skb) < ETH_HLEN && !pskb_may_pull(skb, ETH_HLEN))
		return false;
	skb->protocol = eth_type_trans(skb, dev);
	skb_reset_network_header(skb);

	if (plan->extras_present & BIT(XEN_NETIF_EXTRA_TYPE_GSO)) {
		const struct xen_netif_extra_info *gso =
			&plan->extra[XEN_NETIF_EXTRA_TYPE_GSO];

		skb_shinfo(skb)->gso_size = gso->u.gso.size;
		skb_shinfo(skb)->gso_type =
			(gso->u.gso.type == XEN_NETIF_GSO_TYPE_TCPV4 ?
			 SKB_GSO_TCPV4 : SKB_GSO_TCPV6);
		skb_shinfo(skb)->gso_segs = 0;
	}

	if (plan->flags & XEN_NETTXF_csum_blank)
		skb->ip_summed = CHECKSUM_PARTIAL;
	else if (plan->flags & XEN_NETTXF_data_validated)
		skb->ip_summed = CHECKSUM_UNNECESSARY;

	if (skb_is_gso(skb) && skb->ip_summed != CHECKSUM_PARTIAL) {
		/* Old frontends send GSO without asking for a checksum. */
		skb->ip_summed = CHECKSUM_PARTIAL;
		recalc = true;
		q->stats.csum_fixup++;
	}

	if (skb->ip_summed == CHECKSUM_PARTIAL &&
	    skb_checksum_setup(skb, recalc)) {
		if (net_ratelimit())
			netdev_warn(dev, "dropped a guest packet: checksum offload requested but no TCP/UDP header found\n");
		return false;
	}

	if (skb_is_gso(skb)) {
		bool v4 = skb_shinfo(skb)->gso_type & SKB_GSO_TCPV4;
		__be16 proto = v4 ? htons(ETH_P_IP) : htons(ETH_P_IPV6);
		unsigned int hdr;

		/*
		 * Checked here, as the stack's GSO would check a packet
		 * marked untrusted (SKB_GSO_DODGY) each time it forwards it.
		 */
		if (skb->protocol != proto ||
		    skb->csum_offset != offsetof(struct tcphdr, check) ||
		    !pskb_may_pull(skb, skb_transport_offset(skb) +
				   sizeof(struct tcphdr)) ||
		    tcp_hdr(skb)->doff < sizeof(struct tcphdr) / 4) {
			if (net_ratelimit())
				netdev_warn(dev, "dropped a guest packet: GSO type does not match the packet's headers\n");
			return false;
		}
		hdr = skb_tcp_all_headers(skb);
		if (hdr >= skb->len) {
			if (net_ratelimit())
				netdev_warn(dev, "dropped a guest packet: GSO packet without payload\n");
			return false;
		}
		/*
		 * TCP options beyond the gathered head (long IPv6 extension
		 * headers) must not stay in a page the guest can rewrite.
		 */
		if (!pskb_may_pull(skb, hdr))
			return false;
		skb_shinfo(skb)->gso_segs =
			DIV_ROUND_UP(skb->len - hdr, skb_shinfo(skb)->gso_size);
	}

	skb_probe_transport_header(skb);
	*l4proto = znb_tx_l4_proto(skb);
	if (!znb_tx_headers_linear(skb, *l4proto))
		q->stats.hdr_nonlinear++;
	return true;
}

/*
 * Lays out the gathered packet @p (znb_tx_build_layout()), reserves its
 * slots and an skb, and queues the grant copies of its head on the batch.
 * False if it was dropped instead.
 */
static bool znb_tx_prepare(struct znb_queue *q, struct znb_tx_pending *p)
{
	const struct znb_tx_plan *plan = &p->plan;
	struct znb_tx_build *b = &p->build;
	struct znb_txq *txq = &q->txq;
	unsigned int i;
	int pkt;
	u8 *head;

	znb_tx_build_layout(b, plan, ZNB_TX_HDR_LEN, MAX_SKB_FRAGS);
	if (b->overflow)
		q->stats.frag_overflow++;

	p->skb = znb_fault(ZNB_FAULT_SKB_ALLOC) ? NULL :
		 napi_alloc_skb(&q->napi, b->linear);
	if (unlikely(!p->skb)) {
		znb_tx_respond_drop(txq, plan);
		q->stats.rx_dropped++;
		return false;
	}
	pkt = znb_pkt_start(txq, plan, p->idx);
	if (unlikely(pkt < 0)) {
		kfree_skb(p->skb);
		znb_tx_respond_drop(txq, plan);
		q->stats.rx_dropped++;
		return false;
	}
	p->pkt = pkt;

	head = skb_put(p->skb, b->linear);
	znb_tx_build_head(b, plan, xen_offset_in_page(head));
	p->head_start = q->nr_copy;
	for (i = 0; i < b->nr_head_ops; i++) {
		u8 *dst = head + b->op[i].dst;

		znb_tx_queue_copy(q, plan, &b->op[i], virt_to_gfn(dst),
				  xen_offset_in_page(dst));
	}
	memset(p->dpage, 0, sizeof(p->dpage));
	return true;
}

/*
 * With the head copied: asks the policy whether to map the rest of @p or to
 * copy it, and queues the maps or the copies (into fresh pages) on the batch.
 * A packet whose head could not be copied gets no data ops, so none of its
 * slots is mapped.
 */
static void znb_tx_queue_data(struct znb_queue *q, struct znb_tx_pending *p)
{
	const struct znb_tx_plan *plan = &p->plan;
	struct znb_tx_build *b = &p->build;
	unsigned int i;
	u32 hash;

	for (i = 0; i < b->nr_head_ops; i++)
		b->op[i].status = q->tx_copy[p->head_start + i].status;
	if (!znb_tx_build_head_ok(b))
		return;

	hash = znb_flow_hash(p->skb->data, skb_headlen(p->skb));
	/* Its completion teaches the policy how the stack used the frags. */
	q->txq.pkt[p->pkt].flow_hash = hash;
	znb_tx_build_data(b, plan,
			  znb_policy_decide(&q->txq.flows, (enum znb_tx_policy)
					    READ_ONCE(znb_tx_policy), hash,
					    plan->pkt_len,
					    READ_ONCE(znb_tx_copy_below)));

	p->data_start = b->map ? q->nr_map : q->nr_copy;
	for (i = b->nr_head_ops; i < b->nr_ops; i++) {
		struct znb_tx_op *op = &b->op[i];
		struct page *page;

		if (b->map) {
			unsigned int m = q->nr_map++;

			page = q->txq.slot[p->idx[op->slot]].page;
			gnttab_set_map_op(&q->tx_map[m],
					  (unsigned long)pfn_to_kaddr(page_to_pfn(page)),
					  GNTMAP_host_map | GNTMAP_readonly,
					  znb_fault(ZNB_FAULT_TX_MAP) ?
					  ZNB_FAULT_BAD_GREF :
					  plan->slot[op->slot].gref,
					  q->vif->domid);
			q->tx_map[m].status = GNTST_general_error;
			q->tx_map_page[m] = page;
			continue;
		}
		page = znb_fault(ZNB_FAULT_PAGE_ALLOC) ? NULL :
		       alloc_page(GFP_ATOMIC | __GFP_NOWARN);
		p->dpage[op->slot] = page;
		if (!page) {
			op->status = ZNB_TX_OP_NOT_ISSUED;
			continue;
		}
		znb_tx_queue_copy(q, plan, op, xen_page_to_gfn(page), 0);
	}
}

/*
 * Writes the hypervisor's answers to the data ops of @p into them, and says
 * which grants it refused.
 */
static void znb_tx_collect_data(struct znb_queue *q, struct znb_tx_pending *p)
{
	const struct znb_tx_plan *plan = &p->plan;
	struct znb_tx_build *b = &p->build;
	unsigned int i, n = p->data_start;

	/* The head ops already hold their answers (znb_tx_queue_data()). */
	for (i = 0; i < b->nr_ops; i++) {
		struct znb_tx_op *op = &b->op[i];

		if (op->kind == ZNB_TX_OP_MAP) {
			op->status = q->tx_map[n].status;
			op->handle = q->tx_map[n++].handle;
		} else if (op->kind == ZNB_TX_OP_COPY &&
			   op->status != ZNB_TX_OP_NOT_ISSUED) {
			op->status = q->tx_copy[n++].status;
		}
		if (op->status == GNTST_okay ||
		    op->status == ZNB_TX_OP_NOT_ISSUED || !net_ratelimit())
			continue;
		netdev_warn(q->vif->dev, "guest TX grant %u cannot be %s (status %d)\n",
			    plan->slot[op->slot].gref,
			    op->kind == ZNB_TX_OP_MAP ? "mapped" : "copied",
			    op->status);
	}
}

/* Reports the grant results of @p to the core, then sends it up or drops it. */
static void znb_tx_complete(struct znb_queue *q, struct znb_tx_pending *p)
{
	const struct znb_tx_plan *plan = &p->plan;
	const struct znb_tx_build *b = &p->build;
	struct znb_txq *txq = &q->txq;
	struct sk_buff *skb = p->skb;
	unsigned int i, nmapped;
	u8 l4proto;

	znb_tx_collect_data(q, p);
	nmapped = znb_tx_build_apply(b, txq, plan, p->idx);
	atomic_add(nmapped, &znb_pages_mapped);

	if (znb_pkt_failed(txq, p->pkt)) {
		for (i = 0; i < plan->nr_slots; i++)
			if (p->dpage[i])
				put_page(p->dpage[i]);
		kfree_skb(skb);
		if (znb_pkt_release(txq, p->pkt))
			znb_tx_kick_dealloc(q);
		return;
	}

	for (i = b->nr_head_ops; i < b->nr_ops; i++) {
		const struct znb_tx_op *op = &b->op[i];
		unsigned int frag = i - b->nr_head_ops;

		if (op->kind == ZNB_TX_OP_MAP) {
			struct page *page = txq->slot[p->idx[op->slot]].page;

			/* The stack puts one reference per frag; ours stays. */
			get_page(page);
			skb_add_rx_frag(skb, frag, page, op->offset, op->len,
					op->len);
		} else {
			/* The copy's page belongs to the skb from here on. */
			skb_add_rx_frag(skb, frag, p->dpage[op->slot], 0,
					op->len, PAGE_SIZE);
			p->dpage[op->slot] = NULL;
		}
	}

	if (nmapped) {
		struct znb_pkt *zp = &txq->pkt[p->pkt];

		znb_ubuf_set_ops(&zp->zc, &znb_zc_ops);
		zp->zc.flags = SKBFL_ZEROCOPY_FRAG | SKBFL_DONT_ORPHAN;
		znb_pkt_arm(txq, p->pkt);
		skb_zcopy_init(skb, &zp->zc);
	} else {
		/* Everything was copied: answer right away. */
		znb_pkt_release(txq, p->pkt);
	}

	if (!znb_tx_finish_skb(q, skb, plan, &l4proto)) {
		kfree_skb(skb);
		q->stats.rx_dropped++;
		return;
	}
	q->stats.rx_packets++;
	q->stats.rx_bytes += plan->pkt_len;
	/* Up the stack at once, unless GRO holds packets it would overtake. */
	if (!znb_tx_wants_gro(skb, l4proto) && !znb_napi_holds_packets(&q->napi))
		netif_receive_skb(skb);
	else
		napi_gro_receive(&q->napi, skb);
}

/* Hands the batch's grant ops to the hypervisor and finishes its packets. */
static void znb_tx_flush(struct znb_queue *q)
{
	unsigned int i, hdr_copies = q->nr_copy;

	/* The heads first: the policy looks at the headers. */
	if (hdr_copies)
		gnttab_batch_copy(q->tx_copy, hdr_copies);
	for (i = 0; i < q->nr_pend; i++)
		znb_tx_queue_data(q, &q->pend[i]);
	if (q->nr_map &&
	    gnttab_map_refs(q->tx_map, NULL, q->tx_map_page, q->nr_map) &&
	    net_ratelimit())
		netdev_err(q->vif->dev, "grant map hypercall failed\n");
	if (q->nr_copy > hdr_copies)
		gnttab_batch_copy(q->tx_copy + hdr_copies,
				  q->nr_copy - hdr_copies);
	for (i = 0; i < q->nr_pend; i++)
		znb_tx_complete(q, &q->pend[i]);
	q->nr_pend = 0;
	q->nr_copy = 0;
	q->nr_map = 0;
	q->nr_data_slots = 0;
}

static DEFINE_RATELIMIT_STATE(znb_fatal_rs, 5 * HZ, 10);

/* The frontend broke the protocol: disable the vif, say what it did. */
static void znb_tx_fatal(struct znb_queue *q, const struct znb_tx_plan *plan,
			 RING_IDX prod)
{
	struct znb_vif *vif = q->vif;
	const char *what = znb_tx_error_str(plan->err);

	if (atomic_xchg(&vif->disabled, 1))
		return;
	netif_carrier_off(vif->dev);
	/* It drops what waits for the guest, and its stall timer. */
	znb_rx_kick(q);
	if (!__ratelimit(&znb_fatal_rs))
		return;

	switch (plan->err) {
	case ZNB_TXE_TOO_MANY_SLOTS:
		netdev_err(vif->dev, "guest disabled: %s (%u > %u) on queue %u\n",
			   what, plan->nr_slots + 1, vif->lim.fatal_slots,
			   q->id);
		break;
	case ZNB_TXE_PROD_OVERFLOW:
	case ZNB_TXE_TRUNCATED:
		netdev_err(vif->dev, "guest disabled: %s (req_prod %u, req_cons %u) on queue %u\n",
			   what, prod, q->tx.req_cons, q->id);
		break;
	default:
		netdev_err(vif->dev, "guest disabled: %s on queue %u\n",
			   what, q->id);
		break;
	}
}

/**
 * znb_tx_has_work() - may the NAPI poll consume more guest TX requests?
 * @q: queue
 *
 * Also re-arms the frontend's notification (req_event) when there is none.
 *
 * Return: true if requests are pending and slots are free for them.
 */
bool znb_tx_has_work(struct znb_queue *q)
{
	int more;

	if (atomic_read(&q->vif->disabled))
		return false;
	/*
	 * Re-arm req_event even when out of slots: the dealloc work only
	 * polls again for requests already on the ring.
	 */
	RING_FINAL_CHECK_FOR_REQUESTS(&q->tx, more);
	return more && znb_txq_free_slots(&q->txq) >= ZNB_TX_SLOTS_MAX;
}

/*
 * Charges a gathered packet to the vif's allowance (xl's rate=), by the size
 * in the plan: the one copy of its first request that was validated and that
 * the packet is built from.  Without allowance @credit_timer polls again once
 * enough is refilled.
 */
static bool znb_tx_credit_ok(struct znb_queue *q, unsigned int size)
{
	struct znb_vif *vif = q->vif;
	u64 wait;

	if (!READ_ONCE(vif->credit.bytes))
		return true;
	spin_lock(&vif->credit_lock);
	wait = znb_credit_take(&vif->credit, size, ktime_to_us(ktime_get()));
	spin_unlock(&vif->credit_lock);
	if (!wait)
		return true;
	WRITE_ONCE(q->tx_throttled, true);
	/* At most a period and a packet's worth of periods: far below. */
	mod_timer(&q->credit_timer,
		  jiffies + usecs_to_jiffies(min_t(u64, wait, UINT_MAX)));
	return false;
}

/**
 * znb_tx_credit_timer() - the vif's transmit allowance was refilled
 * @t: the queue's credit_timer
 *
 * Context: timer (softirq).
 */
void znb_tx_credit_timer(struct timer_list *t)
{
	struct znb_queue *q = znb_timer_container_of(q, t, credit_timer);

	WRITE_ONCE(q->tx_throttled, false);
	napi_schedule(&q->napi);
}

/**
 * znb_tx_poll() - consume guest TX requests
 * @q: queue
 * @budget: packets allowed
 *
 * Context: NAPI.
 * Return: packets consumed (sent up or dropped).
 */
int znb_tx_poll(struct znb_queue *q, int budget)
{
	struct znb_vif *vif = q->vif;
	int done = 0;

	znb_policy_tune(&q->txq.flows, READ_ONCE(znb_tx_flow_copy_after),
			READ_ONCE(znb_tx_flow_probe_every));
	while (done < budget) {
		struct znb_tx_pending *p;
		enum znb_tx_verdict v;
		RING_IDX cons, prod;

		if (atomic_read(&vif->disabled))
			break;
		/* A packet may take up to ZNB_TX_SLOTS_MAX slots. */
		if (znb_txq_free_slots(&q->txq) < ZNB_TX_SLOTS_MAX)
			break;
		/*
		 * Room in the batch for the largest possible packet?  Its
		 * head copies (ZNB_TX_PKT_COPY_OPS at most) are queued now,
		 * its data ops (a map or a copy per slot) only at flush time,
		 * after the policy saw the headers: count the slots of the
		 * pending packets against both arrays now.
		 */
		if (q->nr_pend == ZNB_TX_BATCH ||
		    q->nr_copy + q->nr_data_slots > ZNB_TX_COPY_OPS -
		    ZNB_TX_PKT_COPY_OPS - ZNB_TX_SLOTS_MAX ||
		    q->nr_data_slots > ZNB_TX_MAP_OPS - ZNB_TX_SLOTS_MAX)
			znb_tx_flush(q);

		p = &q->pend[q->nr_pend];
		cons = q->tx.req_cons;
		prod = READ_ONCE(q->tx.sring->req_prod);
		/* Read the requests only after the index covering them. */
		virt_rmb();
		v = znb_tx_gather(&q->tx, prod, &vif->lim, &p->plan);
		if (v == ZNB_TX_EMPTY)
			break;
		if (v == ZNB_TX_FATAL) {
			znb_tx_fatal(q, &p->plan, prod);
			break;
		}
		if (!znb_tx_credit_ok(q, p->plan.pkt_len)) {
			/* Nothing answered yet: read it again, whole, later. */
			q->tx.req_cons = cons;
			break;
		}
		done++;
		if (v == ZNB_TX_DROP) {
			znb_tx_respond_drop(&q->txq, &p->plan);
			if (net_ratelimit())
				netdev_warn(vif->dev, "dropped a guest packet: %s\n",
					    znb_tx_error_str(p->plan.err));
			continue;
		}
		if (znb_tx_prepare(q, p)) {
			q->nr_pend++;
			q->nr_data_slots += p->plan.nr_slots;
		}
	}
	znb_tx_flush(q);

	if (znb_txq_push_responses(&q->txq))
		znb_queue_notify(q, false);
	return done;
}

/**
 * znb_tx_dealloc_work() - unmap released slots and answer them
 * @work: the queue's dealloc_work
 *
 * Collects up to ZNB_UNMAP_BATCH released grants per hypercall.  Slots whose
 * page the stack still references are retried a little later.
 */
void znb_tx_dealloc_work(struct work_struct *work)
{
	struct znb_queue *q = container_of(work, struct znb_queue,
					   dealloc_work);
	struct znb_unmap_batch *b = &q->batch;
	unsigned int n, i;

	while ((n = znb_dealloc_collect(&q->txq, b)) != 0) {
		unsigned int ok = 0;

		for (i = 0; i < n; i++) {
			struct page *page = b->page[i];

			gnttab_set_unmap_op(&q->unmap_ops[i],
					    (unsigned long)pfn_to_kaddr(page_to_pfn(page)),
					    GNTMAP_host_map,
					    znb_fault(ZNB_FAULT_UNMAP) ?
					    ZNB_FAULT_BAD_HANDLE : b->handle[i]);
			q->unmap_ops[i].status = GNTST_general_error;
			q->unmap_pages[i] = page;
		}
		if (gnttab_unmap_refs(q->unmap_ops, NULL, q->unmap_pages, n))
			pr_err_ratelimited("%s: grant unmap hypercall failed\n",
					   q->tx_irq_name);
		for (i = 0; i < n; i++) {
			q->unmap_status[i] = q->unmap_ops[i].status;
			if (q->unmap_status[i] == GNTST_okay) {
				ok++;
				continue;
			}
			pr_err_ratelimited("%s: unmap of slot %u failed (status %d): page leaked, slot never reused\n",
					   q->tx_irq_name, b->idx[i],
					   q->unmap_status[i]);
		}
		atomic_sub(ok, &znb_pages_mapped);
		znb_dealloc_finish(&q->txq, b, q->unmap_status);
	}

	/*
	 * Push and kick unconditionally.  Collecting also answers slots that
	 * were never mapped (a header copied whole), and a NAPI poll running
	 * meanwhile may have taken the freed slots and stopped short again:
	 * comparing free counts before and after would miss both, and the
	 * guest, its req_event already passed, would never notify again.
	 */
	if (znb_txq_push_responses(&q->txq))
		znb_queue_notify(q, false);
	znb_queue_kick(q);
	if (znb_dealloc_pending(&q->txq))
		znb_tx_dealloc_after(q, ZNB_DEALLOC_RETRY_US);
	/* Pairs with the release in znb_queue_teardown(). */
	else if (smp_load_acquire(&q->draining) &&
		 !znb_txq_outstanding(&q->txq) && !atomic_xchg(&q->free_queued, 1))
		queue_work(znb_wq, &q->free_work);
}
