/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _AAVS_ICMP_H
#define _AAVS_ICMP_H

#include <linux/skbuff.h>

struct aavs_pkt;
struct aavs_net;

/*
 * An ICMP(v6) error for a flow through this director (e.g. "fragmentation
 * needed" from a client's router about a reply the real server sent from
 * the VIP): send it on to the flow's real server.  Returns the hook's
 * verdict, NF_ACCEPT (the host's own stack's) for an error of no conn.
 */
unsigned int aavs_icmp_in(struct aavs_net *an, struct sk_buff *skb,
			  const struct aavs_pkt *pkt);

/* NAT: an ICMP error from a real server about a flow, made the VIP's. */
unsigned int aavs_icmp_reply(struct aavs_net *an, struct sk_buff *skb,
			     const struct aavs_pkt *pkt);

#endif /* _AAVS_ICMP_H */
