// SPDX-License-Identifier: GPL-2.0
/*
 * Tests of the copy-or-map policy (grant/policy.c) and of its feedback from
 * the zerocopy completion (grant/pool.c).
 */
#include "fixture.h"

static struct znb_flow_table T;

/* Feeds @n mapped completions of @hash, each copied out or not. */
static void complete_mapped(u32 hash, unsigned int n, bool copied_out)
{
	while (n--)
		znb_policy_learn(&T, hash, copied_out);
}

/* Packets decided until the first mapped one (a probe), at most @limit. */
static unsigned int packets_until_mapped(u32 hash, unsigned int limit)
{
	unsigned int n;

	for (n = 1; n <= limit; n++)
		if (znb_policy_decide(&T, ZNB_POLICY_AUTO, hash, 9000, 256))
			return n;
	return 0;
}

UNIT_TEST(policy_forced_modes_ignore_size_and_history)
{
	znb_policy_init(&T);
	complete_mapped(7, 10, true);
	CHECK(znb_policy_decide(&T, ZNB_POLICY_MAP, 7, 60, 256), "map forced");
	CHECK(!znb_policy_decide(&T, ZNB_POLICY_COPY, 99, 60000, 256), "copy forced");
	CHECK_EQ(T.mapped, 1);
	CHECK_EQ(T.copied, 1);
}

UNIT_TEST(policy_small_packets_are_copied)
{
	znb_policy_init(&T);
	CHECK(!znb_policy_decide(&T, ZNB_POLICY_AUTO, 5, 255, 256), "255 < 256 copied");
	CHECK(znb_policy_decide(&T, ZNB_POLICY_AUTO, 5, 256, 256), "256 mapped");
	CHECK_EQ(T.copied_small, 1);
}

UNIT_TEST(policy_new_flow_is_mapped)
{
	znb_policy_init(&T);
	CHECK(znb_policy_decide(&T, ZNB_POLICY_AUTO, 42, 1500, 256), "unknown flow mapped");
	CHECK_EQ(T.tracked, 0);
}

UNIT_TEST(policy_flow_copied_out_switches_to_copy_after_threshold)
{
	znb_policy_init(&T);
	complete_mapped(42, ZNB_FLOW_COPY_AFTER - 1, true);
	CHECK(znb_policy_decide(&T, ZNB_POLICY_AUTO, 42, 1500, 256),
	      "still mapped below threshold");
	complete_mapped(42, 1, true);
	CHECK_EQ(T.to_copy, 1);
	CHECK(!znb_policy_decide(&T, ZNB_POLICY_AUTO, 42, 1500, 256), "copied at threshold");
}

UNIT_TEST(policy_one_success_resets_the_copy_out_streak)
{
	znb_policy_init(&T);
	complete_mapped(42, ZNB_FLOW_COPY_AFTER - 1, true);
	complete_mapped(42, 1, false);
	complete_mapped(42, ZNB_FLOW_COPY_AFTER - 1, true);
	CHECK_EQ(T.to_copy, 0);
	CHECK(znb_policy_decide(&T, ZNB_POLICY_AUTO, 42, 1500, 256), "streak was broken");
}

UNIT_TEST(policy_copied_flow_probes_within_bound)
{
	unsigned int n;

	znb_policy_init(&T);
	complete_mapped(42, ZNB_FLOW_COPY_AFTER, true);
	n = packets_until_mapped(42, 10 * ZNB_FLOW_PROBE_EVERY);
	CHECK(n > 0 && n <= ZNB_FLOW_PROBE_EVERY, "probe after %u packets", n);
	CHECK_EQ(T.probes, 1);
	/* The probe is copied out again: the flow stays copied. */
	complete_mapped(42, 1, true);
	CHECK(!znb_policy_decide(&T, ZNB_POLICY_AUTO, 42, 1500, 256), "still copied");
}

UNIT_TEST(policy_path_change_returns_flow_to_map_within_bound)
{
	unsigned int n;

	znb_policy_init(&T);
	complete_mapped(42, ZNB_FLOW_COPY_AFTER, true);
	n = packets_until_mapped(42, 10 * ZNB_FLOW_PROBE_EVERY);
	CHECK(n > 0 && n <= ZNB_FLOW_PROBE_EVERY, "probe after %u packets", n);
	complete_mapped(42, 1, false);	/* the route changed: the probe left dom0 in place */
	CHECK_EQ(T.to_map, 1);
	CHECK(znb_policy_decide(&T, ZNB_POLICY_AUTO, 42, 1500, 256), "mapped again");
}

UNIT_TEST(policy_tuned_thresholds_bound_switch_and_probe)
{
	unsigned int n;

	znb_policy_init(&T);
	znb_policy_tune(&T, 1, 8);
	complete_mapped(42, 1, true);
	CHECK_EQ(T.to_copy, 1);
	n = packets_until_mapped(42, 100);
	CHECK(n > 0 && n <= 8, "probe after %u packets", n);

	znb_policy_tune(&T, 0, 0);	/* clamped: copy after 1, map every packet */
	CHECK_EQ(T.copy_after, 1);
	CHECK_EQ(T.probe_every, 1);
	CHECK(znb_policy_decide(&T, ZNB_POLICY_AUTO, 42, 1500, 256), "probe every packet");
	znb_policy_tune(&T, 1000, 1000000);
	CHECK_EQ(T.copy_after, ZNB_FLOW_COPY_AFTER_MAX);
	CHECK_EQ(T.probe_every, ZNB_FLOW_PROBE_EVERY_MAX);
}

UNIT_TEST(policy_flows_sharing_an_entry_do_not_inherit_state)
{
	u32 a = 3, b = 3 + ZNB_FLOWS;

	znb_policy_init(&T);
	complete_mapped(a, ZNB_FLOW_COPY_AFTER, true);
	CHECK(znb_policy_decide(&T, ZNB_POLICY_AUTO, b, 1500, 256), "other flow mapped");
	complete_mapped(b, 1, true);
	CHECK_EQ(T.tracked, 2);
	CHECK(znb_policy_decide(&T, ZNB_POLICY_AUTO, a, 1500, 256), "evicted flow mapped");
}

static void frame_ipv4_udp(u8 *f, u32 saddr, u16 sport)
{
	memset(f, 0, 64);
	f[12] = 0x08;
	f[14] = 0x45;
	f[23] = 17;
	f[26] = (u8)(saddr >> 24);
	f[27] = (u8)(saddr >> 16);
	f[28] = (u8)(saddr >> 8);
	f[29] = (u8)saddr;
	f[30] = 10;
	f[33] = 1;
	f[34] = (u8)(sport >> 8);
	f[35] = (u8)sport;
	f[36] = 0x27;
	f[37] = 0x0f;
}

UNIT_TEST(policy_flow_hash_separates_flows_and_ignores_payload)
{
	u8 a[64], b[64], c[64];

	frame_ipv4_udp(a, 0x0a000002, 40000);
	frame_ipv4_udp(b, 0x0a000002, 40001);
	frame_ipv4_udp(c, 0x0a000002, 40000);
	c[50] = 0xff;	/* payload byte */
	CHECK(znb_flow_hash(a, 64) != znb_flow_hash(b, 64), "ports differ");
	CHECK_EQ(znb_flow_hash(a, 64), znb_flow_hash(c, 64));
	CHECK(znb_flow_hash(a, 3) != 0, "never 0 even for runts");
}

UNIT_TEST(policy_completion_teaches_the_queue_flow_table)
{
	static struct znb_txq q;
	struct znb_tx_plan plan = { .nr_slots = 1, .pkt_len = 1500 };
	u16 idx[ZNB_TX_SLOTS_MAX];
	int i, pkt;

	fixture_txq_init(&q);
	for (i = 0; i < ZNB_FLOW_COPY_AFTER; i++) {
		struct znb_unmap_batch b;
		s16 ok[ZNB_UNMAP_BATCH] = { 0 };

		pkt = znb_pkt_start(&q, &plan, idx);
		CHECK(pkt >= 0, "slots available");
		q.pkt[pkt].flow_hash = 77;
		znb_slot_mapped(&q, idx[0], 5);
		znb_pkt_arm(&q, (u16)pkt);
		CHECK(znb_pkt_zc_put(&q.pkt[pkt], false), "last put releases");
		CHECK_EQ(znb_dealloc_collect(&q, &b), 1);
		znb_dealloc_finish(&q, &b, ok);
	}
	CHECK_EQ(q.flows.to_copy, 1);
	CHECK(!znb_policy_decide(&q.flows, ZNB_POLICY_AUTO, 77, 1500, 256), "flow copied");
	CHECK_EQ(znb_txq_outstanding(&q), 0);
}
