// SPDX-License-Identifier: GPL-2.0
/*
 * The vif netdev: its creation, operations and carrier, and the publishing
 * of its connected queues (queue.c).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/etherdevice.h>
#include <linux/if_vlan.h>
#include <linux/rtnetlink.h>

#include "common.h"

/* Address of the vif itself: never used by the bridge as its own. */
static const u8 znb_vif_mac[ETH_ALEN] = { 0xfe, 0xff, 0xff, 0xff, 0xff, 0xff };

/**
 * znb_vif_update_carrier() - carrier on iff connected, enabled, not stalled
 * @vif: vif
 */
void znb_vif_update_carrier(struct znb_vif *vif)
{
	if (READ_ONCE(vif->queues) && !atomic_read(&vif->disabled) &&
	    !atomic_read(&vif->stalled_queues))
		netif_carrier_on(vif->dev);
	else
		netif_carrier_off(vif->dev);
}

/**
 * znb_vif_start() - publish connected queues and start the netdev
 * @vif: vif
 * @queues: connected queues
 * @nr: number of queues
 *
 * Context: RTNL held.
 */
void znb_vif_start(struct znb_vif *vif, struct znb_queue **queues,
		   unsigned int nr)
{
	struct net_device *dev = vif->dev;

	ASSERT_RTNL();
	netif_set_real_num_tx_queues(dev, nr);
	netif_set_real_num_rx_queues(dev, nr);
	WRITE_ONCE(vif->nr_queues, nr);
	WRITE_ONCE(vif->queues, queues);

	if (!vif->can_sg && dev->mtu > ETH_DATA_LEN)
		dev_set_mtu(dev, ETH_DATA_LEN);
	netdev_update_features(dev);
	if (netif_running(dev))
		netif_tx_start_all_queues(dev);
	znb_vif_update_carrier(vif);
}

/**
 * znb_vif_stop() - stop the netdev and unpublish its queues
 * @vif: vif
 *
 * Context: RTNL held.  Call synchronize_net() before tearing the queues down.
 */
void znb_vif_stop(struct znb_vif *vif)
{
	ASSERT_RTNL();
	WRITE_ONCE(vif->queues, NULL);
	netif_carrier_off(vif->dev);
	netif_tx_disable(vif->dev);
}

static int znb_open(struct net_device *dev)
{
	struct znb_vif *vif = netdev_priv(dev);

	if (vif->queues)
		netif_tx_start_all_queues(dev);
	return 0;
}

static int znb_stop(struct net_device *dev)
{
	netif_tx_stop_all_queues(dev);
	return 0;
}

static int znb_change_mtu(struct net_device *dev, int mtu)
{
	struct znb_vif *vif = netdev_priv(dev);
	int max = vif->can_sg ? 65535 - ETH_HLEN : ETH_DATA_LEN;

	if (mtu > max)
		return -EINVAL;
	dev->mtu = mtu;
	return 0;
}

static netdev_features_t znb_fix_features(struct net_device *dev,
					  netdev_features_t features)
{
	struct znb_vif *vif = netdev_priv(dev);

	if (!vif->can_sg)
		features &= ~NETIF_F_SG;
	if (!vif->gso4)
		features &= ~NETIF_F_TSO;
	if (!vif->gso6)
		features &= ~NETIF_F_TSO6;
	if (!vif->ip_csum)
		features &= ~NETIF_F_IP_CSUM;
	if (!vif->ipv6_csum)
		features &= ~NETIF_F_IPV6_CSUM;
	return features;
}

/*
 * netfront's XDP path drops a packet that spans buffers, as a GSO packet
 * mostly does: while the guest keeps headroom for its program, the stack
 * segments what it sends it.  Per packet, so a guest switching its program
 * on and off costs dom0 no RTNL and no feature change.
 */
static netdev_features_t znb_features_check(struct sk_buff *skb,
					    struct net_device *dev,
					    netdev_features_t features)
{
	struct znb_vif *vif = netdev_priv(dev);

	/* What the stack checks when a driver has no such hook. */
	features = vlan_features_check(skb, features);
	if (skb_is_gso(skb) && READ_ONCE(vif->rx_headroom))
		features &= ~NETIF_F_GSO_MASK;
	return features;
}

static const struct net_device_ops znb_netdev_ops = {
	.ndo_open = znb_open,
	.ndo_stop = znb_stop,
	.ndo_start_xmit = znb_start_xmit,
	.ndo_change_mtu = znb_change_mtu,
	.ndo_fix_features = znb_fix_features,
	.ndo_features_check = znb_features_check,
	.ndo_get_stats64 = znb_get_stats64,
	.ndo_validate_addr = eth_validate_addr,
};

/**
 * znb_vif_create() - create and register the netdev of a vif
 * @xbdev: backend xenbus device
 * @domid: frontend domain
 * @handle: device handle
 *
 * Return: the vif or an ERR_PTR().
 */
struct znb_vif *znb_vif_create(struct xenbus_device *xbdev, domid_t domid,
			       unsigned int handle)
{
	char name[IFNAMSIZ];
	struct net_device *dev;
	struct znb_vif *vif;
	int err;

	snprintf(name, sizeof(name), "vif%u.%u", domid, handle);
	dev = alloc_netdev_mq(sizeof(*vif), name, NET_NAME_PREDICTABLE,
			      ether_setup, znb_queues_offered());
	if (!dev)
		return ERR_PTR(-ENOMEM);

	vif = netdev_priv(dev);
	vif->dev = dev;
	vif->xbdev = xbdev;
	vif->domid = domid;
	vif->can_sg = true;
	vif->gso4 = true;
	vif->gso6 = true;
	vif->ip_csum = true;
	vif->ipv6_csum = true;
	vif->lim.fatal_slots = znb_fatal_slots;
	spin_lock_init(&vif->credit_lock);
	atomic_set(&vif->disabled, 0);
	atomic_set(&vif->stalled_queues, 0);

	SET_NETDEV_DEV(dev, &xbdev->dev);
	dev->netdev_ops = &znb_netdev_ops;
	dev->ethtool_ops = &znb_ethtool_ops;
	dev->hw_features = NETIF_F_SG | NETIF_F_IP_CSUM | NETIF_F_IPV6_CSUM |
			   NETIF_F_TSO | NETIF_F_TSO6;
	dev->features = dev->hw_features | NETIF_F_RXCSUM;
	dev->min_mtu = ETH_MIN_MTU;
	dev->max_mtu = 65535 - ETH_HLEN;
	eth_hw_addr_set(dev, znb_vif_mac);
	netif_set_real_num_tx_queues(dev, 1);
	netif_set_real_num_rx_queues(dev, 1);
	netif_carrier_off(dev);

	err = register_netdev(dev);
	if (err) {
		dev_err(&xbdev->dev, "cannot register netdev %s: %d\n",
			name, err);
		free_netdev(dev);
		return ERR_PTR(err);
	}
	znb_debugfs_vif_add(vif);
	return vif;
}

/**
 * znb_vif_set_rate() - limit what the guest may transmit (xl's rate=)
 * @vif: vif
 * @bytes: bytes per period, 0 for no limit
 * @period_us: the period in microseconds
 *
 * A changed rate starts with one period's allowance and reaches a queue
 * that waits for the old one at once.
 *
 * Context: process, under the backend's lock (the queues stay as they are).
 */
void znb_vif_set_rate(struct znb_vif *vif, u64 bytes, u32 period_us)
{
	struct znb_queue **queues = vif->queues;
	unsigned int i;
	bool changed;

	spin_lock_bh(&vif->credit_lock);
	changed = znb_credit_set(&vif->credit, bytes, period_us,
				 ktime_to_us(ktime_get()));
	bytes = vif->credit.bytes;
	period_us = vif->credit.period_us;
	spin_unlock_bh(&vif->credit_lock);
	if (!changed)
		return;
	if (bytes)
		netdev_info(vif->dev, "guest transmit limited to %llu bytes every %u us (rate)\n",
			    bytes, period_us);
	else
		netdev_info(vif->dev, "guest transmit not rate-limited\n");
	for (i = 0; queues && i < vif->nr_queues; i++)
		if (READ_ONCE(queues[i]->tx_throttled))
			mod_timer(&queues[i]->credit_timer, jiffies);
}

/**
 * znb_vif_destroy() - unregister and free a disconnected vif
 * @vif: vif without queues
 */
void znb_vif_destroy(struct znb_vif *vif)
{
	znb_debugfs_vif_remove(vif);
	unregister_netdev(vif->dev);
	free_netdev(vif->dev);
}
