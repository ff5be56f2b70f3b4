/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _AAVS_XMIT_ROUTE_H
#define _AAVS_XMIT_ROUTE_H

#include <linux/netfilter.h>
#include <linux/types.h>

struct dst_entry;
struct net;

/* The way to a real server: the route, our source address, local or not. */
struct aavs_route {
	struct dst_entry *dst;		/* borrowed: valid under RCU only */
	union nf_inet_addr saddr;
	bool local;
};

/*
 * Route to @daddr with the real server as next hop, from a per-CPU cache.
 * Caller holds rcu_read_lock() and attaches r->dst with
 * skb_dst_set_noref().
 */
int aavs_route_get(struct net *net, u16 af, const union nf_inet_addr *daddr,
		   struct aavs_route *r);
/* Drop the cached routes of a namespace that is going away. */
void aavs_route_flush_net(struct net *net);

#endif /* _AAVS_XMIT_ROUTE_H */
