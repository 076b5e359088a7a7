// SPDX-License-Identifier: GPL-2.0
/*
 * Tests of the transmit allowance behind the vif's rate= (grant/credit.c).
 */
#include "fixture.h"
#include "znb_credit.h"

UNIT_TEST(credit_parse_reads_what_libxl_writes)
{
	u64 b = 1;
	u32 us = 1;

	CHECK(znb_credit_parse("62500,50000", &b, &us), "10 Mb/s as libxl writes it");
	CHECK_EQ(b, 62500);
	CHECK_EQ(us, 50000);
	CHECK(znb_credit_parse("0,0", &b, &us), "no limit");
	CHECK_EQ(b, 0);
	CHECK(znb_credit_parse("1000,0", &b, &us), "a zero period is no limit");
	CHECK_EQ(b, 0);
	CHECK_EQ(us, 0);
	CHECK(znb_credit_parse("18446744073709551615,1", &b, &us), "u64 max");
	CHECK(!znb_credit_parse("18446744073709551616,1", &b, &us), "u64 overflow");
	CHECK(!znb_credit_parse("1,4294967296", &b, &us), "u32 period overflow");
	CHECK(!znb_credit_parse("", &b, &us), "empty");
	CHECK(!znb_credit_parse("10Mb/s", &b, &us), "xl syntax is not the key's");
	CHECK(!znb_credit_parse("100,", &b, &us), "no period");
	CHECK(!znb_credit_parse("-1,50000", &b, &us), "negative");
	CHECK(!znb_credit_parse("100,50000x", &b, &us), "trailing junk");
}

/*
 * A guest that always has more to send, in packets of @size, from *@now
 * until @until, asking again every millisecond: the bytes it got out.
 */
static u64 send_until(struct znb_credit *c, u32 size, u64 *now, u64 until)
{
	u64 sent = 0;

	for (; *now < until; *now += 1000)
		while (!znb_credit_take(c, size, *now))
			sent += size;
	return sent;
}

UNIT_TEST(credit_unlimited_never_waits)
{
	struct znb_credit c = { 0 };

	znb_credit_set(&c, 0, 50000, 0);
	CHECK_EQ(znb_credit_take(&c, 65535, 0), 0);
	znb_credit_set(&c, 1000, 0, 0);
	CHECK_EQ(znb_credit_take(&c, 65535, 0), 0);
}

UNIT_TEST(credit_limits_bytes_per_period)
{
	struct znb_credit c = { 0 };
	u64 sent = 0, now = 0, wait;

	/* 1 MB per 100 ms: the first period may send its bytes at once. */
	znb_credit_set(&c, 1000000, 100000, now);
	while (!znb_credit_take(&c, 1500, now))
		sent += 1500;
	CHECK(sent <= 1000000 && sent > 1000000 - 1500, "one period's bytes: %llu",
	      (unsigned long long)sent);
	wait = znb_credit_take(&c, 1500, now);
	CHECK_EQ(wait, 100000);
	/*
	 * Ten seconds of a guest that always has more to send: 99 refills,
	 * and what a packet that did not fit left over is not lost.
	 */
	sent = send_until(&c, 1500, &now, 10000000);
	CHECK(sent >= 99 * 1000000ULL - 1500 && sent <= 99 * 1000000ULL + 1500,
	      "10 s at 10 MB/s sent %llu", (unsigned long long)sent);
}

UNIT_TEST(credit_gso_packets_get_the_full_rate)
{
	struct znb_credit c = { 0 };
	u64 sent, now = 0;

	/* 25 Mb/s as libxl writes it; the guest sends 64 KiB GSO packets. */
	znb_credit_set(&c, 156250, 50000, 0);
	sent = send_until(&c, 65535, &now, 10000000);
	CHECK(sent >= 200 * 156250ULL - 65535 && sent <= 200 * 156250ULL + 65535,
	      "10 s at 3.125 MB/s sent %llu", (unsigned long long)sent);
}

UNIT_TEST(credit_a_gso_packet_passes_at_any_rate)
{
	struct znb_credit c = { 0 };
	u64 wait;

	/* 1000 bytes per 10 ms = 100 kB/s: a 64 KiB packet waits its turn. */
	znb_credit_set(&c, 1000, 10000, 0);
	wait = znb_credit_take(&c, 65535, 0);
	/* One wait until enough is refilled, not one wake-up per period. */
	CHECK(wait == 650000, "waits 65 periods: %llu", (unsigned long long)wait);
	CHECK(znb_credit_take(&c, 65535, wait - 10000), "not a period early");
	CHECK_EQ(znb_credit_take(&c, 65535, wait), 0);
}

UNIT_TEST(credit_quiet_guest_saves_at_most_a_period_and_a_packet)
{
	struct znb_credit c = { 0 };
	u64 sent = 0;

	znb_credit_set(&c, 1000000, 100000, 0);
	while (!znb_credit_take(&c, 1000, 0))
		sent += 1000;
	/* An hour of silence earns one period and one packet, not an hour. */
	for (sent = 0; !znb_credit_take(&c, 1000, 3600000000ULL);)
		sent += 1000;
	CHECK_EQ(sent, 1065000);
}

UNIT_TEST(credit_new_rate_applies_at_once)
{
	struct znb_credit c = { 0 };

	znb_credit_set(&c, 200000, 50000, 0);
	while (!znb_credit_take(&c, 1000, 0))
		;
	CHECK(znb_credit_take(&c, 1000, 0), "exhausted");
	znb_credit_set(&c, 0, 0, 10);
	CHECK_EQ(znb_credit_take(&c, 1000, 10), 0);
	znb_credit_set(&c, ~0ULL, 1, 20);
	CHECK_EQ(c.bytes, ZNB_CREDIT_MAX_BYTES);
	CHECK_EQ(znb_credit_take(&c, 65535, 1ULL << 62), 0);
}

UNIT_TEST(credit_same_rate_again_keeps_what_is_left)
{
	struct znb_credit c = { 0 };

	CHECK(!znb_credit_set(&c, 0, 50000, 0), "no limit on a zeroed credit already");
	CHECK(znb_credit_set(&c, 100000, 50000, 0), "a new rate");
	CHECK_EQ(znb_credit_take(&c, 60000, 0), 0);
	/* The watch fires again with the same value: no fresh allowance. */
	CHECK(!znb_credit_set(&c, 100000, 50000, 10), "the same rate");
	CHECK(znb_credit_take(&c, 60000, 10), "40000 left, not 100000");
	CHECK(znb_credit_set(&c, ~0ULL, 1, 20), "clamped, changed");
	CHECK(!znb_credit_set(&c, ~0ULL - 1, 1, 30), "clamps to the same rate");
}
