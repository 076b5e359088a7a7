// SPDX-License-Identifier: GPL-2.0
/*
 * The lab's guest XDP program (tests/lab/xdp.sh): drops IPv4 UDP datagrams
 * to one port and passes everything else, so the test sees both that the
 * program runs in the guest's netfront and that it reads the packet where
 * the backend put it (after the headroom the guest asked for).
 *
 * Built with clang -target bpf (make tools); no libbpf headers needed.
 */
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/in.h>
#include <linux/ip.h>
#include <linux/udp.h>

/* The port the lab sends to with traceroute -p 7776 (first probe: +1). */
#define DROPPED_PORT 7777

#define SEC(name) __attribute__((section(name), used))

SEC("xdp")
int drop_udp_port(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *end = (void *)(long)ctx->data_end;
	struct ethhdr *eth = data;
	struct iphdr *ip = (void *)(eth + 1);
	struct udphdr *udp;

	if ((void *)(ip + 1) > end || eth->h_proto != __builtin_bswap16(ETH_P_IP))
		return XDP_PASS;
	if (ip->protocol != IPPROTO_UDP || ip->ihl < 5)
		return XDP_PASS;
	udp = (void *)ip + ip->ihl * 4;
	if ((void *)(udp + 1) > end)
		return XDP_PASS;
	return udp->dest == __builtin_bswap16(DROPPED_PORT) ? XDP_DROP : XDP_PASS;
}

char _license[] SEC("license") = "GPL";
