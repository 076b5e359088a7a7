/* SPDX-License-Identifier: GPL-2.0 */
/*
 * znbfront: a userspace netfront for testing backends on real Xen.
 *
 * It takes over device/vif/<handle> in its guest's xenstore the way Linux
 * netfront does (rings, event channel, features, state), so it can send
 * well-formed traffic and check every response -- or misbehave on purpose.
 */
#ifndef ZNBFRONT_H
#define ZNBFRONT_H

#include <stdbool.h>
#include <stdint.h>
#include <xenctrl.h>
#include <xenevtchn.h>
#include <xengnttab.h>
#include <xenstore.h>
#include <xen/io/netif.h>

#define FRONT_PAGE_SIZE		4096u
#define FRONT_TX_SIZE		NET_TX_RING_SIZE
#define FRONT_RX_SIZE		NET_RX_RING_SIZE
#define NET_TX_RING_SIZE	__CONST_RING_SIZE(netif_tx, 4096)
#define NET_RX_RING_SIZE	__CONST_RING_SIZE(netif_rx, 4096)

/* xenbus states (xen/io/xenbus.h), by the names netfront uses. */
enum front_state {
	XB_INITIALISING = 1,
	XB_INITWAIT = 2,
	XB_INITIALISED = 3,
	XB_CONNECTED = 4,
	XB_CLOSING = 5,
	XB_CLOSED = 6,
};

struct front {
	struct xs_handle *xs;
	xengntshr_handle *gs;
	xenevtchn_handle *xce;
	unsigned int domid;
	unsigned int backend_id;
	unsigned int handle;
	char dev_path[64];
	char backend_path[128];
	uint8_t mac[6];
	uint32_t dst_ip;	/* dom0's address (network order), from --dst */
	bool listen;		/* rx-without-notify: send nothing, wait for dom0 */

	netif_tx_sring_t *tx_sring;
	netif_rx_sring_t *rx_sring;
	uint32_t tx_ring_ref;
	uint32_t rx_ring_ref;
	netif_tx_front_ring_t tx;
	netif_rx_front_ring_t rx;
	evtchn_port_t port;	/* TX channel (the only one unless split) */
	evtchn_port_t rx_port;	/* RX channel; == port unless split */
	bool split;		/* ask for split event channels at connect */
	bool tx_before_connected; /* queue a packet before the backend connects */
	bool quiet_rx;		/* no feature-rx-notify: post RX buffers silently,
				 * and none at connect */

	/* One data page per request id, granted to the backend. */
	uint8_t *tx_pages;
	uint32_t tx_gref[FRONT_TX_SIZE];
	uint8_t *rx_pages;
	uint32_t rx_gref[FRONT_RX_SIZE];

	/*
	 * What the backend has answered, per TX request id: how many requests
	 * with the id wait for their response (a hostile case may put two in
	 * flight), and whether the id was ever sent since connect.  A response
	 * for an id never sent is a bad id; one for an id with nothing left in
	 * flight is a duplicate.
	 */
	uint8_t tx_in_flight[FRONT_TX_SIZE];
	bool tx_sent[FRONT_TX_SIZE];
	unsigned long tx_ok, tx_error, tx_null, tx_bad_id, tx_dup_id;
	unsigned long rx_packets, rx_bytes, rx_errors;
	RING_IDX tx_requests;	/* requests pushed, extras included */
	RING_IDX tx_responses;	/* responses consumed, NULL ones included */
	/* A case left the xenbus state where it wants it: do not disconnect. */
	bool keep_state;
	bool verbose;
};

/* One request as a test writes it: the raw fields plus a page choice. */
struct tx_slot {
	uint16_t size;
	uint16_t offset;
	uint16_t flags;
	int page;		/* index into tx_pages / tx_gref; -1: use gref */
	uint32_t gref;		/* used when page == -1 */
};

int front_open(struct front *f, unsigned int handle);
int front_connect(struct front *f);
int front_publish(struct front *f);
void front_disconnect(struct front *f);
void front_unshare(struct front *f);
void front_close(struct front *f);

int front_set_state(struct front *f, enum front_state state);
int front_backend_state(struct front *f);
int front_wait_backend_state(struct front *f, int state, int timeout_ms);
int front_write(struct front *f, const char *key, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

void front_put_tx(struct front *f, const netif_tx_request_t *req);
void front_put_extra(struct front *f, const struct netif_extra_info *extra);
void front_push_tx(struct front *f);
int front_collect_tx(struct front *f, unsigned long want, int timeout_ms);
unsigned int front_tx_unanswered(const struct front *f);
uint16_t front_tx_id(struct front *f);

size_t front_build_udp(struct front *f, uint8_t *buf, size_t len,
		       const uint8_t dst_mac[6], uint32_t src_ip, uint32_t dst_ip,
		       uint16_t port, uint32_t seq);
size_t front_build_ip(struct front *f, uint8_t *buf, const uint8_t dst_mac[6],
		      bool ipv6, bool tcp, size_t payload_len, uint32_t seq);
int front_send_frame(struct front *f, const uint8_t *frame, size_t len,
		     unsigned int slots);

void front_post_rx(struct front *f, unsigned int count, bool garbage_grefs);
int front_collect_rx(struct front *f, int timeout_ms);

int front_run_case(struct front *f, const char *name, unsigned int seconds);
void front_case_setup(struct front *f, const char *name);
void front_list_cases(void);
int front_fuzz(struct front *f, unsigned int seed, unsigned int seconds);

#endif /* ZNBFRONT_H */
