// SPDX-License-Identifier: GPL-2.0
/*
 * IP header parsing, written once for the packet a hook sees and for the
 * packet an ICMP error quotes.  The two differ where ip_vs's do: the
 * outer IPv6 packet's extension headers are walked by ipv6_find_hdr()
 * from its network header, the quoted one's by ipv6_skip_exthdr(); an
 * outer non-first fragment is parsed and flagged (the caller decides),
 * a quoted one refused, since it has no ports to tell its flow.  The
 * outer packet's IP header is linear at every netfilter hook (iptables
 * reads it in place too); a quoted one is wherever the error put it.
 */
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <net/ip.h>
#include <net/ipv6.h>

#include "pkt.h"

static __always_inline bool aavs_pkt_parse_ip4(const struct sk_buff *skb,
					       unsigned int off, bool quoted,
					       struct aavs_pkt *p)
{
	struct iphdr _h;
	const struct iphdr *h;

	h = quoted ? skb_header_pointer(skb, off, sizeof(_h), &_h) :
		     ip_hdr(skb);
	if (!h || h->ihl < 5)
		return false;
	p->fragment = h->frag_off & htons(IP_OFFSET);
	if (quoted && p->fragment)
		return false;
	p->af = AF_INET;
	memset(&p->saddr, 0, sizeof(p->saddr));
	memset(&p->daddr, 0, sizeof(p->daddr));
	p->saddr.ip = h->saddr;
	p->daddr.ip = h->daddr;
	p->protocol = h->protocol;
	p->l3off = off;
	p->l4off = off + h->ihl * 4;
	return true;
}

static __always_inline bool aavs_pkt_parse_ip6(const struct sk_buff *skb,
					       unsigned int off, bool quoted,
					       struct aavs_pkt *p)
{
	struct ipv6hdr _h;
	const struct ipv6hdr *h;

	h = quoted ? skb_header_pointer(skb, off, sizeof(_h), &_h) :
		     ipv6_hdr(skb);
	if (!h)
		return false;
	p->af = AF_INET6;
	p->saddr.in6 = h->saddr;
	p->daddr.in6 = h->daddr;
	p->l3off = off;
	if (quoted) {
		u8 nexthdr = h->nexthdr;
		__be16 frag_off;
		int l4;

		l4 = ipv6_skip_exthdr(skb, off + sizeof(_h), &nexthdr,
				      &frag_off);
		if (l4 < 0 || (frag_off & htons(IP6_OFFSET)))
			return false;
		p->protocol = nexthdr;
		p->l4off = l4;
		p->fragment = false;
	} else {
		unsigned short fragoff = 0;
		int proto;

		/* 0: from the network header, which @off is. */
		p->l4off = 0;
		proto = ipv6_find_hdr(skb, &p->l4off, -1, &fragoff, NULL);
		if (proto < 0)
			return false;
		p->protocol = proto;
		p->fragment = fragoff != 0;
	}
	return true;
}

/*
 * The one parser; inlined into its two callers, so the outer packet's
 * path carries no test for the quoted one.
 */
static __always_inline bool aavs_pkt_parse_ip(const struct sk_buff *skb,
					      u16 af, unsigned int off,
					      bool quoted, struct aavs_pkt *p)
{
	if (af == AF_INET6)
		return aavs_pkt_parse_ip6(skb, off, quoted, p);
	return aavs_pkt_parse_ip4(skb, off, quoted, p);
}

bool aavs_pkt_parse(u8 pf, const struct sk_buff *skb, struct aavs_pkt *p)
{
	return aavs_pkt_parse_ip(skb, pf == NFPROTO_IPV6 ? AF_INET6 : AF_INET,
				 skb_network_offset(skb), false, p);
}

bool aavs_pkt_parse_quoted(const struct sk_buff *skb, u16 af,
			   unsigned int off, struct aavs_pkt *p)
{
	return aavs_pkt_parse_ip(skb, af, off, true, p);
}

bool aavs_pkt_parse_ports(const struct sk_buff *skb, struct aavs_pkt *p)
{
	__be16 _ports[2];
	const __be16 *ports;

	switch (p->protocol) {
	case IPPROTO_TCP:
	case IPPROTO_UDP:
	case IPPROTO_SCTP:
		break;
	default:
		return false;
	}
	if (p->fragment)
		return false;
	ports = skb_header_pointer(skb, p->l4off, sizeof(_ports), _ports);
	if (!ports)
		return false;
	p->sport = ports[0];
	p->dport = ports[1];
	return true;
}
