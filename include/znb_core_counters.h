/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The grant core's counters of one queue, one line each:
 *   ZNB_COUNTER(field, name in ethtool -S, how the queues' values combine)
 * where SUM adds them up and PEAK takes the largest.  struct znb_stats
 * (znb_pool.h) and netback's counter table (netback/stats.c) are generated
 * by including this list with ZNB_COUNTER defined, so a new counter is one
 * line here and its increment.  A level rather than a count of events is
 * named *_now or *_peak (the bench reports the difference of every other
 * counter over a run).  No include guard: it is included once per use.
 */
ZNB_COUNTER(zc_sent, "tx_zerocopy_sent", SUM);	/* sent up with mapped frags */
ZNB_COUNTER(zc_success, "tx_zerocopy_success", SUM);	/* ... none copied out */
ZNB_COUNTER(zc_fail, "tx_zerocopy_fail", SUM);	/* ... copied out by the stack */
ZNB_COUNTER(mapped_now, "pages_mapped_now", SUM);	/* grants mapped now */
ZNB_COUNTER(mapped_peak, "pages_mapped_peak", PEAK);	/* most mapped at once */
ZNB_COUNTER(maps, "map_ops", SUM);		/* successful grant maps */
ZNB_COUNTER(unmaps, "unmap_ops", SUM);		/* successful grant unmaps */
ZNB_COUNTER(unmap_batches, "unmap_batches", SUM);	/* unmap calls made */
ZNB_COUNTER(copy_outs, "copy_outs", SUM);	/* completions that copied out */
ZNB_COUNTER(responses, "tx_responses", SUM);	/* TX responses, extras' too */
ZNB_COUNTER(busy_deferrals, "busy_deferrals", SUM); /* unmaps of busy pages put off */
ZNB_COUNTER(map_errors, "map_errors", SUM);	/* maps Xen refused */
ZNB_COUNTER(unmap_errors, "unmap_errors", SUM);	/* unmaps Xen refused: slot leaked */
ZNB_COUNTER(dropped, "tx_dropped_errors", SUM);	/* packets answered with ERROR */
