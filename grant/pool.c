// SPDX-License-Identifier: GPL-2.0
/*
 * Pending-slot pool and per-page destructor: see include/znb_pool.h for the
 * lifecycle.  The one rule everything here serves: a slot's TX response is
 * written only once nothing in dom0 can touch its guest page any more, i.e.
 * after the packet's last reference is gone and the grant is unmapped.
 */
#include "znb_pool.h"

/*
 * Test-only mutations (see tests/): each breaks the rule above in the way a
 * real bug would, so the tests can prove they notice.
 */
#if defined(ZNB_MUTATE_RESPOND_BEFORE_UNMAP) || defined(ZNB_MUTATE_UNMAP_ON_FIRST_PUT)
#warning "znetback built with a test mutation: never load this build on a real host"
#endif
#ifdef ZNB_MUTATE_RESPOND_BEFORE_UNMAP
#define ZNB_RESPONDED_AT_COLLECT	true
#else
#define ZNB_RESPONDED_AT_COLLECT	false
#endif
/*
 * The page-reference guard would hide an early unmap by deferring it; the
 * mutation turns it off so the unmap really happens on the first free.
 */
#ifdef ZNB_MUTATE_UNMAP_ON_FIRST_PUT
#define znb_page_held(page)	false
#else
#define znb_page_held(page)	znb_page_busy(page)
#endif

/**
 * znb_txq_init() - set up an idle queue
 * @q: queue to initialise
 * @pages: one dom0 page per slot that grants get mapped on; the caller keeps
 *	   ownership and must not free them while znb_txq_outstanding() != 0
 */
void znb_txq_init(struct znb_txq *q, void *const pages[ZNB_PENDING])
{
	unsigned int i;

	memset(q, 0, sizeof(*q));
	znb_lock_init(&q->rsp_lock);
	znb_lock_init(&q->dealloc_lock);
	q->dealloc_head = ZNB_NO_SLOT;
	q->dealloc_tail = ZNB_NO_SLOT;
	znb_policy_init(&q->flows);
	for (i = 0; i < ZNB_PENDING; i++) {
		q->slot[i].page = pages[i];
		q->slot[i].next = ZNB_NO_SLOT;
		q->slot[i].state = ZNB_SLOT_FREE;
		q->pkt[i].q = q;
		q->free_idx[i] = (u16)i;
	}
	q->free_prod = ZNB_PENDING;
}

/**
 * znb_txq_set_ring() - attach (or detach, with NULL) the ring responses go to
 * @q: queue
 * @ring: the TX back ring, or NULL when the frontend disconnected
 */
void znb_txq_set_ring(struct znb_txq *q, struct znb_tx_back_ring *ring)
{
	unsigned long flags = 0;

	znb_lock(&q->rsp_lock, flags);
	q->ring = ring;
	znb_unlock(&q->rsp_lock, flags);
}

/**
 * znb_txq_free_slots() - slots available for new packets
 * @q: queue
 *
 * Return: number of free slots; a packet needs one per data slot.
 */
unsigned int znb_txq_free_slots(struct znb_txq *q)
{
	return znb_read_once(q->free_prod) - znb_read_once(q->free_cons);
}

/**
 * znb_txq_outstanding() - slots not yet answered and returned to the pool
 * @q: queue
 *
 * Return: in-flight slots, leaked ones included.  Zero means no guest page is
 * mapped and no response is owed.
 */
unsigned int znb_txq_outstanding(struct znb_txq *q)
{
	return ZNB_PENDING - znb_txq_free_slots(q);
}

/**
 * znb_txq_oldest_age_ns() - age of the oldest mapping still held
 * @q: queue
 * @now_ns: current time, same clock as znb_now_ns()
 *
 * Return: nanoseconds since the oldest still-mapped grant was mapped, 0 if none.
 */
u64 znb_txq_oldest_age_ns(struct znb_txq *q, u64 now_ns)
{
	u64 oldest = now_ns;
	unsigned int i;

	for (i = 0; i < ZNB_PENDING; i++) {
		struct znb_slot *s = &q->slot[i];
		u8 state = znb_read_once(s->state);

		if (state != ZNB_SLOT_MAPPED && state != ZNB_SLOT_RELEASED &&
		    state != ZNB_SLOT_UNMAPPING)
			continue;
		if (s->handle == ZNB_NO_HANDLE)
			continue;
		if (s->map_ns < oldest)
			oldest = s->map_ns;
	}
	return now_ns - oldest;
}

/* Caller holds rsp_lock. */
static void znb_write_response(struct znb_txq *q, u16 id, s16 status,
			       unsigned int nr_extras)
{
	struct znb_tx_back_ring *ring = q->ring;
	struct znb_tx_response *rsp;

	znb_assert_held(&q->rsp_lock);
	q->st.responses += 1 + nr_extras;
	if (!ring)
		return;
	rsp = RING_GET_RESPONSE(ring, ring->rsp_prod_pvt);
	rsp->id = id;
	rsp->status = status;
	ring->rsp_prod_pvt++;
	while (nr_extras--) {
		rsp = RING_GET_RESPONSE(ring, ring->rsp_prod_pvt);
		rsp->status = ZNB_RSP_NULL;
		ring->rsp_prod_pvt++;
	}
}

/**
 * znb_tx_respond_drop() - answer a dropped packet
 * @q: queue
 * @plan: plan from a ZNB_TX_DROP verdict
 *
 * Writes ERROR for every data slot and NULL for every extra.  Nothing was
 * mapped, so this may happen at once.  Push with znb_txq_push_responses().
 */
void znb_tx_respond_drop(struct znb_txq *q, const struct znb_tx_plan *plan)
{
	unsigned long flags = 0;
	unsigned int i;

	znb_lock(&q->rsp_lock, flags);
	q->st.dropped++;
	for (i = 0; i < plan->nr_slots; i++)
		znb_write_response(q, plan->slot[i].id, ZNB_RSP_ERROR,
				   i == 0 ? plan->nr_extras : 0);
	znb_unlock(&q->rsp_lock, flags);
}

/**
 * znb_txq_push_responses() - publish written responses to the frontend
 * @q: queue
 *
 * Return: true if the frontend asked to be notified (send an event).
 */
bool znb_txq_push_responses(struct znb_txq *q)
{
	unsigned long flags = 0;
	int notify = 0;

	znb_lock(&q->rsp_lock, flags);
	if (q->ring)
		RING_PUSH_RESPONSES_AND_CHECK_NOTIFY(q->ring, notify);
	znb_unlock(&q->rsp_lock, flags);
	return notify;
}

/**
 * znb_pkt_start() - reserve one slot per data slot of a validated packet
 * @q: queue
 * @plan: plan from a ZNB_TX_OK verdict
 * @slot_idx: filled with the slot index of each data slot, in plan order
 *
 * Return: the packet context index (its first slot), or -1 if the pool has
 * fewer free slots than the packet needs.  Check znb_txq_free_slots() before
 * consuming requests from the ring so this never fails in practice.
 */
int znb_pkt_start(struct znb_txq *q, const struct znb_tx_plan *plan,
		  u16 slot_idx[ZNB_TX_SLOTS_MAX])
{
	unsigned long flags = 0;
	struct znb_pkt *pkt;
	unsigned int i;
	u16 prev = ZNB_NO_SLOT;

	if (plan->nr_slots == 0 || plan->nr_slots > ZNB_TX_SLOTS_MAX)
		return -1;

	znb_lock(&q->rsp_lock, flags);
	if (q->free_prod - q->free_cons < plan->nr_slots) {
		znb_unlock(&q->rsp_lock, flags);
		return -1;
	}
	for (i = 0; i < plan->nr_slots; i++) {
		u16 idx = q->free_idx[q->free_cons++ % ZNB_PENDING];
		struct znb_slot *s = &q->slot[idx];

		s->gref = plan->slot[i].gref;
		s->req_id = plan->slot[i].id;
		s->handle = ZNB_NO_HANDLE;
		s->status = ZNB_RSP_OKAY;
		s->nr_extras = i == 0 ? plan->nr_extras : 0;
		s->next = ZNB_NO_SLOT;
		s->state = ZNB_SLOT_PENDING;
		if (prev != ZNB_NO_SLOT)
			q->slot[prev].next = idx;
		prev = idx;
		slot_idx[i] = idx;
	}
	znb_unlock(&q->rsp_lock, flags);

	pkt = &q->pkt[slot_idx[0]];
	pkt->first = slot_idx[0];
	pkt->last = prev;
	pkt->nr_mapped = 0;
	pkt->copied_out = false;
	pkt->flow_hash = 0;
	for (i = 0; i < plan->nr_slots; i++)
		q->slot[slot_idx[i]].pkt = pkt->first;
	return pkt->first;
}

/**
 * znb_slot_mapped() - record a successful grant map
 * @q: queue
 * @idx: slot index from znb_pkt_start()
 * @handle: handle the hypervisor returned
 */
void znb_slot_mapped(struct znb_txq *q, u16 idx, grant_handle_t handle)
{
	struct znb_slot *s = &q->slot[idx];
	unsigned long flags = 0;

	s->handle = handle;
	s->map_ns = znb_now_ns();
	znb_write_once(s->state, ZNB_SLOT_MAPPED);
	q->pkt[s->pkt].nr_mapped++;

	znb_lock(&q->rsp_lock, flags);
	q->st.maps++;
	if (++q->st.mapped_now > q->st.mapped_peak)
		q->st.mapped_peak = q->st.mapped_now;
	znb_unlock(&q->rsp_lock, flags);
}

/**
 * znb_slot_copied() - record a slot whose data was grant-copied (or failed)
 * @q: queue
 * @idx: slot index from znb_pkt_start()
 * @ok: false if the copy of this slot failed, or found no page to copy
 *	into; the packet is then dropped and every slot answered with ERROR
 */
void znb_slot_copied(struct znb_txq *q, u16 idx, bool ok)
{
	struct znb_slot *s = &q->slot[idx];

	if (!ok)
		s->status = ZNB_RSP_ERROR;
	znb_write_once(s->state, ZNB_SLOT_COPIED);
}

/**
 * znb_slot_map_failed() - record a slot whose grant map the hypervisor refused
 * @q: queue
 * @idx: slot index from znb_pkt_start()
 *
 * Nothing is mapped: the slot is answered with ERROR, with its packet, as
 * soon as the packet is released.
 */
void znb_slot_map_failed(struct znb_txq *q, u16 idx)
{
	unsigned long flags = 0;

	znb_lock(&q->rsp_lock, flags);
	q->st.map_errors++;
	znb_unlock(&q->rsp_lock, flags);
	znb_slot_copied(q, idx, false);
}

/**
 * znb_pkt_failed() - did any slot of the packet fail to map or copy?
 * @q: queue
 * @pkt: packet context index
 *
 * Return: true if the packet must be dropped (released without being sent).
 */
bool znb_pkt_failed(struct znb_txq *q, u16 pkt)
{
	u16 idx;

	for (idx = pkt; idx != ZNB_NO_SLOT; idx = q->slot[idx].next)
		if (q->slot[idx].status != ZNB_RSP_OKAY)
			return true;
	return false;
}

static void znb_pkt_set_status(struct znb_txq *q, u16 pkt, s16 status)
{
	u16 idx;

	for (idx = pkt; idx != ZNB_NO_SLOT; idx = q->slot[idx].next)
		q->slot[idx].status = status;
}

/**
 * znb_pkt_arm() - hand the packet's completion to the skb
 * @q: queue
 * @pkt: packet context index
 *
 * Sets the completion's reference count to one: the skb's.  The stack takes
 * further references itself (GSO segments, unclone) and drops each through
 * the completion callback, which must call znb_pkt_zc_put().
 */
void znb_pkt_arm(struct znb_txq *q, u16 pkt)
{
	unsigned long flags = 0;

	znb_ref_set(&q->pkt[pkt].zc.refcnt, 1);
	znb_lock(&q->rsp_lock, flags);
	q->st.zc_sent++;
	znb_unlock(&q->rsp_lock, flags);
}

/* Moves every slot of a finished packet to the dealloc queue. */
static void znb_pkt_queue_dealloc(struct znb_txq *q, struct znb_pkt *pkt)
{
	unsigned long flags = 0;
	u16 idx;

	for (idx = pkt->first; idx != ZNB_NO_SLOT; idx = q->slot[idx].next)
		znb_write_once(q->slot[idx].state, ZNB_SLOT_RELEASED);

	znb_lock(&q->dealloc_lock, flags);
	if (q->dealloc_tail == ZNB_NO_SLOT)
		q->dealloc_head = pkt->first;
	else
		q->slot[q->dealloc_tail].next = pkt->first;
	q->dealloc_tail = pkt->last;
	znb_unlock(&q->dealloc_lock, flags);
}

/**
 * znb_pkt_zc_put() - drop one reference on a packet's completion
 * @pkt: packet context (container of the stack's ubuf_info)
 * @zerocopy_success: false if the stack copied the frags out of this skb
 *
 * This is the body of the zerocopy callback.  Every skb sharing the
 * completion calls it once when it lets go of the frags; only the last one
 * releases the slots.
 *
 * Return: true if the slots were queued and the dealloc context must run.
 */
bool znb_pkt_zc_put(struct znb_pkt *pkt, bool zerocopy_success)
{
	struct znb_txq *q = pkt->q;
	unsigned long flags = 0;

	if (!zerocopy_success) {
		znb_lock(&q->rsp_lock, flags);
		q->st.copy_outs++;
		pkt->copied_out = true;
		znb_unlock(&q->rsp_lock, flags);
	}
#ifdef ZNB_MUTATE_UNMAP_ON_FIRST_PUT
	if (znb_ref_read(&pkt->zc.refcnt) <= 0)
		return false;
	znb_ref_set(&pkt->zc.refcnt, 0);
#else
	if (!znb_ref_dec_and_test(&pkt->zc.refcnt))
		return false;
#endif

	znb_lock(&q->rsp_lock, flags);
	if (pkt->copied_out)
		q->st.zc_fail++;
	else
		q->st.zc_success++;
	if (pkt->flow_hash)
		znb_policy_learn(&q->flows, pkt->flow_hash, pkt->copied_out);
	znb_unlock(&q->rsp_lock, flags);
	znb_pkt_queue_dealloc(q, pkt);
	return true;
}

/* Caller holds rsp_lock. Answers a slot and returns it to the pool. */
static void znb_slot_retire(struct znb_txq *q, u16 idx, bool respond)
{
	struct znb_slot *s = &q->slot[idx];

	znb_assert_held(&q->rsp_lock);
	if (respond)
		znb_write_response(q, s->req_id, s->status, s->nr_extras);
	s->handle = ZNB_NO_HANDLE;
	s->next = ZNB_NO_SLOT;
	znb_write_once(s->state, ZNB_SLOT_FREE);
	q->free_idx[q->free_prod++ % ZNB_PENDING] = idx;
}

/**
 * znb_pkt_release() - finish a packet that was never handed to the stack,
 *		       or that carried no mapped slot
 * @q: queue
 * @pkt: packet context index
 *
 * Used for packets that were fully copied, and for packets dropped after
 * znb_pkt_start() (a slot failed, no skb could be built).  A packet with no
 * mapped slot is answered at once (OKAY, or ERROR if it failed); otherwise
 * its slots go to the dealloc queue and are answered after their unmap.
 *
 * Return: true if the dealloc context must run.
 */
bool znb_pkt_release(struct znb_txq *q, u16 pkt)
{
	struct znb_pkt *p = &q->pkt[pkt];
	unsigned long flags = 0;
	bool failed = znb_pkt_failed(q, pkt);
	u16 idx, next;

	if (failed)
		znb_pkt_set_status(q, pkt, ZNB_RSP_ERROR);
	if (p->nr_mapped) {
		if (failed) {
			znb_lock(&q->rsp_lock, flags);
			q->st.dropped++;
			znb_unlock(&q->rsp_lock, flags);
		}
		znb_pkt_queue_dealloc(q, p);
		return true;
	}

	znb_lock(&q->rsp_lock, flags);
	if (failed)
		q->st.dropped++;
	for (idx = pkt; idx != ZNB_NO_SLOT; idx = next) {
		next = q->slot[idx].next;
		znb_slot_retire(q, idx, true);
	}
	znb_unlock(&q->rsp_lock, flags);
	return false;
}

/**
 * znb_dealloc_collect() - take the next batch of grants to unmap
 * @q: queue
 * @b: batch to fill
 *
 * Walks the dealloc queue.  Slots that were never mapped are answered right
 * here.  Mapped slots whose page somebody still references are left queued
 * for a later pass.  The rest go into @b, up to ZNB_UNMAP_BATCH of them; hand
 * them to the hypervisor and report with znb_dealloc_finish().
 *
 * Return: number of grants in @b.
 */
unsigned int znb_dealloc_collect(struct znb_txq *q, struct znb_unmap_batch *b)
{
	unsigned long flags = 0, rflags = 0;
	u16 keep_head = ZNB_NO_SLOT, keep_tail = ZNB_NO_SLOT;
	u16 idx, next;

	b->n = 0;
	znb_lock(&q->dealloc_lock, flags);
	idx = q->dealloc_head;
	q->dealloc_head = ZNB_NO_SLOT;
	q->dealloc_tail = ZNB_NO_SLOT;
	znb_unlock(&q->dealloc_lock, flags);

	znb_lock(&q->rsp_lock, rflags);
	for (; idx != ZNB_NO_SLOT; idx = next) {
		struct znb_slot *s = &q->slot[idx];

		next = s->next;
		if (s->handle == ZNB_NO_HANDLE) {
			znb_slot_retire(q, idx, true);
			continue;
		}
		if (b->n < ZNB_UNMAP_BATCH && !znb_page_held(s->page)) {
#ifdef ZNB_MUTATE_RESPOND_BEFORE_UNMAP
			znb_write_response(q, s->req_id, s->status, s->nr_extras);
			if (q->ring)
				RING_PUSH_RESPONSES(q->ring);
#endif
			s->state = ZNB_SLOT_UNMAPPING;
			b->idx[b->n] = idx;
			b->page[b->n] = s->page;
			b->handle[b->n] = s->handle;
			b->n++;
			continue;
		}
		if (b->n < ZNB_UNMAP_BATCH)
			q->st.busy_deferrals++;
		s->next = ZNB_NO_SLOT;
		if (keep_tail == ZNB_NO_SLOT)
			keep_head = idx;
		else
			q->slot[keep_tail].next = idx;
		keep_tail = idx;
	}
	znb_unlock(&q->rsp_lock, rflags);

	if (keep_head != ZNB_NO_SLOT) {
		znb_lock(&q->dealloc_lock, flags);
		q->slot[keep_tail].next = q->dealloc_head;
		if (q->dealloc_head == ZNB_NO_SLOT)
			q->dealloc_tail = keep_tail;
		q->dealloc_head = keep_head;
		znb_unlock(&q->dealloc_lock, flags);
	}
	return b->n;
}

/**
 * znb_dealloc_finish() - answer the slots of an unmapped batch
 * @q: queue
 * @b: batch from znb_dealloc_collect()
 * @unmap_status: GNTST_* result of each unmap, in batch order
 *
 * A slot is answered and returned to the pool only if its unmap succeeded.
 * A failed unmap leaves the page mapped: the slot is marked leaked and never
 * reused, and its frontend gets no response (it would free a page we map).
 */
void znb_dealloc_finish(struct znb_txq *q, const struct znb_unmap_batch *b,
			const s16 *unmap_status)
{
	unsigned long flags = 0;
	unsigned int i;

	if (b->n == 0)
		return;
	znb_lock(&q->rsp_lock, flags);
	q->st.unmap_batches++;
	for (i = 0; i < b->n; i++) {
		struct znb_slot *s = &q->slot[b->idx[i]];

		if (unmap_status[i] != GNTST_okay) {
			q->st.unmap_errors++;
			s->state = ZNB_SLOT_LEAKED;
			continue;
		}
		q->st.unmaps++;
		q->st.mapped_now--;
		znb_slot_retire(q, b->idx[i], !ZNB_RESPONDED_AT_COLLECT);
	}
	znb_unlock(&q->rsp_lock, flags);
}

/**
 * znb_dealloc_pending() - is there anything left for the dealloc context?
 * @q: queue
 *
 * Return: true while released slots wait (e.g. on a page still referenced).
 */
bool znb_dealloc_pending(struct znb_txq *q)
{
	return znb_read_once(q->dealloc_head) != ZNB_NO_SLOT;
}
