// SPDX-License-Identifier: GPL-2.0
/*
 * The vif's counters.  One table names each counter as ethtool -S shows it
 * and says where it lives (the grant core's struct znb_stats or netback's
 * struct znb_qstats) and how the queues' values combine; the totals of
 * queues torn down, ethtool -S and the netdev's stats64 are all computed
 * through it.  It is generated, like the structs, from the lists
 * include/znb_core_counters.h and queue_counters.h: a new counter is one
 * line in one of them.
 */
#include <linux/build_bug.h>
#include <linux/ethtool.h>
#include <linux/netdevice.h>
#include <linux/rtnetlink.h>
#include <linux/seq_file.h>

#include "common.h"

enum znb_counter_home {
	ZNB_IN_CORE,		/* struct znb_stats, the grant core's */
	ZNB_IN_QUEUE,		/* struct znb_qstats, netback's */
};

/*
 * One counter: the u64 at @offset of the struct of @home; the queues'
 * values are added up, or, for a @peak, the largest is taken.
 */
struct znb_counter {
	const char *name;
	u8 home;
	bool peak;
	u16 offset;
};

#define ZNB_COMBINE_SUM		false
#define ZNB_COMBINE_PEAK	true

/* One byte per line of each list: the lists' lengths at compile time. */
struct znb_core_rows {
#define ZNB_COUNTER(field, name, combine)	u8 field
#include "znb_core_counters.h"
#undef ZNB_COUNTER
};

struct znb_queue_rows {
#define ZNB_COUNTER(field, name, combine)	u8 field
#include "queue_counters.h"
#undef ZNB_COUNTER
};

/* Both structs hold nothing but their lists' u64s, which the table reads. */
static_assert(sizeof(struct znb_stats) ==
	      sizeof(struct znb_core_rows) * sizeof(u64));
static_assert(sizeof(struct znb_qstats) ==
	      sizeof(struct znb_queue_rows) * sizeof(u64));

#define ZNB_NR_COUNTERS	(sizeof(struct znb_core_rows) + \
			 sizeof(struct znb_queue_rows))

/*
 * ethtool -S: the core's counters, then netback's.  Filled at load by
 * znb_counters_init(): each line of a list ends with the semicolon that
 * makes it a struct member, so it can be a statement but not an element of
 * an initializer.
 */
static struct znb_counter znb_counters[ZNB_NR_COUNTERS] __ro_after_init;

/**
 * znb_counters_init() - build the counter table from the two lists
 */
void __init znb_counters_init(void)
{
	struct znb_counter *row = znb_counters;

#define ZNB_COUNTER(field, _name, combine)				\
	(*row++ = (struct znb_counter){ .name = (_name),		\
		.home = ZNB_IN_CORE, .peak = ZNB_COMBINE_##combine,	\
		.offset = offsetof(struct znb_stats, field) })
#include "znb_core_counters.h"
#undef ZNB_COUNTER
#define ZNB_COUNTER(field, _name, combine)				\
	(*row++ = (struct znb_counter){ .name = (_name),		\
		.home = ZNB_IN_QUEUE, .peak = ZNB_COMBINE_##combine,	\
		.offset = offsetof(struct znb_qstats, field) })
#include "queue_counters.h"
#undef ZNB_COUNTER
}

/* Not a counter of the table: computed from the live mappings. */
#define ZNB_ES_OLDEST_AGE	ARRAY_SIZE(znb_counters)
#define ZNB_ES_COUNT		(ZNB_ES_OLDEST_AGE + 1)

static const void *znb_counter_home(const struct znb_counter *c,
				    const struct znb_stats *st,
				    const struct znb_qstats *qs)
{
	return c->home == ZNB_IN_CORE ? (const void *)st : (const void *)qs;
}

static u64 znb_counter_read(const struct znb_counter *c, const void *home)
{
	return READ_ONCE(*(const u64 *)(home + c->offset));
}

/**
 * znb_stats_fold() - add one queue's counters to totals
 * @st_sum: core totals
 * @qs_sum: netback totals
 * @st: the queue's core counters
 * @qs: the queue's netback counters (znb_queue_qstats())
 */
void znb_stats_fold(struct znb_stats *st_sum, struct znb_qstats *qs_sum,
		    const struct znb_stats *st, const struct znb_qstats *qs)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(znb_counters); i++) {
		const struct znb_counter *c = &znb_counters[i];
		void *sum = c->home == ZNB_IN_CORE ? (void *)st_sum :
			    (void *)qs_sum;
		u64 v = znb_counter_read(c, znb_counter_home(c, st, qs));

		if (c->peak)
			v = max(v, znb_counter_read(c, sum));
		else
			v += znb_counter_read(c, sum);
		*(u64 *)(sum + c->offset) = v;
	}
}

/**
 * znb_queue_qstats() - a queue's netback counters, the policy's included
 * @q: queue
 * @qs: filled in
 */
void znb_queue_qstats(struct znb_queue *q, struct znb_qstats *qs)
{
	const struct znb_flow_table *ft = &q->txq.flows;

	*qs = q->stats;
	qs->pol_mapped = READ_ONCE(ft->mapped);
	qs->pol_copied = READ_ONCE(ft->copied);
	qs->pol_small = READ_ONCE(ft->copied_small);
	qs->pol_to_copy = READ_ONCE(ft->to_copy);
	qs->pol_to_map = READ_ONCE(ft->to_map);
	qs->pol_probes = READ_ONCE(ft->probes);
	qs->pol_tracked = READ_ONCE(ft->tracked);
}

/**
 * znb_queue_counters_show() - a queue's counters, as in ethtool -S, for debugfs
 * @m: the queues file being read
 * @q: queue
 */
void znb_queue_counters_show(struct seq_file *m, struct znb_queue *q)
{
	struct znb_qstats qs;
	unsigned int i;

	znb_queue_qstats(q, &qs);
	for (i = 0; i < ARRAY_SIZE(znb_counters); i++) {
		const struct znb_counter *c = &znb_counters[i];
		const void *home = znb_counter_home(c, &q->txq.st, &qs);

		seq_printf(m, "%s%s %llu", i % 6 ? " " : "  ", c->name,
			   znb_counter_read(c, home));
		if (i % 6 == 5 || i + 1 == ARRAY_SIZE(znb_counters))
			seq_putc(m, '\n');
	}
}

/**
 * znb_stats_retire_queue() - keep the counters of a queue being torn down
 * @vif: vif
 * @q: its queue, no longer polled
 *
 * Its mappings still in the stack are no longer counted as mapped now.
 */
void znb_stats_retire_queue(struct znb_vif *vif, struct znb_queue *q)
{
	struct znb_qstats qs;

	znb_queue_qstats(q, &qs);
	rtnl_lock();
	znb_stats_fold(&vif->base, &vif->qbase, &q->txq.st, &qs);
	vif->base.mapped_now = 0;
	rtnl_unlock();
}

/**
 * znb_get_stats64() - the netdev's counters (ndo_get_stats64)
 * @dev: the vif's netdev
 * @s: filled in
 *
 * Packets from the guest are received (rx), packets to it transmitted (tx).
 */
void znb_get_stats64(struct net_device *dev, struct rtnl_link_stats64 *s)
{
	struct znb_vif *vif = netdev_priv(dev);
	struct znb_stats st = vif->base;
	struct znb_qstats qs = vif->qbase;
	struct znb_queue **queues;
	unsigned int i, nr;

	rcu_read_lock();
	queues = READ_ONCE(vif->queues);
	nr = READ_ONCE(vif->nr_queues);
	for (i = 0; queues && i < nr; i++)
		znb_stats_fold(&st, &qs, &queues[i]->txq.st, &queues[i]->stats);
	rcu_read_unlock();
	s->rx_packets = qs.rx_packets;
	s->rx_bytes = qs.rx_bytes;
	s->rx_dropped = qs.rx_dropped + st.dropped;
	s->tx_packets = qs.tx_packets;
	s->tx_bytes = qs.tx_bytes;
	s->tx_dropped = qs.tx_dropped;
}

static int znb_get_sset_count(struct net_device *dev, int sset)
{
	return sset == ETH_SS_STATS ? (int)ZNB_ES_COUNT : -EOPNOTSUPP;
}

static void znb_get_strings(struct net_device *dev, u32 sset, u8 *data)
{
	unsigned int i;

	if (sset != ETH_SS_STATS)
		return;
	for (i = 0; i < ARRAY_SIZE(znb_counters); i++)
		ethtool_sprintf(&data, "%s", znb_counters[i].name);
	ethtool_sprintf(&data, "oldest_mapping_age_ms");
}

/* Context: RTNL held, so the queues stay. */
static void znb_get_ethtool_stats(struct net_device *dev,
				  struct ethtool_stats *es, u64 *data)
{
	struct znb_vif *vif = netdev_priv(dev);
	struct znb_stats st = vif->base;
	struct znb_qstats qs = vif->qbase;
	u64 now = znb_now_ns(), oldest = 0;
	unsigned int i;

	for (i = 0; vif->queues && i < vif->nr_queues; i++) {
		struct znb_queue *q = vif->queues[i];
		struct znb_qstats one;

		znb_queue_qstats(q, &one);
		znb_stats_fold(&st, &qs, &q->txq.st, &one);
		oldest = max(oldest, znb_txq_oldest_age_ns(&q->txq, now));
	}
	for (i = 0; i < ARRAY_SIZE(znb_counters); i++)
		data[i] = znb_counter_read(&znb_counters[i],
					   znb_counter_home(&znb_counters[i],
							    &st, &qs));
	data[ZNB_ES_OLDEST_AGE] = div_u64(oldest, NSEC_PER_MSEC);
}

const struct ethtool_ops znb_ethtool_ops = {
	.get_link = ethtool_op_get_link,
	.get_sset_count = znb_get_sset_count,
	.get_strings = znb_get_strings,
	.get_ethtool_stats = znb_get_ethtool_stats,
};
