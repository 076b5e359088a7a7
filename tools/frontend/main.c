// SPDX-License-Identifier: GPL-2.0
/*
 * znbfront: command line.  See usage() for what it does.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "front.h"

static void usage(FILE *to)
{
	fprintf(to,
		"usage: znbfront [options] COMMAND\n"
		"A userspace Xen netfront for testing network backends.  Run it in a guest\n"
		"whose kernel netfront is not bound to the vif (xen-netfront not loaded, or\n"
		"the device unbound), after 'xl network-attach' created the vif.\n"
		"\n"
		"commands:\n"
		"  send          connect and send --count UDP packets of --size bytes over\n"
		"                --slots requests each; verify every TX response\n"
		"  case NAME     connect and run one hostile case; exit 0 if the backend\n"
		"                reacted as the case expects (guest side only)\n"
		"  cases         list the hostile cases and what each expects\n"
		"  fuzz          connect and send seeded random mutations of valid packets\n"
		"  sink          (in dom0) receive and verify the packets 'send' sends;\n"
		"                needs no Xen\n"
		"\n"
		"options:\n"
		"  -H, --handle N      vif handle (device/vif/N), default 0\n"
		"  -n, --count N       packets to send or expect, default 1000\n"
		"  -s, --size BYTES    frame size, default 1514\n"
		"  -S, --slots N       requests per packet, default 1\n"
		"  -d, --dst IP        destination IPv4 address (send), default 10.0.0.1\n"
		"  -m, --dst-mac MAC   destination MAC (send), default broadcast\n"
		"  -p, --port PORT     UDP port, default 9999\n"
		"  -t, --seconds N     duration of timed cases, fuzz and sink timeout, default 10\n"
		"  -l, --listen        rx-without-notify: send no ARP request; what dom0 sends\n"
		"                      on its own in the first --seconds must arrive\n"
		"  -r, --seed N        fuzz seed, default: time of day (printed)\n"
		"  -v, --verbose       report every unexpected response\n"
		"  -h, --help          this text\n"
		"\n"
		"Exit status: 0 success, 1 the backend misbehaved or data was lost, 2 usage\n"
		"or setup error.\n");
}

struct options {
	unsigned int handle, count, size, slots, port, seconds, seed;
	uint32_t dst_ip;
	uint8_t dst_mac[6];
	int verbose;
	bool listen;
};

/* Receives 'send' traffic and checks each payload byte; needs no Xen. */
static int sink(const struct options *o)
{
	struct sockaddr_in addr = { .sin_family = AF_INET, .sin_port = htons(o->port) };
	struct timeval tv = { .tv_sec = 1 };
	unsigned long good = 0, bad = 0;
	time_t end = time(NULL) + o->seconds;
	static uint8_t buf[65536];
	int fd = socket(AF_INET, SOCK_DGRAM, 0);

	if (fd < 0 || bind(fd, (struct sockaddr *)&addr, sizeof(addr)) < 0) {
		perror("znbfront sink: bind");
		return 2;
	}
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	while (good < o->count && time(NULL) < end) {
		ssize_t n = recv(fd, buf, sizeof(buf), 0);
		uint32_t seq;
		bool ok;

		if (n < 0)
			continue;
		ok = n >= 8 && memcmp(buf, "ZNBF", 4) == 0;
		memcpy(&seq, buf + 4, 4);
		seq = ntohl(seq);
		for (ssize_t i = 8; ok && i < n; i++)
			ok = buf[i] == (uint8_t)(seq + (size_t)i);
		if (ok)
			good++;
		else
			bad++;
	}
	close(fd);
	printf("sink: %lu packets verified, %lu corrupt, %u expected\n", good, bad, o->count);
	return good >= o->count && bad == 0 ? 0 : 1;
}

static int send_traffic(struct front *f, const struct options *o)
{
	static uint8_t frame[65536];
	uint32_t src_ip = htonl(0x0a0000fe);
	unsigned int sent = 0;
	int rc;

	while (sent < o->count) {
		unsigned int burst = 0;

		while (sent < o->count && burst + o->slots <= FRONT_TX_SIZE / 2) {
			size_t len = front_build_udp(f, frame, o->size, o->dst_mac, src_ip,
						     o->dst_ip, (uint16_t)o->port, sent);

			if (front_send_frame(f, frame, len, o->slots)) {
				fprintf(stderr, "znbfront: %u bytes do not fit in %u slots\n",
					o->size, o->slots);
				return 2;
			}
			burst += o->slots;
			sent++;
		}
		front_push_tx(f);
		if (front_collect_tx(f, f->tx_requests, 10000)) {
			fprintf(stderr, "znbfront: backend stopped answering after %u packets\n",
				sent);
			break;
		}
	}
	rc = f->tx_error == 0 && f->tx_bad_id == 0 && f->tx_dup_id == 0 &&
	     f->tx_responses == f->tx_requests;
	printf("send: %u packets, %lu requests, %lu responses (%lu ok, %lu error, %lu bad id, %lu duplicate)\n",
	       sent, (unsigned long)f->tx_requests, (unsigned long)f->tx_responses,
	       f->tx_ok, f->tx_error, f->tx_bad_id, f->tx_dup_id);
	return rc ? 0 : 1;
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "handle", required_argument, NULL, 'H' },
		{ "count", required_argument, NULL, 'n' },
		{ "size", required_argument, NULL, 's' },
		{ "slots", required_argument, NULL, 'S' },
		{ "dst", required_argument, NULL, 'd' },
		{ "dst-mac", required_argument, NULL, 'm' },
		{ "port", required_argument, NULL, 'p' },
		{ "seconds", required_argument, NULL, 't' },
		{ "seed", required_argument, NULL, 'r' },
		{ "listen", no_argument, NULL, 'l' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct options o = {
		.count = 1000, .size = 1514, .slots = 1, .port = 9999, .seconds = 10,
		.seed = (unsigned int)time(NULL),
		.dst_mac = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff },
	};
	struct front f;
	const char *cmd;
	int c, rc;

	inet_pton(AF_INET, "10.0.0.1", &o.dst_ip);
	while ((c = getopt_long(argc, argv, "H:n:s:S:d:m:p:t:r:lvh", longopts, NULL)) != -1) {
		switch (c) {
		case 'H': o.handle = (unsigned int)atoi(optarg); break;
		case 'n': o.count = (unsigned int)atoi(optarg); break;
		case 's': o.size = (unsigned int)atoi(optarg); break;
		case 'S': o.slots = (unsigned int)atoi(optarg); break;
		case 'p': o.port = (unsigned int)atoi(optarg); break;
		case 't': o.seconds = (unsigned int)atoi(optarg); break;
		case 'r': o.seed = (unsigned int)strtoul(optarg, NULL, 0); break;
		case 'v': o.verbose = 1; break;
		case 'l': o.listen = true; break;
		case 'd':
			if (inet_pton(AF_INET, optarg, &o.dst_ip) != 1) {
				fprintf(stderr, "znbfront: bad address %s\n", optarg);
				return 2;
			}
			break;
		case 'm':
			if (sscanf(optarg, "%hhx:%hhx:%hhx:%hhx:%hhx:%hhx", &o.dst_mac[0],
				   &o.dst_mac[1], &o.dst_mac[2], &o.dst_mac[3], &o.dst_mac[4],
				   &o.dst_mac[5]) != 6) {
				fprintf(stderr, "znbfront: bad MAC %s\n", optarg);
				return 2;
			}
			break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	}
	if (optind >= argc) {
		usage(stderr);
		return 2;
	}
	cmd = argv[optind];
	if (strcmp(cmd, "cases") == 0) {
		front_list_cases();
		return 0;
	}
	if (strcmp(cmd, "sink") == 0)
		return sink(&o);
	if (strcmp(cmd, "send") && strcmp(cmd, "case") && strcmp(cmd, "fuzz")) {
		usage(stderr);
		return 2;
	}
	if (strcmp(cmd, "case") == 0 && optind + 1 >= argc) {
		fprintf(stderr, "znbfront: case needs a NAME (see 'znbfront cases')\n");
		return 2;
	}
	if (front_open(&f, o.handle)) {
		front_close(&f);
		return 2;
	}
	f.dst_ip = o.dst_ip;
	f.listen = o.listen;
	if (strcmp(cmd, "case") == 0)
		front_case_setup(&f, argv[optind + 1]);
	if (front_connect(&f)) {
		front_close(&f);
		return 2;
	}
	f.verbose = o.verbose;
	if (strcmp(cmd, "send") == 0)
		rc = send_traffic(&f, &o);
	else if (strcmp(cmd, "fuzz") == 0)
		rc = front_fuzz(&f, o.seed, o.seconds) ? 1 : 0;
	else
		rc = front_run_case(&f, argv[optind + 1], o.seconds);
	if (rc < 0)
		rc = 2;
	if (!f.keep_state)
		front_disconnect(&f);
	front_close(&f);
	return rc;
}
