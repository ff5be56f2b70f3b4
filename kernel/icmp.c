// SPDX-License-Identifier: GPL-2.0
/*
 * ICMP and ICMPv6 errors that belong to a flow through the director.
 *
 * The packet quoted in an error tells the flow: an error sent to the VIP
 * quotes a reply the real server sent from the VIP, so it goes on to that
 * real server (with NAT: translated to its address).  With NAT, an error a
 * real server sends about a client's packet is made to come from the VIP.
 * Inner transport checksums are left as they are, as ip_vs leaves them.
 *
 * An error that is translated gets a new checksum, so, like ip_vs, aavs
 * checks the old one first: a corrupt error is dropped, not made valid.
 * One passed on unchanged (DR, TUN) is the real server's to check.
 */
#include <linux/icmp.h>
#include <linux/icmpv6.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/netfilter.h>
#include <net/ip.h>
#include <net/ip6_checksum.h>
#include <net/ipv6.h>

#include "conn.h"
#include "icmp.h"
#include "newconn.h"
#include "pernet.h"
#include "pkt.h"
#include "xmit.h"

static bool aavs_icmp_is_error4(u8 type)
{
	return type == ICMP_DEST_UNREACH || type == ICMP_SOURCE_QUENCH ||
	       type == ICMP_TIME_EXCEEDED;
}

static bool aavs_icmp_is_error6(u8 type)
{
	return type == ICMPV6_DEST_UNREACH || type == ICMPV6_PKT_TOOBIG ||
	       type == ICMPV6_TIME_EXCEED || type == ICMPV6_PARAMPROB;
}

/* An error quoting a TCP, UDP or SCTP packet, with the quoted ports. */
static bool aavs_icmp_parse(const struct sk_buff *skb,
			    const struct aavs_pkt *outer, struct aavs_pkt *in)
{
	unsigned int off = outer->l4off;

	if (outer->af == AF_INET6) {
		struct icmp6hdr _ic;
		const struct icmp6hdr *ic;

		ic = skb_header_pointer(skb, off, sizeof(_ic), &_ic);
		if (!ic || !aavs_icmp_is_error6(ic->icmp6_type))
			return false;
		off += sizeof(_ic);
	} else {
		struct icmphdr _ic;
		const struct icmphdr *ic;

		ic = skb_header_pointer(skb, off, sizeof(_ic), &_ic);
		if (!ic || !aavs_icmp_is_error4(ic->type))
			return false;
		off += sizeof(_ic);
	}
	return aavs_pkt_parse_quoted(skb, outer->af, off, in) &&
	       aavs_pkt_parse_ports(skb, in);
}

/*
 * NAT an error: the outer source (@to_server false) or destination and the
 * quoted packet's matching side become @a:@port; the ICMP checksum is
 * computed again.
 */
static int aavs_icmp_mangle(struct sk_buff *skb, const struct aavs_pkt *outer,
			    const struct aavs_pkt *in, bool to_server,
			    const union nf_inet_addr *a, __be16 port)
{
	unsigned int icoff = outer->l4off;	/* the error's ICMP header */
	unsigned int len = skb->len - icoff;
	__be16 *ports;

	if (skb_ensure_writable(skb, in->l4off + 2 * sizeof(__be16)))
		return -ENOMEM;
	/* Towards the server the quoted packet is a reply: its source. */
	if (in->af == AF_INET6) {
		struct ipv6hdr *ih = (struct ipv6hdr *)(skb->data + in->l3off);

		if (to_server)
			ih->saddr = a->in6;
		else
			ih->daddr = a->in6;
	} else {
		struct iphdr *ih = (struct iphdr *)(skb->data + in->l3off);
		__be32 *f = to_server ? &ih->saddr : &ih->daddr;

		csum_replace4(&ih->check, *f, a->ip);
		*f = a->ip;
	}
	ports = (__be16 *)(skb->data + in->l4off);
	ports[to_server ? 0 : 1] = port;
	aavs_mangle_ip(skb, outer->af, to_server, a);

	if (outer->af == AF_INET6) {
		struct icmp6hdr *ic = (struct icmp6hdr *)(skb->data + icoff);

		ic->icmp6_cksum = 0;
		ic->icmp6_cksum = csum_ipv6_magic(&ipv6_hdr(skb)->saddr,
						  &ipv6_hdr(skb)->daddr, len,
						  IPPROTO_ICMPV6,
						  skb_checksum(skb, icoff,
							       len, 0));
	} else {
		struct icmphdr *ic = (struct icmphdr *)(skb->data + icoff);

		ic->checksum = 0;
		ic->checksum = csum_fold(skb_checksum(skb, icoff, len, 0));
	}
	skb->ip_summed = CHECKSUM_NONE;
	return 0;
}

/* The ICMP(v6) checksum of a received error, verified as ip_vs does. */
static bool aavs_icmp_csum_ok(struct sk_buff *skb, const struct aavs_pkt *pkt)
{
	if (skb_csum_unnecessary(skb))
		return true;
	/* LOCAL_IN: netfilter then verifies it in FORWARD too. */
	return !nf_checksum(skb, NF_INET_LOCAL_IN, pkt->l4off,
			    pkt->af == AF_INET6 ? IPPROTO_ICMPV6 : IPPROTO_ICMP,
			    pkt->af);
}

/*
 * schedule_icmp: an error about a flow this director has no conn for (ECMP
 * sent the flow's packets to another director) is scheduled as the flow's
 * next packet would be, client to VIP, and so reaches the server that
 * hashing gives the flow.  Like ip_vs, with no SYN or sloppy gate: the
 * error is proof enough that the flow exists.
 */
static struct aavs_conn *aavs_icmp_schedule(struct aavs_net *an,
					    struct sk_buff *skb,
					    const struct aavs_pkt *in,
					    unsigned int *verdict)
{
	const struct aavs_pkt flow = {
		.af = in->af, .protocol = in->protocol,
		.saddr = in->daddr, .daddr = in->saddr,
		.sport = in->dport, .dport = in->sport,
		.may_create = true,
	};

	return aavs_newconn_schedule(an, skb, &flow, verdict);
}

unsigned int aavs_icmp_in(struct aavs_net *an, struct sk_buff *skb,
			  const struct aavs_pkt *pkt)
{
	struct aavs_pkt in;
	struct aavs_conn *cp;
	unsigned int verdict;

	if (!aavs_icmp_parse(skb, pkt, &in))
		return NF_ACCEPT;
	/*
	 * The quoted packet went from the VIP to the client; the error
	 * travels against it, as the flow's requests do.
	 */
	cp = aavs_conn_in_get(an->net, &in, true);
	if (!cp) {
		if (!READ_ONCE(an->sysctl.schedule_icmp))
			return NF_ACCEPT;
		cp = aavs_icmp_schedule(an, skb, &in, &verdict);
		if (!cp)
			return verdict;
	}
	if (aavs_conn_fwd(cp) == IP_VS_CONN_F_MASQ &&
	    !aavs_icmp_csum_ok(skb, pkt))
		return NF_DROP;
	aavs_conn_count_in(an, cp, skb->len);
	if (aavs_conn_fwd(cp) != IP_VS_CONN_F_MASQ)
		return aavs_xmit(an->net, skb, cp, pkt);
	if (aavs_icmp_mangle(skb, pkt, &in, true, &cp->daddr, cp->dport))
		return NF_DROP;
	/* Addresses are the server's now: route it there as it is. */
	return aavs_xmit_dr(an->net, skb, cp, pkt);
}

unsigned int aavs_icmp_reply(struct aavs_net *an, struct sk_buff *skb,
			     const struct aavs_pkt *pkt)
{
	struct aavs_pkt in;
	struct aavs_conn *cp;

	if (!aavs_icmp_parse(skb, pkt, &in))
		return NF_ACCEPT;
	/*
	 * The quoted packet went from the client to the server side; the
	 * error travels against it, as the flow's replies do.
	 */
	cp = aavs_conn_out_get(an->net, &in, true);
	if (!cp)
		return NF_ACCEPT;
	if (aavs_conn_fwd(cp) != IP_VS_CONN_F_MASQ) {
		aavs_conn_count_out(an, cp, skb->len);
		return aavs_reply_mark(skb, cp);
	}
	if (!aavs_icmp_csum_ok(skb, pkt))
		return NF_DROP;
	aavs_conn_count_out(an, cp, skb->len);
	if (aavs_icmp_mangle(skb, pkt, &in, false, &cp->vaddr, cp->vport) ||
	    aavs_snat_reroute(an, skb, pkt->af))
		return NF_DROP;
	return aavs_reply_mark(skb, cp);
}
