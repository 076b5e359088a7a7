/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The pending-slot pool and the per-page destructor.
 *
 * Every guest TX request that is in flight owns one slot (one per ring
 * entry).  A mapped slot records the grant, its map handle and the dom0 page
 * it is mapped on.  The slots of one packet hang off one packet context whose
 * zerocopy completion (struct ubuf_info in the kernel) is shared by every
 * clone and every GSO segment of the skb.  Only when its last reference is
 * dropped do the slots go to the dealloc queue; the dealloc step unmaps them
 * in batches and writes a slot's TX response only after its unmap succeeded.
 *
 * Contexts: znb_pkt_*() setup runs in NAPI; znb_pkt_zc_put() runs wherever
 * the stack frees an skb (any context, IRQs possibly off); znb_dealloc_*()
 * runs in one dealloc context per queue.
 */
#ifndef ZNB_POOL_H
#define ZNB_POOL_H

#include "znb_port.h"
#include "znb_txreq.h"
#include "znb_policy.h"

/* One pending slot per TX ring entry: the ring bounds what can be in flight. */
#define ZNB_PENDING		256
/* Grant unmaps handed to the hypervisor in one call. */
#define ZNB_UNMAP_BATCH		64
#define ZNB_NO_SLOT		0xffff
/* Handle of a slot whose grant is not mapped. */
#define ZNB_NO_HANDLE		((grant_handle_t)~0u)

enum znb_slot_state {
	ZNB_SLOT_FREE,
	ZNB_SLOT_PENDING,	/* reserved, map or copy not reported yet */
	ZNB_SLOT_MAPPED,	/* guest page mapped on slot->page */
	ZNB_SLOT_COPIED,	/* data copied, nothing mapped */
	ZNB_SLOT_RELEASED,	/* packet complete, waiting on dealloc */
	ZNB_SLOT_UNMAPPING,	/* in a batch handed to the hypervisor */
	ZNB_SLOT_LEAKED,	/* unmap failed: page is never reused */
};

/**
 * struct znb_slot - one in-flight TX request
 * @page:	dom0 page this slot maps guests' grants on (owned by the caller)
 * @map_ns:	when the grant was mapped, for the oldest-mapping age
 * @gref:	the guest's grant reference
 * @handle:	map handle returned by the hypervisor
 * @req_id:	request id, echoed in the response
 * @pkt:	index of the packet context (the packet's first slot)
 * @next:	next slot of the same packet, or of the dealloc queue
 * @status:	response status to write when the slot is answered
 * @state:	enum znb_slot_state
 * @nr_extras:	NULL responses owed right after this slot's (first slot only)
 */
struct znb_slot {
	void *page;
	u64 map_ns;
	grant_ref_t gref;
	grant_handle_t handle;
	u16 req_id;
	u16 pkt;
	u16 next;
	s16 status;
	u8 state;
	u8 nr_extras;
};

struct znb_txq;

/**
 * struct znb_pkt - completion context of one packet
 * @zc:		the zerocopy completion attached to the skb; its refcnt counts
 *		the skbs (shared infos, GSO segments) still using the frags
 * @q:		queue the packet belongs to
 * @first:	first slot of the packet (also this context's index)
 * @last:	last slot of the packet
 * @nr_mapped:	slots whose grant is mapped
 * @copied_out:	the stack copied the frags out at least once
 * @flow_hash:	flow of a mapped packet, taught its completion by
 *		znb_pkt_zc_put(); 0 (set by znb_pkt_start()) teaches nothing
 */
struct znb_pkt {
	struct znb_ubuf zc;
	struct znb_txq *q;
	u32 flow_hash;
	u16 first;
	u16 last;
	u16 nr_mapped;
	bool copied_out;
};

/**
 * struct znb_stats - live accounting of one queue
 *
 * One u64 per line of znb_core_counters.h, which says what each counts.
 */
struct znb_stats {
	/* private: generated */
#define ZNB_COUNTER(field, name, combine)	u64 field
#include "znb_core_counters.h"
#undef ZNB_COUNTER
};

/**
 * struct znb_txq - grant state of one TX queue
 * @ring:	back ring responses are written to (NULL until connected)
 * @rsp_lock:	protects responses, the free-slot ring and the stats
 * @dealloc_lock: protects the dealloc queue
 * @free_idx:	ring of free slot indices
 * @free_prod:	producer index of @free_idx
 * @free_cons:	consumer index of @free_idx
 * @dealloc_head: first slot waiting for dealloc, or ZNB_NO_SLOT
 * @dealloc_tail: last slot waiting for dealloc
 * @slot:	the slots
 * @pkt:	packet contexts, indexed by their first slot
 * @st:		accounting
 * @flows:	what completions taught about each flow (copy or map)
 */
struct znb_txq {
	struct znb_tx_back_ring *ring;
	struct znb_spinlock rsp_lock;
	struct znb_spinlock dealloc_lock;
	u16 free_idx[ZNB_PENDING];
	unsigned int free_prod;
	unsigned int free_cons;
	u16 dealloc_head;
	u16 dealloc_tail;
	struct znb_slot slot[ZNB_PENDING];
	struct znb_pkt pkt[ZNB_PENDING];
	struct znb_stats st;
	struct znb_flow_table flows;
};

/**
 * struct znb_unmap_batch - grants handed to the hypervisor in one call
 * @n:		entries used
 * @idx:	slot index of each entry
 * @page:	page the grant is mapped on
 * @handle:	map handle to unmap
 */
struct znb_unmap_batch {
	unsigned int n;
	u16 idx[ZNB_UNMAP_BATCH];
	void *page[ZNB_UNMAP_BATCH];
	grant_handle_t handle[ZNB_UNMAP_BATCH];
};

void znb_txq_init(struct znb_txq *q, void *const pages[ZNB_PENDING]);
void znb_txq_set_ring(struct znb_txq *q, struct znb_tx_back_ring *ring);
unsigned int znb_txq_free_slots(struct znb_txq *q);
unsigned int znb_txq_outstanding(struct znb_txq *q);
u64 znb_txq_oldest_age_ns(struct znb_txq *q, u64 now_ns);

void znb_tx_respond_drop(struct znb_txq *q, const struct znb_tx_plan *plan);
bool znb_txq_push_responses(struct znb_txq *q);

int znb_pkt_start(struct znb_txq *q, const struct znb_tx_plan *plan,
		  u16 slot_idx[ZNB_TX_SLOTS_MAX]);
void znb_slot_mapped(struct znb_txq *q, u16 idx, grant_handle_t handle);
void znb_slot_copied(struct znb_txq *q, u16 idx, bool ok);
void znb_slot_map_failed(struct znb_txq *q, u16 idx);
bool znb_pkt_failed(struct znb_txq *q, u16 pkt);
void znb_pkt_arm(struct znb_txq *q, u16 pkt);
bool znb_pkt_zc_put(struct znb_pkt *pkt, bool zerocopy_success);
bool znb_pkt_release(struct znb_txq *q, u16 pkt);

unsigned int znb_dealloc_collect(struct znb_txq *q, struct znb_unmap_batch *b);
void znb_dealloc_finish(struct znb_txq *q, const struct znb_unmap_batch *b,
			const s16 *unmap_status);
bool znb_dealloc_pending(struct znb_txq *q);

#endif /* ZNB_POOL_H */
