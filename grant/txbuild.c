// SPDX-License-Identifier: GPL-2.0
/*
 * Builds a guest TX packet: which of its bytes are copied into the skb head,
 * which become frags, the grant operation for each, and what the answers to
 * those operations mean for the packet's slots.  See znb_txbuild.h for the
 * order of the steps.
 */
#include "znb_txbuild.h"

/*
 * Test-only mutations (tests/unit/mutations.sh): each breaks the builder as
 * a real bug would, so the unit tests can prove they notice.
 */
#if defined(ZNB_MUTATE_MAP_REFUSAL_IGNORED) || defined(ZNB_MUTATE_FRAG_OVERLAPS_HEAD)
#warning "znetback built with a test mutation: never load this build on a real host"
#endif
#ifdef ZNB_MUTATE_MAP_REFUSAL_IGNORED
#define ZNB_MAP_REFUSED(op)	false
#else
#define ZNB_MAP_REFUSED(op)	((op)->status != GNTST_okay)
#endif
#ifdef ZNB_MUTATE_FRAG_OVERLAPS_HEAD
#define ZNB_FRAG_OVERLAP	1
#else
#define ZNB_FRAG_OVERLAP	0
#endif

/* A slot bit per plan slot, in a u32. */
static_assert(ZNB_TX_SLOTS_MAX <= 32, "one bit per slot");
/* A slot number and an op count fit their u8 fields. */
static_assert(ZNB_TX_SLOTS_MAX <= 256, "slot fits u8");
static_assert(ZNB_TX_PKT_OPS <= 255, "op count fits u8");

/*
 * Puts the first @linear bytes in the head: the slots they cover whole, and
 * the first bytes of the slot they end in, whose remainder is its frag.
 */
static void znb_tx_build_split(struct znb_tx_build *b,
			       const struct znb_tx_plan *plan,
			       unsigned int linear)
{
	unsigned int i = 0;

	b->linear = linear;
	while (i < plan->nr_slots && linear >= plan->slot[i].size)
		linear -= plan->slot[i++].size;
	b->first_frag = i;
	b->split = linear;
}

/* Bytes of plan slot @s that go into the head. */
static unsigned int znb_tx_build_head_part(const struct znb_tx_build *b,
					   const struct znb_tx_plan *plan,
					   unsigned int s)
{
	if (s < b->first_frag)
		return plan->slot[s].size;
	return s == b->first_frag ? b->split : 0;
}

/*
 * Bytes of plan slot @s that become its frag, from *@off in the guest page;
 * 0 for a slot wholly in the head, so no frag is ever empty.
 */
static unsigned int znb_tx_build_frag_part(const struct znb_tx_build *b,
					   const struct znb_tx_plan *plan,
					   unsigned int s, unsigned int *off)
{
	unsigned int head = znb_tx_build_head_part(b, plan, s);

	if (head)
		head -= ZNB_FRAG_OVERLAP;
	*off = plan->slot[s].offset + head;
	return plan->slot[s].size - head;
}

static unsigned int znb_tx_build_nr_frags(const struct znb_tx_build *b,
					  const struct znb_tx_plan *plan)
{
	unsigned int s, off, n = 0;

	for (s = b->first_frag; s < plan->nr_slots; s++)
		n += !!znb_tx_build_frag_part(b, plan, s, &off);
	return n;
}

/**
 * znb_tx_build_layout() - decide what of a packet goes into the skb head
 * @b: the packet's build state; this starts it
 * @plan: the validated packet
 * @hdr_len: bytes of headers the head takes, wherever the guest put them
 * @max_frags: frags an skb can carry
 *
 * The head takes the first @hdr_len bytes.  If the rest then needs more than
 * @max_frags frags, the head also takes whole leading slots until it fits.
 */
void znb_tx_build_layout(struct znb_tx_build *b, const struct znb_tx_plan *plan,
			 unsigned int hdr_len, unsigned int max_frags)
{
	unsigned int s, linear, whole = 0;

	linear = plan->pkt_len < hdr_len ? plan->pkt_len : hdr_len;
	b->nr_head_ops = 0;
	b->nr_ops = 0;
	b->map = false;
	znb_tx_build_split(b, plan, linear);
	/* A slot makes one frag at most: most packets need no count. */
	b->overflow = plan->nr_slots > max_frags &&
		      znb_tx_build_nr_frags(b, plan) > max_frags;
	if (!b->overflow)
		return;
	for (s = 0; s < plan->nr_slots - max_frags; s++)
		whole += plan->slot[s].size;
	if (whole > linear)
		znb_tx_build_split(b, plan, whole);
}

static struct znb_tx_op *znb_tx_build_add(struct znb_tx_build *b,
					  enum znb_tx_op_kind kind,
					  unsigned int slot, unsigned int offset,
					  unsigned int len, unsigned int dst)
{
	struct znb_tx_op *op = &b->op[b->nr_ops++];

	op->kind = kind;
	op->slot = slot;
	op->offset = offset;
	op->len = len;
	op->dst = dst;
	/* An op the backend never answers reads as failed. */
	op->status = GNTST_general_error;
	op->handle = ZNB_NO_HANDLE;
	return op;
}

/**
 * znb_tx_build_head() - the grant copies that fill the skb head
 * @b: build state, after znb_tx_build_layout()
 * @plan: the validated packet
 * @head_off: offset of the head's first byte in its page
 *
 * A copy never crosses a page of the head: the hypervisor copies into one
 * frame per operation.
 */
void znb_tx_build_head(struct znb_tx_build *b, const struct znb_tx_plan *plan,
		       unsigned int head_off)
{
	unsigned int s, dst = 0;

	for (s = 0; s <= b->first_frag && s < plan->nr_slots; s++) {
		unsigned int len = znb_tx_build_head_part(b, plan, s);
		unsigned int src = plan->slot[s].offset;

		while (len) {
			unsigned int room = ZNB_PAGE_SIZE -
					    (head_off + dst) % ZNB_PAGE_SIZE;
			unsigned int chunk = len < room ? len : room;

			znb_tx_build_add(b, ZNB_TX_OP_HEAD, s, src, chunk, dst);
			src += chunk;
			dst += chunk;
			len -= chunk;
		}
	}
	b->nr_head_ops = b->nr_ops;
}

/**
 * znb_tx_build_head_ok() - was the whole head copied?
 * @b: build state, with the head ops' statuses written
 *
 * Return: true if every head copy succeeded.  If not, the packet is dropped
 * without data ops, so none of its slots is mapped.
 */
bool znb_tx_build_head_ok(const struct znb_tx_build *b)
{
	unsigned int i;

	for (i = 0; i < b->nr_head_ops; i++)
		if (b->op[i].status != GNTST_okay)
			return false;
	return true;
}

/**
 * znb_tx_build_data() - one map or copy per frag
 * @b: build state, after znb_tx_build_head() and a successful head copy
 * @plan: the validated packet
 * @map: map the guest's pages (else copy into backend pages)
 */
void znb_tx_build_data(struct znb_tx_build *b, const struct znb_tx_plan *plan,
		       bool map)
{
	unsigned int s, off, size;

	b->map = map;
	for (s = b->first_frag; s < plan->nr_slots; s++) {
		size = znb_tx_build_frag_part(b, plan, s, &off);
		if (size)
			znb_tx_build_add(b, map ? ZNB_TX_OP_MAP : ZNB_TX_OP_COPY,
					 s, off, size, 0);
	}
}

/**
 * znb_tx_build_apply() - report every op's answer to the packet's slots
 * @b: build state, with every issued op's status (and handle) written
 * @q: the slot pool
 * @plan: the validated packet
 * @idx: pool slot of each plan slot, from znb_pkt_start()
 *
 * Each slot is reported exactly once, in this order: first every slot
 * without a map op, as copied, failed if any op that read it failed or was
 * not issued; then each map op, in frag order, as mapped or as refused.  A
 * slot whose data op was never built (the head failed) is reported with its
 * head copies alone.  Afterwards znb_pkt_failed() tells whether to drop.
 *
 * Return: frags mapped.
 */
unsigned int znb_tx_build_apply(const struct znb_tx_build *b,
				struct znb_txq *q, const struct znb_tx_plan *plan,
				const u16 *idx)
{
	u32 has_map = 0, failed = 0;
	unsigned int i, mapped = 0;

	for (i = 0; i < b->nr_ops; i++) {
		const struct znb_tx_op *op = &b->op[i];

		if (op->kind == ZNB_TX_OP_MAP)
			has_map |= 1u << op->slot;
		else if (op->status != GNTST_okay)
			failed |= 1u << op->slot;
	}
	for (i = 0; i < plan->nr_slots; i++)
		if (!(has_map & (1u << i)))
			znb_slot_copied(q, idx[i], !(failed & (1u << i)));
	for (i = b->nr_head_ops; i < b->nr_ops; i++) {
		const struct znb_tx_op *op = &b->op[i];

		if (op->kind != ZNB_TX_OP_MAP)
			continue;
		if (!ZNB_MAP_REFUSED(op)) {
			znb_slot_mapped(q, idx[op->slot], op->handle);
			mapped++;
		} else {
			znb_slot_map_failed(q, idx[op->slot]);
		}
	}
	return mapped;
}
