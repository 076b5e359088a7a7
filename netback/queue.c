// SPDX-License-Identifier: GPL-2.0
/*
 * A vif's queues: rings, event channels and their late EOIs, the NAPI poll
 * (guest TX, and guest RX from softirq), the RX thread, and their orderly
 * teardown.
 *
 * Teardown never frees a page, a slot or a packet context the stack may
 * still reach, and never waits for the stack either (it runs in xenwatch,
 * which every domain's device changes go through): a queue whose guest
 * pages are still in the network stack stays allocated, with the module
 * pinned, and its dealloc work frees it when the last one returns.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kthread.h>
#include <linux/module.h>
#include <linux/vmalloc.h>
#include <xen/events.h>
#include <xen/page.h>

#include "common.h"

/* Queues torn down whose guest pages are still in the network stack. */
atomic_t znb_queues_draining = ATOMIC_INIT(0);
/* Woken when the last of them is freed. */
static DECLARE_WAIT_QUEUE_HEAD(znb_drained_wq);

/**
 * znb_queue_notify() - send an event to the frontend
 * @q: queue
 * @rx: on the RX event channel (else TX)
 *
 * Does nothing once the queue's event channels are going away.
 */
void znb_queue_notify(struct znb_queue *q, bool rx)
{
	unsigned long flags;

	spin_lock_irqsave(&q->irq_lock, flags);
	if (q->live)
		notify_remote_via_irq(rx ? q->rx_irq : q->tx_irq);
	spin_unlock_irqrestore(&q->irq_lock, flags);
}

/**
 * znb_queue_kick() - poll again if guest TX requests wait for free slots
 * @q: queue
 *
 * Context: process (the dealloc work).
 */
void znb_queue_kick(struct znb_queue *q)
{
	unsigned long flags;

	spin_lock_irqsave(&q->irq_lock, flags);
	if (q->live && RING_HAS_UNCONSUMED_REQUESTS(&q->tx)) {
		spin_unlock_irqrestore(&q->irq_lock, flags);
		local_bh_disable();
		napi_schedule(&q->napi);
		local_bh_enable();
		return;
	}
	spin_unlock_irqrestore(&q->irq_lock, flags);
}

/*
 * @path (ZNB_EOI_*) found nothing more to do: sends the late EOI it owed,
 * unless on a shared channel the other path still owes the same one.
 */
static void znb_queue_eoi(struct znb_queue *q, unsigned int path)
{
	long owed;

	if (!READ_ONCE(q->live))
		return;
	owed = atomic_long_fetch_andnot(BIT(path), &q->eoi_pending);
	if (!(owed & BIT(path)))
		return;
	if (q->tx_irq != q->rx_irq)
		xen_irq_lateeoi(path == ZNB_EOI_RX ? q->rx_irq : q->tx_irq, 0);
	else if (!(owed & ~BIT(path)))
		xen_irq_lateeoi(q->tx_irq, 0);
}

/*
 * Delivers to the guest from the NAPI poll, unless the RX thread is doing
 * so right now: then the thread is woken to look again before it sleeps.
 */
static bool znb_rx_try_poll(struct znb_queue *q)
{
	bool more;

	if (!spin_trylock(&q->rx_lock)) {
		znb_rx_kick(q);
		return false;
	}
	more = znb_rx_poll(q);
	spin_unlock(&q->rx_lock);
	/*
	 * Only the thread looks again after a poll changed its state (the
	 * guest's buffers now fit after a drop, say): hand it over.
	 */
	if (!more && znb_rx_has_work(q))
		znb_rx_kick(q);
	return more;
}

static int znb_poll(struct napi_struct *napi, int budget)
{
	struct znb_queue *q = container_of(napi, struct znb_queue, napi);
	bool rx_more;
	int done;

	if (!budget)
		return 0;
	done = znb_tx_poll(q, budget);
	rx_more = znb_rx_try_poll(q);
	if (done >= budget || rx_more)
		return budget;

	if (napi_complete_done(napi, done)) {
		/* Throttled: the credit timer's poll pays the EOI later. */
		if (READ_ONCE(q->tx_throttled))
			return done;
		if (znb_tx_has_work(q))
			napi_schedule(napi);
		else
			znb_queue_eoi(q, ZNB_EOI_TX);
	}
	return done;
}

/*
 * Guest RX from a dom0 process (a socket sender) goes through a thread of its
 * own: in the NAPI poll it would run right after every packet the process
 * sends (one grant copy hypercall and one guest notification each), while
 * the thread runs beside the sender and takes what queued up meanwhile as
 * one batch.  It also owns the RX event channel: buffers the guest posts,
 * stall decisions.  Packets the stack sends from softirq context (ACKs of
 * guest TX, the bridge) are delivered by the NAPI poll in that same softirq,
 * without a thread wake-up in the path of every ACK.
 */
static bool znb_rx_thread_wake(struct znb_queue *q)
{
	if (kthread_should_stop())
		return true;
	/* Until live, an early event waits for the kick that makes it so. */
	return READ_ONCE(q->live) &&
	       (znb_rx_has_work(q) ||
		(atomic_long_read(&q->eoi_pending) & BIT(ZNB_EOI_RX)));
}

static int znb_rx_thread(void *data)
{
	struct znb_queue *q = data;
	bool more;

	for (;;) {
		wait_event_idle(q->rx_wq, znb_rx_thread_wake(q));
		if (kthread_should_stop())
			return 0;
		do {
			spin_lock_bh(&q->rx_lock);
			more = znb_rx_poll(q);
			spin_unlock_bh(&q->rx_lock);
			cond_resched();
		} while (more);
		if (!znb_rx_has_work(q))
			znb_queue_eoi(q, ZNB_EOI_RX);
	}
}

/*
 * Event channel handlers.  They run with the channel masked until the late
 * EOI: an event with nothing to do is EOId at once as spurious (Xen then
 * throttles a storming guest, XSA-332), real work is EOId when the path it
 * went to (the NAPI poll for TX, the RX thread for RX) has done it.  RX
 * buffers alone are not work: a healthy guest always has them posted.
 */
static void znb_irq_work(struct znb_queue *q, int irq, unsigned long paths)
{
	bool live;

	if (!paths || atomic_read(&q->vif->disabled)) {
		xen_irq_lateeoi(irq, XEN_EOI_FLAG_SPURIOUS);
		return;
	}
	atomic_long_or(paths, &q->eoi_pending);
	/*
	 * A frontend may transmit as soon as its channel is bound, before the
	 * queue is live.  Polled now, the answers would go out without the
	 * notification znb_queue_notify() holds back until live, and a guest
	 * that is woken only by that one notification would never look at
	 * its TX ring again.  The poll that znb_vif_connect_queue() schedules
	 * after making the queue live takes this work and pays the EOI owed:
	 * under the lock either it sees the bit set above, or we see live.
	 */
	spin_lock(&q->irq_lock);
	live = q->live;
	spin_unlock(&q->irq_lock);
	if (!live) {
		znb_race_seen(early_events);
		return;
	}
	if (paths & BIT(ZNB_EOI_TX))
		napi_schedule(&q->napi);
	if (paths & BIT(ZNB_EOI_RX))
		znb_rx_kick(q);
}

static unsigned long znb_tx_event_work(struct znb_queue *q)
{
	return RING_HAS_UNCONSUMED_REQUESTS(&q->tx) ? BIT(ZNB_EOI_TX) : 0;
}

static unsigned long znb_rx_event_work(struct znb_queue *q)
{
	return znb_rx_ready(q) ? BIT(ZNB_EOI_RX) : 0;
}

static irqreturn_t znb_irq_tx(int irq, void *data)
{
	struct znb_queue *q = data;

	znb_irq_work(q, irq, znb_tx_event_work(q));
	return IRQ_HANDLED;
}

static irqreturn_t znb_irq_rx(int irq, void *data)
{
	struct znb_queue *q = data;

	znb_irq_work(q, irq, znb_rx_event_work(q));
	return IRQ_HANDLED;
}

/* One channel for both rings: each path with work owes its part of the EOI. */
static irqreturn_t znb_irq_both(int irq, void *data)
{
	struct znb_queue *q = data;

	znb_irq_work(q, irq, znb_tx_event_work(q) | znb_rx_event_work(q));
	return IRQ_HANDLED;
}

/**
 * znb_queue_alloc() - allocate an unconnected queue
 * @vif: owning vif
 * @id: queue number
 *
 * Return: the queue, or NULL without memory or grant pages.
 */
struct znb_queue *znb_queue_alloc(struct znb_vif *vif, unsigned int id)
{
	struct znb_queue *q = vzalloc(sizeof(*q));

	if (!q)
		return NULL;
	q->vif = vif;
	q->id = id;
	spin_lock_init(&q->irq_lock);
	spin_lock_init(&q->rx_lock);
	init_waitqueue_head(&q->rx_wq);
	skb_queue_head_init(&q->rx_queue);
	timer_setup(&q->rx_deadline_timer, znb_rx_deadline_timer, 0);
	timer_setup(&q->credit_timer, znb_tx_credit_timer, 0);
	INIT_WORK(&q->dealloc_work, znb_tx_dealloc_work);
	INIT_WORK(&q->free_work, znb_queue_free_work);
	INIT_DELAYED_WORK(&q->drain_report, znb_queue_drain_report);
	znb_hrtimer_setup(&q->dealloc_timer, znb_tx_dealloc_timer,
			  CLOCK_MONOTONIC, HRTIMER_MODE_REL_SOFT);
	snprintf(q->tx_irq_name, sizeof(q->tx_irq_name), "%s-q%u",
		 vif->dev->name, id);
	if (gnttab_alloc_pages(ZNB_PENDING, q->pages)) {
		netdev_err(vif->dev, "queue %u: cannot allocate %u grant pages\n",
			   id, ZNB_PENDING);
		vfree(q);
		return NULL;
	}
	znb_txq_init(&q->txq, (void *const *)q->pages);
	netif_napi_add(vif->dev, &q->napi, znb_poll);
	return q;
}

/* Binds an event channel of the frontend, with late EOI (XSA-332). */
static int znb_bind(struct znb_vif *vif, struct znb_queue *q,
		    evtchn_port_t evtchn, irq_handler_t handler,
		    const char *name)
{
	return bind_interdomain_evtchn_to_irqhandler_lateeoi(vif->xbdev, evtchn,
							     handler, 0, name,
							     q);
}

/**
 * znb_vif_connect_queue() - map a queue's rings and bind its event channels
 * @vif: owning vif
 * @q: queue from znb_queue_alloc()
 * @tx_ref: grant of the TX ring
 * @rx_ref: grant of the RX ring
 * @tx_evtchn: TX (or only) event channel
 * @rx_evtchn: RX event channel; equal to @tx_evtchn when not split
 *
 * On failure the queue is left for znb_queue_teardown() to undo.
 *
 * Return: 0 or a negative errno.
 */
int znb_vif_connect_queue(struct znb_vif *vif, struct znb_queue *q,
			  grant_ref_t tx_ref, grant_ref_t rx_ref,
			  evtchn_port_t tx_evtchn, evtchn_port_t rx_evtchn)
{
	struct xenbus_device *xbdev = vif->xbdev;
	unsigned long flags;
	void *addr;
	int err;

	err = xenbus_map_ring_valloc(xbdev, &tx_ref, 1, &addr);
	if (err) {
		netdev_err(vif->dev, "queue %u: cannot map the guest's TX ring (grant %u): %d\n",
			   q->id, tx_ref, err);
		return err;
	}
	BACK_RING_INIT(&q->tx, (struct xen_netif_tx_sring *)addr,
		       XEN_PAGE_SIZE);

	err = xenbus_map_ring_valloc(xbdev, &rx_ref, 1, &addr);
	if (err) {
		netdev_err(vif->dev, "queue %u: cannot map the guest's RX ring (grant %u): %d\n",
			   q->id, rx_ref, err);
		return err;
	}
	BACK_RING_INIT(&q->rx, (struct xen_netif_rx_sring *)addr,
		       XEN_PAGE_SIZE);
	znb_txq_set_ring(&q->txq, &q->tx);

	/* NAPI and the RX thread first: going live schedules them. */
	napi_enable(&q->napi);
	q->napi_on = true;
	q->rx_task = kthread_run(znb_rx_thread, q, "%s-q%u-rx",
				 vif->dev->name, q->id);
	if (IS_ERR(q->rx_task)) {
		err = PTR_ERR(q->rx_task);
		q->rx_task = NULL;
		netdev_err(vif->dev, "queue %u: cannot start the guest RX thread: %d\n",
			   q->id, err);
		return err;
	}

	if (tx_evtchn == rx_evtchn) {
		err = znb_bind(vif, q, tx_evtchn, znb_irq_both, q->tx_irq_name);
		if (err < 0)
			goto fail_irq;
		q->tx_irq = err;
		q->rx_irq = err;
	} else {
		snprintf(q->tx_irq_name, sizeof(q->tx_irq_name), "%s-q%u-tx",
			 vif->dev->name, q->id);
		snprintf(q->rx_irq_name, sizeof(q->rx_irq_name), "%s-q%u-rx",
			 vif->dev->name, q->id);
		err = znb_bind(vif, q, tx_evtchn, znb_irq_tx, q->tx_irq_name);
		if (err < 0)
			goto fail_irq;
		q->tx_irq = err;
		err = znb_bind(vif, q, rx_evtchn, znb_irq_rx, q->rx_irq_name);
		if (err < 0)
			goto fail_irq;
		q->rx_irq = err;
	}

	znb_race_window(bind_us, true);
	spin_lock_irqsave(&q->irq_lock, flags);
	q->live = true;
	spin_unlock_irqrestore(&q->irq_lock, flags);

	/* Pick up whatever the frontend queued before we listened. */
	local_bh_disable();
	napi_schedule(&q->napi);
	local_bh_enable();
	znb_rx_kick(q);
	return 0;

fail_irq:
	netdev_err(vif->dev, "queue %u: cannot bind event channel %u/%u: %d\n",
		   q->id, tx_evtchn, rx_evtchn, err);
	return err;
}

/*
 * Frees a queue nothing can reach any more: no ring, no event channel, no
 * slot outstanding.  A zerocopy completion that released the last slot may
 * still be about to kick the dealloc work (it does so inside an RCU read
 * section), so wait for it before cancelling what it could re-arm.
 */
static void znb_queue_free(struct znb_queue *q)
{
	synchronize_rcu();
	cancel_work_sync(&q->dealloc_work);
	hrtimer_cancel(&q->dealloc_timer);
	cancel_work_sync(&q->dealloc_work);
	cancel_delayed_work_sync(&q->drain_report);
	gnttab_free_pages(ZNB_PENDING, q->pages);
	vfree(q);
}

/**
 * znb_queue_free_work() - free a torn-down queue whose last page came back
 * @work: the queue's free_work, queued by its dealloc work
 *
 * Runs on znb_wq, which module unload destroys (waiting for this work)
 * before the module's code goes: the reference dropped here is safe.
 */
void znb_queue_free_work(struct work_struct *work)
{
	struct znb_queue *q = container_of(work, struct znb_queue, free_work);

	pr_info("%s: the network stack returned the last guest page %u ms after disconnect; queue freed\n",
		q->tx_irq_name, jiffies_to_msecs(jiffies - q->drain_start));
	znb_queue_free(q);
	if (atomic_dec_and_test(&znb_queues_draining))
		wake_up(&znb_drained_wq);
	module_put(THIS_MODULE);
}

/**
 * znb_queues_wait_drained() - wait until no torn-down queue waits for pages
 *
 * For module unload: the vifs removed by unregistering the driver may leave
 * queues whose pages the stack still holds, and their completions run this
 * module's code.  Unload waits for them, saying so every 10 s.
 */
void znb_queues_wait_drained(void)
{
	while (!wait_event_timeout(znb_drained_wq,
				   !atomic_read(&znb_queues_draining),
				   10 * HZ))
		pr_warn("unload waits for %d torn-down queues whose guest pages are still in the network stack\n",
			atomic_read(&znb_queues_draining));
}

/**
 * znb_queue_drain_report() - a torn-down queue still waits after drain_timeout
 * @work: the queue's drain_report
 *
 * Pages a guest granted stay mapped for as long as the stack holds them;
 * nothing is freed early.  This only says so, loudly, once.
 */
void znb_queue_drain_report(struct work_struct *work)
{
	struct znb_queue *q = container_of(to_delayed_work(work),
					   struct znb_queue, drain_report);

	pr_crit("%s: %u guest TX slots (%llu pages mapped, oldest %llu ms) still in the network stack %u ms after disconnect; the queue and the module stay until they return\n",
		q->tx_irq_name, znb_txq_outstanding(&q->txq),
		READ_ONCE(q->txq.st.mapped_now),
		div_u64(znb_txq_oldest_age_ns(&q->txq, znb_now_ns()),
			NSEC_PER_MSEC),
		jiffies_to_msecs(jiffies - q->drain_start));
}

/**
 * znb_queue_teardown() - disconnect a queue and free it, now or later
 * @vif: owning vif
 * @q: queue, connected or not (partly connected is fine)
 *
 * The queue must no longer be reachable from ndo_start_xmit().  Never waits
 * for the network stack: if guest pages are still in it, the queue is left
 * to its dealloc work, which frees it when the last one returns.
 *
 * Context: process, without RTNL.
 */
void znb_queue_teardown(struct znb_vif *vif, struct znb_queue *q)
{
	unsigned long flags;
	unsigned int outstanding;

	if (q->napi_on)
		napi_disable(&q->napi);
	q->napi_on = false;
	if (q->rx_task)
		kthread_stop(q->rx_task);
	q->rx_task = NULL;
	znb_timer_delete_sync(&q->rx_deadline_timer);
	/* Only the NAPI poll, disabled above, arms it. */
	znb_timer_delete_sync(&q->credit_timer);
	znb_rx_purge(q);
	if (q->rx_stalled) {
		q->rx_stalled = false;
		atomic_dec(&vif->stalled_queues);
	}

	spin_lock_irqsave(&q->irq_lock, flags);
	q->live = false;
	spin_unlock_irqrestore(&q->irq_lock, flags);
	if (q->rx_irq > 0 && q->rx_irq != q->tx_irq)
		unbind_from_irqhandler(q->rx_irq, q);
	if (q->tx_irq > 0)
		unbind_from_irqhandler(q->tx_irq, q);
	q->tx_irq = 0;
	q->rx_irq = 0;

	/* The dealloc work stops answering: the guest's rings go away. */
	znb_txq_set_ring(&q->txq, NULL);
	if (q->tx.sring)
		xenbus_unmap_ring_vfree(vif->xbdev, q->tx.sring);
	if (q->rx.sring)
		xenbus_unmap_ring_vfree(vif->xbdev, q->rx.sring);
	q->tx.sring = NULL;
	q->rx.sring = NULL;
	netif_napi_del(&q->napi);

	znb_stats_retire_queue(vif, q);

	outstanding = znb_txq_outstanding(&q->txq);
	if (!outstanding) {
		znb_queue_free(q);
		return;
	}
	netdev_info(vif->dev, "queue %u: %u guest TX slots (%llu pages mapped) still in the network stack; the queue is freed when they return\n",
		    q->id, outstanding, READ_ONCE(q->txq.st.mapped_now));
	__module_get(THIS_MODULE);
	atomic_inc(&znb_queues_draining);
	q->drain_start = jiffies;
	/* From here on nothing may reach the vif through the queue. */
	q->vif = NULL;
	/* Pairs with the barrier in the dealloc work before it reads it. */
	smp_store_release(&q->draining, true);
	queue_delayed_work(znb_wq, &q->drain_report,
			   msecs_to_jiffies(READ_ONCE(znb_drain_timeout_ms)));
	/* The last page may have come back before @draining was set. */
	queue_work(znb_wq, &q->dealloc_work);
}
