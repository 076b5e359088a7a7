/* SPDX-License-Identifier: GPL-2.0 */
/* A real netif TX shared ring in memory, written through the front ring. */
#ifndef ZNB_TXRING_H
#define ZNB_TXRING_H

#include "fixture.h"

struct txring {
	union {
		struct znb_tx_sring s;
		unsigned char page[ZNB_PAGE_SIZE];
	} *mem;
	struct znb_tx_sring *s;
	struct znb_tx_back_ring back;
	struct znb_tx_front_ring front;
	struct znb_tx_limits lim;
};

/* Rings start at @start so tests can straddle the 2^32 index wrap. */
static inline void txring_init(struct txring *r, void *page, RING_IDX start)
{
	memset(page, 0, ZNB_PAGE_SIZE);
	r->mem = page;
	r->s = page;
	SHARED_RING_INIT(r->s);
	BACK_RING_INIT(&r->back, r->s, ZNB_PAGE_SIZE);
	FRONT_RING_INIT(&r->front, r->s, ZNB_PAGE_SIZE);
	r->s->req_prod = start;
	r->s->rsp_prod = start;
	r->s->req_event = start + 1;
	r->s->rsp_event = start + 1;
	r->back.req_cons = start;
	r->back.rsp_prod_pvt = start;
	r->front.req_prod_pvt = start;
	r->front.rsp_cons = start;
	r->lim.fatal_slots = ZNB_TX_SLOTS_FATAL;
	r->lim.mcast_ctrl = false;
}

static inline void txring_req(struct txring *r, grant_ref_t gref, u16 offset,
			      u16 flags, u16 id, u16 size)
{
	struct znb_tx_request *req =
		RING_GET_REQUEST(&r->front, r->front.req_prod_pvt);

	req->gref = gref;
	req->offset = offset;
	req->flags = flags;
	req->id = id;
	req->size = size;
	r->front.req_prod_pvt++;
}

static inline struct znb_extra_info *txring_extra(struct txring *r, u8 type, u8 flags)
{
	struct znb_extra_info *x =
		(void *)RING_GET_REQUEST(&r->front, r->front.req_prod_pvt);

	memset(x, 0, sizeof(*x));
	x->type = type;
	x->flags = flags;
	r->front.req_prod_pvt++;
	return x;
}

static inline void txring_gso(struct txring *r, u8 flags, u16 size, u8 type)
{
	struct znb_extra_info *x = txring_extra(r, XEN_NETIF_EXTRA_TYPE_GSO, flags);

	x->u.gso.size = size;
	x->u.gso.type = type;
}

static inline void txring_publish(struct txring *r)
{
	RING_PUSH_REQUESTS(&r->front);
}

static inline enum znb_tx_verdict txring_gather(struct txring *r,
						struct znb_tx_plan *plan)
{
	RING_IDX prod = r->s->req_prod;

	znb_rmb();
	return znb_tx_gather(&r->back, prod, &r->lim, plan);
}

#endif
