// SPDX-License-Identifier: GPL-2.0
/*
 * TX request validation.
 *
 * The shared ring is writable by the guest at any time, so every request is
 * copied out once (RING_COPY_REQUEST) and only the copy is looked at.  A
 * frontend publishes whole packets with one req_prod update (netif.h), so a
 * packet that runs past req_prod is a protocol violation, not a reason to
 * wait: waiting would let a guest park the queue forever.
 *
 * Verdicts: errors whose extent on the ring is unambiguous (we know which
 * requests belong to the bad packet) drop the packet and answer each request
 * with ERROR.  Errors that leave the ring unparseable, or that no correct
 * frontend can produce, are fatal and disable the vif.
 */
#include "znb_txreq.h"

static const char *const znb_tx_error_names[ZNB_TXE_COUNT] = {
	[ZNB_TXE_NONE] = "no error",
	[ZNB_TXE_PROD_OVERFLOW] = "req_prod is more than a ring ahead of the consumer",
	[ZNB_TXE_TRUNCATED] = "packet continues past req_prod",
	[ZNB_TXE_TOO_MANY_SLOTS] = "packet uses more slots than the fatal limit",
	[ZNB_TXE_CROSSES_PAGE] = "slot offset + size crosses the page",
	[ZNB_TXE_EXTRA_UNKNOWN] = "extra info of unknown type",
	[ZNB_TXE_GSO_SIZE_ZERO] = "GSO extra with gso_size 0",
	[ZNB_TXE_GSO_TYPE_UNKNOWN] = "GSO extra of unknown type",
	[ZNB_TXE_SOFT_SLOTS] = "packet uses more slots than netif.h allows",
	[ZNB_TXE_RUNT] = "packet shorter than an Ethernet header",
	[ZNB_TXE_FIRST_TOO_SMALL] = "first slot holds less than an Ethernet header of its own",
	[ZNB_TXE_EXTRA_REPEATED] = "extra info type repeated",
	[ZNB_TXE_EXTRA_MCAST] = "multicast extra without multicast control",
};

/**
 * znb_tx_error_str() - describe what the guest did wrong
 * @err: error from a DROP or FATAL verdict
 *
 * Return: a constant string fit for a log line.
 */
const char *znb_tx_error_str(enum znb_tx_error err)
{
	if ((unsigned int)err >= ZNB_TXE_COUNT)
		return "unknown error";
	return znb_tx_error_names[err];
}

static enum znb_tx_verdict znb_tx_fail(struct znb_tx_plan *plan,
				       enum znb_tx_error err)
{
	plan->err = err;
	return err < ZNB_TXE_SOFT_SLOTS ? ZNB_TX_FATAL : ZNB_TX_DROP;
}

/* Records @err unless an earlier, equally serious error is already there. */
static void znb_tx_note_drop(struct znb_tx_plan *plan, enum znb_tx_error err)
{
	if (plan->err == ZNB_TXE_NONE)
		plan->err = err;
}

static enum znb_tx_verdict znb_tx_check_extra(const struct znb_extra_info *extra,
					      const struct znb_tx_limits *lim,
					      struct znb_tx_plan *plan)
{
	unsigned int type = extra->type;

	if (type == XEN_NETIF_EXTRA_TYPE_NONE || type >= ZNB_TX_EXTRA_TYPES)
		return znb_tx_fail(plan, ZNB_TXE_EXTRA_UNKNOWN);

	if (type == XEN_NETIF_EXTRA_TYPE_GSO) {
		if (extra->u.gso.size == 0)
			return znb_tx_fail(plan, ZNB_TXE_GSO_SIZE_ZERO);
		if (extra->u.gso.type != XEN_NETIF_GSO_TYPE_TCPV4 &&
		    extra->u.gso.type != XEN_NETIF_GSO_TYPE_TCPV6)
			return znb_tx_fail(plan, ZNB_TXE_GSO_TYPE_UNKNOWN);
	}

	if ((type == XEN_NETIF_EXTRA_TYPE_MCAST_ADD ||
	     type == XEN_NETIF_EXTRA_TYPE_MCAST_DEL) && !lim->mcast_ctrl)
		znb_tx_note_drop(plan, ZNB_TXE_EXTRA_MCAST);

	if (plan->extras_present & (1u << type))
		znb_tx_note_drop(plan, ZNB_TXE_EXTRA_REPEATED);
	plan->extras_present |= 1u << type;
	plan->extra[type] = *extra;
	return ZNB_TX_OK;
}

static bool znb_tx_crosses_page(unsigned int offset, unsigned int size)
{
	return offset + size > ZNB_PAGE_SIZE;
}

/**
 * znb_tx_gather() - validate the next packet on a TX ring
 * @ring: back ring; ring->req_cons is advanced past the packet on OK and DROP
 * @req_prod: the producer index, read once by the caller (before a read barrier)
 * @lim: negotiated limits
 * @plan: filled in with the packet's slots and extras, or with the error
 *
 * On ZNB_TX_DROP the plan still lists every data slot and extra consumed, so
 * the caller can answer each of them.  On ZNB_TX_FATAL nothing is consumed.
 *
 * Return: the verdict.
 */
enum znb_tx_verdict znb_tx_gather(struct znb_tx_back_ring *ring, RING_IDX req_prod,
				  const struct znb_tx_limits *lim,
				  struct znb_tx_plan *plan)
{
	RING_IDX cons = ring->req_cons;
	RING_IDX avail = req_prod - cons;
	unsigned int fatal_slots = lim->fatal_slots;
	struct znb_tx_request req;
	unsigned int following = 0;
	enum znb_tx_verdict v;
	u16 flags;

	memset(plan, 0, offsetof(struct znb_tx_plan, extra));
	plan->err = ZNB_TXE_NONE;
	if (fatal_slots > ZNB_TX_SLOTS_MAX)
		fatal_slots = ZNB_TX_SLOTS_MAX;

	if (avail == 0)
		return ZNB_TX_EMPTY;
	if (avail > RING_SIZE(ring))
		return znb_tx_fail(plan, ZNB_TXE_PROD_OVERFLOW);

	RING_COPY_REQUEST(ring, cons, &req);
	plan->pkt_len = req.size;
	plan->flags = req.flags;
	plan->slot[0].gref = req.gref;
	plan->slot[0].id = req.id;
	plan->slot[0].offset = req.offset;
	plan->nr_slots = 1;
	plan->consumed = 1;
	flags = req.flags;

	if (flags & ZNB_TXF_EXTRA_INFO) {
		struct znb_extra_info extra;

		do {
			if (plan->consumed >= avail)
				return znb_tx_fail(plan, ZNB_TXE_TRUNCATED);
			RING_COPY_REQUEST(ring, cons + plan->consumed, &extra);
			plan->consumed++;
			plan->nr_extras++;
			v = znb_tx_check_extra(&extra, lim, plan);
			if (v == ZNB_TX_FATAL)
				return v;
		} while (extra.flags & XEN_NETIF_EXTRA_FLAG_MORE);
	}

	while (flags & ZNB_TXF_MORE_DATA) {
		struct znb_tx_slot_plan *slot;

		if (plan->consumed >= avail)
			return znb_tx_fail(plan, ZNB_TXE_TRUNCATED);
		if (plan->nr_slots >= fatal_slots)
			return znb_tx_fail(plan, ZNB_TXE_TOO_MANY_SLOTS);
		RING_COPY_REQUEST(ring, cons + plan->consumed, &req);
		plan->consumed++;
		flags = req.flags;

		/*
		 * A zero-length following slot is legal (netif.h, XSA-448):
		 * it is answered OKAY and never becomes a frag.
		 */
		if (znb_tx_crosses_page(req.offset, req.size))
			return znb_tx_fail(plan, ZNB_TXE_CROSSES_PAGE);

		slot = &plan->slot[plan->nr_slots++];
		slot->gref = req.gref;
		slot->id = req.id;
		slot->offset = req.offset;
		slot->size = req.size;
		following += req.size;
	}

	if (plan->nr_slots > ZNB_TX_SLOTS_SOFT)
		znb_tx_note_drop(plan, ZNB_TXE_SOFT_SLOTS);
	if (plan->pkt_len < ZNB_TX_MIN_PACKET)
		znb_tx_note_drop(plan, ZNB_TXE_RUNT);
	/*
	 * The first slot must carry at least the Ethernet header itself: the
	 * header is copied from it, and a first slot with nothing of its own
	 * is how XSA-448 reached zero-size frags.
	 */
	if (plan->pkt_len < following + ZNB_TX_MIN_PACKET)
		znb_tx_note_drop(plan, ZNB_TXE_FIRST_TOO_SMALL);
	else
		plan->slot[0].size = plan->pkt_len - following;
	if (plan->err == ZNB_TXE_NONE &&
	    znb_tx_crosses_page(plan->slot[0].offset, plan->slot[0].size))
		return znb_tx_fail(plan, ZNB_TXE_CROSSES_PAGE);

	ring->req_cons = cons + plan->consumed;
	return plan->err == ZNB_TXE_NONE ? ZNB_TX_OK : ZNB_TX_DROP;
}
