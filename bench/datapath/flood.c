// SPDX-License-Identifier: GPL-2.0
/*
 * flood: the datapath benchmark's traffic generator.  COUNT IPv4 packets
 * to DST:DPORT, cycling over NSRC source addresses from SRC times NPORTS
 * source ports from 1024: 18-byte UDP datagrams, or TCP segments in
 * mid-stream (bare ACKs; directors run with sloppy_tcp=1, so each flow's
 * first segment makes a connection entry).
 *
 *   flood IFACE DSTMAC udp|tcp SRC NSRC DST DPORT NPORTS COUNT
 *
 * Like pktgen it costs the sender little, so that a rate measures the
 * director: every flow's frame is built before the clock starts, and
 * frames go out in batches through a packet socket straight to IFACE's
 * driver, past the sender's IP stack and qdisc.  Unlike pktgen
 * (whose rate under TCG jumps between levels from run to run) every
 * packet takes the same path through the sender.  Prints "sent N in S
 * seconds".
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <netinet/in.h>
#include <netinet/ip.h>
#include <netinet/tcp.h>
#include <netinet/udp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define BATCH 64
#define MAX_FLOWS (1UL << 21)	/* 128 MiB of frames */

struct frame {
	struct ether_header eth;
	struct iphdr ip;
	union {
		struct tcphdr tcp;
		struct {
			struct udphdr udp;
			char payload[18];	/* a 60-byte frame, as pktgen's */
		};
	};
} __attribute__((packed));

static uint16_t csum_fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

static uint32_t csum_add(uint32_t sum, const void *data, size_t len)
{
	const uint8_t *p = data;

	for (; len > 1; len -= 2, p += 2)
		sum += (uint32_t)p[0] | (uint32_t)p[1] << 8;
	return sum;
}

/* TCP checksum over the pseudo header and the bare header. */
static uint16_t tcp_csum(const struct frame *f)
{
	struct {
		uint32_t saddr, daddr;
		uint8_t zero, proto;
		uint16_t len;
	} ph = { f->ip.saddr, f->ip.daddr, 0, IPPROTO_TCP,
		 htons(sizeof(f->tcp)) };

	return csum_fold(csum_add(csum_add(0, &ph, sizeof(ph)), &f->tcp,
				  sizeof(f->tcp)));
}

static int parse_mac(const char *s, uint8_t mac[6])
{
	unsigned int b[6];
	int i;

	if (sscanf(s, "%x:%x:%x:%x:%x:%x", &b[0], &b[1], &b[2], &b[3], &b[4],
		   &b[5]) != 6)
		return -1;
	for (i = 0; i < 6; i++)
		mac[i] = (uint8_t)b[i];
	return 0;
}

/* Frame FLOW of the cycle: its source address and port, checksums. */
static void frame_set(struct frame *f, unsigned long flow, uint32_t src,
		      unsigned long nports)
{
	f->ip.saddr = htonl(src + (uint32_t)(flow / nports));
	f->ip.check = 0;
	f->ip.check = csum_fold(csum_add(0, &f->ip, sizeof(f->ip)));
	if (f->ip.protocol == IPPROTO_UDP) {
		f->udp.source = htons((uint16_t)(1024 + flow % nports));
		return;			/* no UDP checksum, as pktgen's */
	}
	f->tcp.source = htons((uint16_t)(1024 + flow % nports));
	f->tcp.check = 0;
	f->tcp.check = tcp_csum(f);
}

int main(int argc, char **argv)
{
	struct sockaddr_ll ll = { .sll_family = AF_PACKET };
	struct frame *frames, tmpl;
	struct mmsghdr msgs[BATCH];
	struct iovec iov[BATCH];
	unsigned long nsrc, nports, flows, count, sent = 0, i;
	struct timespec t0, t1;
	uint8_t dmac[6];
	struct ifreq ifr;
	uint32_t src;
	int fd, on = 1, udp;

	if (argc != 10 || parse_mac(argv[2], dmac)) {
		fprintf(stderr, "usage: flood IFACE DSTMAC udp|tcp SRC NSRC DST DPORT NPORTS COUNT\n");
		return 2;
	}
	udp = !strcmp(argv[3], "udp");
	src = ntohl(inet_addr(argv[4]));
	nsrc = strtoul(argv[5], NULL, 0);
	nports = strtoul(argv[8], NULL, 0);
	count = strtoul(argv[9], NULL, 0);
	if ((!udp && strcmp(argv[3], "tcp")) || !nsrc || nsrc > 256 ||
	    !nports || nports > 65536 - 1024 || nsrc * nports > MAX_FLOWS) {
		fprintf(stderr, "flood: bad protocol, source or port count\n");
		return 2;
	}
	flows = nsrc * nports;

	fd = socket(AF_PACKET, SOCK_RAW, 0);
	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", argv[1]);
	if (fd < 0 || ioctl(fd, SIOCGIFHWADDR, &ifr) ||
	    setsockopt(fd, SOL_PACKET, PACKET_QDISC_BYPASS, &on, sizeof(on))) {
		perror("flood: packet socket");
		return 1;
	}
	ll.sll_ifindex = (int)if_nametoindex(argv[1]);
	ll.sll_protocol = htons(ETH_P_IP);
	ll.sll_halen = 6;
	memcpy(ll.sll_addr, dmac, 6);

	memset(&tmpl, 0, sizeof(tmpl));
	memcpy(tmpl.eth.ether_dhost, dmac, 6);
	memcpy(tmpl.eth.ether_shost, ifr.ifr_hwaddr.sa_data, 6);
	tmpl.eth.ether_type = htons(ETH_P_IP);
	tmpl.ip.version = 4;
	tmpl.ip.ihl = 5;
	tmpl.ip.ttl = 64;
	tmpl.ip.daddr = inet_addr(argv[6]);
	if (udp) {
		tmpl.ip.protocol = IPPROTO_UDP;
		tmpl.ip.tot_len = htons(sizeof(tmpl.ip) + sizeof(tmpl.udp) +
					sizeof(tmpl.payload));
		tmpl.udp.dest = htons(atoi(argv[7]));
		tmpl.udp.len = htons(sizeof(tmpl.udp) + sizeof(tmpl.payload));
	} else {
		tmpl.ip.protocol = IPPROTO_TCP;
		tmpl.ip.tot_len = htons(sizeof(tmpl.ip) + sizeof(tmpl.tcp));
		tmpl.tcp.dest = htons(atoi(argv[7]));
		tmpl.tcp.doff = 5;
		tmpl.tcp.ack = 1;
		tmpl.tcp.seq = htonl(1);
		tmpl.tcp.ack_seq = htonl(1);
		tmpl.tcp.window = htons(512);
	}
	frames = malloc(flows * sizeof(*frames));
	if (!frames) {
		perror("flood: frames");
		return 1;
	}
	for (i = 0; i < flows; i++) {
		frames[i] = tmpl;
		frame_set(&frames[i], i, src, nports);
	}
	memset(msgs, 0, sizeof(msgs));
	for (i = 0; i < BATCH; i++) {
		iov[i].iov_len = sizeof(struct ether_header) +
				 ntohs(tmpl.ip.tot_len);
		msgs[i].msg_hdr.msg_iov = &iov[i];
		msgs[i].msg_hdr.msg_iovlen = 1;
		msgs[i].msg_hdr.msg_name = &ll;
		msgs[i].msg_hdr.msg_namelen = sizeof(ll);
	}

	clock_gettime(CLOCK_MONOTONIC, &t0);
	while (sent < count) {
		unsigned int n = count - sent < BATCH ? count - sent : BATCH;
		int r;

		for (i = 0; i < n; i++)
			iov[i].iov_base = &frames[(sent + i) % flows];
		r = sendmmsg(fd, msgs, n, 0);
		if (r < 0) {
			perror("flood: sendmmsg");
			return 1;
		}
		sent += r;
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	printf("sent %lu in %.6f seconds\n", sent,
	       (t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9);
	free(frames);
	return 0;
}
