// SPDX-License-Identifier: GPL-2.0
/*
 * Copy or map per packet.
 *
 * Mapping a guest page saves a memcpy only if the data leave dom0 without
 * being copied: forwarded to another guest or a NIC.  Delivered to a dom0
 * socket, the stack copies the frags out anyway (skb_orphan_frags_rx), and
 * the map hypercall, the unmap with its TLB flush and the bookkeeping are
 * pure loss.  The zerocopy completion tells us, per packet, which of the two
 * happened; this file turns that into a per-flow choice.
 *
 * The table is written from completion context and read from NAPI without a
 * lock: a lost or torn update costs one packet the better choice, never
 * correctness, because both choices are safe.
 */
#include "znb_policy.h"

/**
 * znb_policy_init() - forget every flow and zero the counters
 * @ft: table
 */
void znb_policy_init(struct znb_flow_table *ft)
{
	memset(ft, 0, sizeof(*ft));
	znb_policy_tune(ft, ZNB_FLOW_COPY_AFTER, ZNB_FLOW_PROBE_EVERY);
}

/**
 * znb_policy_tune() - set the flow rule's two thresholds
 * @ft: table
 * @copy_after: copied-out completions in a row that make a flow copied
 *	(1..ZNB_FLOW_COPY_AFTER_MAX)
 * @probe_every: a copied flow maps one packet in this many
 *	(1..ZNB_FLOW_PROBE_EVERY_MAX; 1 maps every packet)
 *
 * Out-of-range values are clamped.  Safe while the table is in use: a
 * completion that reads the old value decides one packet by the old rule.
 * Writes only what changed: the NAPI poll calls this every round, and the
 * completions on other CPUs read the same cache line.
 */
void znb_policy_tune(struct znb_flow_table *ft, unsigned int copy_after,
		     unsigned int probe_every)
{
	copy_after = copy_after ? copy_after : 1;
	probe_every = probe_every ? probe_every : 1;
	if (copy_after > ZNB_FLOW_COPY_AFTER_MAX)
		copy_after = ZNB_FLOW_COPY_AFTER_MAX;
	if (probe_every > ZNB_FLOW_PROBE_EVERY_MAX)
		probe_every = ZNB_FLOW_PROBE_EVERY_MAX;
	if (znb_read_once(ft->copy_after) != copy_after)
		znb_write_once(ft->copy_after, copy_after);
	if (znb_read_once(ft->probe_every) != probe_every)
		znb_write_once(ft->probe_every, probe_every);
}

static struct znb_flow *znb_flow_slot(struct znb_flow_table *ft, u32 hash)
{
	return &ft->flow[hash % ZNB_FLOWS];
}

/**
 * znb_policy_decide() - map this packet's data, or grant-copy it?
 * @ft: the queue's flow table
 * @policy: the module parameter
 * @flow_hash: hash of the packet's flow (znb_flow_hash()), 0 if unknown
 * @pkt_len: packet length
 * @copy_below: packets shorter than this are always copied
 *
 * The rule, in order:
 *  1. policy "copy" copies and policy "map" maps, whatever else holds.
 *  2. A packet shorter than @copy_below is copied: for small packets one
 *     batched grant copy is cheaper than a map, an unmap and a TLB flush.
 *  3. A flow whose last @ft->copy_after mapped packets were all copied
 *     out by the stack is copied -- except one packet in
 *     @ft->probe_every, which is mapped as a probe.  A probe that
 *     completes without a copy-out returns the flow to mapping, so a flow
 *     whose path changes maps again within @ft->probe_every packets plus
 *     one completion.
 *  4. Everything else is mapped.
 *
 * Return: true to map, false to copy.
 */
bool znb_policy_decide(struct znb_flow_table *ft, enum znb_tx_policy policy,
		       u32 flow_hash, unsigned int pkt_len, unsigned int copy_below)
{
	struct znb_flow *f;
	bool map = true;

	switch (policy) {
	case ZNB_POLICY_MAP:
		break;
	case ZNB_POLICY_COPY:
		map = false;
		break;
	case ZNB_POLICY_AUTO:
		if (pkt_len < copy_below) {
			ft->copied_small++;
			map = false;
			break;
		}
		f = znb_flow_slot(ft, flow_hash);
		if (znb_read_once(f->hash) != flow_hash || !znb_read_once(f->copied))
			break;
		if (++f->since_probe >= znb_read_once(ft->probe_every)) {
			f->since_probe = 0;
			ft->probes++;
			break;
		}
		map = false;
		break;
	}
	if (map)
		ft->mapped++;
	else
		ft->copied++;
	return map;
}

/**
 * znb_policy_learn() - record how a mapped packet of a flow completed
 * @ft: the queue's flow table
 * @flow_hash: the flow the packet belonged to
 * @copied_out: the stack copied the packet's frags out at least once
 *
 * Called once per mapped packet, from its zerocopy completion.
 */
void znb_policy_learn(struct znb_flow_table *ft, u32 flow_hash, bool copied_out)
{
	struct znb_flow *f = znb_flow_slot(ft, flow_hash);
	unsigned int copy_after;

	if (znb_read_once(f->hash) != flow_hash) {
		if (!copied_out)
			return;
		znb_write_once(f->hash, flow_hash);
		znb_write_once(f->copied, 0);
		f->copy_outs = 0;
		f->since_probe = 0;
		ft->tracked++;
	}
	if (!copied_out) {
		f->copy_outs = 0;
		if (znb_read_once(f->copied)) {
			znb_write_once(f->copied, 0);
			ft->to_map++;
		}
		return;
	}
	copy_after = znb_read_once(ft->copy_after);
	if (f->copy_outs < copy_after)
		f->copy_outs++;
	if (f->copy_outs >= copy_after && !znb_read_once(f->copied)) {
		f->since_probe = 0;
		znb_write_once(f->copied, 1);
		ft->to_copy++;
	}
}

static u32 znb_mix(u32 h, u32 v)
{
	h ^= v;
	h *= 0x9e3779b1u;
	return h ^ (h >> 15);
}

static u32 znb_be16(const u8 *p)
{
	return (u32)p[0] << 8 | p[1];
}

/* Mixes @words big-endian 32-bit words at @p (addresses) into @h. */
static u32 znb_mix_words(u32 h, const u8 *p, unsigned int words)
{
	while (words--) {
		h = znb_mix(h, znb_be16(p) << 16 | znb_be16(p + 2));
		p += 4;
	}
	return h;
}

/**
 * znb_flow_hash() - hash a frame's flow from its headers
 * @frame: the first bytes of the frame (the copied header)
 * @len: bytes available at @frame
 *
 * Covers Ethernet (one VLAN tag) with IPv4 or IPv6 and the TCP/UDP ports
 * when they are within @len; anything shorter hashes what it has.
 *
 * Return: a hash that is equal for the packets of one flow, never 0.
 */
u32 znb_flow_hash(const u8 *frame, unsigned int len)
{
	unsigned int off = 14, l4 = 0;
	u32 h = 0x5bd1e995u, proto;

	if (len < off)
		return 1;
	proto = znb_be16(frame + 12);
	if (proto == 0x8100 && len >= 18) {
		proto = znb_be16(frame + 16);
		off = 18;
	}
	h = znb_mix(h, proto);
	if (proto == 0x0800 && len >= off + 20) {
		const u8 *ip = frame + off;

		h = znb_mix_words(h, ip + 12, 2);
		h = znb_mix(h, ip[9]);
		if (ip[9] == 6 || ip[9] == 17)
			l4 = off + (ip[0] & 0xf) * 4;
	} else if (proto == 0x86dd && len >= off + 40) {
		const u8 *ip6 = frame + off;

		h = znb_mix_words(h, ip6 + 8, 8);
		h = znb_mix(h, ip6[6]);
		if (ip6[6] == 6 || ip6[6] == 17)
			l4 = off + 40;
	}
	if (l4 && len >= l4 + 4)
		h = znb_mix(h, znb_be16(frame + l4) << 16 | znb_be16(frame + l4 + 2));
	return h ? h : 1;
}
