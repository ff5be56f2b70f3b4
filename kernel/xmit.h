/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _AAVS_XMIT_H
#define _AAVS_XMIT_H

#include <linux/netfilter.h>
#include <linux/skbuff.h>
#include <linux/types.h>

struct aavs_conn;
struct aavs_net;
struct aavs_pkt;
struct aavs_route;
struct net;

/*
 * Send a client's packet (or an ICMP error about the flow) to the conn's
 * real server by the conn's forwarding method.  Returns a netfilter
 * verdict; after NF_STOLEN the skb is gone.
 */
unsigned int aavs_xmit(struct net *net, struct sk_buff *skb,
		       struct aavs_conn *cp, const struct aavs_pkt *pkt);

/* Route the packet unchanged to the conn's real server (direct routing). */
unsigned int aavs_xmit_dr(struct net *net, struct sk_buff *skb,
			  struct aavs_conn *cp, const struct aavs_pkt *pkt);

/*
 * The two methods the fast path takes, over a route the caller got (and
 * found not local): @fast sends straight to the route's neighbour,
 * skipping LOCAL_OUT and the output path (fastpath.c).  The route's
 * reference is consumed.
 */
unsigned int aavs_xmit_dr_via(struct net *net, struct sk_buff *skb,
			      struct aavs_conn *cp, const struct aavs_pkt *pkt,
			      struct aavs_route *r, bool fast);
unsigned int aavs_xmit_tun_via(struct net *net, struct sk_buff *skb,
			       struct aavs_conn *cp, const struct aavs_pkt *pkt,
			       struct aavs_route *r, bool fast);
/* Bytes a tunnel to the conn's real server adds: outer IP and GUE/GRE. */
unsigned int aavs_tun_overhead(const struct aavs_conn *cp,
			       const struct sk_buff *skb);

/*
 * A reply passing this director to the client, NAT's once rewritten, DR's
 * and tunnels' as they are: IPVS's now (ipvs_property; untracked unless
 * conntrack=1), as ip_vs marks them.  NF_ACCEPT.
 */
unsigned int aavs_reply_mark(struct sk_buff *skb, const struct aavs_conn *cp);

/* NAT: rewrite a real server's reply so it comes from the virtual service. */
unsigned int aavs_nat_reply(struct aavs_net *an, struct sk_buff *skb,
			    struct aavs_conn *cp, const struct aavs_pkt *pkt);

/*
 * snat_reroute: route a reply made the VIP's again, as if the director
 * sent it from the VIP (source-based policy routing then applies).  Non-zero
 * if no route: the caller drops it.
 */
int aavs_snat_reroute(struct aavs_net *an, struct sk_buff *skb, u16 af);

/* Rewrite the address and port of one side of a transport header. */
int aavs_mangle_l4(struct sk_buff *skb, const struct aavs_pkt *pkt, bool dst,
		   const union nf_inet_addr *a, __be16 port);

/* Rewrite the IP header's source or destination (IPv4: and checksum). */
void aavs_mangle_ip(struct sk_buff *skb, u16 af, bool dst,
		    const union nf_inet_addr *a);

#endif /* _AAVS_XMIT_H */
