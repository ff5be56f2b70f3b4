/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _AAVS_PROTO_H
#define _AAVS_PROTO_H

#include <linux/in.h>
#include <linux/skbuff.h>
#include <linux/types.h>

struct aavs_net;
struct aavs_pkt;

/* A protocol aavs forwards: TCP, UDP, SCTP. */
static inline bool aavs_proto_forwarded(u8 protocol)
{
	return protocol == IPPROTO_TCP || protocol == IPPROTO_UDP ||
	       protocol == IPPROTO_SCTP;
}

/*
 * A protocol ip_vs has a handler for: aavs's three, and AH and ESP, which
 * ip_vs knows (and so never treats as a tunnel) though aavs forwards none.
 */
static inline bool aavs_proto_handled(u8 protocol)
{
	return aavs_proto_forwarded(protocol) || protocol == IPPROTO_AH ||
	       protocol == IPPROTO_ESP;
}

/*
 * Fill in the transport part of @pkt (ports, state event, opening and
 * may_create) from the TCP, UDP or SCTP header at pkt->l4off.  Returns
 * -EPROTONOSUPPORT for other protocols and -EINVAL for a short header.
 */
int aavs_proto_parse(struct aavs_net *an, const struct sk_buff *skb,
		     struct aavs_pkt *pkt);

#endif /* _AAVS_PROTO_H */
