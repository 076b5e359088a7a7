// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target for the TX request validator (grant/txreq.c).
 *
 * Input: le32 req_cons, le16 req_prod - req_cons (any value: overruns and
 * wrap included), u8 fatal slot limit, u8 bit0 = multicast control, then
 * raw bytes of the ring entries starting at req_cons (wrapping).  The target
 * gathers packets until EMPTY or FATAL and checks every verdict against the
 * plan invariants and against an independent reference reading of the
 * rules; DROP verdicts are answered on the real response ring and checked.
 */
#include <stdio.h>
#include <stdlib.h>
#include "znb_txreq.h"
#include "znb_pool.h"
#include "model.h"

static unsigned char ringpage[ZNB_PAGE_SIZE] __attribute__((aligned(4096)));
static struct znb_txq q;

#define BUG(...) MFAIL(__VA_ARGS__)

struct ref {
	enum znb_tx_verdict v;
	enum znb_tx_error err;
	unsigned int consumed;
};

/* The rules of netif.h + the product's policy, stated once more, plainly. */
static struct ref ref_gather(struct znb_tx_back_ring *r, RING_IDX prod,
			     const struct znb_tx_limits *lim)
{
	RING_IDX cons = r->req_cons, avail = prod - cons;
	unsigned int fatal = lim->fatal_slots > ZNB_TX_SLOTS_MAX ?
			     ZNB_TX_SLOTS_MAX : lim->fatal_slots;
	struct ref out = { ZNB_TX_OK, ZNB_TXE_NONE, 0 };
	enum znb_tx_error drop = ZNB_TXE_NONE;
	struct netif_tx_request first, req;
	unsigned int k = 1, slots = 1, following = 0, seen = 0;
	u16 flags;

#define FATAL(e) do { out.v = ZNB_TX_FATAL; out.err = (e); return out; } while (0)
#define DROP(e) do { if (drop == ZNB_TXE_NONE) drop = (e); } while (0)
	if (avail == 0) {
		out.v = ZNB_TX_EMPTY;
		return out;
	}
	if (avail > RING_SIZE(r))
		FATAL(ZNB_TXE_PROD_OVERFLOW);
	first = *RING_GET_REQUEST(r, cons);
	flags = first.flags;
	if (flags & NETTXF_extra_info) {
		struct netif_extra_info x;

		do {
			if (k >= avail)
				FATAL(ZNB_TXE_TRUNCATED);
			memcpy(&x, RING_GET_REQUEST(r, cons + k), sizeof(x));
			k++;
			if (x.type == 0 || x.type >= XEN_NETIF_EXTRA_TYPE_MAX)
				FATAL(ZNB_TXE_EXTRA_UNKNOWN);
			if (x.type == XEN_NETIF_EXTRA_TYPE_GSO && x.u.gso.size == 0)
				FATAL(ZNB_TXE_GSO_SIZE_ZERO);
			if (x.type == XEN_NETIF_EXTRA_TYPE_GSO &&
			    x.u.gso.type != XEN_NETIF_GSO_TYPE_TCPV4 &&
			    x.u.gso.type != XEN_NETIF_GSO_TYPE_TCPV6)
				FATAL(ZNB_TXE_GSO_TYPE_UNKNOWN);
			if ((x.type == XEN_NETIF_EXTRA_TYPE_MCAST_ADD ||
			     x.type == XEN_NETIF_EXTRA_TYPE_MCAST_DEL) && !lim->mcast_ctrl)
				DROP(ZNB_TXE_EXTRA_MCAST);
			if (seen & (1u << x.type))
				DROP(ZNB_TXE_EXTRA_REPEATED);
			seen |= 1u << x.type;
		} while (x.flags & XEN_NETIF_EXTRA_FLAG_MORE);
	}
	while (flags & NETTXF_more_data) {
		if (k >= avail)
			FATAL(ZNB_TXE_TRUNCATED);
		if (slots >= fatal)
			FATAL(ZNB_TXE_TOO_MANY_SLOTS);
		req = *RING_GET_REQUEST(r, cons + k);
		k++;
		slots++;
		flags = req.flags;
		if (req.offset + req.size > ZNB_PAGE_SIZE)
			FATAL(ZNB_TXE_CROSSES_PAGE);
		following += req.size;
	}
	if (slots > XEN_NETIF_NR_SLOTS_MIN)
		DROP(ZNB_TXE_SOFT_SLOTS);
	if (first.size < ZNB_TX_MIN_PACKET)
		DROP(ZNB_TXE_RUNT);
	if (first.size < following + ZNB_TX_MIN_PACKET)
		DROP(ZNB_TXE_FIRST_TOO_SMALL);
	if (drop == ZNB_TXE_NONE && first.offset + (first.size - following) > ZNB_PAGE_SIZE)
		FATAL(ZNB_TXE_CROSSES_PAGE);
	out.consumed = k;
	out.err = drop;
	out.v = drop == ZNB_TXE_NONE ? ZNB_TX_OK : ZNB_TX_DROP;
	return out;
}

static void check_plan(enum znb_tx_verdict v, const struct znb_tx_plan *p,
		       RING_IDX before, RING_IDX after, RING_IDX avail,
		       unsigned int fatal)
{
	unsigned int i, sum = 0;

	switch (v) {
	case ZNB_TX_EMPTY:
		if (avail != 0 || after != before)
			BUG("EMPTY with %u available, req_cons moved %u", avail, after - before);
		return;
	case ZNB_TX_FATAL:
		if (after != before)
			BUG("FATAL moved req_cons by %u", after - before);
		if (p->err == ZNB_TXE_NONE || p->err >= ZNB_TXE_SOFT_SLOTS)
			BUG("FATAL with drop-class error %d", p->err);
		return;
	case ZNB_TX_DROP:
		if (p->err < ZNB_TXE_SOFT_SLOTS || p->err >= ZNB_TXE_COUNT)
			BUG("DROP with error %d", p->err);
		break;
	case ZNB_TX_OK:
		if (p->err != ZNB_TXE_NONE)
			BUG("OK with error %d", p->err);
		break;
	default:
		BUG("verdict %d", v);
	}
	if (p->consumed < 1 || p->consumed > avail)
		BUG("consumed %u of %u available", p->consumed, avail);
	if (after - before != p->consumed)
		BUG("req_cons moved %u, consumed %u", after - before, p->consumed);
	if (p->consumed != p->nr_slots + p->nr_extras)
		BUG("consumed %u != %u slots + %u extras", p->consumed, p->nr_slots, p->nr_extras);
	if (p->nr_slots < 1 || p->nr_slots > (fatal > 1 ? fatal : 1) ||
	    p->nr_slots > ZNB_TX_SLOTS_MAX)
		BUG("%u slots with fatal limit %u", p->nr_slots, fatal);
	if (v != ZNB_TX_OK)
		return;
	if (p->nr_slots > XEN_NETIF_NR_SLOTS_MIN || p->pkt_len < ZNB_TX_MIN_PACKET)
		BUG("OK plan with %u slots, %u bytes", p->nr_slots, p->pkt_len);
	for (i = 0; i < p->nr_slots; i++) {
		if (p->slot[i].offset + p->slot[i].size > ZNB_PAGE_SIZE)
			BUG("OK plan slot %u crosses the page", i);
		/* Empty following slots are legal; the first carries the header. */
		if (!i && p->slot[0].size < ZNB_TX_MIN_PACKET)
			BUG("OK plan whose first slot holds %u bytes", p->slot[0].size);
		sum += p->slot[i].size;
	}
	if (sum != p->pkt_len)
		BUG("OK plan slot sizes add up to %u, packet is %u", sum, p->pkt_len);
	if ((unsigned int)__builtin_popcount(p->extras_present) != p->nr_extras)
		BUG("OK plan with %u extras but %d types", p->nr_extras,
		    __builtin_popcount(p->extras_present));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct netif_tx_sring *s = (void *)ringpage;
	struct znb_tx_back_ring back;
	struct znb_tx_limits lim;
	struct znb_tx_plan plan;
	RING_IDX cons, prod;
	unsigned int i, fatal;
	u8 *raw;

	if (size < 8)
		return 0;
	memset(ringpage, 0, sizeof(ringpage));
	SHARED_RING_INIT(s);
	BACK_RING_INIT(&back, s, ZNB_PAGE_SIZE);
	cons = data[0] | data[1] << 8 | data[2] << 16 | (u32)data[3] << 24;
	prod = cons + (data[4] | data[5] << 8);
	lim.fatal_slots = data[6];
	lim.mcast_ctrl = data[7] & 1;
	fatal = lim.fatal_slots > ZNB_TX_SLOTS_MAX ? ZNB_TX_SLOTS_MAX : lim.fatal_slots;
	back.req_cons = back.rsp_prod_pvt = cons;
	s->req_prod = prod;
	s->rsp_prod = cons;
	raw = (u8 *)&s->ring[0];
	for (i = 8; i < size && i - 8 < RING_SIZE(&back) * sizeof(s->ring[0]); i++) {
		size_t at = ((cons & (RING_SIZE(&back) - 1)) * sizeof(s->ring[0]) + i - 8) %
			    (RING_SIZE(&back) * sizeof(s->ring[0]));
		raw[at] = data[i];
	}
	model_txq_init_dummy(&q);
	znb_txq_set_ring(&q, &back);

	memset(&plan, 0x5a, sizeof(plan));	/* stale plan, as in a real loop */
	for (i = 0; i < 2 * RING_SIZE(&back); i++) {
		RING_IDX before = back.req_cons;
		struct ref want = ref_gather(&back, prod, &lim);
		enum znb_tx_verdict v = znb_tx_gather(&back, prod, &lim, &plan);
		u64 rsp_before = q.st.responses;

		check_plan(v, &plan, before, back.req_cons, prod - before, fatal);
		if (v != want.v || (v != ZNB_TX_EMPTY && plan.err != want.err) ||
		    ((v == ZNB_TX_OK || v == ZNB_TX_DROP) && plan.consumed != want.consumed))
			BUG("verdict %d err %d consumed %u, reference says %d err %d consumed %u",
			    v, plan.err, plan.consumed, want.v, want.err, want.consumed);
		if (v == ZNB_TX_EMPTY || v == ZNB_TX_FATAL)
			break;
		if (v == ZNB_TX_DROP) {
			RING_IDX r0 = back.rsp_prod_pvt;
			unsigned int j, nulls = 0, errs = 0;

			znb_tx_respond_drop(&q, &plan);
			if (q.st.responses - rsp_before != plan.consumed ||
			    back.rsp_prod_pvt - r0 != plan.consumed)
				BUG("drop answered %u entries for %u consumed",
				    back.rsp_prod_pvt - r0, plan.consumed);
			for (j = 0; j < plan.consumed; j++) {
				struct netif_tx_response *rsp = RING_GET_RESPONSE(&back, r0 + j);

				if (rsp->status == NETIF_RSP_NULL)
					nulls++;
				else if (rsp->status == NETIF_RSP_ERROR)
					errs++;
				else
					BUG("drop answered status %d", rsp->status);
			}
			if (nulls != plan.nr_extras || errs != plan.nr_slots)
				BUG("drop: %u ERROR + %u NULL for %u slots + %u extras", errs,
				    nulls, plan.nr_slots, plan.nr_extras);
			znb_txq_push_responses(&q);
		} else {
			/* answer OK packets too, so the ring keeps moving */
			back.rsp_prod_pvt += plan.consumed;
		}
	}
	return 0;
}
