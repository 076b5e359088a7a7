// SPDX-License-Identifier: GPL-2.0
/*
 * Lifecycle tests of the slot pool and per-page destructor (grant/pool.c)
 * against the model world (model.c): directed scenarios first, then the
 * randomized run (--seed, --packets).
 */
#include <stdlib.h>
#include <time.h>
#include "fixture.h"
#include "model.h"

static struct m_world *W;

/*
 * A world where nothing fails unless asked, and every slot is mapped whole:
 * no header bytes are copied into the head.
 */
static struct m_world *quiet_world(u64 seed)
{
	if (W)
		m_world_free(W);
	W = m_world_new(seed);
	W->p_malformed = 0;
	W->p_map_fail = 0;
	W->p_copy_pkt = 0;
	W->p_copy_fail = 0;
	W->hdr_len = 0;
	return W;
}

static void done(void)
{
	m_world_free(W);
	W = NULL;
}

static void send_one(unsigned int n, bool gso)
{
	W->force_n = n;
	W->force_gso = gso;
	CHECK(m_front_produce(W), "frontend could not send");
	CHECK(m_back_gather(W), "backend did not gather");
	W->force_n = 0;
}

/* Runs the dealloc context to completion, pushes, lets the guest consume. */
static void settle(void)
{
	unsigned int k;

	for (k = 0; k < 1000 && m_dealloc_step(W); k++)
		;
	m_push(W);
	m_front_consume(W);
	m_check_invariants(W, true);
}

UNIT_TEST(lifecycle_response_only_after_unmap)
{
	quiet_world(1);
	send_one(3, false);
	CHECK_EQ(W->nr_skbs, 1);
	CHECK_EQ(W->q.st.mapped_now, 3);
	m_free_skb_mode(W, 0, 0);
	/* collect, then publish whatever was written before the unmap */
	CHECK(m_dealloc_step(W), "nothing to collect");
	m_push(W);
	m_front_consume(W);
	CHECK_EQ(W->ms.rsp_data, 0);
	CHECK(m_dealloc_step(W), "no unmap");	/* unmap hypercall */
	m_push(W);
	m_front_consume(W);
	CHECK_EQ(W->ms.rsp_data, 0);
	CHECK(m_dealloc_step(W), "no finish");
	m_push(W);
	m_front_consume(W);
	CHECK_EQ(W->ms.rsp_data, 3);
	m_drain(W);
	CHECK_EQ(W->q.st.zc_success, 1);
	done();
}

UNIT_TEST(lifecycle_clone_shares_completion)
{
	unsigned int i;

	quiet_world(2);
	send_one(4, false);
	for (i = 0; i < 3; i++)
		CHECK(m_skb_op(W, 1), "clone");
	CHECK_EQ(W->nr_skbs, 4);
	CHECK_EQ(znb_ref_read(&W->q.pkt[W->all->ctx].zc.refcnt), 1);
	while (W->nr_skbs > 1) {
		m_free_skb_mode(W, 0, 0);
		settle();
		CHECK_EQ(W->ms.rsp_data, 0);
	}
	m_free_skb_mode(W, 0, 0);
	settle();
	CHECK_EQ(W->ms.rsp_data, 4);
	m_drain(W);
	done();
}

/*
 * Two GSO segments take their own completion references; the GSO skb is
 * freed first, then one segment.  The other segment still holds the
 * completion and its pages: nothing may be unmapped or answered.
 */
UNIT_TEST(lifecycle_gso_segments_each_hold_the_packet)
{
	quiet_world(3);
	send_one(4, true);
	m_segment_at(W, 0, 2);
	CHECK_EQ(W->nr_skbs, 3);
	CHECK_EQ(znb_ref_read(&W->q.pkt[W->all->ctx].zc.refcnt), 3);
	m_free_skb_mode(W, 0, 0);		/* the GSO skb */
	settle();
	CHECK_EQ(W->ms.rsp_data, 0);
	m_free_skb_mode(W, 0, 0);		/* first remaining segment */
	settle();
	CHECK_EQ(W->ms.rsp_data, 0);
	CHECK_EQ(W->q.st.mapped_now, 4);
	m_free_skb_mode(W, 0, 0);
	settle();
	CHECK_EQ(W->ms.rsp_data, 4);
	m_drain(W);
	done();
}

/* Same, with each segment freed in the 6.1 order: callback, then pages. */
UNIT_TEST(lifecycle_gso_callback_before_frag_unref)
{
	quiet_world(4);
	send_one(5, true);
	m_segment_at(W, 0, 3);
	m_free_skb_mode(W, 0, 1);
	m_free_skb_mode(W, 0, 1);
	m_free_skb_mode(W, 0, 1);
	settle();
	CHECK_EQ(W->ms.rsp_data, 0);
	CHECK(W->q.st.busy_deferrals > 0, "pages still referenced were not deferred");
	while (m_zombie_step(W))
		;
	settle();
	CHECK_EQ(W->ms.rsp_data, 5);
	m_drain(W);
	done();
}

/* Pages dropped first, the completion callback delayed (another CPU). */
UNIT_TEST(lifecycle_frag_unref_before_delayed_callback)
{
	quiet_world(5);
	send_one(3, false);
	m_segment_at(W, 0, 1);
	m_free_skb_mode(W, 0, 0);
	m_free_skb_mode(W, 0, 2);	/* pages gone, callback pending */
	settle();
	CHECK_EQ(W->ms.rsp_data, 0);
	m_free_skb_mode(W, 0, 0);
	settle();
	CHECK_EQ(W->ms.rsp_data, 0);
	while (m_zombie_step(W))
		;
	settle();
	CHECK_EQ(W->ms.rsp_data, 3);
	m_drain(W);
	done();
}

UNIT_TEST(lifecycle_copy_out_reports_zerocopy_failure)
{
	quiet_world(6);
	send_one(3, false);
	CHECK(m_skb_op(W, 1), "clone");
	m_copy_out(W, W->skbs[0]);	/* unclones, copies, drops one ref */
	CHECK_EQ(W->q.st.copy_outs, 1);
	settle();
	CHECK_EQ(W->ms.rsp_data, 0);
	m_free_skb_mode(W, 0, 0);
	m_free_skb_mode(W, 0, 0);
	settle();
	CHECK_EQ(W->ms.rsp_data, 3);
	m_drain(W);
	CHECK_EQ(W->q.st.zc_fail, 1);
	CHECK_EQ(W->q.st.zc_success, 0);
	done();
}

UNIT_TEST(lifecycle_page_holder_outlives_skb)
{
	quiet_world(7);
	send_one(2, false);
	m_hold_page(W, W->skbs[0]);
	CHECK_EQ(W->nr_holders, 1);
	m_free_skb_mode(W, 0, 0);
	settle();
	CHECK(W->q.st.busy_deferrals > 0, "held page not deferred");
	CHECK(znb_dealloc_pending(&W->q), "held slot must stay queued");
	CHECK(W->ms.rsp_data < 2, "held page answered");
	CHECK(m_holder_put(W), "holder");
	settle();
	CHECK_EQ(W->ms.rsp_data, 2);
	m_drain(W);
	done();
}

/*
 * One slot more than an skb has frags: the builder copies the first slot
 * whole into the head and maps the other 17.  The copied slot may be
 * answered as soon as the packet is released; the mapped ones only after
 * the stack let go of their pages and they were unmapped.
 */
UNIT_TEST(lifecycle_frag_overflow_copies_leading_slot_into_head)
{
	quiet_world(8);
	send_one(M_MAX_FRAGS + 1, false);
	CHECK_EQ(W->ms.overflows, 1);
	CHECK_EQ(W->nr_skbs, 1);
	CHECK_EQ(W->skbs[0]->sh->nr_frags, M_MAX_FRAGS);
	CHECK_EQ(W->skbs[0]->head_len, W->all->size[0]);
	CHECK_EQ(W->q.st.mapped_now, M_MAX_FRAGS);
	m_free_skb_mode(W, 0, 1);	/* callback before any page is let go */
	settle();
	CHECK_EQ(W->ms.rsp_data, 1);
	while (m_zombie_step(W))
		;
	settle();
	CHECK_EQ(W->ms.rsp_data, M_MAX_FRAGS + 1);
	m_drain(W);
	done();
}

/*
 * The module's header length: the first ZNB_TX_HDR_LEN bytes are copied,
 * from one slot or two, and whatever follows them in each slot is mapped.
 */
UNIT_TEST(lifecycle_headers_copied_rest_mapped)
{
	unsigned int seed, long_first = 0, short_first = 0;

	for (seed = 14; seed < 44; seed++) {
		unsigned int s0, len, frags;
		const struct m_pkt *p;
		const struct m_skb *skb;

		quiet_world(seed);
		W->hdr_len = ZNB_TX_HDR_LEN;
		send_one(2, false);
		p = W->all;
		skb = W->skbs[0];
		s0 = p->size[0];
		len = p->pkt_len;
		frags = (s0 > ZNB_TX_HDR_LEN) + (len > ZNB_TX_HDR_LEN);
		CHECK_EQ(skb->head_len, len < ZNB_TX_HDR_LEN ? len : ZNB_TX_HDR_LEN);
		CHECK_EQ(skb->sh->nr_frags, frags);
		CHECK_EQ(W->q.st.mapped_now, frags);
		if (s0 > ZNB_TX_HDR_LEN) {
			CHECK_EQ(skb->sh->frags[0].off, p->off[0] + ZNB_TX_HDR_LEN);
			long_first++;
		} else if (frags) {
			CHECK_EQ(skb->sh->frags[0].off, p->off[1] + ZNB_TX_HDR_LEN - s0);
			short_first++;
		}
		m_drain(W);
		done();
	}
	CHECK(long_first && short_first, "both layouts seen (%u long first slots, %u short)",
	      long_first, short_first);
}

UNIT_TEST(lifecycle_copy_failure_is_no_map_error)
{
	static struct znb_txq q;
	struct znb_tx_plan plan = { .nr_slots = 2, .pkt_len = 3000 };
	u16 idx[ZNB_TX_SLOTS_MAX];
	int pkt;

	model_txq_init_dummy(&q);
	pkt = znb_pkt_start(&q, &plan, idx);
	CHECK(pkt >= 0, "slots available");
	znb_slot_copied(&q, idx[0], true);
	znb_slot_copied(&q, idx[1], false);	/* copy refused, or no page */
	CHECK(znb_pkt_failed(&q, (u16)pkt), "packet dropped");
	CHECK_EQ(q.st.map_errors, 0);
	znb_pkt_release(&q, (u16)pkt);
	CHECK_EQ(q.st.dropped, 1);
}

UNIT_TEST(lifecycle_map_failure_answers_error_after_unmap)
{
	quiet_world(10);
	W->p_map_fail = 100;
	send_one(4, false);
	CHECK_EQ(W->nr_skbs, 0);
	CHECK_EQ(W->q.st.map_errors, 1);
	settle();
	CHECK_EQ(W->ms.rsp_data, 4);	/* all ERROR: checked by the frontend */
	m_drain(W);
	done();
}

UNIT_TEST(lifecycle_fully_copied_packet_answered_at_once)
{
	quiet_world(11);
	W->p_copy_pkt = 100;
	send_one(3, true);
	m_push(W);
	m_front_consume(W);
	CHECK_EQ(W->ms.rsp_data, 3);
	CHECK_EQ(W->ms.rsp_null, 1);
	CHECK_EQ(W->q.st.maps, 0);
	m_drain(W);
	done();
}

UNIT_TEST(lifecycle_unmap_failure_leaks_slot_and_never_answers)
{
	quiet_world(12);
	W->p_unmap_fail = 100;
	send_one(2, false);
	m_free_skb_mode(W, 0, 0);
	settle();
	CHECK_EQ(W->ms.rsp_data, 0);
	CHECK_EQ(W->q.st.unmap_errors, 2);
	CHECK_EQ(W->leaked, 2);
	CHECK_EQ(znb_txq_outstanding(&W->q), 2);
	CHECK(!znb_dealloc_pending(&W->q), "leaked slots must leave the queue");
	m_final_checks(W);
	done();
}

UNIT_TEST(lifecycle_oldest_age_tracks_mappings)
{
	quiet_world(13);
	CHECK_EQ(znb_txq_oldest_age_ns(&W->q, znb_now_ns()), 0);
	send_one(2, false);
	CHECK(znb_txq_oldest_age_ns(&W->q, znb_now_ns()) > 0, "age of a live mapping");
	m_drain(W);
	CHECK_EQ(znb_txq_oldest_age_ns(&W->q, znb_now_ns()), 0);
	done();
}

/* Many short runs with different knob settings. */
UNIT_TEST(lifecycle_random_short_runs_various_knobs)
{
	unsigned int r;

	for (r = 0; r < 60; r++) {
		u64 seed = unit_seed * 1000003u + r;
		unsigned long sent;

		quiet_world(seed);
		W->p_malformed = (r % 4) * 10;
		W->p_map_fail = (r % 3) * 10;
		W->p_copy_pkt = (r % 5) * 5;
		W->p_copy_fail = (r % 2) * 10;
		W->hdr_len = (r % 3) * ZNB_TX_HDR_LEN;
		for (sent = 0; W->ms.pkts_sent < 300 && sent < 1000000; sent++)
			m_step(W);
		m_drain(W);
		done();
	}
}

UNIT_TEST(lifecycle_random_run)
{
	struct timespec t0, t1;
	unsigned long steps = 0;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	if (W)
		m_world_free(W);
	W = m_world_new(unit_seed);
	while (W->ms.pkts_sent < unit_packets) {
		m_step(W);
		if (++steps > 200ul * unit_packets + 100000)
			FAIL("no progress after %lu steps (%llu packets sent)", steps,
			     (unsigned long long)W->ms.pkts_sent);
	}
	m_drain(W);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	printf("  random run: seed %llu, %llu packets (%llu ok, %llu dropped, %llu "
	       "failed, %llu copied), %llu steps, %llu segments, %llu clones, "
	       "%llu copy-outs, %llu holders, %llu overflows, %llu deferrals, "
	       "peak %llu mapped, %.2f s\n",
	       (unsigned long long)unit_seed, (unsigned long long)W->ms.pkts_sent,
	       (unsigned long long)W->ms.pkts_ok, (unsigned long long)W->ms.pkts_dropped,
	       (unsigned long long)W->ms.pkts_failed, (unsigned long long)W->ms.pkts_copied,
	       (unsigned long long)W->ms.steps, (unsigned long long)W->ms.segments,
	       (unsigned long long)W->ms.clones, (unsigned long long)W->ms.copy_outs,
	       (unsigned long long)W->ms.holders, (unsigned long long)W->ms.overflows,
	       (unsigned long long)W->q.st.busy_deferrals,
	       (unsigned long long)W->q.st.mapped_peak,
	       (t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9);
	done();
}
