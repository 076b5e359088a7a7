// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target for the TX packet builder (grant/txbuild.c).
 *
 * Input: u8 slots, u8 frags an skb has, le16 header length, le16 offset of
 * the head in its page, u8 bit 0 = map, then le16 offset and le16 size of
 * each slot, then one byte per op: below 16, the hypervisor refuses it (a
 * data copy below 8 is never issued: no page to copy into).
 * Any packet shape the validator could pass (at most 65535 bytes, as a
 * request's size field holds), zero-size slots, slots ending at the page's
 * edge, heads longer than the packet.
 *
 * Checked: the builder's contract on its ops (m_check_build() of the model),
 * and that applying the answers leaves every slot reported, mapped exactly
 * when its map succeeded, the packet failed exactly when an op failed, and
 * the pool's counters matching.
 */
#include <stdio.h>
#include <stdlib.h>
#include "znb_txbuild.h"
#include "model.h"

static struct znb_txq q;
static struct znb_tx_build b;

struct input {
	const uint8_t *data;
	size_t size, pos;
};

static unsigned int take8(struct input *in)
{
	return in->pos < in->size ? in->data[in->pos++] : 0;
}

static unsigned int take16(struct input *in)
{
	unsigned int lo = take8(in);

	return lo | take8(in) << 8;
}

/* Answers the ops [from, to): refused where the input says so. */
static bool answer(struct input *in, unsigned int from, unsigned int to,
		   unsigned int *refused_maps, unsigned int *ok_maps)
{
	bool failed = false;
	unsigned int i;

	for (i = from; i < to; i++) {
		struct znb_tx_op *op = &b.op[i];
		unsigned int choice = in->pos < in->size ? take8(in) : 255;
		bool refuse = choice < 16;

		op->status = refuse ? GNTST_bad_gntref : GNTST_okay;
		if (op->kind == ZNB_TX_OP_COPY && choice < 8)
			op->status = ZNB_TX_OP_NOT_ISSUED;
		op->handle = i;
		failed |= refuse;
		if (op->kind == ZNB_TX_OP_MAP) {
			*refused_maps += refuse;
			*ok_maps += !refuse;
		}
	}
	return failed;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct input in = { data, size, 0 };
	struct znb_tx_plan plan;
	unsigned int i, max_frags, hdr_len, head_off, refused = 0, ok = 0;
	u16 idx[ZNB_TX_SLOTS_MAX];
	bool map, failed, built;
	int pkt;

	memset(&plan, 0, sizeof(plan));
	plan.nr_slots = 1 + take8(&in) % ZNB_TX_SLOTS_MAX;
	max_frags = 1 + take8(&in) % M_MAX_FRAGS;
	hdr_len = take16(&in) % 512;
	head_off = take16(&in) % ZNB_PAGE_SIZE;
	map = take8(&in) & 1;
	for (i = 0; i < plan.nr_slots; i++) {
		unsigned int off = take16(&in) % ZNB_PAGE_SIZE;
		unsigned int room = ZNB_PAGE_SIZE - off;

		plan.slot[i].gref = i;
		plan.slot[i].id = i;
		plan.slot[i].offset = off;
		if (room > 0xffff - plan.pkt_len)
			room = 0xffff - plan.pkt_len;
		plan.slot[i].size = take16(&in) % (room + 1);
		plan.pkt_len += plan.slot[i].size;
	}

	model_txq_init_dummy(&q);
	pkt = znb_pkt_start(&q, &plan, idx);
	if (pkt < 0)
		MFAIL("no slots for %u in a fresh pool", plan.nr_slots);
	znb_tx_build_layout(&b, &plan, hdr_len, max_frags);
	znb_tx_build_head(&b, &plan, head_off);
	failed = answer(&in, 0, b.nr_head_ops, &refused, &ok);
	if (znb_tx_build_head_ok(&b) == failed)
		MFAIL("head_ok says %d with a refused head op: %d", znb_tx_build_head_ok(&b),
		      failed);
	built = !failed;
	if (built) {
		znb_tx_build_data(&b, &plan, map);
		if (b.map != map)
			MFAIL("asked to %s, the builder %s", map ? "map" : "copy",
			      b.map ? "maps" : "copies");
		failed = answer(&in, b.nr_head_ops, b.nr_ops, &refused, &ok);
	}
	m_check_build(0, &plan, &b, hdr_len, max_frags, head_off, built);

	if (znb_tx_build_apply(&b, &q, &plan, idx) != ok)
		MFAIL("apply counted other maps than the %u that succeeded", ok);
	if (znb_pkt_failed(&q, (u16)pkt) != failed)
		MFAIL("packet failed %d, an op failed %d", znb_pkt_failed(&q, (u16)pkt), failed);
	if (q.st.map_errors != refused || q.st.maps != ok)
		MFAIL("pool counted %llu maps, %llu refused; ops: %u, %u",
		      (unsigned long long)q.st.maps, (unsigned long long)q.st.map_errors,
		      ok, refused);
	for (i = 0; i < plan.nr_slots; i++) {
		const struct znb_slot *s = &q.slot[idx[i]];
		bool mapped = false;
		unsigned int j;

		for (j = b.nr_head_ops; j < b.nr_ops; j++)
			if (b.op[j].slot == i && b.op[j].kind == ZNB_TX_OP_MAP &&
			    b.op[j].status == GNTST_okay)
				mapped = true;
		if (s->state != (mapped ? ZNB_SLOT_MAPPED : ZNB_SLOT_COPIED))
			MFAIL("slot %u in state %u, its map %s", i, s->state,
			      mapped ? "succeeded" : "was not made or failed");
	}
	return 0;
}
