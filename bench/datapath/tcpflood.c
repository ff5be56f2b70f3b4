// SPDX-License-Identifier: GPL-2.0
/*
 * tcpflood: mid-stream TCP segments (ACK, no payload) to one address:port
 * from FLOWS source ports, COUNT packets in all, through a raw socket in
 * batches.  pktgen only speaks UDP; this is its TCP counterpart for the
 * datapath benchmark (directors run with sloppy_tcp=1, so each flow's
 * first segment makes a connection entry).
 *
 *   tcpflood SRC DST DPORT FLOWS COUNT     (IPv4)
 *
 * Prints "sent N in S seconds".
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/ip.h>
#include <netinet/tcp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define BATCH 64

struct pkt {
	struct iphdr ip;
	struct tcphdr tcp;
};

static uint16_t csum_fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

static uint32_t csum_add(uint32_t sum, const void *data, size_t len)
{
	const uint16_t *p = data;

	for (; len > 1; len -= 2)
		sum += *p++;
	return sum;
}

/* TCP checksum over the pseudo header and the bare header. */
static void tcp_csum(struct pkt *p)
{
	struct {
		uint32_t saddr, daddr;
		uint8_t zero, proto;
		uint16_t len;
	} ph = { p->ip.saddr, p->ip.daddr, 0, IPPROTO_TCP,
		 htons(sizeof(p->tcp)) };
	uint32_t sum;

	p->tcp.check = 0;
	sum = csum_add(0, &ph, sizeof(ph));
	sum = csum_add(sum, &p->tcp, sizeof(p->tcp));
	p->tcp.check = csum_fold(sum);
}

int main(int argc, char **argv)
{
	struct pkt pkts[BATCH];
	struct mmsghdr msgs[BATCH];
	struct iovec iov[BATCH];
	struct sockaddr_in dst = { .sin_family = AF_INET };
	unsigned long flows, count, sent = 0, i;
	struct timespec t0, t1;
	int fd, on = 1;
	in_addr_t src;

	if (argc != 6) {
		fprintf(stderr, "usage: tcpflood SRC DST DPORT FLOWS COUNT\n");
		return 2;
	}
	src = inet_addr(argv[1]);
	dst.sin_addr.s_addr = inet_addr(argv[2]);
	flows = strtoul(argv[4], NULL, 0);
	count = strtoul(argv[5], NULL, 0);
	if (!flows || flows > 60000)
		return 2;

	fd = socket(AF_INET, SOCK_RAW, IPPROTO_RAW);
	if (fd < 0 || setsockopt(fd, IPPROTO_IP, IP_HDRINCL, &on, sizeof(on))) {
		perror("tcpflood: raw socket");
		return 1;
	}
	memset(pkts, 0, sizeof(pkts));
	memset(msgs, 0, sizeof(msgs));
	for (i = 0; i < BATCH; i++) {
		struct pkt *p = &pkts[i];

		p->ip.version = 4;
		p->ip.ihl = 5;
		p->ip.ttl = 64;
		p->ip.protocol = IPPROTO_TCP;
		p->ip.tot_len = htons(sizeof(*p));
		p->ip.saddr = src;
		p->ip.daddr = dst.sin_addr.s_addr;
		p->tcp.dest = htons(atoi(argv[3]));
		p->tcp.doff = 5;
		p->tcp.ack = 1;
		p->tcp.seq = htonl(1);
		p->tcp.ack_seq = htonl(1);
		p->tcp.window = htons(512);
		iov[i].iov_base = p;
		iov[i].iov_len = sizeof(*p);
		msgs[i].msg_hdr.msg_iov = &iov[i];
		msgs[i].msg_hdr.msg_iovlen = 1;
		msgs[i].msg_hdr.msg_name = &dst;
		msgs[i].msg_hdr.msg_namelen = sizeof(dst);
	}

	clock_gettime(CLOCK_MONOTONIC, &t0);
	while (sent < count) {
		unsigned int n = count - sent < BATCH ? count - sent : BATCH;
		int r;

		for (i = 0; i < n; i++) {
			pkts[i].tcp.source = htons(1024 + (sent + i) % flows);
			tcp_csum(&pkts[i]);
		}
		r = sendmmsg(fd, msgs, n, 0);
		if (r < 0) {
			perror("tcpflood: sendmmsg");
			return 1;
		}
		sent += r;
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	printf("sent %lu in %.3f seconds\n", sent,
	       (t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9);
	return 0;
}
