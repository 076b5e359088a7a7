/* SPDX-License-Identifier: GPL-2.0 */
/*
 * TX request validation: turns the next packet on a guest's TX ring into a
 * plan, or into a verdict on what the guest did wrong.
 */
#ifndef ZNB_TXREQ_H
#define ZNB_TXREQ_H

#include "znb_port.h"

/* Slots a packet may use before it is dropped (netif.h: XEN_NETIF_NR_SLOTS_MIN). */
#define ZNB_TX_SLOTS_SOFT	XEN_NETIF_NR_SLOTS_MIN
/* Default number of slots past which the frontend is considered hostile. */
#define ZNB_TX_SLOTS_FATAL	20
/* Upper bound for the fatal limit (module parameter is clamped to it). */
#define ZNB_TX_SLOTS_MAX	32
/* Extra info types we understand; one slot of each at most. */
#define ZNB_TX_EXTRA_TYPES	XEN_NETIF_EXTRA_TYPE_MAX
/* Shortest packet we accept: an Ethernet header. */
#define ZNB_TX_MIN_PACKET	14

enum znb_tx_verdict {
	ZNB_TX_OK,	/* plan is filled in, requests consumed */
	ZNB_TX_EMPTY,	/* no request pending */
	ZNB_TX_DROP,	/* requests consumed; answer each with ERROR */
	ZNB_TX_FATAL,	/* frontend is hostile: disable the vif */
};

enum znb_tx_error {
	ZNB_TXE_NONE,
	ZNB_TXE_PROD_OVERFLOW,		/* fatal: req_prod more than a ring ahead */
	ZNB_TXE_TRUNCATED,		/* fatal: packet crosses req_prod */
	ZNB_TXE_TOO_MANY_SLOTS,		/* fatal: more than the fatal limit */
	ZNB_TXE_CROSSES_PAGE,		/* fatal: offset + size beyond the page */
	ZNB_TXE_EXTRA_UNKNOWN,		/* fatal: extra type 0 or unknown */
	ZNB_TXE_GSO_SIZE_ZERO,		/* fatal: GSO extra with gso.size 0 */
	ZNB_TXE_GSO_TYPE_UNKNOWN,	/* fatal: GSO type not TCPv4/TCPv6 */
	ZNB_TXE_SOFT_SLOTS,		/* drop: more slots than netif.h allows */
	ZNB_TXE_RUNT,			/* drop: packet shorter than Ethernet */
	ZNB_TXE_FIRST_TOO_SMALL,	/* drop: first slot's own bytes < Ethernet header */
	ZNB_TXE_EXTRA_REPEATED,		/* drop: same extra type twice */
	ZNB_TXE_EXTRA_MCAST,		/* drop: multicast control not negotiated */
	ZNB_TXE_COUNT
};

/* One data slot of a validated packet. */
struct znb_tx_slot_plan {
	grant_ref_t gref;
	u16 id;
	u16 offset;
	u16 size;	/* bytes of packet data in this slot */
};

/**
 * struct znb_tx_plan - a validated packet, or the requests to answer
 * @slot:	data slots in ring order; slot[0].size is the first slot's
 *		own bytes (packet length minus the following slots)
 * @nr_slots:	number of data slots
 * @nr_extras:	extra-info entries consumed after the first slot
 * @extras_present: bitmask of (1 << XEN_NETIF_EXTRA_TYPE_*) seen
 * @extra:	the extras, indexed by type
 * @pkt_len:	total packet length (the first request's size field)
 * @flags:	the first request's XEN_NETTXF_* flags
 * @consumed:	ring entries consumed (data slots + extras)
 * @err:	what was wrong, for DROP and FATAL
 */
struct znb_tx_plan {
	struct znb_tx_slot_plan slot[ZNB_TX_SLOTS_MAX];
	unsigned int nr_slots;
	unsigned int nr_extras;
	unsigned int extras_present;
	struct znb_extra_info extra[ZNB_TX_EXTRA_TYPES];
	unsigned int pkt_len;
	u16 flags;
	unsigned int consumed;
	enum znb_tx_error err;
};

/**
 * struct znb_tx_limits - what the backend negotiated and allows
 * @fatal_slots: slots beyond which the frontend is disabled (<= ZNB_TX_SLOTS_MAX)
 * @mcast_ctrl: feature-multicast-control negotiated (mcast extras allowed)
 */
struct znb_tx_limits {
	unsigned int fatal_slots;
	bool mcast_ctrl;
};

enum znb_tx_verdict znb_tx_gather(struct znb_tx_back_ring *ring, RING_IDX req_prod,
				  const struct znb_tx_limits *lim,
				  struct znb_tx_plan *plan);
const char *znb_tx_error_str(enum znb_tx_error err);

#endif /* ZNB_TXREQ_H */
