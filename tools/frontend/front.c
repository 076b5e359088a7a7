// SPDX-License-Identifier: GPL-2.0
/*
 * znbfront: xenstore handshake, rings and the traffic primitives.
 */
#include <errno.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>

#include "front.h"

static long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

static char *xs_get(struct front *f, const char *path)
{
	unsigned int len;

	return xs_read(f->xs, XBT_NULL, path, &len);
}

static int xs_get_uint(struct front *f, const char *path, unsigned int *out)
{
	char *v = xs_get(f, path);
	char *end;

	if (!v)
		return -1;
	*out = (unsigned int)strtoul(v, &end, 10);
	free(v);
	return 0;
}

/**
 * front_write() - write one key under this vif's frontend directory
 * @f: frontend
 * @key: key relative to device/vif/<handle>
 * @fmt: printf format of the value
 *
 * Return: 0, or -1 if xenstore refused.
 */
int front_write(struct front *f, const char *key, const char *fmt, ...)
{
	char path[256], value[128];
	va_list ap;

	snprintf(path, sizeof(path), "%s/%s", f->dev_path, key);
	va_start(ap, fmt);
	vsnprintf(value, sizeof(value), fmt, ap);
	va_end(ap);
	if (!xs_write(f->xs, XBT_NULL, path, value, strlen(value))) {
		fprintf(stderr, "znbfront: xenstore write %s=%s failed: %s\n",
			path, value, strerror(errno));
		return -1;
	}
	return 0;
}

int front_set_state(struct front *f, enum front_state state)
{
	return front_write(f, "state", "%d", state);
}

int front_backend_state(struct front *f)
{
	char path[192];
	unsigned int state;

	snprintf(path, sizeof(path), "%s/state", f->backend_path);
	return xs_get_uint(f, path, &state) ? -1 : (int)state;
}

/* Waits until the backend reaches @state (or passes it, for >= waits). */
int front_wait_backend_state(struct front *f, int state, int timeout_ms)
{
	long deadline = now_ms() + timeout_ms;
	int s;

	while ((s = front_backend_state(f)) != state) {
		if (now_ms() > deadline)
			return -1;
		usleep(20000);
	}
	return 0;
}

int front_open(struct front *f, unsigned int handle)
{
	char path[192], *v;
	unsigned int m[6];

	memset(f, 0, sizeof(*f));
	f->handle = handle;
	f->xs = xs_open(0);
	if (!f->xs) {
		perror("znbfront: xs_open (is /dev/xen/xenbus there?)");
		return -1;
	}
	if (xs_get_uint(f, "domid", &f->domid)) {
		fprintf(stderr, "znbfront: cannot read my domid from xenstore\n");
		return -1;
	}
	snprintf(f->dev_path, sizeof(f->dev_path), "/local/domain/%u/device/vif/%u",
		 f->domid, handle);
	snprintf(path, sizeof(path), "%s/backend-id", f->dev_path);
	if (xs_get_uint(f, path, &f->backend_id)) {
		fprintf(stderr, "znbfront: no %s: attach a vif first (xl network-attach)\n",
			path);
		return -1;
	}
	snprintf(path, sizeof(path), "%s/backend", f->dev_path);
	v = xs_get(f, path);
	if (!v) {
		fprintf(stderr, "znbfront: no %s\n", path);
		return -1;
	}
	snprintf(f->backend_path, sizeof(f->backend_path), "%s", v);
	free(v);
	snprintf(path, sizeof(path), "%s/mac", f->dev_path);
	v = xs_get(f, path);
	if (v && sscanf(v, "%x:%x:%x:%x:%x:%x", &m[0], &m[1], &m[2], &m[3], &m[4],
			&m[5]) == 6)
		for (int i = 0; i < 6; i++)
			f->mac[i] = (uint8_t)m[i];
	free(v);

	f->gs = xengntshr_open(NULL, 0);
	f->xce = xenevtchn_open(NULL, 0);
	if (!f->gs || !f->xce) {
		perror("znbfront: opening /dev/xen/gntalloc or /dev/xen/evtchn");
		return -1;
	}
	return 0;
}

static void *share(struct front *f, int count, uint32_t *refs, int writable)
{
	void *p = xengntshr_share_pages(f->gs, f->backend_id, count, refs, writable);

	if (!p)
		fprintf(stderr, "znbfront: granting %d pages to dom%u failed: %s\n",
			count, f->backend_id, strerror(errno));
	return p;
}

static int bind_port(struct front *f, evtchn_port_t *port)
{
	int p = xenevtchn_bind_unbound_port(f->xce, f->backend_id);

	if (p < 0) {
		perror("znbfront: event channel");
		return -1;
	}
	*port = (evtchn_port_t)p;
	return 0;
}

/* Queues one good packet: what a frontend in a hurry does right after Connected. */
static void put_early_packet(struct front *f)
{
	uint16_t id = front_tx_id(f);
	netif_tx_request_t r = {
		.gref = f->tx_gref[id], .offset = 0, .flags = 0, .id = id, .size = 60,
	};

	front_put_tx(f, &r);
	front_push_tx(f);
}

/**
 * front_publish() - share rings and buffers, publish them, go Connected
 * @f: frontend whose backend is in InitWait (or Closed, to test that path)
 *
 * Return: 0 once the backend is Connected, -1 otherwise.
 */
int front_publish(struct front *f)
{
	f->tx_sring = share(f, 1, &f->tx_ring_ref, 1);
	f->rx_sring = share(f, 1, &f->rx_ring_ref, 1);
	f->tx_pages = share(f, FRONT_TX_SIZE, f->tx_gref, 0);
	f->rx_pages = share(f, FRONT_RX_SIZE, f->rx_gref, 1);
	if (!f->tx_sring || !f->rx_sring || !f->tx_pages || !f->rx_pages)
		return -1;
	SHARED_RING_INIT(f->tx_sring);
	FRONT_RING_INIT(&f->tx, f->tx_sring, FRONT_PAGE_SIZE);
	SHARED_RING_INIT(f->rx_sring);
	FRONT_RING_INIT(&f->rx, f->rx_sring, FRONT_PAGE_SIZE);

	if (bind_port(f, &f->port))
		return -1;
	f->rx_port = f->port;
	if (f->split && bind_port(f, &f->rx_port))
		return -1;

	if (front_write(f, "tx-ring-ref", "%u", f->tx_ring_ref) ||
	    front_write(f, "rx-ring-ref", "%u", f->rx_ring_ref) ||
	    (f->split ? front_write(f, "event-channel-tx", "%u", f->port) ||
			front_write(f, "event-channel-rx", "%u", f->rx_port) :
			front_write(f, "event-channel", "%u", f->port)) ||
	    front_write(f, "request-rx-copy", "1") ||
	    (!f->quiet_rx && front_write(f, "feature-rx-notify", "1")) ||
	    front_write(f, "feature-sg", "1") ||
	    front_write(f, "feature-gso-tcpv4", "1") ||
	    front_write(f, "feature-gso-tcpv6", "1") ||
	    front_set_state(f, XB_CONNECTED))
		return -1;
	if (f->tx_before_connected)
		put_early_packet(f);
	if (front_wait_backend_state(f, XB_CONNECTED, 15000)) {
		fprintf(stderr, "znbfront: backend did not connect (state %d)\n",
			front_backend_state(f));
		return -1;
	}
	if (!f->quiet_rx)
		front_post_rx(f, FRONT_RX_SIZE, false);
	return 0;
}

/**
 * front_connect() - do netfront's side of the handshake
 * @f: frontend from front_open()
 *
 * Return: 0 once the backend is Connected, -1 otherwise.
 */
int front_connect(struct front *f)
{
	/*
	 * A vif that had a frontend before (a kernel netfront that was unbound,
	 * or our own previous run) must be reset: Initialising asks the backend
	 * to get ready for a new connection.
	 */
	if (front_backend_state(f) != XB_INITWAIT && front_set_state(f, XB_INITIALISING))
		return -1;
	if (front_wait_backend_state(f, XB_INITWAIT, 10000)) {
		fprintf(stderr, "znbfront: backend %s never reached InitWait (state %d)\n",
			f->backend_path, front_backend_state(f));
		return -1;
	}
	return front_publish(f);
}

void front_disconnect(struct front *f)
{
	front_set_state(f, XB_CLOSING);
	front_wait_backend_state(f, XB_CLOSING, 5000);
	front_set_state(f, XB_CLOSED);
	front_wait_backend_state(f, XB_CLOSED, 5000);
}

/**
 * front_unshare() - end the grants and channels of a disconnected frontend
 * @f: frontend after front_disconnect(); ready for front_publish() again
 */
void front_unshare(struct front *f)
{
	if (f->tx_pages)
		xengntshr_unshare(f->gs, f->tx_pages, FRONT_TX_SIZE);
	if (f->rx_pages)
		xengntshr_unshare(f->gs, f->rx_pages, FRONT_RX_SIZE);
	if (f->tx_sring)
		xengntshr_unshare(f->gs, f->tx_sring, 1);
	if (f->rx_sring)
		xengntshr_unshare(f->gs, f->rx_sring, 1);
	if (f->port)
		xenevtchn_unbind(f->xce, f->port);
	if (f->rx_port && f->rx_port != f->port)
		xenevtchn_unbind(f->xce, f->rx_port);
	f->tx_pages = f->rx_pages = NULL;
	f->tx_sring = NULL;
	f->rx_sring = NULL;
	f->port = f->rx_port = 0;
	memset(f->tx_in_flight, 0, sizeof(f->tx_in_flight));
	f->tx_requests = f->tx_responses = 0;
}

void front_close(struct front *f)
{
	front_unshare(f);
	if (f->xce)
		xenevtchn_close(f->xce);
	if (f->gs)
		xengntshr_close(f->gs);
	if (f->xs)
		xs_close(f->xs);
}

/* A request id nobody is waiting on, and with it a TX page of our own. */
uint16_t front_tx_id(struct front *f)
{
	static unsigned int cursor;

	for (unsigned int i = 0; i < FRONT_TX_SIZE; i++) {
		unsigned int id = (cursor + i) % FRONT_TX_SIZE;

		if (!f->tx_in_flight[id]) {
			cursor = id + 1;
			return (uint16_t)id;
		}
	}
	return (uint16_t)(cursor++ % FRONT_TX_SIZE);
}

void front_put_tx(struct front *f, const netif_tx_request_t *req)
{
	*RING_GET_REQUEST(&f->tx, f->tx.req_prod_pvt) = *req;
	f->tx.req_prod_pvt++;
	f->tx_requests++;
	if (req->id < FRONT_TX_SIZE) {
		f->tx_in_flight[req->id]++;
		f->tx_sent[req->id] = true;
	}
}

void front_put_extra(struct front *f, const struct netif_extra_info *extra)
{
	memcpy(RING_GET_REQUEST(&f->tx, f->tx.req_prod_pvt), extra, sizeof(*extra));
	f->tx.req_prod_pvt++;
	f->tx_requests++;
}

void front_push_tx(struct front *f)
{
	int notify;

	RING_PUSH_REQUESTS_AND_CHECK_NOTIFY(&f->tx, notify);
	if (notify)
		xenevtchn_notify(f->xce, f->port);
}

/* Waits for an event (or @ms), and re-arms the channel. */
static void wait_event(struct front *f, int ms)
{
	struct pollfd p = { .fd = xenevtchn_fd(f->xce), .events = POLLIN };

	if (poll(&p, 1, ms) > 0) {
		int port = xenevtchn_pending(f->xce);

		if (port >= 0)
			xenevtchn_unmask(f->xce, (evtchn_port_t)port);
	}
}

/**
 * front_collect_tx() - consume TX responses until @want have arrived
 * @f: frontend
 * @want: total responses (since connect) to wait for
 * @timeout_ms: give up after this long
 *
 * Checks what Linux netfront checks: every non-NULL response names an id
 * that was sent (else it counts in tx_bad_id) and still has a request in
 * flight (else it is a duplicate, tx_dup_id).
 *
 * Return: 0 if @want responses arrived, -1 on timeout.
 */
int front_collect_tx(struct front *f, unsigned long want, int timeout_ms)
{
	long deadline = now_ms() + timeout_ms;

	for (;;) {
		RING_IDX prod = f->tx.sring->rsp_prod;
		int more;

		__atomic_thread_fence(__ATOMIC_ACQUIRE);
		for (; f->tx.rsp_cons != prod; f->tx.rsp_cons++) {
			netif_tx_response_t *rsp = RING_GET_RESPONSE(&f->tx, f->tx.rsp_cons);

			f->tx_responses++;
			if (rsp->status == NETIF_RSP_NULL) {
				f->tx_null++;
				continue;
			}
			if (rsp->id >= FRONT_TX_SIZE || !f->tx_sent[rsp->id]) {
				f->tx_bad_id++;
				if (f->verbose)
					fprintf(stderr, "znbfront: response for id %u never sent\n",
						rsp->id);
				continue;
			}
			if (!f->tx_in_flight[rsp->id]) {
				f->tx_dup_id++;
				if (f->verbose)
					fprintf(stderr, "znbfront: second response for id %u\n",
						rsp->id);
				continue;
			}
			f->tx_in_flight[rsp->id]--;
			if (rsp->status == NETIF_RSP_OKAY)
				f->tx_ok++;
			else
				f->tx_error++;
		}
		if (f->tx_responses >= want)
			return 0;
		RING_FINAL_CHECK_FOR_RESPONSES(&f->tx, more);
		if (more)
			continue;
		if (now_ms() > deadline)
			return -1;
		wait_event(f, 10);
	}
}

/* Requests still waiting for their response. */
unsigned int front_tx_unanswered(const struct front *f)
{
	unsigned int n = 0;

	for (unsigned int id = 0; id < FRONT_TX_SIZE; id++)
		n += f->tx_in_flight[id];
	return n;
}

static uint16_t ip_checksum(const uint8_t *hdr, size_t len)
{
	uint32_t sum = 0;

	for (size_t i = 0; i + 1 < len; i += 2)
		sum += (uint32_t)(hdr[i] << 8 | hdr[i + 1]);
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

/**
 * front_build_udp() - an Ethernet/IPv4/UDP frame that the sink can verify
 * @f: frontend (source MAC)
 * @buf: output
 * @len: frame length wanted (at least 60)
 * @dst_mac: destination MAC
 * @src_ip: source address, network order
 * @dst_ip: destination address, network order
 * @port: UDP destination port
 * @seq: sequence number, also seeds the payload pattern
 *
 * Return: the frame length.
 */
size_t front_build_udp(struct front *f, uint8_t *buf, size_t len,
		       const uint8_t dst_mac[6], uint32_t src_ip, uint32_t dst_ip,
		       uint16_t port, uint32_t seq)
{
	uint8_t *ip = buf + 14, *udp = ip + 20, *payload = udp + 8;
	size_t payload_len;
	uint16_t v;

	if (len < 60)
		len = 60;
	payload_len = len - 42;
	memcpy(buf, dst_mac, 6);
	memcpy(buf + 6, f->mac, 6);
	buf[12] = 0x08;
	buf[13] = 0x00;
	memset(ip, 0, 20);
	ip[0] = 0x45;
	v = htons((uint16_t)(len - 14));
	memcpy(ip + 2, &v, 2);
	ip[8] = 64;
	ip[9] = 17;
	memcpy(ip + 12, &src_ip, 4);
	memcpy(ip + 16, &dst_ip, 4);
	v = htons(ip_checksum(ip, 20));
	memcpy(ip + 10, &v, 2);
	v = htons(40000);
	memcpy(udp, &v, 2);
	v = htons(port);
	memcpy(udp + 2, &v, 2);
	v = htons((uint16_t)(payload_len + 8));
	memcpy(udp + 4, &v, 2);
	memset(udp + 6, 0, 2);
	memcpy(payload, "ZNBF", 4);
	seq = htonl(seq);
	memcpy(payload + 4, &seq, 4);
	seq = ntohl(seq);
	for (size_t i = 8; i < payload_len; i++)
		payload[i] = (uint8_t)(seq + i);
	return len;
}

/* Adds @len bytes (big-endian 16-bit words) to a ones' complement sum. */
static uint32_t csum_add(uint32_t sum, const uint8_t *p, size_t len)
{
	for (size_t i = 0; i < len; i += 2)
		sum += (uint32_t)(p[i] << 8 | (i + 1 < len ? p[i + 1] : 0));
	return sum;
}

static uint16_t csum_fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void put32(uint8_t *p, uint32_t v)
{
	put16(p, (uint16_t)(v >> 16));
	put16(p + 2, (uint16_t)v);
}

/**
 * front_build_ip() - an Ethernet/IPv4 or IPv6/TCP or UDP frame with real
 *		      headers and checksums
 * @f: frontend (source MAC)
 * @buf: output, at least 14 + 40 + 20 + @payload_len bytes
 * @dst_mac: destination MAC
 * @ipv6: IPv6 (fd00::fe to fd00::1) instead of IPv4 (10.0.0.254 to 10.0.0.1)
 * @tcp: a TCP segment (ACK|PSH, no options) instead of a UDP datagram
 * @payload_len: bytes after the TCP or UDP header
 * @seq: sequence number, also seeds the payload pattern
 *
 * The checksums are complete, so a packet sent without csum_blank is valid
 * as it stands.
 *
 * Return: the frame length.
 */
size_t front_build_ip(struct front *f, uint8_t *buf, const uint8_t dst_mac[6],
		      bool ipv6, bool tcp, size_t payload_len, uint32_t seq)
{
	size_t iphl = ipv6 ? 40 : 20, l4hl = tcp ? 20 : 8;
	size_t l4len = l4hl + payload_len;
	uint8_t *ip = buf + 14, *l4 = ip + iphl, *payload = l4 + l4hl;
	uint8_t proto = tcp ? 6 : 17, *src, *dst;
	uint32_t sum;
	uint16_t check;

	memcpy(buf, dst_mac, 6);
	memcpy(buf + 6, f->mac, 6);
	put16(buf + 12, ipv6 ? 0x86dd : 0x0800);
	memset(ip, 0, iphl);
	if (ipv6) {
		ip[0] = 0x60;
		put16(ip + 4, (uint16_t)l4len);
		ip[6] = proto;
		ip[7] = 64;
		src = ip + 8;
		dst = ip + 24;
		src[0] = dst[0] = 0xfd;
		src[15] = 0xfe;
		dst[15] = 0x01;
	} else {
		ip[0] = 0x45;
		put16(ip + 2, (uint16_t)(iphl + l4len));
		put16(ip + 4, (uint16_t)seq);
		ip[8] = 64;
		ip[9] = proto;
		src = ip + 12;
		dst = ip + 16;
		put32(src, 0x0a0000fe);
		put32(dst, 0x0a000001);
		put16(ip + 10, ip_checksum(ip, iphl));
	}

	memset(l4, 0, l4hl);
	put16(l4, 40000);
	put16(l4 + 2, 9);
	if (tcp) {
		put32(l4 + 4, seq * 1000);
		put32(l4 + 8, 1);
		l4[12] = 5 << 4;
		l4[13] = 0x18;
		put16(l4 + 14, 65535);
	} else {
		put16(l4 + 4, (uint16_t)l4len);
	}
	for (size_t i = 0; i < payload_len; i++)
		payload[i] = (uint8_t)(seq + i);

	/* The pseudo-header: addresses, protocol and L4 length. */
	sum = csum_add(0, src, ipv6 ? 16 : 4);
	sum = csum_add(sum, dst, ipv6 ? 16 : 4);
	sum += proto + (uint32_t)(l4len >> 16) + (uint32_t)(l4len & 0xffff);
	check = csum_fold(csum_add(sum, l4, l4len));
	if (!tcp && check == 0)
		check = 0xffff;	/* 0 would mean "no checksum" */
	put16(l4 + (tcp ? 16 : 6), check);
	return 14 + iphl + l4len;
}

/**
 * front_send_frame() - put one well-formed packet on the TX ring
 * @f: frontend
 * @frame: packet bytes
 * @len: packet length
 * @slots: how many requests to spread it over (each at most a page)
 *
 * Return: 0, or -1 if the frame does not fit in @slots pages.
 */
int front_send_frame(struct front *f, const uint8_t *frame, size_t len,
		     unsigned int slots)
{
	size_t chunk = (len + slots - 1) / slots, done = 0;

	if (chunk > FRONT_PAGE_SIZE || slots == 0)
		return -1;
	for (unsigned int i = 0; i < slots && done < len; i++) {
		size_t n = len - done < chunk ? len - done : chunk;
		uint16_t id = front_tx_id(f);
		netif_tx_request_t req = {
			.gref = f->tx_gref[id],
			.offset = 0,
			.id = id,
			.size = (uint16_t)(i == 0 ? len : n),
			.flags = done + n < len ? NETTXF_more_data : 0,
		};

		memcpy(f->tx_pages + (size_t)id * FRONT_PAGE_SIZE, frame + done, n);
		front_put_tx(f, &req);
		done += n;
	}
	return 0;
}

/**
 * front_post_rx() - offer receive buffers to the backend
 * @f: frontend
 * @count: buffers to post (the ring holds FRONT_RX_SIZE)
 * @garbage_grefs: post grant references that do not exist
 */
void front_post_rx(struct front *f, unsigned int count, bool garbage_grefs)
{
	int notify;

	for (unsigned int i = 0; i < count; i++) {
		RING_IDX idx = f->rx.req_prod_pvt;
		unsigned int id = idx % FRONT_RX_SIZE;
		netif_rx_request_t *req;

		if (idx - f->rx.rsp_cons >= FRONT_RX_SIZE)
			break;
		req = RING_GET_REQUEST(&f->rx, idx);
		req->id = (uint16_t)id;
		req->gref = garbage_grefs ? 0x7ffffff0u - id : f->rx_gref[id];
		f->rx.req_prod_pvt++;
	}
	RING_PUSH_REQUESTS_AND_CHECK_NOTIFY(&f->rx, notify);
	if (notify && !f->quiet_rx)
		xenevtchn_notify(f->xce, f->rx_port);
}

/**
 * front_collect_rx() - consume receive responses and re-post their buffers
 * @f: frontend
 * @timeout_ms: how long to keep collecting
 *
 * Return: packets received in this call.
 */
int front_collect_rx(struct front *f, int timeout_ms)
{
	long deadline = now_ms() + timeout_ms;
	unsigned long before = f->rx_packets;

	while (now_ms() < deadline) {
		RING_IDX prod = f->rx.sring->rsp_prod;
		unsigned int consumed = 0;

		__atomic_thread_fence(__ATOMIC_ACQUIRE);
		for (; f->rx.rsp_cons != prod; f->rx.rsp_cons++, consumed++) {
			netif_rx_response_t *rsp = RING_GET_RESPONSE(&f->rx, f->rx.rsp_cons);

			if (rsp->status < 0) {
				f->rx_errors++;
				continue;
			}
			f->rx_bytes += (unsigned long)rsp->status;
			if (rsp->flags & NETRXF_extra_info)
				f->rx.rsp_cons++, consumed++;
			if (!(rsp->flags & NETRXF_more_data))
				f->rx_packets++;
		}
		if (consumed)
			front_post_rx(f, consumed, false);
		wait_event(f, 10);
	}
	return (int)(f->rx_packets - before);
}
