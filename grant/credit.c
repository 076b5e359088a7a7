// SPDX-License-Identifier: GPL-2.0
/*
 * Rate limit of a guest's transmissions, with the meaning libxl gives the
 * vif's rate= option: at most BYTES every MICROSECONDS, refilled at the
 * start of every period.  A packet is charged whole before anything of it
 * is mapped or copied, so a throttled guest's requests simply wait on its
 * ring: nothing is dropped, and nothing of dom0's is held for it meanwhile.
 */
#include "znb_credit.h"

/**
 * znb_credit_parse() - read the backend's "rate" key
 * @text: its value, "BYTES,MICROSECONDS" as libxl writes it
 * @bytes: out: allowance per period
 * @period_us: out: the period
 *
 * Return: true if @text is well formed; a zero BYTES or MICROSECONDS means
 * no limit.
 */
bool znb_credit_parse(const char *text, u64 *bytes, u32 *period_us)
{
	u64 b = 0, us = 0;
	const char *p = text;

	if (*p < '0' || *p > '9')
		return false;
	for (; *p >= '0' && *p <= '9'; p++) {
		u64 digit = (u64)(*p - '0');

		if (b > (~0ULL - digit) / 10)
			return false;
		b = b * 10 + digit;
	}
	if (*p++ != ',' || *p < '0' || *p > '9')
		return false;
	for (; *p >= '0' && *p <= '9'; p++) {
		us = us * 10 + (u64)(*p - '0');
		if (us > 0xffffffffULL)
			return false;
	}
	if (*p != '\0' && *p != '\n')
		return false;
	*bytes = us ? b : 0;
	*period_us = b ? (u32)us : 0;
	return true;
}

static u64 znb_credit_burst(const struct znb_credit *c)
{
	return c->bytes + ZNB_CREDIT_CARRY;
}

/**
 * znb_credit_set() - apply a rate, if it is not the one in force
 * @c: credit (zeroed before its first use: no limit)
 * @bytes: allowance per period, 0 for no limit
 * @period_us: the period
 * @now_us: current time
 *
 * A changed rate starts with one period's allowance; the rate in force
 * (the watch fires again with the same value) keeps what is left of its own.
 *
 * Return: true if the rate changed.
 */
bool znb_credit_set(struct znb_credit *c, u64 bytes, u32 period_us, u64 now_us)
{
	if (!period_us)
		bytes = 0;
	/* Beyond any link's speed; keeps the refill sums far from overflow. */
	if (bytes > ZNB_CREDIT_MAX_BYTES)
		bytes = ZNB_CREDIT_MAX_BYTES;
	if (!bytes)
		period_us = 0;
	if (c->bytes == bytes && c->period_us == period_us)
		return false;
	c->bytes = bytes;
	c->period_us = period_us;
	c->left = bytes;
	c->next_us = now_us + period_us;
	return true;
}

/**
 * znb_credit_take() - charge a packet, if the allowance covers it
 * @c: credit
 * @size: the packet's bytes
 * @now_us: current time
 *
 * Return: 0 if the packet may go (it is charged), otherwise how many
 * microseconds until enough is refilled for it, when it may be asked again.
 */
u64 znb_credit_take(struct znb_credit *c, u32 size, u64 now_us)
{
	if (!c->bytes)
		return 0;
	if (now_us >= c->next_us) {
		/* Every period that passed brings its bytes, up to the burst. */
		u64 periods = (now_us - c->next_us) / c->period_us + 1;
		u64 burst = znb_credit_burst(c);

		if (periods > burst / c->bytes + 1)
			c->left = burst;
		else if (c->left + periods * c->bytes > burst)
			c->left = burst;
		else
			c->left += periods * c->bytes;
		c->next_us += periods * c->period_us;
	}
	if (size <= c->left) {
		c->left -= size;
		return 0;
	}
	/* The refills it still needs after the next one; it fits the burst. */
	return c->next_us - now_us +
	       (size - c->left - 1) / c->bytes * c->period_us;
}
