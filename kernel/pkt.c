// SPDX-License-Identifier: GPL-2.0
/*
 * IP header parsing of the packet a hook sees.  IPv6 extension headers
 * are walked by ipv6_find_hdr() from the network header; a non-first
 * fragment is parsed and flagged (the caller decides).
 */
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <net/ip.h>
#include <net/ipv6.h>

#include "pkt.h"

bool aavs_pkt_parse(u8 pf, const struct sk_buff *skb, struct aavs_pkt *p)
{
	unsigned int off = skb_network_offset(skb);
	struct iphdr _h4;
	const struct iphdr *h4;

	p->l3off = off;
	if (pf == NFPROTO_IPV6) {
		struct ipv6hdr _h;
		const struct ipv6hdr *h;
		unsigned short fragoff = 0;
		int proto;

		h = skb_header_pointer(skb, off, sizeof(_h), &_h);
		if (!h)
			return false;
		p->af = AF_INET6;
		p->saddr.in6 = h->saddr;
		p->daddr.in6 = h->daddr;
		p->l4off = 0;
		proto = ipv6_find_hdr(skb, &p->l4off, -1, &fragoff, NULL);
		if (proto < 0)
			return false;
		p->protocol = proto;
		p->fragment = fragoff != 0;
		return true;
	}
	h4 = skb_header_pointer(skb, off, sizeof(_h4), &_h4);
	if (!h4 || h4->ihl < 5)
		return false;
	p->af = AF_INET;
	memset(&p->saddr, 0, sizeof(p->saddr));
	memset(&p->daddr, 0, sizeof(p->daddr));
	p->saddr.ip = h4->saddr;
	p->daddr.ip = h4->daddr;
	p->protocol = h4->protocol;
	p->l4off = off + h4->ihl * 4;
	p->fragment = h4->frag_off & htons(IP_OFFSET);
	return true;
}
