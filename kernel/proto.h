/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _AAVS_PROTO_H
#define _AAVS_PROTO_H

#include <linux/in.h>
#include <linux/skbuff.h>
#include <linux/types.h>

struct aavs_iph;
struct aavs_net;

/* What the state machine and the scheduling gate need from a packet. */
struct aavs_proto_pkt {
	__be16 sport;
	__be16 dport;
	unsigned int event;	/* proto_state.h event */
	bool opening;		/* TCP SYN, SCTP INIT: a new flow */
	bool may_create;	/* passes ip_vs's gate (sloppy_* applied) */
};

/*
 * A protocol ip_vs has a handler for: aavs's three, and AH and ESP, which
 * ip_vs knows (and so never treats as a tunnel) though aavs forwards none.
 */
static inline bool aavs_proto_handled(u8 protocol)
{
	return protocol == IPPROTO_TCP || protocol == IPPROTO_UDP ||
	       protocol == IPPROTO_SCTP || protocol == IPPROTO_AH ||
	       protocol == IPPROTO_ESP;
}

/*
 * Read ports and flags of a TCP, UDP or SCTP packet at iph->len.  Returns
 * -EPROTONOSUPPORT for other protocols and -EINVAL for a short header.
 */
int aavs_proto_parse(struct aavs_net *an, const struct sk_buff *skb,
		     const struct aavs_iph *iph, struct aavs_proto_pkt *pp);

#endif /* _AAVS_PROTO_H */
