// SPDX-License-Identifier: GPL-2.0
/*
 * znbfront: the hostile-guest catalogue and the ring fuzzer.
 *
 * Each case does one thing a buggy or malicious frontend can do and reports
 * what the backend did from the guest's side.  What must hold in dom0 (no
 * oops, one log line, other vifs unaffected, no leaked mapping) is checked by
 * the lab scenario that runs the case.
 */
#include <arpa/inet.h>
#include <signal.h>
#include <time.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "front.h"

/* What the backend is expected to do with the bad input. */
enum expect {
	EXPECT_ERROR,		/* answer the bad packet with ERROR, keep working */
	EXPECT_DISABLE,		/* stop serving this vif */
	/*
	 * Dom0 survives, and every request gets exactly one response, under
	 * its own id: OKAY, ...
	 */
	EXPECT_SURVIVE,
	EXPECT_SURVIVE_RACY,	/* ... or ERROR: the case races its own validity */
	EXPECT_SURVIVE_LEFT,	/* ... and no request: the frontend left Connected */
	EXPECT_SERVING,		/* serve this vif again after the case */
};

struct hostile_case {
	const char *name;
	const char *what;
	enum expect expect;
	/* 0, 1 if the case itself saw the backend misbehave, -1 if it could not run */
	int (*run)(struct front *f, unsigned int seconds);
};

/* Cases that connect differently from Linux netfront, and how. */
static const struct {
	const char *name;
	bool split;		/* split event channels */
	bool quiet_rx;		/* no feature-rx-notify */
} connect_options[] = {
	{ "rx-evtchn-storm", true, false },
	/* as Linux netfront: RX buffers posted at connect notify the RX channel only */
	{ "reconnect-after-disable", true, false },
	{ "rx-without-notify", false, true },
};

static const char *const expect_names[] = {
	[EXPECT_ERROR] = "error-response",
	[EXPECT_DISABLE] = "vif-disabled",
	[EXPECT_SURVIVE] = "survive",
	[EXPECT_SURVIVE_RACY] = "survive",
	[EXPECT_SURVIVE_LEFT] = "survive",
	[EXPECT_SERVING] = "serving",
};

static netif_tx_request_t tx_req(struct front *f, uint16_t size, uint16_t offset,
				 uint16_t flags)
{
	uint16_t id = front_tx_id(f);
	netif_tx_request_t req = {
		.gref = f->tx_gref[id], .offset = offset, .flags = flags,
		.id = id, .size = size,
	};

	memset(f->tx_pages + (size_t)id * FRONT_PAGE_SIZE, 0xab, FRONT_PAGE_SIZE);
	return req;
}

static void put_slots(struct front *f, unsigned int n, uint16_t first_size,
		      uint16_t each)
{
	for (unsigned int i = 0; i < n; i++) {
		netif_tx_request_t r = tx_req(f, i == 0 ? first_size : each, 0,
					      i + 1 < n ? NETTXF_more_data : 0);
		front_put_tx(f, &r);
	}
}

static void put_gso_packet(struct front *f, uint8_t extra_type, uint16_t gso_size,
			   uint8_t gso_type, uint8_t extra_flags)
{
	netif_tx_request_t r = tx_req(f, 1000, 0, NETTXF_extra_info);
	struct netif_extra_info e = { .type = extra_type, .flags = extra_flags };

	e.u.gso.size = gso_size;
	e.u.gso.type = gso_type;
	front_put_tx(f, &r);
	front_put_extra(f, &e);
}

static int zero_length_first(struct front *f, unsigned int s)
{
	netif_tx_request_t r = tx_req(f, 0, 0, 0);

	(void)s;
	front_put_tx(f, &r);
	return 0;
}

/* A legal packet (netif.h, XSA-448 text): its zero-length slots are answered OKAY. */
static int zero_length_following_slot(struct front *f, unsigned int s)
{
	static const uint16_t sizes[] = { 1000, 0, 500, 0 };

	(void)s;
	for (unsigned int i = 0; i < 4; i++) {
		netif_tx_request_t r = tx_req(f, i == 0 ? 1500 : sizes[i], 0,
					      i < 3 ? NETTXF_more_data : 0);

		front_put_tx(f, &r);
	}
	return 0;
}

static int first_smaller_than_rest(struct front *f, unsigned int s)
{
	(void)s;
	put_slots(f, 3, 1000, 2000);
	return 0;
}

static int following_crosses_page(struct front *f, unsigned int s)
{
	netif_tx_request_t a = tx_req(f, 3000, 0, NETTXF_more_data);
	netif_tx_request_t b = tx_req(f, 2000, 3000, 0);

	(void)s;
	front_put_tx(f, &a);
	front_put_tx(f, &b);
	return 0;
}

static int first_crosses_page(struct front *f, unsigned int s)
{
	netif_tx_request_t r = tx_req(f, 1000, 3500, 0);

	(void)s;
	front_put_tx(f, &r);
	return 0;
}

static int oversize_packet(struct front *f, unsigned int s)
{
	(void)s;
	put_slots(f, 17, 65535, 4096);
	return 0;
}

static int slots_above_fatal(struct front *f, unsigned int s)
{
	(void)s;
	put_slots(f, 24, 24 * 100, 100);
	return 0;
}

static int slots_between_soft_and_fatal(struct front *f, unsigned int s)
{
	(void)s;
	put_slots(f, 19, 19 * 100, 100);
	return 0;
}

static int extra_missing_terminator(struct front *f, unsigned int s)
{
	(void)s;
	put_gso_packet(f, XEN_NETIF_EXTRA_TYPE_GSO, 1400, XEN_NETIF_GSO_TYPE_TCPV4,
		       XEN_NETIF_EXTRA_FLAG_MORE);
	return 0;
}

static int extra_unknown_type(struct front *f, unsigned int s)
{
	(void)s;
	put_gso_packet(f, 0x77, 1400, XEN_NETIF_GSO_TYPE_TCPV4, 0);
	return 0;
}

static int extra_type_none(struct front *f, unsigned int s)
{
	(void)s;
	put_gso_packet(f, XEN_NETIF_EXTRA_TYPE_NONE, 1400, XEN_NETIF_GSO_TYPE_TCPV4, 0);
	return 0;
}

static int extra_repeated(struct front *f, unsigned int s)
{
	netif_tx_request_t r = tx_req(f, 1000, 0, NETTXF_extra_info);
	struct netif_extra_info e = {
		.type = XEN_NETIF_EXTRA_TYPE_GSO, .flags = XEN_NETIF_EXTRA_FLAG_MORE,
	};

	(void)s;
	e.u.gso.size = 1400;
	e.u.gso.type = XEN_NETIF_GSO_TYPE_TCPV4;
	front_put_tx(f, &r);
	front_put_extra(f, &e);
	e.flags = 0;
	front_put_extra(f, &e);
	return 0;
}

static int gso_size_zero(struct front *f, unsigned int s)
{
	(void)s;
	put_gso_packet(f, XEN_NETIF_EXTRA_TYPE_GSO, 0, XEN_NETIF_GSO_TYPE_TCPV4, 0);
	return 0;
}

static int gso_type_unknown(struct front *f, unsigned int s)
{
	(void)s;
	put_gso_packet(f, XEN_NETIF_EXTRA_TYPE_GSO, 1400, 9, 0);
	return 0;
}

static int mcast_without_ctrl(struct front *f, unsigned int s)
{
	(void)s;
	put_gso_packet(f, XEN_NETIF_EXTRA_TYPE_MCAST_ADD, 0, 0, 0);
	return 0;
}

static int extra_on_following_slot(struct front *f, unsigned int s)
{
	netif_tx_request_t a = tx_req(f, 1500, 0, NETTXF_more_data);
	netif_tx_request_t b = tx_req(f, 500, 0, NETTXF_extra_info);

	(void)s;
	front_put_tx(f, &a);
	front_put_tx(f, &b);
	return 0;
}

static int req_prod_overflow(struct front *f, unsigned int s)
{
	(void)s;
	put_slots(f, 1, 100, 0);
	f->tx.req_prod_pvt += 2 * FRONT_TX_SIZE;
	return 0;
}

static int req_prod_backwards(struct front *f, unsigned int s)
{
	(void)s;
	put_slots(f, 1, 100, 0);
	front_push_tx(f);
	front_collect_tx(f, f->tx_requests, 2000);
	f->tx.req_prod_pvt -= 5;
	return 0;
}

static int rsp_scribble(struct front *f, unsigned int s)
{
	const RING_IDX scribbled = 0xdeadbeef;
	int waited_ms = 0;

	(void)s;
	f->tx.sring->rsp_prod = scribbled;
	f->tx.sring->rsp_event = 0x7fffffff;
	f->tx.sring->req_event = 0x12345678;
	f->rx.sring->rsp_prod = 0xfeedface;
	f->rx.sring->req_event = 0;
	put_slots(f, 1, 100, 0);
	/*
	 * The scribbled req_event suppresses the notification of a push, so
	 * notify anyway; and until the backend answers, rsp_prod holds our
	 * scribble, which collecting would read as four billion responses.
	 * Still scribbled after 3 s: nothing was answered.
	 */
	front_push_tx(f);
	xenevtchn_notify(f->xce, f->port);
	while (f->tx.sring->rsp_prod == scribbled && waited_ms < 3000) {
		usleep(10000);
		waited_ms += 10;
	}
	if (f->tx.sring->rsp_prod == scribbled)
		f->tx.sring->rsp_prod = f->tx.rsp_cons;
	return 0;
}

static int bad_gref(struct front *f, unsigned int s)
{
	netif_tx_request_t a = tx_req(f, 1500, 0, NETTXF_more_data);
	netif_tx_request_t b = tx_req(f, 500, 0, 0);

	(void)s;
	b.gref = 0x7ffff000;
	front_put_tx(f, &a);
	front_put_tx(f, &b);
	return 0;
}

static int gref_of_other_domain(struct front *f, unsigned int s)
{
	uint32_t ref;
	void *page = xengntshr_share_pages(f->gs, f->domid, 1, &ref, 1);
	netif_tx_request_t a = tx_req(f, 1500, 0, NETTXF_more_data);
	netif_tx_request_t b = tx_req(f, 500, 0, 0);

	(void)s;
	if (!page)
		return -1;
	b.gref = ref;
	front_put_tx(f, &a);
	front_put_tx(f, &b);
	front_push_tx(f);
	front_collect_tx(f, f->tx_requests, 2000);
	xengntshr_unshare(f->gs, page, 1);
	return 0;
}

static int revoke_while_queued(struct front *f, unsigned int s)
{
	uint32_t ref;
	uint8_t *page = xengntshr_share_pages(f->gs, f->backend_id, 1, &ref, 0);
	netif_tx_request_t a = tx_req(f, 1500, 0, NETTXF_more_data);
	netif_tx_request_t b = tx_req(f, 500, 0, 0);

	(void)s;
	if (!page)
		return -1;
	memset(page, 0x5a, FRONT_PAGE_SIZE);
	b.gref = ref;
	front_put_tx(f, &a);
	front_put_tx(f, &b);
	front_push_tx(f);
	/* gntalloc keeps the page until the backend unmaps it. */
	xengntshr_unshare(f->gs, page, 1);
	return 0;
}

static int duplicate_ids(struct front *f, unsigned int s)
{
	netif_tx_request_t a = tx_req(f, 1500, 0, 0);
	netif_tx_request_t b = a;

	(void)s;
	front_put_tx(f, &a);
	front_put_tx(f, &b);
	return 0;
}

static int rx_starve(struct front *f, unsigned int seconds)
{
	/* Take back nothing, post nothing: the backend sees a full guest. */
	f->rx.sring->req_event = f->rx.req_prod_pvt + 1;
	sleep(seconds);
	front_post_rx(f, FRONT_RX_SIZE, false);
	front_collect_rx(f, 2000);
	return 0;
}

static int rx_garbage_grefs(struct front *f, unsigned int seconds)
{
	front_collect_rx(f, 100);
	front_post_rx(f, FRONT_RX_SIZE, true);
	front_collect_rx(f, (int)seconds * 1000);
	return 0;
}

/* Notifies @port in a tight loop for @seconds. */
static int storm(struct front *f, evtchn_port_t port, const char *name,
		 unsigned int seconds)
{
	time_t end = time(NULL) + seconds;
	unsigned long n = 0;

	while (time(NULL) < end) {
		xenevtchn_notify(f->xce, port);
		n++;
	}
	printf("%s: %lu notifications in %u s\n", name, n, seconds);
	return 0;
}

static int evtchn_storm(struct front *f, unsigned int seconds)
{
	return storm(f, f->port, "evtchn-storm", seconds);
}

/* RX buffers posted, nothing to receive: every RX event is spurious. */
static int rx_evtchn_storm(struct front *f, unsigned int seconds)
{
	return storm(f, f->rx_port, "rx-evtchn-storm", seconds);
}

/*
 * Breaks the protocol (the backend disables the vif), then reconnects the
 * way a guest reloading its driver does, queueing a packet as soon as it is
 * Connected again.
 */
static int reconnect_after_disable(struct front *f, unsigned int s)
{
	(void)s;
	put_slots(f, 24, 24 * 100, 100);
	front_push_tx(f);
	sleep(1);
	front_disconnect(f);
	front_unshare(f);
	f->tx_before_connected = true;
	return front_connect(f);
}

/* Closed, then Connected again without passing through Initialising. */
static int closed_then_connected(struct front *f, unsigned int s)
{
	(void)s;
	front_disconnect(f);
	front_unshare(f);
	return front_publish(f);
}

/*
 * Without feature-rx-notify and with no buffer posted, asks dom0 (--dst) for
 * its MAC: dom0's ARP reply waits for a buffer.  With --listen it asks
 * nothing and waits @seconds for what dom0 sends on its own (a frame a dom0
 * process sends is queued outside the softirq an ARP reply comes from).  The
 * buffers then come without an event, as such a frontend posts them: a
 * backend that polls the ring delivers within a few of its polls; one that
 * waits for an event delivers only when something else wakes it.
 */
static int rx_without_notify(struct front *f, unsigned int seconds)
{
	uint8_t arp[60] = {
		0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0, 0, 0, 0x08, 0x06,
		0x00, 0x01, 0x08, 0x00, 6, 4, 0x00, 0x01,
	};
	int soon, later;

	if (f->listen) {
		sleep(seconds);
	} else {
		memcpy(arp + 6, f->mac, 6);
		memcpy(arp + 22, f->mac, 6);		/* sender MAC */
		memcpy(arp + 28, &f->dst_ip, 4);	/* sender: dom0's subnet, .99 */
		arp[31] = 99;
		memcpy(arp + 38, &f->dst_ip, 4);	/* target: dom0 */
		if (front_send_frame(f, arp, sizeof(arp), 1))
			return -1;
		front_push_tx(f);
		front_collect_tx(f, f->tx_requests, 3000);
		sleep(2);
	}
	front_post_rx(f, 64, false);
	soon = front_collect_rx(f, 1000);
	later = front_collect_rx(f, (int)(seconds < 3 ? 3 : seconds) * 1000);
	printf("rx-without-notify: %d packets within 1 s of posting buffers silently, %d later\n",
	       soon, later);
	return soon > 0 ? 0 : 1;
}

static int state_flap(struct front *f, unsigned int seconds)
{
	time_t end = time(NULL) + seconds;

	while (time(NULL) < end) {
		front_set_state(f, XB_INITIALISING);
		front_set_state(f, XB_CONNECTED);
		front_set_state(f, XB_CLOSING);
		front_set_state(f, XB_CONNECTED);
	}
	return 0;
}

static int closing_without_closed(struct front *f, unsigned int s)
{
	(void)s;
	front_set_state(f, XB_CLOSING);
	front_wait_backend_state(f, XB_CLOSING, 3000);
	/* The point of the case: nobody writes Closed after us. */
	f->keep_state = true;
	return 0;
}

static int ring_ref_change(struct front *f, unsigned int s)
{
	(void)s;
	front_write(f, "tx-ring-ref", "%u", f->tx_ring_ref + 7);
	front_write(f, "rx-ring-ref", "%u", 1);
	front_set_state(f, XB_CONNECTED);
	put_slots(f, 1, 100, 0);
	return 0;
}

static int absurd_queues(struct front *f, unsigned int s)
{
	(void)s;
	front_write(f, "multi-queue-num-queues", "%u", 1000000u);
	front_set_state(f, XB_INITIALISING);
	front_set_state(f, XB_CONNECTED);
	return 0;
}

static int killed_mid_flight(struct front *f, unsigned int s)
{
	(void)s;
	for (int i = 0; i < 64; i++)
		put_slots(f, 3, 3000, 1000);
	front_push_tx(f);
	raise(SIGKILL);
	return 0;
}

/* Frames of each kind (IPv4/IPv6 x TCP/UDP) headers-split-across-slots sends. */
#define SPLIT_FRAMES_EACH	8

/*
 * Well-formed TCP and UDP frames whose headers span three slots: the
 * Ethernet header alone in the first, the next 20 bytes in the second, the
 * rest in a third, each in its own page.  No csum_blank, so nothing in dom0
 * pulls the headers for checksum offload: the backend alone decides whether
 * they end up in the skb head or stay in pages the guest can still write
 * (XSA-423).  The lab reads that from dom0's counters; here every request
 * must be answered OKAY.
 */
static int headers_split(struct front *f, unsigned int s)
{
	static const uint8_t bcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
	static uint8_t frame[2048];
	unsigned long ok = f->tx_ok, errors = f->tx_error, bad = f->tx_bad_id;
	unsigned int frames = 0;

	(void)s;
	for (unsigned int kind = 0; kind < 4; kind++) {
		for (unsigned int i = 0; i < SPLIT_FRAMES_EACH; i++) {
			/* 10 bytes of payload: the whole frame fits in the head. */
			size_t len = front_build_ip(f, frame, bcast, kind & 1, kind & 2,
						    10 + 150 * i, frames);
			netif_tx_request_t eth = tx_req(f, (uint16_t)len, 0,
							NETTXF_more_data);
			netif_tx_request_t next = tx_req(f, 20, 0, NETTXF_more_data);
			netif_tx_request_t rest = tx_req(f, (uint16_t)(len - 34), 512, 0);

			memcpy(f->tx_pages + (size_t)eth.id * FRONT_PAGE_SIZE, frame, 14);
			memcpy(f->tx_pages + (size_t)next.id * FRONT_PAGE_SIZE, frame + 14, 20);
			memcpy(f->tx_pages + (size_t)rest.id * FRONT_PAGE_SIZE + 512,
			       frame + 34, len - 34);
			front_put_tx(f, &eth);
			front_put_tx(f, &next);
			front_put_tx(f, &rest);
			frames++;
		}
		front_push_tx(f);
		front_collect_tx(f, f->tx_requests, 3000);
	}
	printf("headers-split-across-slots: %u frames sent, %lu of %u requests answered OKAY, %lu error, %lu bad id\n",
	       frames, f->tx_ok - ok, 3 * frames, f->tx_error - errors, f->tx_bad_id - bad);
	return f->tx_ok - ok == 3 * frames && f->tx_error == errors && f->tx_bad_id == bad ? 0 : 1;
}

static const struct hostile_case cases[] = {
	{ "zero-length-first-slot", "first request of size 0 (XSA-448 family)",
	  EXPECT_ERROR, zero_length_first },
	{ "zero-length-following-slot", "zero-length slots after the first (legal: answered OKAY)",
	  EXPECT_SURVIVE, zero_length_following_slot },
	{ "first-smaller-than-rest", "packet length below the following slots' sum (XSA-448 / CVE-2023-46838)",
	  EXPECT_ERROR, first_smaller_than_rest },
	{ "following-slot-crosses-page", "offset + size of a following slot beyond 4 KiB",
	  EXPECT_DISABLE, following_crosses_page },
	{ "first-slot-crosses-page", "offset + size of the first slot beyond 4 KiB",
	  EXPECT_DISABLE, first_crosses_page },
	{ "oversize-packet", "17 full pages under a 64 KiB packet length",
	  EXPECT_ERROR, oversize_packet },
	{ "slots-above-fatal-limit", "24 slots in one packet (CVE-2023-34319 class)",
	  EXPECT_DISABLE, slots_above_fatal },
	{ "slots-between-soft-and-fatal", "19 slots: above XEN_NETIF_NR_SLOTS_MIN, below the fatal limit",
	  EXPECT_ERROR, slots_between_soft_and_fatal },
	{ "extra-missing-terminator", "extra info with FLAG_MORE and nothing after it",
	  EXPECT_DISABLE, extra_missing_terminator },
	{ "extra-unknown-type", "extra info of type 0x77",
	  EXPECT_DISABLE, extra_unknown_type },
	{ "extra-type-none", "extra info of type NONE",
	  EXPECT_DISABLE, extra_type_none },
	{ "extra-repeated", "two GSO extras on one packet",
	  EXPECT_ERROR, extra_repeated },
	{ "gso-size-zero", "GSO extra with gso_size 0",
	  EXPECT_DISABLE, gso_size_zero },
	{ "gso-type-unknown", "GSO extra of type 9",
	  EXPECT_DISABLE, gso_type_unknown },
	{ "mcast-without-ctrl", "multicast add extra, multicast control not negotiated",
	  EXPECT_ERROR, mcast_without_ctrl },
	{ "extra-on-following-slot", "extra_info flag on a non-first slot",
	  EXPECT_SURVIVE, extra_on_following_slot },
	{ "req-prod-overflow", "req_prod two rings ahead of the consumer",
	  EXPECT_DISABLE, req_prod_overflow },
	{ "req-prod-backwards", "req_prod moved back by 5",
	  EXPECT_DISABLE, req_prod_backwards },
	{ "rsp-scribble", "guest writes rsp_prod, rsp_event and req_event",
	  EXPECT_SURVIVE, rsp_scribble },
	{ "bad-gref", "grant reference that does not exist",
	  EXPECT_ERROR, bad_gref },
	{ "gref-other-domain", "grant made to another domain",
	  EXPECT_ERROR, gref_of_other_domain },
	{ "revoke-while-queued", "grant ended while the packet is in dom0",
	  EXPECT_SURVIVE_RACY, revoke_while_queued },
	{ "duplicate-ids", "two requests in flight with the same id",
	  EXPECT_SURVIVE, duplicate_ids },
	{ "rx-starve", "no receive buffers posted while dom0 sends",
	  EXPECT_SURVIVE, rx_starve },
	{ "rx-garbage-grefs", "receive buffers with bogus grant references",
	  EXPECT_SURVIVE, rx_garbage_grefs },
	{ "evtchn-storm", "event channel notified in a tight loop",
	  EXPECT_SURVIVE, evtchn_storm },
	{ "rx-evtchn-storm", "RX event channel (split) notified in a tight loop, buffers posted",
	  EXPECT_SURVIVE, rx_evtchn_storm },
	{ "rx-without-notify", "no feature-rx-notify, RX buffers posted without an event",
	  EXPECT_SERVING, rx_without_notify },
	{ "reconnect-after-disable", "fatal request, then reconnect and send at once",
	  EXPECT_SERVING, reconnect_after_disable },
	{ "closed-then-connected", "frontend goes Closed, then Connected without Initialising",
	  EXPECT_SERVING, closed_then_connected },
	{ "state-flap", "frontend state flapping Initialising/Connected/Closing",
	  EXPECT_SURVIVE_LEFT, state_flap },
	{ "closing-without-closed", "frontend goes Closing and never Closed",
	  EXPECT_SURVIVE_LEFT, closing_without_closed },
	{ "ring-ref-change", "ring references rewritten while Connected",
	  EXPECT_SURVIVE, ring_ref_change },
	{ "absurd-queues", "multi-queue-num-queues = 1000000",
	  EXPECT_SURVIVE_LEFT, absurd_queues },
	{ "killed-mid-flight", "frontend process killed with requests in flight",
	  EXPECT_SURVIVE_LEFT, killed_mid_flight },
	{ "headers-split-across-slots", "valid TCP/UDP frames, headers spread over 3 slots (XSA-423)",
	  EXPECT_SURVIVE, headers_split },
};

void front_list_cases(void)
{
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		printf("%-30s %-15s %s\n", cases[i].name,
		       expect_names[cases[i].expect], cases[i].what);
}

/**
 * front_case_setup() - set how to connect for case @name
 * @f: frontend, not connected yet
 * @name: case name
 */
void front_case_setup(struct front *f, const char *name)
{
	for (size_t i = 0; i < sizeof(connect_options) / sizeof(connect_options[0]); i++) {
		if (strcmp(connect_options[i].name, name) == 0) {
			f->split = connect_options[i].split;
			f->quiet_rx = connect_options[i].quiet_rx;
		}
	}
}

/* Sends one good packet and reports whether the backend still answers. */
static bool still_serving(struct front *f)
{
	netif_tx_request_t r = tx_req(f, 60, 0, 0);
	unsigned long ok = f->tx_ok;

	front_put_tx(f, &r);
	front_push_tx(f);
	front_collect_tx(f, f->tx_requests, 3000);
	return f->tx_ok > ok;
}

/*
 * Every request answered exactly once, under its own id, with the status the
 * case allows; @errors is tx_error before the case ran.
 */
static bool answered_as_expected(const struct front *f, enum expect expect,
				 unsigned long errors)
{
	return f->tx_bad_id == 0 && f->tx_dup_id == 0 && front_tx_unanswered(f) == 0 &&
	       (expect != EXPECT_SURVIVE || f->tx_error == errors);
}

/**
 * front_run_case() - run one case of the catalogue and judge the guest side
 * @f: connected frontend
 * @name: case name (see front_list_cases())
 * @seconds: duration for the timed cases
 *
 * Return: 0 if the backend did what the case expects, 1 if not, -1 if the
 * case could not run.
 */
int front_run_case(struct front *f, const char *name, unsigned int seconds)
{
	const struct hostile_case *c = NULL;
	unsigned long errors;
	bool asked, serving;
	int ok, rc;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		if (strcmp(cases[i].name, name) == 0)
			c = &cases[i];
	if (!c) {
		fprintf(stderr, "znbfront: no case '%s' (list them with 'cases')\n", name);
		return -1;
	}
	errors = f->tx_error;
	rc = c->run(f, seconds);
	if (rc < 0)
		return -1;
	front_push_tx(f);
	front_collect_tx(f, f->tx_requests, 3000);
	/* A backend whose frontend left Connected owes it no service. */
	asked = c->expect != EXPECT_SURVIVE_LEFT;
	serving = asked && still_serving(f);

	switch (c->expect) {
	case EXPECT_ERROR:
		ok = f->tx_error > errors && serving;
		break;
	case EXPECT_DISABLE:
		ok = !serving;
		break;
	case EXPECT_SERVING:
		ok = serving && f->tx_bad_id == 0;
		break;
	default:
		ok = answered_as_expected(f, c->expect, errors);
		break;
	}
	if (rc > 0)
		ok = 0;
	printf("case %s: expect %s; saw %lu error responses, %lu bad ids, %lu duplicates, %u unanswered, backend %s -> %s\n",
	       c->name, expect_names[c->expect], f->tx_error - errors, f->tx_bad_id,
	       f->tx_dup_id, front_tx_unanswered(f),
	       !asked ? "not asked (frontend left Connected)" :
	       serving ? "still serving" : "stopped serving",
	       ok ? "as expected" : "UNEXPECTED");
	return ok ? 0 : 1;
}

static uint32_t rnd(uint32_t *state)
{
	*state ^= *state << 13;
	*state ^= *state >> 17;
	*state ^= *state << 5;
	return *state;
}

/**
 * front_fuzz() - send seeded random mutations of valid packets
 * @f: connected frontend
 * @seed: PRNG seed, printed so a failure can be replayed
 * @seconds: how long to run
 *
 * Reconnects whenever the backend disables the vif, so one run explores
 * many fatal paths.  Half of the packets without GSO carry real Ethernet,
 * IPv4 and UDP headers (to dom0), so they reach the stack's protocol code
 * rather than die at an unknown EtherType.
 *
 * A stall fails the run: a packet whose responses are still missing after
 * the probe of still_serving() while the probe itself was answered, or a
 * valid packet after which the backend answers nothing (a valid packet
 * never justifies a disable).
 *
 * Return: 0 when the time is up, 1 on a stall, -1 if the backend could not
 * be reconnected.
 */
int front_fuzz(struct front *f, unsigned int seed, unsigned int seconds)
{
	static const uint8_t broadcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
	static uint8_t frame[UINT16_MAX];
	uint32_t st = seed ? seed : 1;
	time_t end = time(NULL) + seconds;
	unsigned long packets = 0, reconnects = 0;

	printf("fuzz: seed %u, %u s\n", seed, seconds);
	while (time(NULL) < end) {
		/*
		 * One packet in four carries one mutation: almost every
		 * mutation is fatal, and a reconnect costs seconds, so
		 * mutating more often spends the run reconnecting instead of
		 * mixing bad packets into a busy, valid stream.
		 */
		bool mutate = rnd(&st) % 4 == 0;
		unsigned int slots = 1 + rnd(&st) % (mutate ? 22 : XEN_NETIF_NR_SLOTS_MIN);
		unsigned int victim = mutate ? rnd(&st) % slots : slots;
		uint16_t each = (uint16_t)(64 + rnd(&st) % (FRONT_PAGE_SIZE - 64));
		uint16_t total;
		bool gso = rnd(&st) % 4 == 0;
		/* A GSO packet had better be TCP: UDP headers only without GSO. */
		bool udp = !gso && rnd(&st) % 2 == 0;

		if (each > UINT16_MAX / slots)
			each = (uint16_t)(UINT16_MAX / slots);
		total = (uint16_t)(each * slots);
		if (udp)
			front_build_udp(f, frame, total, broadcast, htonl(0x0a0000fe),
					htonl(0x0a000001), 9999, (uint32_t)packets);
		for (unsigned int i = 0; i < slots; i++) {
			uint16_t flags = i + 1 < slots ? NETTXF_more_data : 0;
			netif_tx_request_t r;

			if (i == 0 && gso)
				flags |= NETTXF_extra_info;
			r = tx_req(f, i == 0 ? total : each, 0, flags);
			if (udp)
				memcpy(f->tx_pages + (size_t)r.id * FRONT_PAGE_SIZE,
				       frame + (size_t)i * each, each);
			if (i == victim) {
				switch (rnd(&st) % 4) {
				case 0: r.size = (uint16_t)rnd(&st); break;
				case 1: r.offset = (uint16_t)(rnd(&st) % 4200); break;
				case 2: r.flags ^= (uint16_t)(1u << (rnd(&st) % 4)); break;
				default: r.gref = rnd(&st); break;
				}
			}
			front_put_tx(f, &r);
			if (i == 0 && (r.flags & NETTXF_extra_info)) {
				bool bad = mutate && rnd(&st) % 2;
				struct netif_extra_info e = {
					.type = (uint8_t)(bad && rnd(&st) % 2 ? rnd(&st) % 8
									 : XEN_NETIF_EXTRA_TYPE_GSO),
					.flags = (uint8_t)(bad && rnd(&st) % 4 == 0),
				};

				e.u.gso.size = (uint16_t)(bad && rnd(&st) % 4 == 0 ? 0 : 1448);
				e.u.gso.type = (uint8_t)(bad && rnd(&st) % 4 == 0 ? rnd(&st) % 4 : 1);
				front_put_extra(f, &e);
			}
		}
		front_push_tx(f);
		packets++;
		if (front_collect_tx(f, f->tx_requests, 500) == 0)
			continue;
		if (still_serving(f)) {
			if (f->tx_responses == f->tx_requests)
				continue;
			printf("fuzz: seed %u: STALL: packet %lu (%s, %u slots): %lu of %lu requests unanswered, yet the backend answers new ones\n",
			       seed, packets, mutate ? "mutated" : "valid", slots,
			       (unsigned long)(f->tx_requests - f->tx_responses),
			       (unsigned long)f->tx_requests);
			return 1;
		}
		if (!mutate) {
			printf("fuzz: seed %u: STALL: valid packet %lu (%u slots%s) got no response and the backend answers nothing since\n",
			       seed, packets, slots, gso ? ", GSO" : udp ? ", UDP" : "");
			return 1;
		}
		reconnects++;
		front_disconnect(f);
		front_close(f);
		if (front_open(f, f->handle) || front_connect(f)) {
			fprintf(stderr, "fuzz: seed %u: reconnect failed after %lu packets\n",
				seed, packets);
			return -1;
		}
	}
	printf("fuzz: seed %u: %lu packets, %lu reconnects after a disable\n",
	       seed, packets, reconnects);
	return 0;
}
