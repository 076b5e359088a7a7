// SPDX-License-Identifier: GPL-2.0
/*
 * Table tests of the TX request validator (grant/txreq.c).  Each malformed
 * request class has its own test, named after the advisory or the netif.h
 * rule it enforces.  Requests are written with the real netif structs on a
 * real shared ring through FRONT_RING; the validator reads the BACK_RING.
 */
#include "fixture.h"
#include "txring.h"

static unsigned char ringpage[ZNB_PAGE_SIZE] __aligned(4096);
static struct txring R;
static struct znb_tx_plan P;

#define MD ZNB_TXF_MORE_DATA
#define EI ZNB_TXF_EXTRA_INFO
#define XMORE XEN_NETIF_EXTRA_FLAG_MORE

static void fresh(RING_IDX start)
{
	txring_init(&R, ringpage, start);
	/* A garbage plan: the validator must not depend on its old contents. */
	memset(&P, 0xa5, sizeof(P));
}

/* Verdict plus the req_cons movement rule: +consumed on OK/DROP, 0 else. */
static void expect_verdict(enum znb_tx_verdict want_v, enum znb_tx_error want_e)
{
	RING_IDX before = R.back.req_cons;
	RING_IDX prod = R.s->req_prod;
	enum znb_tx_verdict v = txring_gather(&R, &P);

	if (v != want_v)
		FAIL("verdict %d (%s), expected %d (err %d %s)", v,
		     znb_tx_error_str(P.err), want_v, want_e, znb_tx_error_str(want_e));
	if (v == ZNB_TX_OK || v == ZNB_TX_DROP) {
		CHECK_EQ(P.err, want_e);
		CHECK_EQ(R.back.req_cons - before, P.consumed);
		CHECK(P.consumed <= prod - before, "consumed past req_prod");
		CHECK_EQ(P.consumed, P.nr_slots + P.nr_extras);
	} else if (v == ZNB_TX_FATAL) {
		CHECK_EQ(P.err, want_e);
		CHECK_EQ(R.back.req_cons, before);
	} else {
		CHECK_EQ(R.back.req_cons, before);
	}
}

static void check_slot(unsigned int i, grant_ref_t gref, u16 id, u16 off, u16 size)
{
	CHECK(i < P.nr_slots, "slot %u of %u", i, P.nr_slots);
	CHECK_EQ(P.slot[i].gref, gref);
	CHECK_EQ(P.slot[i].id, id);
	CHECK_EQ(P.slot[i].offset, off);
	CHECK_EQ(P.slot[i].size, size);
}

#define expect(v, e)			CHECKED(expect_verdict(v, e))
#define expect_slot(i, gref, id, off, size) CHECKED(check_slot(i, gref, id, off, size))

/* n data slots; following slots get @each bytes, the first the rest. */
static void put_packet(unsigned int n, u16 pkt_len, u16 each, u16 first_flags)
{
	unsigned int i;

	txring_req(&R, 100, 0, first_flags | (n > 1 ? MD : 0), 0, pkt_len);
	for (i = 1; i < n; i++)
		txring_req(&R, 100 + i, 0, i + 1 < n ? MD : 0, i, each);
}

/* ---- valid packets ---------------------------------------------------- */

UNIT_TEST(txreq_empty_ring_is_empty)
{
	fresh(0);
	expect(ZNB_TX_EMPTY, ZNB_TXE_NONE);
}

UNIT_TEST(txreq_valid_single_slot)
{
	fresh(0);
	txring_req(&R, 33, 100, ZNB_TXF_CSUM_BLANK, 7, 60);
	txring_publish(&R);
	expect(ZNB_TX_OK, ZNB_TXE_NONE);
	CHECK_EQ(P.nr_slots, 1);
	CHECK_EQ(P.nr_extras, 0);
	CHECK_EQ(P.consumed, 1);
	CHECK_EQ(P.pkt_len, 60);
	CHECK_EQ(P.flags, ZNB_TXF_CSUM_BLANK);
	CHECK_EQ(P.extras_present, 0);
	expect_slot(0, 33, 7, 100, 60);
	expect(ZNB_TX_EMPTY, ZNB_TXE_NONE);
}

UNIT_TEST(txreq_valid_multi_slot_first_size_is_len_minus_following)
{
	fresh(0);
	txring_req(&R, 10, 96, MD, 3, 5000);
	txring_req(&R, 11, 0, MD, 4, 2000);
	txring_req(&R, 12, 4000, 0, 9, 96);
	txring_publish(&R);
	expect(ZNB_TX_OK, ZNB_TXE_NONE);
	CHECK_EQ(P.nr_slots, 3);
	CHECK_EQ(P.consumed, 3);
	CHECK_EQ(P.pkt_len, 5000);
	expect_slot(0, 10, 3, 96, 5000 - 2000 - 96);
	expect_slot(1, 11, 4, 0, 2000);
	expect_slot(2, 12, 9, 4000, 96);
}

UNIT_TEST(txreq_valid_gso_extra)
{
	fresh(0);
	txring_req(&R, 10, 0, MD | EI, 1, 3000);
	txring_gso(&R, 0, 1448, XEN_NETIF_GSO_TYPE_TCPV4);
	txring_req(&R, 11, 0, 0, 2, 1000);
	txring_publish(&R);
	expect(ZNB_TX_OK, ZNB_TXE_NONE);
	CHECK_EQ(P.nr_slots, 2);
	CHECK_EQ(P.nr_extras, 1);
	CHECK_EQ(P.consumed, 3);
	CHECK_EQ(P.extras_present, 1u << XEN_NETIF_EXTRA_TYPE_GSO);
	CHECK_EQ(P.extra[XEN_NETIF_EXTRA_TYPE_GSO].u.gso.size, 1448);
	CHECK_EQ(P.extra[XEN_NETIF_EXTRA_TYPE_GSO].u.gso.type, XEN_NETIF_GSO_TYPE_TCPV4);
	expect_slot(0, 10, 1, 0, 2000);
	expect_slot(1, 11, 2, 0, 1000);
}

UNIT_TEST(txreq_valid_hash_extra)
{
	struct znb_extra_info *x;

	fresh(0);
	txring_req(&R, 10, 0, EI, 1, 100);
	x = txring_extra(&R, XEN_NETIF_EXTRA_TYPE_HASH, 0);
	x->u.hash.type = 1;
	x->u.hash.value[0] = 0x42;
	txring_publish(&R);
	expect(ZNB_TX_OK, ZNB_TXE_NONE);
	CHECK_EQ(P.nr_extras, 1);
	CHECK_EQ(P.consumed, 2);
	CHECK_EQ(P.extras_present, 1u << XEN_NETIF_EXTRA_TYPE_HASH);
	CHECK_EQ(P.extra[XEN_NETIF_EXTRA_TYPE_HASH].u.hash.value[0], 0x42);
	expect_slot(0, 10, 1, 0, 100);
}

UNIT_TEST(txreq_valid_gso_and_hash_extras_chained)
{
	fresh(0);
	txring_req(&R, 10, 0, EI | MD, 1, 3000);
	txring_gso(&R, XMORE, 1400, XEN_NETIF_GSO_TYPE_TCPV6);
	txring_extra(&R, XEN_NETIF_EXTRA_TYPE_HASH, 0);
	txring_req(&R, 11, 0, 0, 2, 1000);
	txring_publish(&R);
	expect(ZNB_TX_OK, ZNB_TXE_NONE);
	CHECK_EQ(P.nr_extras, 2);
	CHECK_EQ(P.nr_slots, 2);
	CHECK_EQ(P.consumed, 4);
	CHECK_EQ(P.extras_present, (1u << XEN_NETIF_EXTRA_TYPE_GSO) |
				   (1u << XEN_NETIF_EXTRA_TYPE_HASH));
}

UNIT_TEST(txreq_valid_netif_nr_slots_min_18_slots)
{
	unsigned int i;

	fresh(0);
	put_packet(XEN_NETIF_NR_SLOTS_MIN, 60000, 3500, 0);
	txring_publish(&R);
	expect(ZNB_TX_OK, ZNB_TXE_NONE);
	CHECK_EQ(P.nr_slots, XEN_NETIF_NR_SLOTS_MIN);
	CHECK_EQ(P.consumed, XEN_NETIF_NR_SLOTS_MIN);
	CHECK_EQ(P.slot[0].size, 60000 - 17 * 3500);
	for (i = 1; i < P.nr_slots; i++)
		expect_slot(i, 100 + i, i, 0, 3500);
}

UNIT_TEST(txreq_valid_ring_index_wraparound)
{
	fresh(0xfffffffeu);
	txring_req(&R, 10, 0, MD | EI, 1, 3000);
	txring_gso(&R, 0, 1448, XEN_NETIF_GSO_TYPE_TCPV4);
	txring_req(&R, 11, 0, MD, 2, 1000);
	txring_req(&R, 12, 0, 0, 3, 1000);
	txring_publish(&R);
	expect(ZNB_TX_OK, ZNB_TXE_NONE);
	CHECK_EQ(R.back.req_cons, 2);
	expect_slot(2, 12, 3, 0, 1000);
}

UNIT_TEST(txreq_valid_mcast_with_multicast_control)
{
	fresh(0);
	R.lim.mcast_ctrl = true;
	txring_req(&R, 10, 0, EI, 1, 60);
	txring_extra(&R, XEN_NETIF_EXTRA_TYPE_MCAST_ADD, 0);
	txring_publish(&R);
	expect(ZNB_TX_OK, ZNB_TXE_NONE);
	CHECK_EQ(P.extras_present, 1u << XEN_NETIF_EXTRA_TYPE_MCAST_ADD);
}

UNIT_TEST(txreq_valid_slot_ending_exactly_at_page_end)
{
	fresh(0);
	txring_req(&R, 10, 4000, MD, 1, 96 + 4096);
	txring_req(&R, 11, 0, 0, 2, 4096);
	txring_publish(&R);
	expect(ZNB_TX_OK, ZNB_TXE_NONE);
	expect_slot(0, 10, 1, 4000, 96);
}

UNIT_TEST(txreq_valid_back_to_back_packets)
{
	fresh(0);
	put_packet(3, 3000, 1000, 0);
	txring_req(&R, 50, 0, EI, 50, 100);
	txring_gso(&R, 0, 1000, XEN_NETIF_GSO_TYPE_TCPV4);
	put_packet(2, 200, 100, 0);
	txring_publish(&R);
	expect(ZNB_TX_OK, ZNB_TXE_NONE);
	CHECK_EQ(P.nr_slots, 3);
	expect(ZNB_TX_OK, ZNB_TXE_NONE);
	CHECK_EQ(P.nr_slots, 1);
	CHECK_EQ(P.nr_extras, 1);
	expect(ZNB_TX_OK, ZNB_TXE_NONE);
	CHECK_EQ(P.nr_slots, 2);
	CHECK_EQ(R.back.req_cons, 3 + 2 + 2);
	expect(ZNB_TX_EMPTY, ZNB_TXE_NONE);
}

/* ---- fatal: the ring itself cannot be trusted --------------------------- */

UNIT_TEST(txreq_xsa39_req_prod_more_than_a_ring_ahead_is_fatal)
{
	fresh(0);
	txring_req(&R, 10, 0, 0, 1, 60);
	txring_publish(&R);
	R.s->req_prod = R.back.req_cons + RING_SIZE(&R.back) + 1;
	expect(ZNB_TX_FATAL, ZNB_TXE_PROD_OVERFLOW);
	/* req_prod behind req_cons looks like ~4G requests. */
	R.s->req_prod = R.back.req_cons - 1;
	expect(ZNB_TX_FATAL, ZNB_TXE_PROD_OVERFLOW);
}

UNIT_TEST(txreq_xsa39_req_prod_exactly_a_ring_ahead_is_allowed)
{
	unsigned int i;

	fresh(0);
	for (i = 0; i < RING_SIZE(&R.front); i++)
		txring_req(&R, i, 0, 0, i, 60);
	txring_publish(&R);
	for (i = 0; i < RING_SIZE(&R.front); i++)
		expect(ZNB_TX_OK, ZNB_TXE_NONE);
	expect(ZNB_TX_EMPTY, ZNB_TXE_NONE);
}

UNIT_TEST(txreq_netif_packet_crossing_req_prod_is_fatal)
{
	fresh(0);
	txring_req(&R, 10, 0, MD, 1, 3000);
	txring_req(&R, 11, 0, MD, 2, 1000);	/* promises a third slot */
	txring_publish(&R);
	expect(ZNB_TX_FATAL, ZNB_TXE_TRUNCATED);
}

UNIT_TEST(txreq_netif_extra_info_crossing_req_prod_is_fatal)
{
	fresh(0);
	txring_req(&R, 10, 0, EI, 1, 60);	/* extra never published */
	txring_publish(&R);
	expect(ZNB_TX_FATAL, ZNB_TXE_TRUNCATED);
}

UNIT_TEST(txreq_netif_extra_missing_terminator_is_fatal)
{
	fresh(0);
	txring_req(&R, 10, 0, EI, 1, 60);
	txring_gso(&R, XMORE, 1448, XEN_NETIF_GSO_TYPE_TCPV4);	/* chain runs past req_prod */
	txring_publish(&R);
	expect(ZNB_TX_FATAL, ZNB_TXE_TRUNCATED);
}

UNIT_TEST(txreq_netif_following_slot_crossing_page_is_fatal)
{
	fresh(0);
	txring_req(&R, 10, 0, MD, 1, 3000);
	txring_req(&R, 11, 4000, 0, 2, 97);
	txring_publish(&R);
	expect(ZNB_TX_FATAL, ZNB_TXE_CROSSES_PAGE);
}

UNIT_TEST(txreq_netif_first_slot_crossing_page_is_fatal)
{
	fresh(0);
	txring_req(&R, 10, 4000, 0, 1, 97);
	txring_publish(&R);
	expect(ZNB_TX_FATAL, ZNB_TXE_CROSSES_PAGE);
}

UNIT_TEST(txreq_cve_2023_34319_more_than_fatal_slots_is_fatal)
{
	fresh(0);
	put_packet(ZNB_TX_SLOTS_FATAL + 1, 60000, 2000, 0);
	txring_publish(&R);
	expect(ZNB_TX_FATAL, ZNB_TXE_TOO_MANY_SLOTS);
}

UNIT_TEST(txreq_cve_2023_34319_between_soft_and_fatal_is_dropped)
{
	unsigned int n;

	for (n = ZNB_TX_SLOTS_SOFT + 1; n <= ZNB_TX_SLOTS_FATAL; n++) {
		fresh(0);
		put_packet(n, 60000, 2000, 0);
		txring_publish(&R);
		expect(ZNB_TX_DROP, ZNB_TXE_SOFT_SLOTS);
		CHECK_EQ(P.nr_slots, n);
		CHECK_EQ(P.consumed, n);
		expect(ZNB_TX_EMPTY, ZNB_TXE_NONE);
	}
}

UNIT_TEST(txreq_fatal_slot_limit_is_clamped_to_max)
{
	fresh(0);
	R.lim.fatal_slots = 1000;
	put_packet(ZNB_TX_SLOTS_MAX, 64000, 1000, 0);
	txring_publish(&R);
	expect(ZNB_TX_DROP, ZNB_TXE_SOFT_SLOTS);
	CHECK_EQ(P.nr_slots, ZNB_TX_SLOTS_MAX);
	put_packet(ZNB_TX_SLOTS_MAX + 1, 64000, 1000, 0);
	txring_publish(&R);
	expect(ZNB_TX_FATAL, ZNB_TXE_TOO_MANY_SLOTS);
}

UNIT_TEST(txreq_netif_extra_type_none_is_fatal)
{
	fresh(0);
	txring_req(&R, 10, 0, EI, 1, 60);
	txring_extra(&R, XEN_NETIF_EXTRA_TYPE_NONE, 0);
	txring_publish(&R);
	expect(ZNB_TX_FATAL, ZNB_TXE_EXTRA_UNKNOWN);
}

UNIT_TEST(txreq_netif_extra_type_unknown_is_fatal)
{
	static const u8 types[] = { XEN_NETIF_EXTRA_TYPE_MAX, 0x7f, 0xff };
	unsigned int i;

	for (i = 0; i < sizeof(types); i++) {
		fresh(0);
		txring_req(&R, 10, 0, EI, 1, 60);
		txring_extra(&R, types[i], 0);
		txring_publish(&R);
		expect(ZNB_TX_FATAL, ZNB_TXE_EXTRA_UNKNOWN);
	}
}

UNIT_TEST(txreq_netif_gso_size_zero_is_fatal)
{
	fresh(0);
	txring_req(&R, 10, 0, EI, 1, 60);
	txring_gso(&R, 0, 0, XEN_NETIF_GSO_TYPE_TCPV4);
	txring_publish(&R);
	expect(ZNB_TX_FATAL, ZNB_TXE_GSO_SIZE_ZERO);
}

UNIT_TEST(txreq_netif_gso_type_unknown_is_fatal)
{
	static const u8 types[] = { XEN_NETIF_GSO_TYPE_NONE, 3, 0xff };
	unsigned int i;

	for (i = 0; i < sizeof(types); i++) {
		fresh(0);
		txring_req(&R, 10, 0, EI, 1, 60);
		txring_gso(&R, 0, 1448, types[i]);
		txring_publish(&R);
		expect(ZNB_TX_FATAL, ZNB_TXE_GSO_TYPE_UNKNOWN);
	}
}

/* ---- drop: the packet is bad, the ring is fine -------------------------- */

UNIT_TEST(txreq_netif_zero_length_following_slot_is_accepted)
{
	fresh(0);
	txring_req(&R, 10, 0, MD, 1, 3000);
	txring_req(&R, 11, 0, MD, 2, 0);
	txring_req(&R, 12, 0, 0, 3, 1000);
	txring_publish(&R);
	expect(ZNB_TX_OK, ZNB_TXE_NONE);
	CHECK_EQ(P.slot[0].size, 2000);
	CHECK_EQ(P.slot[1].size, 0);
	CHECK_EQ(P.nr_slots, 3);
	CHECK_EQ(P.slot[1].id, 2);
	CHECK_EQ(P.slot[2].id, 3);
}

UNIT_TEST(txreq_xsa448_first_slot_smaller_than_following_is_dropped)
{
	fresh(0);
	txring_req(&R, 10, 0, MD, 1, 1500);
	txring_req(&R, 11, 0, MD, 2, 1000);
	txring_req(&R, 12, 0, 0, 3, 1000);
	txring_publish(&R);
	expect(ZNB_TX_DROP, ZNB_TXE_FIRST_TOO_SMALL);
	CHECK_EQ(P.nr_slots, 3);
	CHECK_EQ(P.consumed, 3);
}

/*
 * CVE-2023-46838 (XSA-448) is about zero-size SKB frags: a packet whose
 * length equals the sum of its following slots leaves the first slot with
 * no data of its own.  Linux netback drops it (first slot < ETH_HLEN after
 * xenvif_count_requests); a plan with slot[0].size == 0 must never reach the
 * frag builder.
 */
UNIT_TEST(txreq_xsa448_first_slot_with_no_own_data_is_dropped)
{
	fresh(0);
	txring_req(&R, 10, 0, MD, 1, 2000);
	txring_req(&R, 11, 0, MD, 2, 1000);
	txring_req(&R, 12, 0, 0, 3, 1000);
	txring_publish(&R);
	CHECK_EQ(txring_gather(&R, &P), ZNB_TX_DROP);
	CHECK(P.err == ZNB_TXE_FIRST_TOO_SMALL || P.err == ZNB_TXE_RUNT, "err %s",
	      znb_tx_error_str(P.err));
	CHECK_EQ(P.consumed, 3);
}

UNIT_TEST(txreq_zero_length_first_request_is_runt_dropped)
{
	fresh(0);
	txring_req(&R, 10, 0, 0, 1, 0);
	txring_publish(&R);
	expect(ZNB_TX_DROP, ZNB_TXE_RUNT);
	CHECK_EQ(P.consumed, 1);
}

UNIT_TEST(txreq_runt_shorter_than_ethernet_header_is_dropped)
{
	fresh(0);
	txring_req(&R, 10, 0, 0, 1, ZNB_TX_MIN_PACKET - 1);
	txring_req(&R, 11, 0, 0, 2, ZNB_TX_MIN_PACKET);
	txring_publish(&R);
	expect(ZNB_TX_DROP, ZNB_TXE_RUNT);
	expect(ZNB_TX_OK, ZNB_TXE_NONE);
	expect_slot(0, 11, 2, 0, ZNB_TX_MIN_PACKET);
}

UNIT_TEST(txreq_netif_extra_type_repeated_is_dropped)
{
	fresh(0);
	txring_req(&R, 10, 0, EI | MD, 1, 3000);
	txring_gso(&R, XMORE, 1448, XEN_NETIF_GSO_TYPE_TCPV4);
	txring_gso(&R, 0, 1448, XEN_NETIF_GSO_TYPE_TCPV4);
	txring_req(&R, 11, 0, 0, 2, 1000);
	txring_publish(&R);
	expect(ZNB_TX_DROP, ZNB_TXE_EXTRA_REPEATED);
	CHECK_EQ(P.nr_extras, 2);
	CHECK_EQ(P.nr_slots, 2);
	CHECK_EQ(P.consumed, 4);
}

UNIT_TEST(txreq_netif_mcast_add_without_multicast_control_is_dropped)
{
	fresh(0);
	txring_req(&R, 10, 0, EI, 1, 60);
	txring_extra(&R, XEN_NETIF_EXTRA_TYPE_MCAST_ADD, 0);
	txring_publish(&R);
	expect(ZNB_TX_DROP, ZNB_TXE_EXTRA_MCAST);
	CHECK_EQ(P.consumed, 2);
}

UNIT_TEST(txreq_netif_mcast_del_without_multicast_control_is_dropped)
{
	fresh(0);
	txring_req(&R, 10, 0, EI, 1, 60);
	txring_extra(&R, XEN_NETIF_EXTRA_TYPE_MCAST_DEL, 0);
	txring_publish(&R);
	expect(ZNB_TX_DROP, ZNB_TXE_EXTRA_MCAST);
}

/* A dropped packet must not poison the next verdict given the same plan. */
UNIT_TEST(txreq_plan_reused_after_drop_gives_fresh_verdict)
{
	fresh(0);
	txring_req(&R, 10, 0, 0, 1, 5);		/* runt: DROP */
	txring_req(&R, 11, 0, 0, 2, 60);	/* fine */
	txring_publish(&R);
	expect(ZNB_TX_DROP, ZNB_TXE_RUNT);
	expect(ZNB_TX_OK, ZNB_TXE_NONE);
}

UNIT_TEST(txreq_uninitialised_plan_gives_ok_for_valid_packet)
{
	fresh(0);
	P.err = ZNB_TXE_RUNT;	/* stack garbage */
	txring_req(&R, 11, 0, 0, 2, 60);
	txring_publish(&R);
	expect(ZNB_TX_OK, ZNB_TXE_NONE);
}

/* ---- answering a dropped packet on the real response ring --------------- */

UNIT_TEST(txreq_drop_answers_error_per_slot_and_null_per_extra)
{
	static struct znb_txq q;
	static const struct { u16 id; s16 st; } want[] = {
		{ 5, ZNB_RSP_ERROR }, { 0, ZNB_RSP_NULL }, { 0, ZNB_RSP_NULL },
		{ 6, ZNB_RSP_ERROR }, { 9, ZNB_RSP_ERROR },
	};
	struct znb_tx_response rsp;
	RING_IDX prod, c;
	int notify;

	fresh(0);
	fixture_txq_init(&q);
	znb_txq_set_ring(&q, &R.back);
	txring_req(&R, 10, 0, EI | MD, 5, 3000);
	txring_extra(&R, XEN_NETIF_EXTRA_TYPE_MCAST_ADD, XMORE);
	txring_gso(&R, 0, 1448, XEN_NETIF_GSO_TYPE_TCPV4);
	txring_req(&R, 11, 0, MD, 6, 1000);
	txring_req(&R, 12, 0, 0, 9, 1000);
	txring_publish(&R);
	expect(ZNB_TX_DROP, ZNB_TXE_EXTRA_MCAST);
	CHECK_EQ(P.consumed, 5);

	znb_tx_respond_drop(&q, &P);
	notify = znb_txq_push_responses(&q);
	CHECK(notify, "frontend waits on rsp_event: must be notified");
	prod = R.s->rsp_prod;
	CHECK_EQ(prod, 5);
	for (c = 0; c < prod; c++) {
		RING_COPY_RESPONSE(&R.front, c, &rsp);
		CHECK_EQ(rsp.status, want[c].st);
		if (rsp.status != ZNB_RSP_NULL)
			CHECK_EQ(rsp.id, want[c].id);
	}
	CHECK_EQ(q.st.dropped, 1);
	CHECK_EQ(q.st.responses, 5);
	CHECK_EQ(znb_txq_outstanding(&q), 0);
}

UNIT_TEST(txreq_error_strings_are_distinct)
{
	int i, j;

	for (i = 0; i < ZNB_TXE_COUNT; i++) {
		CHECK(znb_tx_error_str(i), "%d", i);
		for (j = 0; j < i; j++)
			CHECK(strcmp(znb_tx_error_str(i), znb_tx_error_str(j)), "%d %d", i, j);
	}
	CHECK(!strcmp(znb_tx_error_str(ZNB_TXE_COUNT), "unknown error"), "out of range");
	CHECK(!strcmp(znb_tx_error_str((enum znb_tx_error)-1), "unknown error"), "negative");
}
