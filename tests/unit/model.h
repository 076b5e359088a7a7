/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Model world for the grant lifecycle core: a model guest (frontend) with a
 * grant table, the real shared TX ring, dom0 pages with reference counts, a
 * model of the Linux 6.1 skb layer (clones, GSO segments, pulls,
 * copy-out, unclone, page holders, free) and the backend glue that drives
 * grant/ the way the module does.  Every rule of the product is checked
 * where it can be observed; a violation calls model_vfail().
 *
 * Shared by the unit tests (randomized driver) and the lifecycle fuzzer
 * (byte-driven driver).
 */
#ifndef ZNB_MODEL_H
#define ZNB_MODEL_H

#include <stdarg.h>
#include "znb_pool.h"
#include "znb_txbuild.h"

/* Provided by the runner: report and never return. */
void model_vfail(const char *file, int line, const char *fmt, va_list ap)
	__attribute__((noreturn));
void model_fail(const char *file, int line, const char *fmt, ...)
	__attribute__((noreturn, format(printf, 3, 4)));
#define MFAIL(...) model_fail(__FILE__, __LINE__, __VA_ARGS__)

#define M_GREFS		1024	/* guest grant entries (one guest page each) */
#define M_MAPS		512	/* hypervisor maptrack entries */
#define M_MAX_FRAGS	17	/* MAX_SKB_FRAGS with 4 KiB pages */
#define M_IDS		256	/* netfront: NET_TX_RING_SIZE ids */

struct m_page {
	int refs;		/* 1 == only the pool's own reference */
	int idx;
	int map;		/* maptrack entry mapped on it, or -1 */
};

struct m_gent {
	unsigned char granted;	/* frontend granted access to dom0 */
	int map_count;		/* dom0 mappings of this grant */
	u32 stamp;		/* contents generation of the guest page */
};

struct m_pkt;

struct m_map {
	unsigned char live;
	u32 gen;
	grant_ref_t gref;
	struct m_page *page;
	struct m_pkt *pkt;
};

/* A packet as the model frontend sent it and the backend handled it. */
struct m_pkt {
	u32 seq;
	unsigned int nr;		/* data slots */
	unsigned int nr_extras;
	u16 pkt_len;
	u16 id[ZNB_TX_SLOTS_MAX];
	grant_ref_t gref[ZNB_TX_SLOTS_MAX];
	u16 off[ZNB_TX_SLOTS_MAX];
	u16 size[ZNB_TX_SLOTS_MAX];	/* plan sizes (slot 0: own bytes) */
	enum znb_tx_error expect_err;
	s16 expect_status;
	int ctx;			/* core packet context, -1 if none */
	int holders;			/* skbs holding the completion */
	unsigned int answered;		/* data responses the frontend took */
	struct m_pkt *next_sent;	/* FIFO of packets not yet gathered */
	struct m_pkt *next_all;
};

struct m_frag {
	struct m_page *page;	/* NULL: private copy, no page reference */
	grant_ref_t gref;
	u32 stamp;
	struct m_pkt *pkt;
	u16 off, size;
};

struct m_skb;

struct m_shinfo {
	int dataref;
	unsigned int nr_frags;
	struct m_frag frags[M_MAX_FRAGS + 1];
	struct m_pkt *zc;		/* destructor_arg, NULL: not zerocopy */
};

struct m_skb {
	struct m_shinfo *sh;
	unsigned int head_len;
};

struct m_holder {
	struct m_frag f;	/* a get_page() reference outlasting the skb */
};

enum m_zombie_kind { MZ_PAGES, MZ_CALLBACK };

/* Second half of a free that another CPU has not finished yet. */
struct m_zombie {
	enum m_zombie_kind kind;
	struct m_shinfo *sh;
	struct m_pkt *pkt;
	bool success;
};

#define M_SKBS		4096
#define M_HOLDERS	256
#define M_ZOMBIES	1024

struct m_stats {
	u64 req_data, req_extras;	/* requests the frontend produced */
	u64 rsp_data, rsp_null;		/* responses the frontend consumed */
	u64 pkts_sent, pkts_ok, pkts_dropped, pkts_failed, pkts_copied, pkts_armed;
	u64 map_fail_injected, copy_outs, segments, clones, pulls, unclones;
	u64 holders, overflows, zombies, steps, unmap_fail_injected;
};

struct m_world {
	struct znb_txq q;
	struct m_page pages[ZNB_PENDING];
	void *page_ptrs[ZNB_PENDING];

	struct m_gent gent[M_GREFS];
	grant_ref_t gref_free[M_GREFS];
	unsigned int nr_gref_free;
	struct m_map maps[M_MAPS];
	int map_free[M_MAPS];
	unsigned int nr_map_free;
	unsigned int live_maps;
	u32 stamp;

	void *ringpage;
	struct netif_tx_sring *s;
	struct znb_tx_back_ring back;
	struct netif_tx_front_ring front;
	struct znb_tx_limits lim;

	struct { bool in_flight; struct m_pkt *pkt; unsigned int slot; } ids[M_IDS];
	u16 id_free[M_IDS];
	unsigned int nr_id_free;
	struct m_pkt *sent_head, *sent_tail;
	struct m_pkt *all;
	u32 seq;

	struct m_pkt *ctx_owner[ZNB_PENDING];
	struct m_pkt *cb_expect;	/* packet whose callback is being made */
	struct znb_unmap_batch batch;
	s16 batch_status[ZNB_UNMAP_BATCH];
	unsigned int batch_unmapped;	/* of the batch, unmapped successfully */
	int batch_state;		/* 0 idle, 1 collected, 2 unmapped */
	unsigned int leaked;		/* slots whose unmap failed */

	struct m_skb *skbs[M_SKBS];
	unsigned int nr_skbs;
	struct m_holder holders[M_HOLDERS];
	unsigned int nr_holders;
	struct m_zombie zombies[M_ZOMBIES];
	unsigned int nr_zombies;

	/* randomness: xorshift, or the fuzzer's bytes */
	u64 rng;
	const u8 *fuzz;
	size_t fuzz_len, fuzz_pos;

	/* knobs (percent) */
	unsigned int p_malformed, p_map_fail, p_copy_pkt, p_copy_fail, p_unmap_fail;
	unsigned int hdr_len;	/* bytes the backend copies into the head */
	unsigned int force_n;	/* directed tests: valid packets of this many slots */
	bool force_gso;
	unsigned int retry_n, retry_kind;
	bool check_refcnt;	/* ubuf refcnt == skbs holding it, after every put */
	bool verbose;

	struct m_stats ms;
};

struct m_world *m_world_new(u64 seed);
void m_world_free(struct m_world *w);
u32 m_rand(struct m_world *w, u32 n);		/* uniform-ish in [0, n) */

/* Single actions; each returns false if it had nothing to do. */
bool m_front_produce(struct m_world *w);
bool m_front_consume(struct m_world *w);
bool m_back_gather(struct m_world *w);
bool m_dealloc_step(struct m_world *w);
bool m_push(struct m_world *w);
bool m_skb_op(struct m_world *w, unsigned int op);
bool m_holder_put(struct m_world *w);
bool m_zombie_step(struct m_world *w);
#define M_SKB_OPS 9

void m_free_skb_mode(struct m_world *w, unsigned int i, unsigned int mode);
void m_copy_out(struct m_world *w, struct m_skb *skb);
void m_hold_page(struct m_world *w, struct m_skb *skb);
void m_segment_at(struct m_world *w, unsigned int idx, unsigned int k);

void m_step(struct m_world *w);		/* one random action + invariants */
void m_check_invariants(struct m_world *w, bool full);
void m_drain(struct m_world *w);	/* finish everything, then final checks */
void m_final_checks(struct m_world *w);

/* The builder's contract (grant/txbuild.c), checked on its ops. */
void m_check_build(u32 seq, const struct znb_tx_plan *plan, const struct znb_tx_build *b,
		   unsigned int hdr_len, unsigned int max_frags, unsigned int head_off,
		   bool data_built);

/* For table tests of the pool that only need pages. */
void model_txq_init_dummy(struct znb_txq *q);

#endif
