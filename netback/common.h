/* SPDX-License-Identifier: GPL-2.0 */
/*
 * znetback: shared definitions of the xenbus, netdev, guest TX and guest RX
 * parts of the module.
 */
#ifndef ZNB_COMMON_H
#define ZNB_COMMON_H

#include <linux/atomic.h>
#include <linux/debugfs.h>
#include <linux/hrtimer.h>
#include <linux/interrupt.h>
#include <linux/mutex.h>
#include <linux/netdevice.h>
#include <linux/skbuff.h>
#include <linux/timer.h>
#include <linux/workqueue.h>
#include <xen/grant_table.h>
#include <xen/xenbus.h>
#include <xen/interface/io/netif.h>

#include "znb_credit.h"
#include "znb_policy.h"
#include "znb_pool.h"
#include "znb_txbuild.h"
#include "znb_txreq.h"
#include "compat.h"

/* Guest TX packets whose grant ops go to the hypervisor together. */
#define ZNB_TX_BATCH		16
/* Grant copies and maps of one guest TX batch. */
#define ZNB_TX_COPY_OPS		(4 * ZNB_TX_PKT_COPY_OPS)
#define ZNB_TX_MAP_OPS		(4 * ZNB_TX_SLOTS_MAX)
/* Grant copies flushed to the hypervisor at once on the guest RX path. */
#define ZNB_RX_COPY_OPS		64
/* How often the RX ring of a frontend without feature-rx-notify is polled. */
#define ZNB_RX_POLL_MS		30
/* Packets the guest RX path handles in one NAPI round. */
#define ZNB_RX_BATCH		64
/* Ring requests one guest RX packet may use at most (data + GSO extra). */
#define ZNB_RX_SLOTS_MAX	(XEN_NETIF_NR_SLOTS_MIN + 1)
/* Guest RX packets whose grant copies share hypercalls. */
#define ZNB_RX_PKTS		16
/*
 * Delay before the dealloc work retries a page the stack still holds:
 * mostly the moment between the completion and the frags' put_page().
 */
#define ZNB_DEALLOC_RETRY_US	50

/*
 * Bits of znb_queue::eoi_pending: which path (TX poll, RX thread) owes a
 * late EOI.  On a shared event channel an event may owe both; the last of
 * the two to finish sends the EOI.
 */
#define ZNB_EOI_TX		0
#define ZNB_EOI_RX		1

/**
 * struct znb_qstats - netback-level counters of one queue
 *
 * One u64 per line of queue_counters.h, which says what each counts.
 */
struct znb_qstats {
	/* private: generated */
#define ZNB_COUNTER(field, name, combine)	u64 field
#include "queue_counters.h"
#undef ZNB_COUNTER
};

struct znb_vif;
struct seq_file;

/**
 * struct znb_tx_pending - a guest TX packet whose grant ops are batched
 * @skb: the skb being built
 * @plan: what znb_tx_gather() found
 * @idx: slot index of each data slot
 * @pkt: packet context index
 * @build: its layout and grant ops (grant/txbuild.c)
 * @head_start: its first head copy in znb_queue::tx_copy
 * @data_start: its first data op in znb_queue::tx_map (mapped) or
 *	znb_queue::tx_copy (copied)
 * @dpage: page each plan slot's frag data is copied to (copy decision)
 *
 * Owned by the NAPI poll, for one batch.
 */
struct znb_tx_pending {
	struct sk_buff *skb;
	struct znb_tx_plan plan;
	u16 idx[ZNB_TX_SLOTS_MAX];
	u16 pkt;
	struct znb_tx_build build;
	u16 head_start;
	u16 data_start;
	struct page *dpage[ZNB_TX_SLOTS_MAX];
};

/**
 * struct znb_rx_pkt - a packet being copied to the guest
 * @skb: the packet
 * @req: the buffers (requests) it uses, in ring order
 * @filled: bytes put in each data buffer
 * @rsp: ring index of its first response
 * @gso: a GSO extra follows the first response
 * @err: a copy failed
 * @data_slots: data buffers the packet needs
 * @slot: data buffer being filled
 * @headroom: bytes left free at the start of the first buffer
 * @slot_off: where the next byte goes in the buffer being filled
 */
struct znb_rx_pkt {
	struct sk_buff *skb;
	struct xen_netif_rx_request req[ZNB_RX_SLOTS_MAX];
	u16 filled[ZNB_RX_SLOTS_MAX];
	RING_IDX rsp;
	bool gso;
	bool err;
	unsigned int data_slots;
	unsigned int slot;
	unsigned int headroom;
	unsigned int slot_off;
};

/**
 * struct znb_queue - one TX/RX ring pair of a vif
 * @vif: owning vif
 * @id: queue number
 * @live: rings, IRQs and NAPI are usable; cleared before they go away
 * @napi: polls guest TX, and guest RX sent from softirq context
 * @napi_on: @napi is enabled
 * @rx_task: the guest RX thread, znb_rx_thread()
 * @rx_wq: @rx_task sleeps here until it has work
 * @rx_lock: one guest RX poll at a time (@napi or @rx_task)
 * @tx: guest TX back ring
 * @rx: guest RX back ring
 * @tx_irq: IRQ of the TX (or only) event channel
 * @rx_irq: IRQ of the RX event channel (== @tx_irq when not split)
 * @irq_lock: serialises notifications against IRQ teardown
 * @eoi_pending: ZNB_EOI_* bits: late EOIs owed, one per path (TX poll,
 *	RX thread) that has an event to finish
 * @tx_irq_name: name of the TX (or only) IRQ
 * @rx_irq_name: name of the RX IRQ
 * @txq: grant lifecycle core state (slot pool, packet contexts)
 * @pages: dom0 pages guest grants are mapped on, one per slot
 * @pend: packets of the batch being built
 * @nr_pend: entries used in @pend
 * @nr_copy: entries used in @tx_copy
 * @nr_map: entries used in @tx_map
 * @nr_data_slots: slots of the pending packets, each of which may still
 *	add a map or a copy at flush time
 * @tx_copy: grant copies of the batch
 * @tx_map: grant maps of the batch
 * @tx_map_page: page each entry of @tx_map goes to
 * @credit_timer: polls again once the vif's transmit allowance is
 *	refilled (armed by the NAPI poll)
 * @tx_throttled: the last poll stopped for want of allowance; until
 *	@credit_timer fires the TX EOI is not paid, so a throttled guest's
 *	notifications cost nothing (on a frontend's single shared channel its
 *	RX notifications wait too, up to the refill) (set by the NAPI poll,
 *	cleared by @credit_timer)
 * @dealloc_work: unmaps released slots and answers them
 * @dealloc_timer: queues @dealloc_work after a gathering window or a retry
 *	delay (an hrtimer: a jiffy is up to 10 ms, far longer than either)
 * @draining: torn down with guest pages still in the network stack;
 *	@dealloc_work frees the queue when the last one returns (set once by
 *	teardown, read by @dealloc_work)
 * @free_queued: @free_work was queued (set once, by @dealloc_work)
 * @drain_start: jiffies at which @draining was set
 * @free_work: frees a @draining queue, on znb_wq
 * @drain_report: says so if a @draining queue waits past drain_timeout
 * @batch: scratch of @dealloc_work
 * @unmap_ops: scratch of @dealloc_work
 * @unmap_pages: scratch of @dealloc_work
 * @unmap_status: scratch of @dealloc_work
 * @rx_queue: packets waiting for guest RX buffers; its lock also guards
 *	@rx_queue_bytes, @rx_slots_needed and @rx_head_expires
 * @rx_queue_bytes: bytes of the packets in @rx_queue
 * @rx_slots_needed: buffers the packet at the head of @rx_queue needs, 0
 *	when it is empty (read without a lock by the event handler)
 * @rx_head_expires: jiffies at which the head of @rx_queue is dropped if it
 *	is still waiting for buffers
 * @rx_copy: grant copies of the guest RX batch
 * @rx_copy_pkt: entry of @rx_pkt each entry of @rx_copy belongs to
 * @rx_nr_copy: entries of @rx_copy queued
 * @rx_pkt: packets of the guest RX batch
 * @rx_nr_pkts: entries of @rx_pkt in use
 * @rx_deadline_timer: wakes the RX thread at @rx_deadline
 * @rx_deadline: jiffies of the next expiry or stall decision while
 *	@rx_waiting
 * @rx_wait_start: jiffies when @rx_waiting began
 * @rx_waiting: the guest has not posted the buffers the head packet needs
 *	(or packets are dropped for it); the stall clock runs
 * @rx_copying: @rx_waiting for ZNB_RX_HOLD_MS: frags of packets queued
 *	for the guest are copied out of other guests' pages (written by the
 *	RX poll, read by ndo_start_xmit())
 * @rx_dropping: a packet expired waiting for buffers: packets for the guest
 *	are dropped until it posts one (written by the RX poll, read by
 *	ndo_start_xmit())
 * @rx_stalled: no buffer for rx_stall_timeout_msecs: carrier off, packets dropped
 * @stats: netback-level counters
 */
struct znb_queue {
	/* Set when the queue is allocated; read-only afterwards. */
	struct znb_vif *vif;
	unsigned int id;
	struct page *pages[ZNB_PENDING];
	wait_queue_head_t rx_wq;

	/*
	 * Connect and teardown, by xenbus in process context.  Notifiers
	 * read @live and the IRQs under @irq_lock; @eoi_pending is atomic.
	 */
	char tx_irq_name[IFNAMSIZ + 16];
	char rx_irq_name[IFNAMSIZ + 16];
	struct task_struct *rx_task;
	bool live;
	bool napi_on;
	int tx_irq;
	int rx_irq;
	spinlock_t irq_lock; /* @live and the IRQs vs notifications */
	atomic_long_t eoi_pending;

	/*
	 * Guest TX: the NAPI poll only.  @tx's responses are written by the
	 * grant core under its rsp_lock; @tx_throttled is also cleared by
	 * @credit_timer.
	 */
	struct napi_struct napi;
	struct xen_netif_tx_back_ring tx;
	struct znb_tx_pending pend[ZNB_TX_BATCH];
	unsigned int nr_pend;
	unsigned int nr_copy;
	unsigned int nr_map;
	unsigned int nr_data_slots;
	struct gnttab_copy tx_copy[ZNB_TX_COPY_OPS];
	struct gnttab_map_grant_ref tx_map[ZNB_TX_MAP_OPS];
	struct page *tx_map_page[ZNB_TX_MAP_OPS];
	struct timer_list credit_timer;
	bool tx_throttled;

	/* The grant core: guarded by its own locks (struct znb_txq). */
	struct znb_txq txq;

	/* The dealloc work: one instance at a time, on znb_wq. */
	struct work_struct dealloc_work;
	struct hrtimer dealloc_timer;
	struct znb_unmap_batch batch;
	struct gnttab_unmap_grant_ref unmap_ops[ZNB_UNMAP_BATCH];
	struct page *unmap_pages[ZNB_UNMAP_BATCH];
	s16 unmap_status[ZNB_UNMAP_BATCH];

	/* After teardown: set once by it, then read by the dealloc work. */
	bool draining;
	atomic_t free_queued;
	unsigned long drain_start;
	struct work_struct free_work;
	struct delayed_work drain_report;

	/*
	 * Packets waiting for the guest: under rx_queue.lock (taken by
	 * ndo_start_xmit() on any CPU and by the RX poll).
	 */
	struct sk_buff_head rx_queue;
	unsigned int rx_queue_bytes;
	unsigned int rx_slots_needed;
	unsigned long rx_head_expires;

	/* Guest RX: under @rx_lock, the RX poll (@napi or @rx_task). */
	spinlock_t rx_lock; /* one guest RX poll at a time */
	struct xen_netif_rx_back_ring rx;
	struct gnttab_copy rx_copy[ZNB_RX_COPY_OPS];
	u8 rx_copy_pkt[ZNB_RX_COPY_OPS];
	unsigned int rx_nr_copy;
	struct znb_rx_pkt rx_pkt[ZNB_RX_PKTS];
	unsigned int rx_nr_pkts;
	struct timer_list rx_deadline_timer;
	unsigned long rx_deadline;
	unsigned long rx_wait_start;
	bool rx_waiting;
	bool rx_copying;
	bool rx_dropping;
	bool rx_stalled;

	/*
	 * Written by the NAPI poll (guest TX: rx_*, frag_overflow,
	 * csum_fixup, hdr_nonlinear) and the RX poll (guest RX: tx_*), and
	 * by teardown once both have stopped; the pol_* fields stay 0 here
	 * (znb_queue_qstats() reads them from the flow table).
	 */
	struct znb_qstats stats;
};

/**
 * struct znb_vif - one virtual interface (netdev private data)
 * @dev: the netdev vif<domid>.<handle>
 * @xbdev: xenbus device of the backend
 * @domid: frontend domain
 * @queues: connected queues, published under RTNL (NULL when disconnected)
 * @nr_queues: entries in @queues
 * @lim: limits for TX request validation
 * @can_sg: frontend accepts multi-slot packets (feature-sg)
 * @gso4: frontend accepts TCPv4 GSO packets
 * @gso6: frontend accepts TCPv6 GSO packets
 * @ip_csum: frontend accepts IPv4 packets with a partial checksum
 * @ipv6_csum: frontend accepts IPv6 packets with a partial checksum
 * @rx_poll: frontend does not notify when it posts RX buffers
 *	(no feature-rx-notify): a waiting queue polls its ring
 * @rx_headroom: bytes the frontend keeps free before a packet in its first
 *	RX buffer, for its XDP program (xdp-headroom; written by xenbus,
 *	read as each packet is sent and queued: no GSO to the guest while set)
 * @credit_lock: guards @credit (taken by the NAPI polls of every queue and
 *	by the watch on the rate key)
 * @credit: what the guest may still transmit (xl's rate=; no limit when
 *	its bytes are 0, read without the lock to skip it then)
 * @disabled: the frontend misbehaved; its rings are no longer read
 * @stalled_queues: queues whose frontend posts no RX buffers
 * @dbg: debugfs directory
 * @base: core counters of queues already torn down
 * @qbase: netback counters of queues already torn down
 */
struct znb_vif {
	struct net_device *dev;
	struct xenbus_device *xbdev;
	domid_t domid;

	struct znb_queue **queues;
	unsigned int nr_queues;

	struct znb_tx_limits lim;
	bool can_sg;
	bool gso4;
	bool gso6;
	bool ip_csum;
	bool ipv6_csum;
	bool rx_poll;
	u16 rx_headroom;
	spinlock_t credit_lock; /* see above */
	struct znb_credit credit;
	atomic_t disabled;
	atomic_t stalled_queues;

	struct dentry *dbg;
	struct znb_stats base;
	struct znb_qstats qbase;
};

#ifdef ZNB_LAB_RACE_WINDOWS
#include <linux/delay.h>

/*
 * Lab-only builds (tests/variant-lab.sh races): a delay, set at run time, holds a
 * race window open so that a lab test hits the race every time instead of
 * once in a while.  Never in a module built for use.
 */
extern unsigned int znb_race_rx_peek_us;
extern unsigned int znb_race_zc_kick_us;
extern unsigned int znb_race_connect_us;
extern unsigned int znb_race_bind_us;
extern atomic_t znb_race_hits;
extern atomic_t znb_race_early_events;

static inline void znb_race_delay(const unsigned int *us)
{
	unsigned int delay = READ_ONCE(*us);

	if (!delay)
		return;
	atomic_inc(&znb_race_hits);
	mdelay(delay / 1000);
	udelay(delay % 1000);
}

/* Holds window @name open if @when; neither is evaluated in other builds. */
#define znb_race_window(name, when)				\
	do {							\
		if (when)					\
			znb_race_delay(&znb_race_##name);	\
	} while (0)

/* Counts, for a lab test's precondition, that a window saw its event. */
#define znb_race_seen(counter)	atomic_inc(&znb_race_##counter)
#else
#define znb_race_window(name, when)	do { } while (0)
#define znb_race_seen(counter)		do { } while (0)
#endif

/*
 * Lab-only fault injection (tests/variant-lab.sh faults: -DZNB_LAB_FAULTS;
 * never a module built for use): one in every fault_<site>_every operations
 * of a site fails.  A grant op is made to fail by real Xen (a reference or
 * handle it refuses), so the kernel's and the backend's whole error path runs.
 */
enum znb_fault_site {
	ZNB_FAULT_TX_MAP,	/* grant map of a guest TX page */
	ZNB_FAULT_TX_COPY,	/* grant copy from a guest TX page */
	ZNB_FAULT_RX_COPY,	/* grant copy into a guest RX buffer */
	ZNB_FAULT_UNMAP,	/* grant unmap: the page stays mapped, leaked */
	ZNB_FAULT_SKB_ALLOC,	/* skb for a guest TX packet */
	ZNB_FAULT_PAGE_ALLOC,	/* page a guest TX frag is copied into */
	ZNB_FAULT_SITES
};

/* What Xen 4.17 refuses: beyond any grant table and any maptrack limit. */
#define ZNB_FAULT_BAD_GREF	((grant_ref_t)0xfffffff0U)
#define ZNB_FAULT_BAD_HANDLE	((grant_handle_t)0xfffffff0U)

#ifdef ZNB_LAB_FAULTS
bool znb_fault(enum znb_fault_site site);
#else
static inline bool znb_fault(enum znb_fault_site site)
{
	return false;
}
#endif

/* main.c */
unsigned int znb_queues_offered(void);
extern unsigned int znb_fatal_slots;
extern bool znb_provides_xdp_headroom;
extern unsigned int znb_rx_queue_len;
extern unsigned int znb_rx_queue_bytes;
extern unsigned int znb_rx_drain_timeout_ms;
extern unsigned int znb_rx_stall_timeout_ms;
extern unsigned int znb_drain_timeout_ms;
extern unsigned int znb_tx_policy;
extern unsigned int znb_tx_copy_below;
extern unsigned int znb_tx_flow_copy_after;
extern unsigned int znb_tx_flow_probe_every;
extern unsigned int znb_unmap_gather_us;
extern struct workqueue_struct *znb_wq;
extern struct dentry *znb_debugfs_root;
extern atomic_t znb_pages_mapped;
extern atomic_t znb_queues_draining;

/* interface.c */
struct znb_vif *znb_vif_create(struct xenbus_device *xbdev, domid_t domid,
			       unsigned int handle);
void znb_vif_destroy(struct znb_vif *vif);
void znb_vif_set_rate(struct znb_vif *vif, u64 bytes, u32 period_us);
int znb_vif_connect_queue(struct znb_vif *vif, struct znb_queue *q,
			  grant_ref_t tx_ref, grant_ref_t rx_ref,
			  evtchn_port_t tx_evtchn, evtchn_port_t rx_evtchn);
struct znb_queue *znb_queue_alloc(struct znb_vif *vif, unsigned int id);
void znb_queue_teardown(struct znb_vif *vif, struct znb_queue *q);
void znb_queue_free_work(struct work_struct *work);
void znb_queue_drain_report(struct work_struct *work);
void znb_queues_wait_drained(void);
void znb_vif_start(struct znb_vif *vif, struct znb_queue **queues,
		   unsigned int nr);
void znb_vif_stop(struct znb_vif *vif);
void znb_vif_update_carrier(struct znb_vif *vif);
void znb_queue_notify(struct znb_queue *q, bool rx);
void znb_queue_kick(struct znb_queue *q);

/* stats.c */
void znb_stats_fold(struct znb_stats *st_sum, struct znb_qstats *qs_sum,
		    const struct znb_stats *st, const struct znb_qstats *qs);
void znb_queue_qstats(struct znb_queue *q, struct znb_qstats *qs);
void znb_counters_init(void);
void znb_queue_counters_show(struct seq_file *m, struct znb_queue *q);
void znb_stats_retire_queue(struct znb_vif *vif, struct znb_queue *q);
void znb_get_stats64(struct net_device *dev, struct rtnl_link_stats64 *s);
extern const struct ethtool_ops znb_ethtool_ops;

/* tx.c */
int znb_tx_poll(struct znb_queue *q, int budget);
void znb_tx_dealloc_work(struct work_struct *work);
enum hrtimer_restart znb_tx_dealloc_timer(struct hrtimer *timer);
void znb_tx_kick_dealloc(struct znb_queue *q);
bool znb_tx_has_work(struct znb_queue *q);
void znb_tx_credit_timer(struct timer_list *t);

/* rx.c */
netdev_tx_t znb_start_xmit(struct sk_buff *skb, struct net_device *dev);
bool znb_rx_poll(struct znb_queue *q);
void znb_rx_purge(struct znb_queue *q);
bool znb_rx_ready(struct znb_queue *q);
bool znb_rx_has_work(struct znb_queue *q);
void znb_rx_deadline_timer(struct timer_list *t);

/* Wakes the queue's guest RX thread. */
static inline void znb_rx_kick(struct znb_queue *q)
{
	wake_up(&q->rx_wq);
}

/* debugfs.c */
void znb_debugfs_vif_add(struct znb_vif *vif);
void znb_debugfs_vif_remove(struct znb_vif *vif);

/* xenbus.c */
int znb_xenbus_init(void);
void znb_xenbus_exit(void);

#endif /* ZNB_COMMON_H */
