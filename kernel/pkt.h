/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A packet as the datapath parsed it, once: its IP header (pkt.c), then
 * its transport header (proto.c).  What looks at the packet afterwards
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
	/* From the transport header (proto.c): */
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

#endif /* _AAVS_PKT_H */
