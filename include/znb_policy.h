/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Copy or map: the one place that decides how a guest TX packet's data
 * reaches dom0.  See znb_policy_decide() for the rule.
 */
#ifndef ZNB_POLICY_H
#define ZNB_POLICY_H

#include "znb_port.h"

enum znb_tx_policy {
	ZNB_POLICY_AUTO,	/* map or copy by packet size and flow history */
	ZNB_POLICY_MAP,		/* map everything past the header copy */
	ZNB_POLICY_COPY,	/* grant-copy everything (like in-tree netback) */
};

/* Flows remembered per queue (direct-mapped by flow hash). */
#define ZNB_FLOWS		256
/* Default: consecutive copied-out completions after which a flow is copied. */
#define ZNB_FLOW_COPY_AFTER	4
/* Default: a copied flow still maps one packet in this many (a new path?). */
#define ZNB_FLOW_PROBE_EVERY	32
/* Upper bounds, set by the widths of znb_flow's counters. */
#define ZNB_FLOW_COPY_AFTER_MAX	255
#define ZNB_FLOW_PROBE_EVERY_MAX	65535

/**
 * struct znb_flow - what the completions taught us about one flow
 * @hash: full flow hash, to tell flows sharing a table entry apart
 * @copy_outs: consecutive completions that reported a copy-out
 * @copied: the flow is currently grant-copied
 * @since_probe: copied packets since the last mapped probe
 */
struct znb_flow {
	u32 hash;
	u8 copy_outs;
	u8 copied;
	u16 since_probe;
};

/**
 * struct znb_flow_table - per-queue flow memory and the policy's counters
 * @flow: the flows
 * @tracked: table entries (re)assigned to a new flow
 * @mapped: packets the policy mapped
 * @copied: packets the policy copied
 * @copied_small: of @copied, copied for being below the size threshold
 * @to_copy: flows switched from mapping to copying
 * @to_map: flows switched back from copying to mapping
 * @probes: mapped probes of copied flows
 * @copy_after: copied-out completions in a row that make a flow copied
 * @probe_every: a copied flow maps one packet in this many
 */
struct znb_flow_table {
	struct znb_flow flow[ZNB_FLOWS];
	u64 tracked;
	u64 mapped;
	u64 copied;
	u64 copied_small;
	u64 to_copy;
	u64 to_map;
	u64 probes;
	unsigned int copy_after;
	unsigned int probe_every;
};

void znb_policy_init(struct znb_flow_table *ft);
void znb_policy_tune(struct znb_flow_table *ft, unsigned int copy_after,
		     unsigned int probe_every);
bool znb_policy_decide(struct znb_flow_table *ft, enum znb_tx_policy policy,
		       u32 flow_hash, unsigned int pkt_len, unsigned int copy_below);
void znb_policy_learn(struct znb_flow_table *ft, u32 flow_hash, bool copied_out);
u32 znb_flow_hash(const u8 *frame, unsigned int len);

#endif /* ZNB_POLICY_H */
