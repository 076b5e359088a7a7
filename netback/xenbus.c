// SPDX-License-Identifier: GPL-2.0
/*
 * xenbus side of a vif: feature advertisement, the backend state machine,
 * the hotplug handshake and reading what the frontend negotiated.
 *
 * The state machine: probe creates the netdev and goes to InitWait.  The
 * toolstack's hotplug script then attaches the netdev and writes
 * hotplug-status = connected; the frontend publishes its rings and goes to
 * Connected.  Once both happened we map the rings and go to Connected.  A
 * frontend that closes, disappears or restarts takes us back through
 * Closing/Closed (and to InitWait again if it restarts).
 */
#include <linux/rtnetlink.h>
#include <linux/slab.h>

#include "common.h"

/**
 * struct znb_backend - xenbus driver data of one vif
 * @dev: the backend xenbus device
 * @vif: its vif (netdev)
 * @lock: serialises state changes, watch callbacks and removal; uevents read
 *	@vif under it
 * @hotplug_watch: watch on our hotplug-status node
 * @rate_watch: watch on our rate node (xl's rate=; an admin changes it
 *	live with xenstore-write)
 * @hotplug_ok: the hotplug script reported "connected"
 * @xdp_headroom_offered: we wrote feature-xdp-headroom = 1 (at probe)
 * @xdp_watch: watch on the frontend's xdp-headroom (when offered)
 * @hotplug_script: the toolstack's script node, or NULL; set at probe, for
 *	the udev events (a toolstack with run_hotplug_scripts=0 leaves the
 *	script to udev rules that run "$script online" and "$script offline")
 * @frontend_state: last state seen at the frontend
 * @connected: rings mapped and queues running
 */
struct znb_backend {
	struct xenbus_device *dev;
	struct znb_vif *vif;
	struct mutex lock; /* state machine, watch callback, removal, @vif */
	struct xenbus_watch hotplug_watch;
	struct xenbus_watch rate_watch;
	bool hotplug_ok;
	bool xdp_headroom_offered;
	struct xenbus_watch xdp_watch;
	char *hotplug_script;
	enum xenbus_state frontend_state;
	bool connected;
};

static int znb_write_features(struct znb_backend *be,
			      unsigned int vif_queues)
{
	struct xenbus_device *dev = be->dev;
	static const char *const on[] = {
		"feature-sg", "feature-gso-tcpv4", "feature-gso-tcpv6",
		"feature-ipv6-csum-offload", "feature-rx-copy",
		"feature-split-event-channels",
	};
	struct xenbus_transaction xbt;
	const char *what = "transaction";
	unsigned int i;
	int err;

again:
	err = xenbus_transaction_start(&xbt);
	if (err)
		goto fail;
	for (i = 0; i < ARRAY_SIZE(on); i++) {
		what = on[i];
		err = xenbus_printf(xbt, dev->nodename, on[i], "%d", 1);
		if (err)
			goto abort;
	}
	/* Read once per vif, like mainline's parameter of the same name. */
	be->xdp_headroom_offered = READ_ONCE(znb_provides_xdp_headroom);
	what = "feature-xdp-headroom";
	err = xenbus_printf(xbt, dev->nodename, what, "%d",
			    be->xdp_headroom_offered);
	if (err)
		goto abort;
	what = "feature-rx-flip";
	err = xenbus_printf(xbt, dev->nodename, what, "%d", 0);
	if (err)
		goto abort;
	what = "multi-queue-max-queues";
	err = xenbus_printf(xbt, dev->nodename, what, "%u",
			    vif_queues);
	if (err)
		goto abort;
	err = xenbus_transaction_end(xbt, 0);
	if (err == -EAGAIN)
		goto again;
	if (err)
		goto fail;
	return 0;

abort:
	xenbus_transaction_end(xbt, 1);
fail:
	xenbus_dev_fatal(dev, err, "writing %s", what);
	return err;
}

/* Reads the rings and event channels of queue @i and connects it. */
static int znb_connect_queue(struct znb_backend *be, struct znb_queue *q,
			     unsigned int nr)
{
	struct xenbus_device *dev = be->dev;
	unsigned int tx_ref, rx_ref, tx_evt, rx_evt;
	char *path;
	int err = -EINVAL;

	if (nr == 1)
		path = kstrdup(dev->otherend, GFP_KERNEL);
	else
		path = kasprintf(GFP_KERNEL, "%s/queue-%u", dev->otherend,
				 q->id);
	if (!path)
		return -ENOMEM;

	if (xenbus_scanf(XBT_NIL, path, "tx-ring-ref", "%u", &tx_ref) != 1 ||
	    xenbus_scanf(XBT_NIL, path, "rx-ring-ref", "%u", &rx_ref) != 1) {
		xenbus_dev_fatal(dev, err, "guest did not publish %s/tx-ring-ref and rx-ring-ref",
				 path);
		goto out;
	}
	if (xenbus_scanf(XBT_NIL, path, "event-channel-tx", "%u",
			 &tx_evt) == 1 &&
	    xenbus_scanf(XBT_NIL, path, "event-channel-rx", "%u",
			 &rx_evt) == 1) {
		if (tx_evt == rx_evt) {
			xenbus_dev_fatal(dev, err,
					 "guest published split event channel %u for both TX and RX",
					 tx_evt);
			goto out;
		}
	} else if (xenbus_scanf(XBT_NIL, path, "event-channel", "%u",
				&tx_evt) == 1) {
		rx_evt = tx_evt;
	} else {
		xenbus_dev_fatal(dev, err, "guest did not publish %s/event-channel",
				 path);
		goto out;
	}

	err = znb_vif_connect_queue(be->vif, q, tx_ref, rx_ref, tx_evt, rx_evt);
	if (err)
		xenbus_dev_fatal(dev, err, "connecting queue %u", q->id);
out:
	kfree(path);
	return err;
}

/*
 * The frontend's xdp-headroom: what its XDP program needs free before a
 * packet in the first RX buffer (netfront asks XDP_PACKET_HEADROOM while a
 * program is attached, 0 otherwise).  Read at connect, when the frontend
 * enters Reconfiguring and whenever it writes the key: netfront writes it
 * only after it switched to Reconfiguring, so the first read may be too
 * early.  A headroom that leaves no byte of a buffer is refused: none.
 * Cheap, and takes no lock beyond the caller's: a guest may write its key
 * as often as it likes.
 */
static void znb_read_xdp_headroom(struct znb_backend *be)
{
	struct znb_vif *vif = be->vif;
	unsigned int headroom;

	if (!be->xdp_headroom_offered)
		return;
	headroom = xenbus_read_unsigned(be->dev->otherend, "xdp-headroom", 0);
	if (headroom >= XEN_PAGE_SIZE) {
		if (net_ratelimit())
			netdev_warn(vif->dev, "guest asked for %u bytes of XDP headroom in %lu-byte RX buffers: it gets none\n",
				    headroom, XEN_PAGE_SIZE);
		headroom = 0;
	}
	if (headroom == vif->rx_headroom)
		return;
	if (net_ratelimit())
		netdev_info(vif->dev, "guest XDP headroom: %u bytes\n", headroom);
	WRITE_ONCE(vif->rx_headroom, headroom);
}

static void znb_xdp_headroom_changed(struct xenbus_watch *watch,
				     const char *path, const char *token)
{
	struct znb_backend *be = container_of(watch, struct znb_backend,
					      xdp_watch);

	mutex_lock(&be->lock);
	if (be->connected)
		znb_read_xdp_headroom(be);
	mutex_unlock(&be->lock);
}

static void znb_disconnect(struct znb_backend *be)
{
	struct znb_vif *vif = be->vif;
	struct znb_queue **queues;
	unsigned int i, nr;

	if (!be->connected)
		return;
	rtnl_lock();
	queues = vif->queues;
	nr = vif->nr_queues;
	znb_vif_stop(vif);
	rtnl_unlock();
	synchronize_net();

	for (i = 0; i < nr; i++)
		znb_queue_teardown(vif, queues[i]);
	kfree(queues);
	be->connected = false;
	netdev_info(vif->dev, "disconnected from the guest\n");
}

static int znb_connect(struct znb_backend *be)
{
	struct xenbus_device *dev = be->dev;
	struct znb_vif *vif = be->vif;
	unsigned int nr, i, max;
	struct znb_queue **queues;
	int err;

	max = vif->dev->num_tx_queues;
	nr = xenbus_read_unsigned(dev->otherend, "multi-queue-num-queues", 1);
	if (nr == 0 || nr > max) {
		xenbus_dev_fatal(dev, -EINVAL, "guest asked for %u queues, at most %u are offered",
				 nr, max);
		return -EINVAL;
	}
	if (!xenbus_read_unsigned(dev->otherend, "request-rx-copy", 0)) {
		xenbus_dev_fatal(dev, -EOPNOTSUPP,
				 "guest does not request-rx-copy (page flipping is not supported)");
		return -EOPNOTSUPP;
	}
	vif->rx_poll = !xenbus_read_unsigned(dev->otherend,
					     "feature-rx-notify", 0);
	if (vif->rx_poll)
		netdev_info(vif->dev, "guest does not advertise feature-rx-notify: its RX ring is polled while packets wait for buffers\n");

	vif->can_sg = !!xenbus_read_unsigned(dev->otherend, "feature-sg", 0);
	vif->gso4 = !!xenbus_read_unsigned(dev->otherend,
					   "feature-gso-tcpv4", 0);
	vif->gso6 = !!xenbus_read_unsigned(dev->otherend,
					   "feature-gso-tcpv6", 0);
	vif->ip_csum = !xenbus_read_unsigned(dev->otherend,
					     "feature-no-csum-offload", 0);
	vif->ipv6_csum = !!xenbus_read_unsigned(dev->otherend,
						"feature-ipv6-csum-offload", 0);
	znb_read_xdp_headroom(be);
	vif->lim.fatal_slots = znb_fatal_slots;
	vif->lim.mcast_ctrl = false;
	/*
	 * A new connection starts enabled, before any queue can take an
	 * event: a queue that found the vif still disabled from the last
	 * connection would consume nothing and not be polled again.
	 */
	atomic_set(&vif->disabled, 0);

	queues = kcalloc(nr, sizeof(*queues), GFP_KERNEL);
	if (!queues) {
		xenbus_dev_fatal(dev, -ENOMEM, "allocating %u queues", nr);
		return -ENOMEM;
	}
	for (i = 0; i < nr; i++) {
		queues[i] = znb_queue_alloc(vif, i);
		if (!queues[i]) {
			err = -ENOMEM;
			xenbus_dev_fatal(dev, err, "allocating queue %u", i);
			goto fail;
		}
		err = znb_connect_queue(be, queues[i], nr);
		if (err) {
			i++;
			goto fail;
		}
	}

	znb_race_window(connect_us, true);
	rtnl_lock();
	znb_vif_start(vif, queues, nr);
	rtnl_unlock();
	be->connected = true;
	netdev_info(vif->dev, "connected to the guest: %u queue(s), sg %d, gso v4/v6 %d/%d, csum v4/v6 %d/%d\n",
		    nr, vif->can_sg, vif->gso4, vif->gso6, vif->ip_csum,
		    vif->ipv6_csum);
	return 0;

fail:
	while (i--)
		if (queues[i])
			znb_queue_teardown(vif, queues[i]);
	kfree(queues);
	return err;
}

/* Goes to Connected once the frontend and the hotplug script are ready. */
static void znb_try_connect(struct znb_backend *be)
{
	struct xenbus_device *dev = be->dev;

	if (!be->hotplug_ok)
		return;
	if (be->frontend_state != XenbusStateConnected &&
	    be->frontend_state != XenbusStateInitialised)
		return;
	if (dev->state == XenbusStateConnected)
		return;
	/* The frontend is back from Reconfiguring: so are we. */
	if (dev->state == XenbusStateReconfigured && be->connected) {
		xenbus_switch_state(dev, XenbusStateConnected);
		return;
	}
	/* A frontend may come back from Closed without Initialising. */
	if (dev->state == XenbusStateClosed)
		xenbus_switch_state(dev, XenbusStateInitWait);
	if (dev->state != XenbusStateInitWait)
		return;
	if (!be->connected && znb_connect(be))
		return;
	xenbus_switch_state(dev, XenbusStateConnected);
}

static void znb_hotplug_changed(struct xenbus_watch *watch, const char *path,
				const char *token)
{
	struct znb_backend *be = container_of(watch, struct znb_backend,
					      hotplug_watch);
	unsigned int len;
	char *val;

	val = xenbus_read(XBT_NIL, be->dev->nodename, "hotplug-status", &len);
	if (IS_ERR(val))
		return;
	mutex_lock(&be->lock);
	if (len == strlen("connected") && !memcmp(val, "connected", len) &&
	    !be->hotplug_ok) {
		be->hotplug_ok = true;
		znb_try_connect(be);
	}
	mutex_unlock(&be->lock);
	kfree(val);
}

/*
 * The toolstack writes "rate" = "BYTES,MICROSECONDS" (libxl, from xl's rate=)
 * before the vif appears and whenever an admin changes it; no key, or a
 * removed one, means no limit.  Only the toolstack's domain and the
 * backend's own can write our directory, never the guest.
 */
static void znb_rate_changed(struct xenbus_watch *watch, const char *path,
			     const char *token)
{
	struct znb_backend *be = container_of(watch, struct znb_backend,
					      rate_watch);
	u32 period_us = 0;
	u64 bytes = 0;
	char *val;

	val = xenbus_read(XBT_NIL, be->dev->nodename, "rate", NULL);
	if (IS_ERR(val)) {
		/* Only a removed key lifts the limit, not a failed read. */
		if (PTR_ERR(val) != -ENOENT)
			return;
	} else {
		if (!znb_credit_parse(val, &bytes, &period_us)) {
			netdev_warn(be->vif->dev, "rate '%s' is not BYTES,MICROSECONDS: not rate-limited\n",
				    val);
			bytes = 0;
		}
		kfree(val);
	}
	/* Under the lock: a connect or disconnect does not change the queues. */
	mutex_lock(&be->lock);
	znb_vif_set_rate(be->vif, bytes, period_us);
	mutex_unlock(&be->lock);
}

static void znb_switch_closed(struct xenbus_device *dev)
{
	if (dev->state == XenbusStateConnected ||
	    dev->state == XenbusStateReconfigured)
		xenbus_switch_state(dev, XenbusStateClosing);
	if (dev->state != XenbusStateClosed)
		xenbus_switch_state(dev, XenbusStateClosed);
}

static void znb_frontend_changed(struct xenbus_device *dev,
				 enum xenbus_state state)
{
	struct znb_backend *be = dev_get_drvdata(&dev->dev);

	mutex_lock(&be->lock);
	be->frontend_state = state;
	switch (state) {
	case XenbusStateInitialising:
		/* A frontend that (re)starts finds us waiting for it. */
		if (dev->state != XenbusStateInitWait) {
			netdev_info(be->vif->dev, "guest frontend (re)started\n");
			znb_disconnect(be);
			znb_switch_closed(dev);
			xenbus_switch_state(dev, XenbusStateInitWait);
		}
		break;
	case XenbusStateReconfiguring:
		/*
		 * netfront waits for Reconfigured without a timeout, holding
		 * its RTNL, before it attaches or detaches its XDP program:
		 * answer whenever connected, even when the headroom is not
		 * offered (a frontend that asks before it connected waits:
		 * only it is harmed).  Back to Connected when it is
		 * (znb_try_connect()): a Reconfigured left standing would
		 * answer its next request before we read it.
		 */
		if (!be->connected)
			break;
		znb_read_xdp_headroom(be);
		xenbus_switch_state(dev, XenbusStateReconfigured);
		break;
	case XenbusStateInitialised:
	case XenbusStateConnected:
		znb_try_connect(be);
		break;
	case XenbusStateClosing:
		znb_disconnect(be);
		if (dev->state != XenbusStateClosed)
			xenbus_switch_state(dev, XenbusStateClosing);
		break;
	case XenbusStateClosed:
		znb_disconnect(be);
		znb_switch_closed(dev);
		if (xenbus_dev_is_online(dev))
			break;
		fallthrough;
	case XenbusStateUnknown:
		/* Frontend gone and the toolstack took us offline. */
		znb_disconnect(be);
		znb_switch_closed(dev);
		mutex_unlock(&be->lock);
		device_unregister(&dev->dev);
		return;
	default:
		break;
	}
	mutex_unlock(&be->lock);
}

/*
 * Unregisters a watch made with xenbus_watch_pathfmt(), if it was made: its
 * node is set only while it is registered (xenbus clears it on failure).
 */
static void znb_unwatch(struct xenbus_watch *watch)
{
	if (!watch->node)
		return;
	unregister_xenbus_watch(watch);
	kfree(watch->node);
	watch->node = NULL;
}

static void znb_remove(struct xenbus_device *dev)
{
	struct znb_backend *be = dev_get_drvdata(&dev->dev);

	if (!be)
		return;
	/* While the netdev still exists: the offline script is told its name. */
	if (be->vif)
		kobject_uevent(&dev->dev.kobj, KOBJ_OFFLINE);
	/* Not under be->lock: the watch callbacks take it. */
	znb_unwatch(&be->hotplug_watch);
	znb_unwatch(&be->rate_watch);
	znb_unwatch(&be->xdp_watch);
	mutex_lock(&be->lock);
	znb_disconnect(be);
	if (dev->state != XenbusStateClosed)
		znb_switch_closed(dev);
	xenbus_rm(XBT_NIL, dev->nodename, "hotplug-status");
	if (be->vif)
		znb_vif_destroy(be->vif);
	be->vif = NULL;
	mutex_unlock(&be->lock);
	dev_set_drvdata(&dev->dev, NULL);
	kfree(be->hotplug_script);
	kfree(be);
}

static int znb_probe(struct xenbus_device *dev,
		     const struct xenbus_device_id *id)
{
	struct znb_backend *be;
	struct znb_vif *vif;
	unsigned int handle;
	char *script;
	int err;

	be = kzalloc(sizeof(*be), GFP_KERNEL);
	if (!be) {
		xenbus_dev_fatal(dev, -ENOMEM, "allocating backend state");
		return -ENOMEM;
	}
	be->dev = dev;
	mutex_init(&be->lock);
	be->frontend_state = XenbusStateUnknown;
	dev_set_drvdata(&dev->dev, be);

	/* No script node (a toolstack without hotplug scripts): no script=. */
	script = xenbus_read(XBT_NIL, dev->nodename, "script", NULL);
	if (!IS_ERR(script))
		be->hotplug_script = script;

	handle = xenbus_read_unsigned(dev->nodename, "handle", 0);
	/* Only a valid vif is published: a uevent may read it at any time. */
	vif = znb_vif_create(dev, dev->otherend_id, handle);
	if (IS_ERR(vif)) {
		err = PTR_ERR(vif);
		xenbus_dev_fatal(dev, err, "creating vif%u.%u",
				 dev->otherend_id, handle);
		goto fail;
	}
	mutex_lock(&be->lock);
	be->vif = vif;
	mutex_unlock(&be->lock);
	/* The netdev exists: udev-run hotplug scripts can attach it now. */
	kobject_uevent(&dev->dev.kobj, KOBJ_ONLINE);

	err = znb_write_features(be, vif->dev->num_tx_queues);
	if (err)
		goto fail;

	err = xenbus_watch_pathfmt(dev, &be->hotplug_watch, NULL,
				   znb_hotplug_changed, "%s/%s",
				   dev->nodename, "hotplug-status");
	if (err)
		goto fail;
	/* Fires once now with the current value, then on every change. */
	err = xenbus_watch_pathfmt(dev, &be->rate_watch, NULL,
				   znb_rate_changed, "%s/%s", dev->nodename,
				   "rate");
	if (err)
		goto fail;
	if (be->xdp_headroom_offered) {
		err = xenbus_watch_pathfmt(dev, &be->xdp_watch, NULL,
					   znb_xdp_headroom_changed, "%s/%s",
					   dev->otherend, "xdp-headroom");
		if (err)
			goto fail;
	}

	err = xenbus_switch_state(dev, XenbusStateInitWait);
	if (err)
		goto fail;
	return 0;

fail:
	znb_remove(dev);
	return err;
}

/*
 * The variables udev rules for Xen backends use: the hotplug script and the
 * vif's netdev.  Any uevent asks for them (a write to the device's uevent
 * file, too), so the vif is read under be->lock, which removal holds while
 * it frees the vif; no caller sends a uevent with be->lock held.  Like
 * xen-netback's, this does not keep @be itself alive against a removal
 * racing with a synthetic uevent.
 */
static int znb_uevent(znb_xenbus_uevent_dev *dev, struct kobj_uevent_env *env)
{
	struct znb_backend *be = dev_get_drvdata(&dev->dev);
	int err = 0;

	if (!be)
		return 0;
	mutex_lock(&be->lock);
	if (be->hotplug_script)
		err = add_uevent_var(env, "script=%s", be->hotplug_script);
	if (!err && be->vif)
		err = add_uevent_var(env, "vif=%s", be->vif->dev->name);
	mutex_unlock(&be->lock);
	return err;
}

static const struct xenbus_device_id znb_ids[] = {
	{ "vif" },
	{ "" }
};

/*
 * No .name and no ethtool get_drvinfo: the driver is then named after the
 * device type, "vif", in sysfs and in `ethtool -i`, as in-tree xen-netback
 * is, so udev and systemd-networkd rules matching Driver=vif keep working.
 * Which module drives a vif: /sys/class/net/VIF/device/driver/module.
 */
static struct xenbus_driver znb_driver = {
	.ids = znb_ids,
	.probe = znb_probe,
	.remove = znb_remove,
	.otherend_changed = znb_frontend_changed,
	.uevent = znb_uevent,
	.allow_rebind = false,
};

/**
 * znb_xenbus_init() - register the "vif" backend driver
 *
 * Return: 0 or a negative errno.
 */
int znb_xenbus_init(void)
{
	return xenbus_register_backend(&znb_driver);
}

/**
 * znb_xenbus_exit() - unregister the driver, removing every vif
 */
void znb_xenbus_exit(void)
{
	xenbus_unregister_driver(&znb_driver);
}
