/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The TX packet builder: from a validated plan (znb_txreq.h) to the grant
 * operations that build the packet, and from the hypervisor's answers back
 * to the slot pool (znb_pool.h).
 *
 * A packet's first bytes, its headers wherever the guest put them, are
 * grant-copied into the skb head, so no header the stack checks stays in a
 * page the guest can rewrite.  Every other byte becomes a frag: the guest's
 * page mapped, or copied into a backend page, as the policy chose for the
 * whole packet.  The module and the unit model both build packets with these
 * functions; only turning an op into a hypercall entry differs.
 *
 * Order, each step by the backend's NAPI context:
 *   znb_tx_build_layout()  how many bytes the head takes (size of the skb)
 *   znb_tx_build_head()    the head's copy ops; the backend issues them
 *   znb_tx_build_head_ok() did they all succeed (else: no data ops)
 *   znb_tx_build_data()    one map or copy op per frag; the backend issues
 *                          them and writes each op's status (and handle)
 *   znb_tx_build_apply()   every status reported to the slots, once each
 */
#ifndef ZNB_TXBUILD_H
#define ZNB_TXBUILD_H

#include "znb_port.h"
#include "znb_txreq.h"
#include "znb_pool.h"

/*
 * Bytes at the start of a guest TX packet grant-copied into the skb head,
 * from however many slots the guest spread them over: the protocol headers
 * must not stay in guest pages, which the guest can rewrite (XSA-423).
 */
#define ZNB_TX_HDR_LEN		128
/*
 * Head copies of one packet: a slot's part of the head is at most a page of
 * the guest's, so it crosses at most one page of the head: two per slot.
 */
#define ZNB_TX_PKT_COPY_OPS	(2 * ZNB_TX_SLOTS_MAX)
#define ZNB_TX_PKT_OPS		(ZNB_TX_PKT_COPY_OPS + ZNB_TX_SLOTS_MAX)

/* Status of an op the backend did not issue (no page to copy into). */
#define ZNB_TX_OP_NOT_ISSUED	1

/**
 * enum znb_tx_op_kind - what a grant operation of a packet does
 * @ZNB_TX_OP_HEAD: grant copy of guest bytes into the skb head
 * @ZNB_TX_OP_COPY: grant copy of a frag into a backend page (offset 0)
 * @ZNB_TX_OP_MAP: grant map of the guest page of a frag
 */
enum znb_tx_op_kind {
	ZNB_TX_OP_HEAD,
	ZNB_TX_OP_COPY,
	ZNB_TX_OP_MAP,
};

/**
 * struct znb_tx_op - one grant operation of a packet
 * @kind: enum znb_tx_op_kind
 * @slot: plan slot whose grant it reads
 * @offset: first byte in the guest page
 * @len: bytes; never 0
 * @dst: %ZNB_TX_OP_HEAD: offset in the head; otherwise 0
 * @status: GNTST_* answer, or %ZNB_TX_OP_NOT_ISSUED; written by the backend
 * @handle: %ZNB_TX_OP_MAP with @status GNTST_okay: the mapping's handle
 *
 * A data op (COPY or MAP) is exactly one frag of the skb, in frag order.
 */
struct znb_tx_op {
	u8 kind;
	u8 slot;
	u16 offset;
	u16 len;
	u16 dst;
	s16 status;
	grant_handle_t handle;
};

/**
 * struct znb_tx_build - the grant operations of one guest TX packet
 * @linear: bytes copied into the skb head
 * @first_frag: first plan slot with bytes outside the head
 * @split: bytes of slot @first_frag that are in the head
 * @overflow: whole leading slots went into the head as well, because the
 *	rest needed more frags than an skb has
 * @map: the data ops map (else they copy); set by znb_tx_build_data()
 * @nr_head_ops: ops [0, @nr_head_ops) are %ZNB_TX_OP_HEAD
 * @nr_ops: ops [@nr_head_ops, @nr_ops) are the data ops, one per frag
 * @op: the operations
 *
 * Owned by the NAPI context that builds the packet, from layout to apply.
 */
struct znb_tx_build {
	u16 linear;
	u8 first_frag;
	u16 split;
	bool overflow;
	bool map;
	u8 nr_head_ops;
	u8 nr_ops;
	struct znb_tx_op op[ZNB_TX_PKT_OPS];
};

void znb_tx_build_layout(struct znb_tx_build *b, const struct znb_tx_plan *plan,
			 unsigned int hdr_len, unsigned int max_frags);
void znb_tx_build_head(struct znb_tx_build *b, const struct znb_tx_plan *plan,
		       unsigned int head_off);
bool znb_tx_build_head_ok(const struct znb_tx_build *b);
void znb_tx_build_data(struct znb_tx_build *b, const struct znb_tx_plan *plan,
		       bool map);
unsigned int znb_tx_build_apply(const struct znb_tx_build *b,
				struct znb_txq *q, const struct znb_tx_plan *plan,
				const u16 *idx);

#endif /* ZNB_TXBUILD_H */
