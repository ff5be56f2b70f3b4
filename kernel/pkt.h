/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A packet as the datapath parsed it, once: its IP header (pkt.c), then
 * its transport header (proto.c for a packet the state machine takes,
 * aavs_pkt_parse_ports() for one that is only looked up).  Everything that
 * looks at the packet afterwards (conn lookup, scheduling, forwarding)
 * reads this struct rather than a copy of it.
 */
#ifndef _AAVS_PKT_H
#define _AAVS_PKT_H

#include <linux/netfilter.h>
#include <linux/skbuff.h>
#include <linux/types.h>

struct aavs_pkt {
	/* From the IP header (pkt.c): */
	union nf_inet_addr saddr;
	union nf_inet_addr daddr;
	unsigned int l3off;	/* the IP header's offset in skb->data */
	unsigned int l4off;	/* the transport header's (after ext hdrs) */
	u16 af;
	u8 protocol;		/* transport protocol (after ext headers) */
	bool fragment;		/* not the first fragment: no ports */
	/* From the transport header (proto.c; ports only: pkt.c): */
	__be16 sport;
	__be16 dport;
	unsigned int event;	/* proto_state.h event */
	bool opening;		/* TCP SYN, SCTP INIT: a new flow */
	bool may_create;	/* passes ip_vs's gate (sloppy_* applied) */
};

/*
 * The packet of family @pf (NFPROTO_*) at its network offset; false if it
 * is not ours to look at.  A non-first fragment parses, p->fragment set.
 */
bool aavs_pkt_parse(u8 pf, const struct sk_buff *skb, struct aavs_pkt *p);

/*
 * The packet an ICMP(v6) error quotes, of family @af, its IP header at
 * @off; false if its headers are cut short or malformed, or if it is not
 * the first fragment.
 */
bool aavs_pkt_parse_quoted(const struct sk_buff *skb, u16 af,
			   unsigned int off, struct aavs_pkt *p);

/*
 * The ports of a TCP, UDP or SCTP packet (they lead all three headers),
 * for a packet that is only looked up, not fed to the state machine; false
 * for other protocols, a non-first fragment or a header cut short.
 */
bool aavs_pkt_parse_ports(const struct sk_buff *skb, struct aavs_pkt *p);

#endif /* _AAVS_PKT_H */
