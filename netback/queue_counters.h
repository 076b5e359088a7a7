/* SPDX-License-Identifier: GPL-2.0 */
/*
 * netback's counters of one queue, one line each, as in
 * znb_core_counters.h: ZNB_COUNTER(field, name in ethtool -S, SUM).  The
 * rx_* and tx_* fields are the netdev's view: packets from the guest are
 * received, packets to it transmitted; stats64 reads them too.
 */
ZNB_COUNTER(frag_overflow, "tx_frag_overflow", SUM); /* more slots than frags */
/* GSO packets from the guest without a partial checksum */
ZNB_COUNTER(csum_fixup, "rx_gso_checksum_fixup", SUM);
/* packets for the guest dropped for waiting rx_drain_timeout_msecs */
ZNB_COUNTER(tx_expired, "guest_rx_expired", SUM);
/*
 * times the guest left its head packet waiting ZNB_RX_HOLD_MS, so what was
 * queued for it was copied out of other guests' pages
 */
ZNB_COUNTER(tx_holds, "guest_rx_holds", SUM);
ZNB_COUNTER(pol_mapped, "policy_mapped", SUM);	/* guest packets mapped */
ZNB_COUNTER(pol_copied, "policy_copied", SUM);	/* guest packets copied */
ZNB_COUNTER(pol_small, "policy_copied_small", SUM); /* ... for being small */
ZNB_COUNTER(pol_to_copy, "policy_flows_to_copy", SUM); /* flows to copying */
ZNB_COUNTER(pol_to_map, "policy_flows_to_map", SUM); /* ... back to mapping */
ZNB_COUNTER(pol_probes, "policy_probes", SUM);	/* mapped probes of copied flows */
ZNB_COUNTER(pol_tracked, "policy_flows_tracked", SUM); /* flows seen copied out */
/* guest packets sent up without all their headers in the linear area */
ZNB_COUNTER(hdr_nonlinear, "tx_headers_nonlinear", SUM);
ZNB_COUNTER(rx_packets, "rx_packets", SUM);
ZNB_COUNTER(rx_bytes, "rx_bytes", SUM);
/* guest packets dropped after validation (no memory, bad headers) */
ZNB_COUNTER(rx_dropped, "guest_tx_dropped", SUM);
ZNB_COUNTER(tx_packets, "tx_packets", SUM);
ZNB_COUNTER(tx_bytes, "tx_bytes", SUM);
/*
 * packets for the guest dropped by the RX poll (stall, expiry, error);
 * ndo_start_xmit()'s drops go to the netdev's core stats
 */
ZNB_COUNTER(tx_dropped, "guest_rx_dropped", SUM);
