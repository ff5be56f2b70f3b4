/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _AAVS_XMIT_ROUTE_H
#define _AAVS_XMIT_ROUTE_H

#include <linux/netfilter.h>
#include <linux/skbuff.h>
#include <net/dst.h>
#include <linux/types.h>

struct dst_entry;
struct net;

/* The way to a real server: the route, our source address, local or not. */
struct aavs_route {
	struct dst_entry *dst;		/* borrowed unless @owned */
	bool owned;			/* a reference the caller must give away */
	union nf_inet_addr saddr;
	bool local;
};

/*
 * Route to @daddr with the real server as next hop, from a per-CPU cache
 * (IPv4) or a fresh lookup (IPv6).  Caller holds rcu_read_lock() with
 * softirqs off (a netfilter hook's context, LOCAL_OUT's made so) and
 * attaches r->dst with aavs_route_attach(), or aavs_route_put()s it.
 */
int aavs_route_get(struct net *net, u16 af, const union nf_inet_addr *daddr,
		   struct aavs_route *r);
static inline void aavs_route_put(struct aavs_route *r)
{
	if (r->owned)
		dst_release(r->dst);
}

static inline void aavs_route_attach(struct sk_buff *skb,
				     struct aavs_route *r)
{
	if (r->owned)
		skb_dst_set(skb, r->dst);
	else
		skb_dst_set_noref(skb, r->dst);
}

int aavs_route_init(void);
void aavs_route_exit(void);
/* Drop the cached routes of a namespace that is going away. */
void aavs_route_flush_net(struct net *net);

#endif /* _AAVS_XMIT_ROUTE_H */
