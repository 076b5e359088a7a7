// SPDX-License-Identifier: GPL-2.0
/*
 * Model world: see model.h.  Checks, and where each one comes from:
 *  - hypervisor: unmap of an unknown or stale handle, unmap of a page other
 *    than the one mapped, map of a grant the guest did not grant;
 *  - dom0 memory: every frag / page holder "reads" its page on every
 *    operation: the page must still be mapped, with the frag's grant, and
 *    the guest must not have reused it (contents generation);
 *  - early unmap: a grant may only be unmapped when no skb, holder or
 *    half-freed skb references its page and no skb holds its packet's
 *    completion;
 *  - netfront (xennet_tx_buf_gc): for each non-NULL response, the id must
 *    be in flight and its grant no longer mapped ("Grant still in use by
 *    backend domain"); then the guest ends access and may reuse page/gref/id;
 *  - the completion: callbacks only for the packet currently owning the
 *    context, refcount_inc never on 0, refcnt == skbs holding it.
 */
#include <stdio.h>
#include <stdlib.h>
#include "model.h"

#define container_of(ptr, type, member) \
	((type *)((char *)(ptr) - offsetof(type, member)))

static struct m_world *cur;	/* callbacks and znb_page_busy() need it */
static u64 m_clock;

void model_fail(const char *file, int line, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	model_vfail(file, line, fmt, ap);
}

u64 znb_now_ns(void)
{
	return m_clock += 1000;
}

bool znb_page_busy(void *page)
{
	return ((struct m_page *)page)->refs > 1;
}

void model_txq_init_dummy(struct znb_txq *q)
{
	static struct m_page pages[ZNB_PENDING];
	static void *ptrs[ZNB_PENDING];
	unsigned int i;

	for (i = 0; i < ZNB_PENDING; i++) {
		pages[i].refs = 1;
		pages[i].idx = i;
		pages[i].map = -1;
		ptrs[i] = &pages[i];
	}
	znb_txq_init(q, ptrs);
}

/* ---- randomness --------------------------------------------------------- */

u32 m_rand(struct m_world *w, u32 n)
{
	u32 v;

	if (n <= 1)
		return 0;
	if (w->fuzz) {
		if (w->fuzz_pos + 2 > w->fuzz_len) {
			w->fuzz_pos = w->fuzz_len;
			return 0;
		}
		v = w->fuzz[w->fuzz_pos] | (w->fuzz[w->fuzz_pos + 1] << 8);
		w->fuzz_pos += 2;
		return v % n;
	}
	w->rng ^= w->rng << 13;
	w->rng ^= w->rng >> 7;
	w->rng ^= w->rng << 17;
	return (u32)((w->rng >> 16) % n);
}

static bool pct(struct m_world *w, unsigned int p)
{
	return m_rand(w, 100) < p;
}

/* ---- world -------------------------------------------------------------- */

struct m_world *m_world_new(u64 seed)
{
	struct m_world *w = calloc(1, sizeof(*w));
	unsigned int i;

	if (!w)
		abort();
	cur = w;
	w->rng = seed * 0x9e3779b97f4a7c15ull + 0x2545f4914f6cdd1dull;
	if (!w->rng)
		w->rng = 1;
	for (i = 0; i < ZNB_PENDING; i++) {
		w->pages[i].refs = 1;
		w->pages[i].idx = i;
		w->pages[i].map = -1;
		w->page_ptrs[i] = &w->pages[i];
	}
	znb_txq_init(&w->q, w->page_ptrs);
	for (i = 0; i < M_GREFS; i++)
		w->gref_free[w->nr_gref_free++] = M_GREFS - 1 - i;
	for (i = 0; i < M_MAPS; i++)
		w->map_free[w->nr_map_free++] = M_MAPS - 1 - i;
	for (i = 0; i < M_IDS; i++)
		w->id_free[w->nr_id_free++] = M_IDS - 1 - i;

	w->ringpage = aligned_alloc(ZNB_PAGE_SIZE, ZNB_PAGE_SIZE);
	if (!w->ringpage)
		abort();
	memset(w->ringpage, 0, ZNB_PAGE_SIZE);
	w->s = w->ringpage;
	SHARED_RING_INIT(w->s);
	BACK_RING_INIT(&w->back, w->s, ZNB_PAGE_SIZE);
	FRONT_RING_INIT(&w->front, w->s, ZNB_PAGE_SIZE);
	w->lim.fatal_slots = ZNB_TX_SLOTS_FATAL;
	w->lim.mcast_ctrl = false;
	znb_txq_set_ring(&w->q, &w->back);

	w->p_malformed = 3;
	w->p_map_fail = 2;
	w->p_copy_pkt = 5;
	w->p_copy_fail = 2;
	w->hdr_len = ZNB_TX_HDR_LEN;
	w->p_unmap_fail = 0;
	w->check_refcnt = !getenv("ZNB_MODEL_NO_REFCNT_CHECK");
	return w;
}

void m_world_free(struct m_world *w)
{
	struct m_pkt *p, *n;
	unsigned int i;

	for (i = 0; i < w->nr_skbs; i++) {
		if (--w->skbs[i]->sh->dataref == 0)
			free(w->skbs[i]->sh);
		free(w->skbs[i]);
	}
	for (i = 0; i < w->nr_zombies; i++)
		if (w->zombies[i].kind == MZ_PAGES)
			free(w->zombies[i].sh);
	for (p = w->all; p; p = n) {
		n = p->next_all;
		free(p);
	}
	free(w->ringpage);
	if (cur == w)
		cur = NULL;
	free(w);
}

/* ---- hypervisor grant table --------------------------------------------- */

static grant_handle_t m_map(struct m_world *w, grant_ref_t gref,
			    struct m_page *pg, struct m_pkt *pkt)
{
	struct m_map *m;
	int slot;

	if (gref >= M_GREFS || !w->gent[gref].granted)
		MFAIL("map of gref %u that the guest has not granted", gref);
	if (pg->map >= 0)
		MFAIL("map of gref %u onto dom0 page %d which still maps gref %u",
		      gref, pg->idx, w->maps[pg->map].gref);
	if (pg->refs != 1)
		MFAIL("map onto dom0 page %d that still has %d references", pg->idx, pg->refs);
	if (!w->nr_map_free)
		MFAIL("maptrack exhausted: %u live mappings", w->live_maps);
	slot = w->map_free[--w->nr_map_free];
	m = &w->maps[slot];
	m->live = 1;
	m->gref = gref;
	m->page = pg;
	m->pkt = pkt;
	pg->map = slot;
	w->gent[gref].map_count++;
	w->live_maps++;
	return (grant_handle_t)slot | ((m->gen & 0x7fff) << 16);
}

static s16 m_unmap(struct m_world *w, grant_handle_t h, struct m_page *pg)
{
	unsigned int slot = h & 0xffff;
	struct m_map *m;

	if (slot >= M_MAPS || !w->maps[slot].live ||
	    (w->maps[slot].gen & 0x7fff) != (h >> 16))
		MFAIL("unmap of unknown or already-unmapped handle %#x", h);
	m = &w->maps[slot];
	if (m->page != pg)
		MFAIL("unmap of handle %#x with dom0 page %d, it is mapped on page %d",
		      h, pg ? pg->idx : -1, m->page->idx);
	if (pg->refs != 1)
		MFAIL("early unmap: gref %u on dom0 page %d unmapped while %d "
		      "references to the page remain", m->gref, pg->idx, pg->refs - 1);
	if (m->pkt && m->pkt->holders)
		MFAIL("early unmap: gref %u (pkt seq %u) unmapped while %d skbs "
		      "still hold the packet's completion", m->gref, m->pkt->seq,
		      m->pkt->holders);
	if (w->p_unmap_fail && pct(w, w->p_unmap_fail)) {
		w->ms.unmap_fail_injected++;
		return GNTST_general_error;
	}
	m->live = 0;
	m->gen++;
	m->pkt = NULL;
	pg->map = -1;
	w->gent[m->gref].map_count--;
	w->live_maps--;
	w->map_free[w->nr_map_free++] = slot;
	return GNTST_okay;
}

/* dom0 touches the bytes of @f: they must be the guest's, still mapped. */
static void m_read(struct m_world *w, const struct m_frag *f, const char *what)
{
	struct m_page *pg = f->page;
	struct m_map *m;

	if (!pg)
		return;
	if (pg->refs < 2)
		MFAIL("%s: dom0 page %d read without holding a reference", what, pg->idx);
	if (pg->map < 0)
		MFAIL("%s: dom0 page %d read after its grant (gref %u, pkt seq %u) "
		      "was unmapped", what, pg->idx, f->gref, f->pkt ? f->pkt->seq : 0);
	m = &w->maps[pg->map];
	if (m->gref != f->gref)
		MFAIL("%s: dom0 page %d now maps gref %u, the frag was built on gref %u",
		      what, pg->idx, m->gref, f->gref);
	if (!w->gent[f->gref].granted || w->gent[f->gref].stamp != f->stamp)
		MFAIL("%s: guest reused the page of gref %u while dom0 reads it", what, f->gref);
	if ((unsigned int)f->off + f->size > ZNB_PAGE_SIZE || !f->size)
		MFAIL("%s: frag off %u size %u outside the page", what, f->off, f->size);
}

/* ---- frontend (netfront) ------------------------------------------------ */

static void m_send_enqueue(struct m_world *w, struct m_pkt *p)
{
	p->next_sent = NULL;
	if (w->sent_tail)
		w->sent_tail->next_sent = p;
	else
		w->sent_head = p;
	w->sent_tail = p;
}

static struct netif_tx_request *m_next_req(struct m_world *w)
{
	return RING_GET_REQUEST(&w->front, w->front.req_prod_pvt++);
}

static struct netif_extra_info *m_next_extra(struct m_world *w, u8 type, u8 flags)
{
	struct netif_extra_info *x = (void *)m_next_req(w);

	memset(x, 0, sizeof(*x));
	x->type = type;
	x->flags = flags;
	w->ms.req_extras++;
	return x;
}

bool m_front_produce(struct m_world *w)
{
	unsigned int n, i, nx = 0, following = 0, kind = 0;
	bool gso = false, hash = false, dup = false, mcast = false;
	struct m_pkt *p;
	u16 first_flags;
	unsigned int s0;

	if (w->p_malformed && pct(w, w->p_malformed))
		kind = 1 + m_rand(w, 6);
	if (w->force_n || w->retry_n)
		kind = w->retry_n ? w->retry_kind : 0;
	switch (m_rand(w, 20)) {
	case 0 ... 9:
		n = 1 + m_rand(w, 3);
		break;
	case 10 ... 16:
		n = 4 + m_rand(w, 7);
		break;
	default:
		n = 11 + m_rand(w, ZNB_TX_SLOTS_SOFT - 10);
		break;
	}
	if (kind == 1)
		n = ZNB_TX_SLOTS_SOFT + 1 + m_rand(w, w->lim.fatal_slots - ZNB_TX_SLOTS_SOFT);
	if (kind == 2)
		n = 1;
	if ((kind == 3 || kind == 4) && n < 2)
		n = 2;
	gso = pct(w, 30);
	hash = pct(w, 15);
	if (w->force_n) {
		n = w->force_n;
		gso = w->force_gso;
		hash = false;
	} else if (w->retry_n) {
		n = w->retry_n;	/* big packets must not starve behind small ones */
	}
	if (kind == 5)
		dup = gso = true;
	if (kind == 6)
		mcast = true;
	nx = gso + hash + dup + mcast;

	if (RING_FREE_REQUESTS(&w->front) < n + nx || w->nr_id_free < n ||
	    w->nr_gref_free < n) {
		w->retry_n = n;
		w->retry_kind = kind;
		return false;
	}
	w->retry_n = 0;

	p = calloc(1, sizeof(*p));
	if (!p)
		abort();
	p->seq = ++w->seq;
	p->nr = n;
	p->nr_extras = nx;
	p->ctx = -1;
	/* kind 3, a zero-length following slot, is legal (XSA-448 text) */
	p->expect_status = kind && kind != 3 ? NETIF_RSP_ERROR : NETIF_RSP_OKAY;
	p->next_all = w->all;
	w->all = p;
	static const enum znb_tx_error kind_err[] = {
		ZNB_TXE_NONE, ZNB_TXE_SOFT_SLOTS, ZNB_TXE_RUNT, ZNB_TXE_NONE,
		ZNB_TXE_FIRST_TOO_SMALL, ZNB_TXE_EXTRA_REPEATED, ZNB_TXE_EXTRA_MCAST,
	};
	p->expect_err = kind_err[kind];

	for (i = 0; i < n; i++) {
		u16 id = w->id_free[--w->nr_id_free];
		grant_ref_t g = w->gref_free[--w->nr_gref_free];

		if (w->ids[id].in_flight || w->gent[g].granted || w->gent[g].map_count)
			MFAIL("frontend model: id %u / gref %u reused while in use", id, g);
		w->ids[id].in_flight = true;
		w->ids[id].pkt = p;
		w->ids[id].slot = i;
		w->gent[g].granted = 1;
		w->gent[g].stamp = ++w->stamp;
		p->id[i] = id;
		p->gref[i] = g;
		if (i == 0)
			continue;
		p->off[i] = pct(w, 50) ? 0 : m_rand(w, ZNB_PAGE_SIZE);
		p->size[i] = 1 + m_rand(w, (ZNB_PAGE_SIZE - p->off[i]) < 3000 ?
					   ZNB_PAGE_SIZE - p->off[i] : 3000);
		if (kind == 3 && i == n - 1)
			p->size[i] = 0;
		following += p->size[i];
	}
	p->off[0] = pct(w, 50) ? 0 : m_rand(w, ZNB_PAGE_SIZE - ZNB_TX_MIN_PACKET);
	/* The first slot carries at least the Ethernet header of its own. */
	s0 = ZNB_TX_MIN_PACKET + m_rand(w, ZNB_PAGE_SIZE - p->off[0] - ZNB_TX_MIN_PACKET + 1);
	p->size[0] = s0;
	p->pkt_len = s0 + following;
	if (kind == 2) {
		p->pkt_len = m_rand(w, ZNB_TX_MIN_PACKET);
		p->size[0] = p->pkt_len;
	}
	if (kind == 4) {
		/* first slot shorter than what follows (but not a runt) */
		if (following < ZNB_TX_MIN_PACKET + 1) {
			p->size[n - 1] += ZNB_TX_MIN_PACKET + 1 - following;
			if (p->off[n - 1] + p->size[n - 1] > ZNB_PAGE_SIZE)
				p->off[n - 1] = 0;
			following = 0;
			for (i = 1; i < n; i++)
				following += p->size[i];
		}
		p->pkt_len = following - 1 - m_rand(w, following - ZNB_TX_MIN_PACKET);
		p->size[0] = 0;
	}

	first_flags = (n > 1 ? ZNB_TXF_MORE_DATA : 0) | (nx ? ZNB_TXF_EXTRA_INFO : 0) |
		      (pct(w, 50) ? ZNB_TXF_CSUM_BLANK | ZNB_TXF_DATA_VALIDATED : 0);
	{
		struct netif_tx_request *r = m_next_req(w);

		r->gref = p->gref[0];
		r->offset = p->off[0];
		r->flags = first_flags;
		r->id = p->id[0];
		r->size = p->pkt_len;
		w->ms.req_data++;
	}
	i = 0;
	if (mcast) {
		struct netif_extra_info *x = m_next_extra(w, XEN_NETIF_EXTRA_TYPE_MCAST_ADD,
							  ++i < nx ? XEN_NETIF_EXTRA_FLAG_MORE : 0);
		x->u.mcast.addr[0] = 1;
	}
	if (gso) {
		struct netif_extra_info *x = m_next_extra(w, XEN_NETIF_EXTRA_TYPE_GSO,
							  ++i < nx ? XEN_NETIF_EXTRA_FLAG_MORE : 0);
		x->u.gso.size = 536 + m_rand(w, 9000);
		x->u.gso.type = pct(w, 50) ? XEN_NETIF_GSO_TYPE_TCPV4 : XEN_NETIF_GSO_TYPE_TCPV6;
	}
	if (dup) {
		struct netif_extra_info *x = m_next_extra(w, XEN_NETIF_EXTRA_TYPE_GSO,
							  ++i < nx ? XEN_NETIF_EXTRA_FLAG_MORE : 0);
		x->u.gso.size = 1448;
		x->u.gso.type = XEN_NETIF_GSO_TYPE_TCPV4;
	}
	if (hash) {
		struct netif_extra_info *x = m_next_extra(w, XEN_NETIF_EXTRA_TYPE_HASH,
							  ++i < nx ? XEN_NETIF_EXTRA_FLAG_MORE : 0);
		x->u.hash.type = 1;
	}
	for (i = 1; i < n; i++) {
		struct netif_tx_request *r = m_next_req(w);

		r->gref = p->gref[i];
		r->offset = p->off[i];
		r->flags = i + 1 < n ? ZNB_TXF_MORE_DATA : 0;
		r->id = p->id[i];
		r->size = p->size[i];
		w->ms.req_data++;
	}
	RING_PUSH_REQUESTS(&w->front);
	m_send_enqueue(w, p);
	w->ms.pkts_sent++;
	return true;
}

bool m_front_consume(struct m_world *w)
{
	RING_IDX prod = w->s->rsp_prod, c;
	bool any = false;

	znb_rmb();
	for (c = w->front.rsp_cons; c != prod; c++) {
		struct netif_tx_response rsp;
		struct m_pkt *p;
		grant_ref_t g;

		RING_COPY_RESPONSE(&w->front, c, &rsp);
		any = true;
		if (rsp.status == NETIF_RSP_NULL) {
			w->ms.rsp_null++;
			continue;
		}
		w->ms.rsp_data++;
		if (rsp.id >= M_IDS || !w->ids[rsp.id].in_flight)
			MFAIL("netfront: response for id %u which is not in flight "
			      "(answered twice, or never sent)", rsp.id);
		p = w->ids[rsp.id].pkt;
		g = p->gref[w->ids[rsp.id].slot];
		if (w->gent[g].map_count)
			MFAIL("netfront: Grant still in use by backend domain: response "
			      "for id %u (gref %u, pkt seq %u) while dom0 maps it",
			      rsp.id, g, p->seq);
		if (p->holders)
			MFAIL("netfront: response for id %u (pkt seq %u) while %d skbs "
			      "still hold the packet's completion", rsp.id, p->seq, p->holders);
		if (rsp.status != p->expect_status)
			MFAIL("netfront: id %u (pkt seq %u) answered %d, expected %d",
			      rsp.id, p->seq, rsp.status, p->expect_status);
		/* gnttab_end_foreign_access_ref(); the guest reuses everything */
		w->gent[g].granted = 0;
		w->gent[g].stamp = ++w->stamp;
		w->gref_free[w->nr_gref_free++] = g;
		w->ids[rsp.id].in_flight = false;
		w->ids[rsp.id].pkt = NULL;
		w->id_free[w->nr_id_free++] = rsp.id;
		p->answered++;
	}
	w->front.rsp_cons = prod;
	return any;
}

/* ---- model skb layer (Linux 6.1 semantics) ------------------------------ */

static void m_get_page(struct m_page *pg)
{
	pg->refs++;
}

static void m_put_page(struct m_page *pg)
{
	if (--pg->refs < 1)
		MFAIL("put_page underflow on dom0 page %d: the pool's own reference is gone",
		      pg->idx);
}

/* net_zcopy_get(): refcount_inc() on the shared ubuf_info. */
static void m_zc_get(struct m_world *w, struct m_pkt *p)
{
	struct znb_ubuf *u;

	if (p->ctx < 0 || w->ctx_owner[p->ctx] != p)
		MFAIL("zerocopy clone of pkt seq %u whose completion context was reused",
		      p->seq);
	u = &w->q.pkt[p->ctx].zc;
	if (znb_ref_read(&u->refcnt) <= 0)
		MFAIL("refcount_t: addition on 0; use-after-free (pkt seq %u, %d skbs "
		      "hold the completion)", p->seq, p->holders);
	__atomic_add_fetch(&u->refcnt.count, 1, __ATOMIC_SEQ_CST);
	p->holders++;
}

static void m_zc_callback(void *skb, struct znb_ubuf *uarg, bool success)
{
	struct znb_pkt *zp = container_of(uarg, struct znb_pkt, zc);
	struct m_world *w = cur;
	int ctx = zp - w->q.pkt;
	struct m_pkt *p = w->ctx_owner[ctx];

	(void)skb;
	if (ctx < 0 || ctx >= ZNB_PENDING)
		MFAIL("zerocopy callback with a foreign ubuf_info");
	if (p != w->cb_expect)
		MFAIL("zerocopy callback of pkt seq %u landed on context %d which now "
		      "belongs to pkt seq %u", w->cb_expect ? w->cb_expect->seq : 0, ctx,
		      p ? p->seq : 0);
	if (p->holders <= 0)
		MFAIL("zerocopy callback of pkt seq %u with no holder left", p->seq);
	p->holders--;
	znb_pkt_zc_put(zp, success);
	if (w->check_refcnt && znb_ref_read(&uarg->refcnt) != p->holders)
		MFAIL("ubuf refcnt of pkt seq %u is %d but %d skbs still hold it",
		      p->seq, znb_ref_read(&uarg->refcnt), p->holders);
}

static void m_zc_put(struct m_world *w, struct m_pkt *p, bool success)
{
	struct znb_ubuf *u;

	if (p->ctx < 0)
		MFAIL("callback of pkt seq %u that has no context", p->seq);
	u = &w->q.pkt[p->ctx].zc;
	w->cb_expect = p;
	u->callback(NULL, u, success);
	w->cb_expect = NULL;
}

static struct m_shinfo *m_sh_new(void)
{
	struct m_shinfo *sh = calloc(1, sizeof(*sh));

	if (!sh)
		abort();
	sh->dataref = 1;
	return sh;
}

static struct m_skb *m_skb_new(struct m_shinfo *sh)
{
	struct m_skb *skb = calloc(1, sizeof(*skb));

	if (!skb)
		abort();
	skb->sh = sh;
	return skb;
}

static void m_add_skb(struct m_world *w, struct m_skb *skb)
{
	if (w->nr_skbs >= M_SKBS)
		MFAIL("model: too many skbs");
	w->skbs[w->nr_skbs++] = skb;
}

static void m_read_sh(struct m_world *w, struct m_shinfo *sh, const char *what)
{
	unsigned int i;

	for (i = 0; i < sh->nr_frags; i++)
		m_read(w, &sh->frags[i], what);
}


static void m_sh_drop_pages(struct m_shinfo *sh)
{
	unsigned int i;

	for (i = 0; i < sh->nr_frags; i++)
		if (sh->frags[i].page)
			m_put_page(sh->frags[i].page);
	free(sh);
}

static void m_add_zombie(struct m_world *w, enum m_zombie_kind k,
			 struct m_shinfo *sh, struct m_pkt *p, bool success)
{
	struct m_zombie *z;

	if (w->nr_zombies >= M_ZOMBIES)
		MFAIL("model: too many zombies");
	z = &w->zombies[w->nr_zombies++];
	z->kind = k;
	z->sh = sh;
	z->pkt = p;
	z->success = success;
	w->ms.zombies++;
}

/*
 * skb_release_data() once dataref hit 0.  Mode 0: page refs, then the
 * callback.  Mode 1: 6.1 order, callback (skb_zcopy_clear) first,
 * page refs later (another CPU mid-free).  Mode 2: page refs now, the
 * callback later.
 */
static void m_sh_release(struct m_world *w, struct m_shinfo *sh, unsigned int mode)
{
	struct m_pkt *p = sh->zc;

	if (!p)
		mode = 0;
	switch (mode) {
	case 0:
		m_sh_drop_pages(sh);
		if (p)
			m_zc_put(w, p, true);
		break;
	case 1:
		sh->zc = NULL;
		m_zc_put(w, p, true);
		m_add_zombie(w, MZ_PAGES, sh, NULL, true);
		break;
	default:
		m_sh_drop_pages(sh);
		m_add_zombie(w, MZ_CALLBACK, NULL, p, true);
		break;
	}
}

bool m_zombie_step(struct m_world *w)
{
	struct m_zombie z;
	unsigned int i;

	if (!w->nr_zombies)
		return false;
	i = m_rand(w, w->nr_zombies);
	z = w->zombies[i];
	w->zombies[i] = w->zombies[--w->nr_zombies];
	if (z.kind == MZ_PAGES)
		m_sh_drop_pages(z.sh);
	else
		m_zc_put(w, z.pkt, z.success);
	return true;
}

static void m_remove_skb(struct m_world *w, unsigned int i)
{
	w->skbs[i] = w->skbs[--w->nr_skbs];
}

void m_free_skb_mode(struct m_world *w, unsigned int i, unsigned int mode)
{
	struct m_skb *skb = w->skbs[i];

	m_remove_skb(w, i);
	if (--skb->sh->dataref == 0)
		m_sh_release(w, skb->sh, mode);
	free(skb);
}

static void m_free_skb(struct m_world *w, unsigned int i)
{
	m_free_skb_mode(w, i, m_rand(w, 3));
}

/* pskb_expand_head() on a cloned skb: private shinfo, same frags. */
static void m_unclone(struct m_world *w, struct m_skb *skb)
{
	struct m_shinfo *old = skb->sh, *sh;
	unsigned int i;

	if (old->dataref == 1)
		return;
	sh = m_sh_new();
	sh->nr_frags = old->nr_frags;
	memcpy(sh->frags, old->frags, sizeof(sh->frags));
	if (old->zc)
		m_zc_get(w, old->zc);
	sh->zc = old->zc;
	for (i = 0; i < sh->nr_frags; i++)
		if (sh->frags[i].page)
			m_get_page(sh->frags[i].page);
	old->dataref--;				/* skb_release_data(): still shared */
	skb->sh = sh;
	w->ms.unclones++;
}

/* skb_copy_ubufs(): private copies, drop page refs, callback(false). */
void m_copy_out(struct m_world *w, struct m_skb *skb)
{
	struct m_shinfo *sh;
	struct m_pkt *p;
	unsigned int i;

	if (!skb->sh->zc)
		return;
	m_unclone(w, skb);
	sh = skb->sh;
	for (i = 0; i < sh->nr_frags; i++) {
		struct m_frag *f = &sh->frags[i];

		if (!f->page)
			continue;
		m_read(w, f, "skb_copy_ubufs");
		m_put_page(f->page);
		f->page = NULL;
	}
	p = sh->zc;
	sh->zc = NULL;
	m_zc_put(w, p, false);
	w->ms.copy_outs++;
}

/* skb_segment(): new skbs, own shinfo, page ref per frag, ubuf ref each. */
static void m_segment(struct m_world *w, unsigned int idx)
{
	struct m_skb *skb = w->skbs[idx];
	struct m_shinfo *sh = skb->sh;
	unsigned int nsegs, seg, i = 0, left;
	struct m_frag carry;
	bool have_carry = false;

	if (!sh->nr_frags)
		return;
	m_read_sh(w, sh, "skb_segment");
	nsegs = 1 + m_rand(w, sh->nr_frags < 4 ? sh->nr_frags + 1 : 4);
	left = sh->nr_frags;
	for (seg = 0; seg < nsegs; seg++) {
		struct m_shinfo *ns = m_sh_new();
		struct m_skb *nskb;
		unsigned int take = seg + 1 == nsegs ? left : m_rand(w, left + 1);

		if (have_carry) {
			ns->frags[ns->nr_frags++] = carry;
			have_carry = false;
		}
		while (take--) {
			ns->frags[ns->nr_frags++] = sh->frags[i++];
			left--;
		}
		/* split the next frag across this segment and the next one */
		if (left && seg + 1 < nsegs && sh->frags[i].size >= 2 && pct(w, 30)) {
			struct m_frag a = sh->frags[i++];
			u16 cut = 1 + m_rand(w, a.size - 1);

			left--;
			carry = a;
			a.size = cut;
			carry.off += cut;
			carry.size -= cut;
			have_carry = true;
			ns->frags[ns->nr_frags++] = a;
		}
		if (ns->nr_frags > M_MAX_FRAGS)
			MFAIL("model: segment with %u frags", ns->nr_frags);
		for (unsigned int j = 0; j < ns->nr_frags; j++)
			if (ns->frags[j].page)
				m_get_page(ns->frags[j].page);
		if (sh->zc)
			m_zc_get(w, sh->zc);	/* skb_zerocopy_clone() */
		ns->zc = sh->zc;
		nskb = m_skb_new(ns);
		nskb->head_len = 54;
		m_add_skb(w, nskb);
		w->ms.segments++;
	}
	if (have_carry)
		MFAIL("model: lost a carried frag");
	if (pct(w, 70))
		m_free_skb(w, idx);	/* consume_skb() of the GSO skb */
}

/* Deterministic skb_segment() into two: frags [0, k) and [k, n). */
void m_segment_at(struct m_world *w, unsigned int idx, unsigned int k)
{
	struct m_shinfo *sh = w->skbs[idx]->sh;
	unsigned int seg, j;

	m_read_sh(w, sh, "skb_segment");
	for (seg = 0; seg < 2; seg++) {
		struct m_shinfo *ns = m_sh_new();

		for (j = seg ? k : 0; j < (seg ? sh->nr_frags : k); j++) {
			ns->frags[ns->nr_frags++] = sh->frags[j];
			if (sh->frags[j].page)
				m_get_page(sh->frags[j].page);
		}
		if (sh->zc)
			m_zc_get(w, sh->zc);
		ns->zc = sh->zc;
		m_add_skb(w, m_skb_new(ns));
		w->ms.segments++;
	}
}

/* __pskb_pull_tail(): unclone, copy leading frags into the head. */
static void m_pull(struct m_world *w, struct m_skb *skb)
{
	struct m_shinfo *sh;
	unsigned int n, i;

	m_unclone(w, skb);
	sh = skb->sh;
	n = m_rand(w, sh->nr_frags + 1);
	for (i = 0; i < n; i++) {
		m_read(w, &sh->frags[i], "pskb_pull");
		skb->head_len += sh->frags[i].size;
		if (sh->frags[i].page)
			m_put_page(sh->frags[i].page);
	}
	memmove(sh->frags, sh->frags + n, (sh->nr_frags - n) * sizeof(sh->frags[0]));
	sh->nr_frags -= n;
	if (sh->nr_frags && sh->frags[0].size >= 2 && pct(w, 40)) {
		u16 d = 1 + m_rand(w, sh->frags[0].size - 1);

		m_read(w, &sh->frags[0], "pskb_pull partial");
		sh->frags[0].off += d;
		sh->frags[0].size -= d;
		skb->head_len += d;
	}
	w->ms.pulls++;
}

void m_hold_page(struct m_world *w, struct m_skb *skb)
{
	struct m_shinfo *sh = skb->sh;
	struct m_frag *f;

	if (!sh->nr_frags || w->nr_holders >= M_HOLDERS)
		return;
	f = &sh->frags[m_rand(w, sh->nr_frags)];
	if (!f->page)
		return;
	m_read(w, f, "splice get_page");
	m_get_page(f->page);
	w->holders[w->nr_holders++].f = *f;
	w->ms.holders++;
}

bool m_holder_put(struct m_world *w)
{
	unsigned int i;

	if (!w->nr_holders)
		return false;
	i = m_rand(w, w->nr_holders);
	m_read(w, &w->holders[i].f, "splice reader");
	m_put_page(w->holders[i].f.page);
	w->holders[i] = w->holders[--w->nr_holders];
	return true;
}

bool m_skb_op(struct m_world *w, unsigned int op)
{
	unsigned int i;
	struct m_skb *skb;

	if (!w->nr_skbs)
		return false;
	i = m_rand(w, w->nr_skbs);
	skb = w->skbs[i];
	switch (op % M_SKB_OPS) {
	case 0:		/* the stack looks at the data */
		m_read_sh(w, skb->sh, "skb read");
		break;
	case 1: {	/* skb_clone() */
		struct m_skb *c;

		if (w->nr_skbs >= M_SKBS / 2)
			return m_skb_op(w, 5);
		c = m_skb_new(skb->sh);
		skb->sh->dataref++;
		c->head_len = skb->head_len;
		m_add_skb(w, c);
		w->ms.clones++;
		break;
	}
	case 2:
		if (w->nr_skbs >= M_SKBS / 2)
			return m_skb_op(w, 5);
		m_segment(w, i);
		break;
	case 3:
		m_pull(w, skb);
		break;
	case 4:
		m_copy_out(w, skb);
		break;
	case 5:
	case 6:		/* kfree_skb() */
		m_free_skb(w, i);
		break;
	case 7:
		m_unclone(w, skb);
		break;
	default:
		m_hold_page(w, skb);
		break;
	}
	return true;
}

/* ---- backend glue (what netback/ does around grant/) -------------------- */

/*
 * The builder's contract, stated independently: the head ops copy the
 * packet's first bytes in order into a contiguous head, none crossing a page
 * of it; the data ops then cover every remaining byte in order, one frag per
 * slot at most, no frag empty, no more frags than an skb has.  Without data
 * ops (@data_built false: the head failed) the ops end with the head.
 */
void m_check_build(u32 seq, const struct znb_tx_plan *plan, const struct znb_tx_build *b,
		   unsigned int hdr_len, unsigned int max_frags, unsigned int head_off,
		   bool data_built)
{
	unsigned int i, s = 0, at = 0, dst = 0, last_frag_slot = ~0u;
	unsigned int want = plan->pkt_len < hdr_len ? plan->pkt_len : hdr_len;

	if (b->overflow ? b->linear < want : b->linear != want)
		MFAIL("build: pkt seq %u head of %u bytes, headers need %u (overflow %d)",
		      seq, b->linear, want, b->overflow);
	if (!data_built && b->nr_ops != b->nr_head_ops)
		MFAIL("build: pkt seq %u has data ops though its head failed", seq);
	if ((unsigned int)(b->nr_ops - b->nr_head_ops) > max_frags)
		MFAIL("build: pkt seq %u has %u frags", seq, b->nr_ops - b->nr_head_ops);
	for (i = 0; i < b->nr_ops; i++) {
		const struct znb_tx_op *op = &b->op[i];
		bool head = i < b->nr_head_ops;

		while (s < plan->nr_slots && at == plan->slot[s].size) {
			s++;
			at = 0;
		}
		if (s == plan->nr_slots)
			MFAIL("build: pkt seq %u op %u beyond the packet", seq, i);
		if (op->kind != (head ? ZNB_TX_OP_HEAD : b->map ? ZNB_TX_OP_MAP : ZNB_TX_OP_COPY))
			MFAIL("build: pkt seq %u op %u of kind %u", seq, i, op->kind);
		if (op->slot != s || op->offset != plan->slot[s].offset + at || !op->len ||
		    at + op->len > plan->slot[s].size)
			MFAIL("build: pkt seq %u op %u reads slot %u [%u, +%u), next byte is "
			      "slot %u offset %u", seq, i, op->slot, op->offset, op->len, s,
			      plan->slot[s].offset + at);
		if (head) {
			if (op->dst != dst ||
			    (head_off + dst) / ZNB_PAGE_SIZE !=
			    (head_off + dst + op->len - 1) / ZNB_PAGE_SIZE)
				MFAIL("build: pkt seq %u head op %u to [%u, +%u) of the head, "
				      "expected at %u within a page", seq, i, op->dst,
				      op->len, dst);
			dst += op->len;
		} else {
			if (op->slot == last_frag_slot || op->dst)
				MFAIL("build: pkt seq %u two frags of slot %u", seq, s);
			last_frag_slot = op->slot;
		}
		at += op->len;
	}
	if (dst != b->linear)
		MFAIL("build: pkt seq %u head ops copy %u of %u bytes", seq, dst, b->linear);
	while (s < plan->nr_slots && at == plan->slot[s].size) {
		s++;
		at = 0;
	}
	if (data_built && s != plan->nr_slots)
		MFAIL("build: pkt seq %u ops end at slot %u offset %u of %u slots", seq, s,
		      at, plan->nr_slots);
}

/* The skb the backend hands to the stack: its frags, in frag order. */
static void m_build_skb(struct m_world *w, struct m_pkt *p, const u16 *slot_idx,
			const struct znb_tx_build *b)
{
	struct m_shinfo *sh = m_sh_new();
	struct m_skb *skb = m_skb_new(sh);
	unsigned int i;

	skb->head_len = b->linear;
	for (i = b->nr_head_ops; i < b->nr_ops; i++) {
		const struct znb_tx_op *op = &b->op[i];
		struct m_frag *f = &sh->frags[sh->nr_frags++];

		f->gref = p->gref[op->slot];
		f->stamp = w->gent[f->gref].stamp;
		f->pkt = p;
		f->off = op->offset;
		f->size = op->len;
		f->page = NULL;		/* a copy: the skb's own page */
		if (op->kind != ZNB_TX_OP_MAP)
			continue;
		f->page = w->q.slot[slot_idx[op->slot]].page;
		m_get_page(f->page);	/* netback: offset the stack's put_page */
	}
	sh->zc = p;
	p->holders = 1;
	m_read_sh(w, sh, "build skb");
	m_add_skb(w, skb);
}

/* A grant copy by the hypervisor: reads the guest page once, now. */
static s16 m_grant_copy(struct m_world *w, grant_ref_t gref, bool fail)
{
	if (!w->gent[gref].granted)
		MFAIL("grant copy of gref %u that is not granted", gref);
	return fail ? GNTST_bad_gntref : GNTST_okay;
}

bool m_back_gather(struct m_world *w)
{
	static struct znb_tx_build b;
	struct znb_tx_plan plan;
	u16 slot_idx[ZNB_TX_SLOTS_MAX];
	enum znb_tx_verdict v;
	struct m_pkt *p;
	unsigned int i, fail_op, head_off, nmapped;
	bool failed, built;
	RING_IDX prod;
	int ctx;

	if (znb_txq_free_slots(&w->q) < w->lim.fatal_slots)
		return false;
	prod = w->s->req_prod;
	znb_rmb();
	v = znb_tx_gather(&w->back, prod, &w->lim, &plan);
	if (v == ZNB_TX_EMPTY) {
		if (w->sent_head)
			MFAIL("gather: EMPTY but pkt seq %u was sent", w->sent_head->seq);
		return false;
	}
	p = w->sent_head;
	if (!p)
		MFAIL("gather: verdict %d with nothing sent", v);
	w->sent_head = p->next_sent;
	if (!w->sent_head)
		w->sent_tail = NULL;
	if (v == ZNB_TX_FATAL)
		MFAIL("gather: FATAL (%s) for pkt seq %u from a correct frontend",
		      znb_tx_error_str(plan.err), p->seq);
	if (plan.nr_slots != p->nr || plan.nr_extras != p->nr_extras ||
	    plan.consumed != p->nr + p->nr_extras || plan.pkt_len != p->pkt_len)
		MFAIL("gather: pkt seq %u planned %u slots %u extras %u consumed len %u, "
		      "sent %u slots %u extras len %u", p->seq, plan.nr_slots,
		      plan.nr_extras, plan.consumed, plan.pkt_len, p->nr, p->nr_extras,
		      p->pkt_len);
	for (i = 0; i < p->nr; i++)
		if (plan.slot[i].id != p->id[i] || plan.slot[i].gref != p->gref[i] ||
		    plan.slot[i].offset != p->off[i] ||
		    (p->expect_err == ZNB_TXE_NONE && plan.slot[i].size != p->size[i]))
			MFAIL("gather: pkt seq %u slot %u planned id %u gref %u off %u "
			      "size %u, sent id %u gref %u off %u size %u", p->seq, i,
			      plan.slot[i].id, plan.slot[i].gref, plan.slot[i].offset,
			      plan.slot[i].size, p->id[i], p->gref[i], p->off[i], p->size[i]);
	if (v == ZNB_TX_DROP) {
		if (plan.err != p->expect_err)
			MFAIL("gather: pkt seq %u dropped for '%s', expected '%s'", p->seq,
			      znb_tx_error_str(plan.err), znb_tx_error_str(p->expect_err));
		znb_tx_respond_drop(&w->q, &plan);
		w->ms.pkts_dropped++;
		return true;
	}
	if (p->expect_err != ZNB_TXE_NONE)
		MFAIL("gather: pkt seq %u accepted, expected drop for '%s'", p->seq,
		      znb_tx_error_str(p->expect_err));

	ctx = znb_pkt_start(&w->q, &plan, slot_idx);
	if (ctx < 0)
		MFAIL("znb_pkt_start failed with %u free slots", znb_txq_free_slots(&w->q));
	if (ctx != slot_idx[0])
		MFAIL("packet context %d is not its first slot %u", ctx, slot_idx[0]);
	if (w->ctx_owner[ctx] && w->ctx_owner[ctx]->holders)
		MFAIL("context %d handed to pkt seq %u while pkt seq %u still has %d "
		      "skbs holding it", ctx, p->seq, w->ctx_owner[ctx]->seq,
		      w->ctx_owner[ctx]->holders);
	w->ctx_owner[ctx] = p;
	p->ctx = ctx;

	head_off = m_rand(w, ZNB_PAGE_SIZE);
	znb_tx_build_layout(&b, &plan, w->hdr_len, M_MAX_FRAGS);
	znb_tx_build_head(&b, &plan, head_off);
	if (b.overflow)
		w->ms.overflows++;
	fail_op = ~0u;
	if (w->p_copy_fail && b.nr_head_ops && pct(w, w->p_copy_fail))
		fail_op = m_rand(w, b.nr_head_ops);
	for (i = 0; i < b.nr_head_ops; i++)
		b.op[i].status = m_grant_copy(w, p->gref[b.op[i].slot], i == fail_op);
	failed = fail_op != ~0u;
	if (znb_tx_build_head_ok(&b) == failed)
		MFAIL("znb_tx_build_head_ok() disagrees with the injected failure");
	built = !failed;
	if (built) {
		znb_tx_build_data(&b, &plan, !(w->p_copy_pkt && pct(w, w->p_copy_pkt)));
		if (w->p_map_fail && b.nr_ops > b.nr_head_ops && pct(w, w->p_map_fail))
			fail_op = b.nr_head_ops + m_rand(w, b.nr_ops - b.nr_head_ops);
		for (i = b.nr_head_ops; i < b.nr_ops; i++) {
			struct znb_tx_op *op = &b.op[i];

			if (op->kind == ZNB_TX_OP_COPY) {
				op->status = m_grant_copy(w, p->gref[op->slot], i == fail_op);
			} else if (i == fail_op) {
				op->status = GNTST_bad_gntref;
				w->ms.map_fail_injected++;
			} else {
				op->handle = m_map(w, p->gref[op->slot],
						   w->q.slot[slot_idx[op->slot]].page, p);
				op->status = GNTST_okay;
			}
		}
		failed = fail_op != ~0u;
	}
	m_check_build(p->seq, &plan, &b, w->hdr_len, M_MAX_FRAGS, head_off, built);
	nmapped = znb_tx_build_apply(&b, &w->q, &plan, slot_idx);
	if (znb_pkt_failed(&w->q, ctx) != failed)
		MFAIL("znb_pkt_failed() disagrees with the injected failure");
	if (failed) {
		p->expect_status = NETIF_RSP_ERROR;
		znb_pkt_release(&w->q, ctx);
		w->ms.pkts_failed++;
		return true;
	}
	if (!nmapped) {
		if (znb_pkt_release(&w->q, ctx))
			MFAIL("release of a packet with nothing mapped wants dealloc");
		w->ms.pkts_copied++;
		return true;
	}
	w->q.pkt[ctx].zc.callback = m_zc_callback;
	w->q.pkt[ctx].zc.flags = 0;
	znb_pkt_arm(&w->q, ctx);
	m_build_skb(w, p, slot_idx, &b);
	w->ms.pkts_armed++;
	w->ms.pkts_ok++;
	return true;
}

/* The dealloc context: collect, unmap hypercall, finish, in three steps. */
bool m_dealloc_step(struct m_world *w)
{
	unsigned int i;

	switch (w->batch_state) {
	case 0:
		if (!znb_dealloc_pending(&w->q))
			return false;
		if (znb_dealloc_collect(&w->q, &w->batch))
			w->batch_state = 1;
		return true;
	case 1:
		w->batch_unmapped = 0;
		for (i = 0; i < w->batch.n; i++) {
			struct znb_slot *s = &w->q.slot[w->batch.idx[i]];

			if (w->batch.page[i] != s->page || w->batch.handle[i] != s->handle)
				MFAIL("batch entry %u does not match slot %u", i, w->batch.idx[i]);
			w->batch_status[i] = m_unmap(w, w->batch.handle[i], w->batch.page[i]);
			if (w->batch_status[i] == GNTST_okay)
				w->batch_unmapped++;
			else
				w->leaked++;
		}
		w->batch_state = 2;
		return true;
	default:
		znb_dealloc_finish(&w->q, &w->batch, w->batch_status);
		w->batch_state = 0;
		w->batch_unmapped = 0;
		return true;
	}
}

bool m_push(struct m_world *w)
{
	znb_txq_push_responses(&w->q);
	return true;
}

void m_check_invariants(struct m_world *w, bool full)
{
	unsigned int i;

	if (w->q.st.mapped_now != w->live_maps + w->batch_unmapped)
		MFAIL("stats: mapped_now %llu, model has %u live mappings (+%u unmapped, "
		      "not yet finished)", (unsigned long long)w->q.st.mapped_now, w->live_maps,
		      w->batch_unmapped);
	if (w->q.rsp_lock.held || w->q.dealloc_lock.held)
		MFAIL("a lock is held between calls");
	if (!full)
		return;
	for (i = 0; i < w->nr_skbs; i++)
		m_read_sh(w, w->skbs[i]->sh, "invariant sweep");
	for (i = 0; i < w->nr_holders; i++)
		m_read(w, &w->holders[i].f, "invariant sweep (holder)");
	for (i = 0; i < ZNB_PENDING; i++)
		if (w->pages[i].refs < 1)
			MFAIL("dom0 page %d lost the pool's reference", i);
}

void m_step(struct m_world *w)
{
	unsigned int r = m_rand(w, 100);

	w->ms.steps++;
	if (r < 12)
		m_front_produce(w);
	else if (r < 26)
		m_back_gather(w);
	else if (r < 66)
		m_skb_op(w, m_rand(w, M_SKB_OPS));
	else if (r < 70)
		m_holder_put(w);
	else if (r < 76)
		m_zombie_step(w);
	else if (r < 88)
		m_dealloc_step(w);
	else if (r < 94)
		m_push(w);
	else
		m_front_consume(w);
	m_check_invariants(w, (w->ms.steps & 63) == 0);
}

void m_drain(struct m_world *w)
{
	unsigned int iter;

	for (iter = 0; iter < 100000; iter++) {
		unsigned int k;
		bool busy = false;

		while (w->nr_skbs) {
			m_free_skb(w, m_rand(w, w->nr_skbs));
			busy = true;
		}
		while (m_holder_put(w))
			busy = true;
		while (m_zombie_step(w))
			busy = true;
		while (m_back_gather(w))
			busy = true;
		while (w->nr_skbs) {
			m_free_skb(w, m_rand(w, w->nr_skbs));
			busy = true;
		}
		while (m_zombie_step(w))
			busy = true;
		for (k = 0; k < 10000 && m_dealloc_step(w); k++)
			busy = true;
		m_push(w);
		busy |= m_front_consume(w);
		m_check_invariants(w, true);
		if (!busy && !w->sent_head && w->batch_state == 0 &&
		    !znb_dealloc_pending(&w->q))
			break;
	}
	if (iter == 100000)
		MFAIL("drain did not converge: %u outstanding", znb_txq_outstanding(&w->q));
	m_final_checks(w);
}

void m_final_checks(struct m_world *w)
{
	struct znb_stats *st = &w->q.st;
	unsigned int i;

	if (znb_txq_outstanding(&w->q) != w->leaked)
		MFAIL("teardown: %u slots outstanding (%u leaked on purpose)",
		      znb_txq_outstanding(&w->q), w->leaked);
	if (w->live_maps != w->leaked)
		MFAIL("teardown: %u grants still mapped (%u leaked on purpose)",
		      w->live_maps, w->leaked);
	for (i = 0; i < M_GREFS && !w->leaked; i++)
		if (w->gent[i].map_count)
			MFAIL("teardown: gref %u still mapped %d times", i, w->gent[i].map_count);
	if (st->maps != st->unmaps + w->leaked || st->mapped_now != w->leaked)
		MFAIL("teardown: maps %llu unmaps %llu mapped_now %llu",
		      (unsigned long long)st->maps, (unsigned long long)st->unmaps,
		      (unsigned long long)st->mapped_now);
	if (w->leaked)
		return;		/* leaked slots are never answered, by design */
	if (w->nr_id_free != M_IDS)
		MFAIL("teardown: %u ids never answered", M_IDS - w->nr_id_free);
	if (w->ms.rsp_data != w->ms.req_data || w->ms.rsp_null != w->ms.req_extras)
		MFAIL("teardown: %llu data + %llu null responses for %llu data + %llu "
		      "extra requests", (unsigned long long)w->ms.rsp_data,
		      (unsigned long long)w->ms.rsp_null, (unsigned long long)w->ms.req_data,
		      (unsigned long long)w->ms.req_extras);
	if (st->responses != w->ms.req_data + w->ms.req_extras)
		MFAIL("teardown: core counted %llu responses for %llu requests",
		      (unsigned long long)st->responses,
		      (unsigned long long)(w->ms.req_data + w->ms.req_extras));
	if (st->zc_sent != w->ms.pkts_armed || st->zc_success + st->zc_fail != st->zc_sent)
		MFAIL("teardown: zc_sent %llu (armed %llu) success %llu fail %llu",
		      (unsigned long long)st->zc_sent, (unsigned long long)w->ms.pkts_armed,
		      (unsigned long long)st->zc_success, (unsigned long long)st->zc_fail);
	if (st->copy_outs != w->ms.copy_outs)
		MFAIL("teardown: copy_outs %llu, model %llu",
		      (unsigned long long)st->copy_outs, (unsigned long long)w->ms.copy_outs);
	if (st->dropped != w->ms.pkts_dropped + w->ms.pkts_failed)
		MFAIL("teardown: dropped %llu, model %llu + %llu",
		      (unsigned long long)st->dropped, (unsigned long long)w->ms.pkts_dropped,
		      (unsigned long long)w->ms.pkts_failed);
	if (st->map_errors != w->ms.map_fail_injected)
		MFAIL("teardown: map_errors %llu, injected %llu",
		      (unsigned long long)st->map_errors,
		      (unsigned long long)w->ms.map_fail_injected);
	for (i = 0; i < ZNB_PENDING; i++)
		if (w->pages[i].refs != 1 || w->pages[i].map >= 0)
			MFAIL("teardown: dom0 page %u refs %d map %d", i, w->pages[i].refs,
			      w->pages[i].map);
	if (znb_txq_oldest_age_ns(&w->q, znb_now_ns()) != 0)
		MFAIL("teardown: oldest mapping age is not 0");
}
