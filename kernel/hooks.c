// SPDX-License-Identifier: GPL-2.0
/*
 * The datapath's entry points: netfilter hooks of each namespace.
 *
 *   LOCAL_IN  a packet to a virtual service: find its conn, or let the
 *             scheduler pick a real server and make one, then forward it
 *             by the dest's method (xmit.c).  Before that, a NAT reply to
 *             a client on this host, rewritten as in FORWARD.
 *   LOCAL_OUT the same two for this host's own packets: a local client's
 *             request to a virtual service, and a reply from a NAT real
 *             server that runs here.
 *   FORWARD   NAT only: a real server's reply, rewritten to come from the
 *             virtual service.
 *
 * Which conn a request belongs to, and whether it may open one, is
 * newconn.c's business.
 */
#include <linux/icmp.h>
#include <linux/icmpv6.h>
#include <linux/if_arp.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/netfilter_ipv4.h>
#include <linux/netfilter_ipv6.h>
#include <net/icmp.h>
#include <net/ip.h>
#include <net/ipv6.h>
#include <net/inet_sock.h>
#include <net/netfilter/ipv6/nf_defrag_ipv6.h>

#include "conn.h"
#include "dest.h"
#include "hooks.h"
#include "icmp.h"
#include "newconn.h"
#include "pernet.h"
#include "pkt.h"
#include "proto.h"
#include "proto_state.h"
#include "xmit.h"
#include "xmit_route.h"

/*
 * ignore_tunneled is there so that a director which is also a real server
 * of another director delivers what that one tunnels to it, instead of
 * scheduling it again (a loop, or a third server).  ip_vs marks the
 * tunnelled packet, but decapsulation clears the mark (skb_scrub_packet)
 * on the kernels aavs supports, so the packet inside is known here by the
 * tunnel device it came out of.
 */
bool aavs_from_tunnel(const struct net_device *dev)
{
	if (!dev)
		return false;
	switch (dev->type) {
	case ARPHRD_TUNNEL:
	case ARPHRD_TUNNEL6:
	case ARPHRD_SIT:
	case ARPHRD_IPGRE:
	case ARPHRD_IP6GRE:
		return true;
	default:
		return false;
	}
}

static unsigned int aavs_in_hook(void *priv, struct sk_buff *skb,
				 const struct nf_hook_state *state)
{
	struct aavs_net *an = aavs_net_rcu(state->net);
	struct aavs_conn *cp;
	struct aavs_pkt pkt;
	unsigned int verdict;
	int ret;

	if (skb->ipvs_property || !skb_dst(skb))
		return NF_ACCEPT;
	/* A local client's packet has no link layer to say whom it is for. */
	if (state->hook != NF_INET_LOCAL_OUT && skb->pkt_type != PACKET_HOST)
		return NF_ACCEPT;
	if (READ_ONCE(an->sysctl.ignore_tunneled) &&
	    aavs_from_tunnel(state->in))
		return NF_ACCEPT;
	if (!aavs_pkt_parse(state->pf, skb, &pkt) || pkt.fragment)
		return NF_ACCEPT;
	if (pkt.protocol == IPPROTO_ICMP || pkt.protocol == IPPROTO_ICMPV6)
		return aavs_icmp_in(an, skb, &pkt);
	if (!aavs_proto_handled(pkt.protocol)) {
		/* ignore_tunneled: ip_vs marks the tunnelled packet itself. */
		if (READ_ONCE(an->sysctl.ignore_tunneled))
			skb->ipvs_property = 1;
		return NF_ACCEPT;
	}
	ret = aavs_proto_parse(an, skb, &pkt);
	if (ret)
		/* A header cut short: ip_vs drops it once it has a service. */
		return ret == -EINVAL && READ_ONCE(an->num_services) ?
		       NF_DROP : NF_ACCEPT;

	cp = aavs_newconn_get(an, skb, &pkt, &verdict);
	if (!cp)
		return verdict;
	/* Before the request leaves: its replies will come to LOCAL_IN. */
	if (state->hook == NF_INET_LOCAL_OUT && !READ_ONCE(an->local_clients))
		WRITE_ONCE(an->local_clients, true);

	aavs_conn_count_in(an, cp, skb->len);
	aavs_conn_update(an, cp, AAVS_DIR_INPUT, pkt.event);
	verdict = aavs_xmit(state->net, skb, cp, &pkt);
	if (cp->flags & IP_VS_CONN_F_ONE_PACKET)
		aavs_conn_expire_now(cp);
	return verdict;
}

/*
 * A NAT reply that comes in IPv4 fragments is rewritten whole, as ip_vs
 * does: only the first fragment has the ports, yet every one needs the
 * VIP for a source.  Output fragments it again, no larger than it came.
 * (IPv6 ones nf_defrag_ipv6 has put together already.)  True if the
 * fragment was taken: queued, or dropped with its datagram.
 */
static bool aavs_reply_defrag4(struct aavs_net *an, struct sk_buff *skb,
			       unsigned int hook)
{
	u8 protocol = ip_hdr(skb)->protocol;
	enum ip_defrag_users user;
	int err;

	if (!READ_ONCE(an->num_services) || !aavs_proto_forwarded(protocol))
		return false;
	/* One reassembly queue per hook, so they never mix. */
	switch (hook) {
	case NF_INET_LOCAL_IN:
		user = IP_DEFRAG_VS_IN;
		break;
	case NF_INET_LOCAL_OUT:
		user = IP_DEFRAG_VS_OUT;
		break;
	default:
		user = IP_DEFRAG_VS_FWD;
	}
	local_bh_disable();
	err = ip_defrag(an->net, skb, user);
	local_bh_enable();
	return err;	/* reassembly already set the header checksum */
}

/*
 * nat_icmp_send: a packet from a NAT real server's service port that no
 * conn knows (its conn expired, or it never came through here) would leak
 * the server's own address.  Like ip_vs, drop it and tell the server with
 * a port unreachable, unless it is a TCP reset or SCTP abort.
 */
static unsigned int aavs_reply_stray(struct aavs_net *an, struct sk_buff *skb,
				     const struct aavs_pkt *pkt)
{
	if (!READ_ONCE(an->sysctl.nat_icmp_send) ||
	    !aavs_dest_is_nat_server_rcu(an, pkt->af, pkt->protocol,
					 &pkt->saddr, pkt->sport))
		return NF_ACCEPT;
	if ((pkt->protocol == IPPROTO_TCP && pkt->event == AAVS_TCP_EV_RST) ||
	    (pkt->protocol == IPPROTO_SCTP &&
	     pkt->event == AAVS_SCTP_EV_ABORT))
		return NF_ACCEPT;
	if (pkt->af == AF_INET6) {
		if (!skb->dev)
			skb->dev = an->net->loopback_dev;
		icmpv6_send(skb, ICMPV6_DEST_UNREACH, ICMPV6_PORT_UNREACH, 0);
	} else {
		icmp_send(skb, ICMP_DEST_UNREACH, ICMP_PORT_UNREACH, 0);
	}
	return NF_DROP;
}

/*
 * Replies on their way to the client: NAT's from a real server, rewritten;
 * DR's and tunnels' from the VIP when the real servers route through this
 * director (ip_vs counts and tracks those too).  At LOCAL_IN, where the
 * client is this host, snat_reroute has nothing to do: the route is a
 * local one (RTCF_LOCAL, or IPv6's on the loopback device), which
 * aavs_snat_reroute() leaves alone.
 */
static unsigned int aavs_reply_hook(void *priv, struct sk_buff *skb,
				    const struct nf_hook_state *state)
{
	struct aavs_net *an = aavs_net_rcu(state->net);
	struct aavs_conn *cp;
	struct aavs_pkt pkt;

	if (skb->ipvs_property)
		return NF_ACCEPT;
	if (state->pf == NFPROTO_IPV4 && ip_is_fragment(ip_hdr(skb)) &&
	    aavs_reply_defrag4(an, skb, state->hook))
		return NF_STOLEN;
	if (!aavs_pkt_parse(state->pf, skb, &pkt) || pkt.fragment)
		return NF_ACCEPT;
	if (pkt.protocol == IPPROTO_ICMP || pkt.protocol == IPPROTO_ICMPV6)
		return aavs_icmp_reply(an, skb, &pkt);
	if (aavs_proto_parse(an, skb, &pkt))
		return NF_ACCEPT;

	cp = aavs_conn_out_get(state->net, &pkt, false);
	if (!cp)
		return aavs_reply_stray(an, skb, &pkt);
	aavs_conn_count_out(an, cp, skb->len);
	aavs_conn_update(an, cp, AAVS_DIR_OUTPUT, pkt.event);
	if (aavs_conn_fwd(cp) != IP_VS_CONN_F_MASQ)
		return aavs_reply_mark(skb, cp);
	return aavs_nat_reply(an, skb, cp, &pkt);
}

/*
 * An IPv4 raw socket that asked for no defragmentation (IP_NODEFRAG) sends
 * what it built, untouched: ip_vs leaves such packets alone too.
 */
static bool aavs_raw_nodefrag(u8 pf, const struct sk_buff *skb)
{
	struct sock *sk = skb_to_full_sk(skb);

	return pf == NFPROTO_IPV4 && sk && sk->sk_family == PF_INET &&
	       aavs_inet_nodefrag(sk);
}

/*
 * LOCAL_OUT runs in the sender's context, often a process's, with BHs on;
 * the datapath (per-CPU counters, conn locks) counts on them being off,
 * as on the receive path.
 */
static unsigned int aavs_local_out(nf_hookfn *hook, void *priv,
				   struct sk_buff *skb,
				   const struct nf_hook_state *state)
{
	unsigned int verdict;

	/* What IPVS itself sends passes here: the cheapest test first. */
	if (skb->ipvs_property || aavs_raw_nodefrag(state->pf, skb))
		return NF_ACCEPT;
	local_bh_disable();
	verdict = hook(priv, skb, state);
	local_bh_enable();
	return verdict;
}

/*
 * A reply is never taken for a request: on the paths where both can come
 * (LOCAL_IN, LOCAL_OUT) the reply hook looks first.  ip_vs registers the
 * two one priority apart; one entry point costs a forwarded packet one
 * hook call instead of two, and no other hook sits between.
 */
static unsigned int aavs_reply_then_in(void *priv, struct sk_buff *skb,
				       const struct nf_hook_state *state)
{
	struct aavs_net *an = aavs_net_rcu(state->net);
	unsigned int verdict;

	/*
	 * Every request to a VIP passes LOCAL_IN: until this namespace has
	 * had a local client, nothing delivered there can be a reply of a
	 * conn, and only nat_icmp_send has anything to look at.
	 */
	if (state->hook != NF_INET_LOCAL_IN || READ_ONCE(an->local_clients) ||
	    READ_ONCE(an->sysctl.nat_icmp_send)) {
		verdict = aavs_reply_hook(priv, skb, state);
		if (verdict != NF_ACCEPT)
			return verdict;
	}
	return aavs_in_hook(priv, skb, state);
}

unsigned int aavs_local_out_hook(void *priv, struct sk_buff *skb,
				 const struct nf_hook_state *state)
{
	return aavs_local_out(aavs_reply_then_in, priv, skb, state);
}

/*
 * Where ip_vs hooks, so that other hooks see packets as with ip_vs:
 * LOCAL_IN just before SNAT, LOCAL_OUT just after DNAT, FORWARD (replies
 * only) after the filter.
 */
static const struct nf_hook_ops aavs_hook_ops[] = {
	{
		.hook		= aavs_reply_then_in,
		.pf		= NFPROTO_IPV4,
		.hooknum	= NF_INET_LOCAL_IN,
		.priority	= NF_IP_PRI_NAT_SRC - 1,
	},
	{
		.hook		= aavs_local_out_hook,
		.pf		= NFPROTO_IPV4,
		.hooknum	= NF_INET_LOCAL_OUT,
		.priority	= NF_IP_PRI_NAT_DST + 1,
	},
	{
		.hook		= aavs_reply_hook,
		.pf		= NFPROTO_IPV4,
		.hooknum	= NF_INET_FORWARD,
		.priority	= 100,
	},
	{
		.hook		= aavs_reply_then_in,
		.pf		= NFPROTO_IPV6,
		.hooknum	= NF_INET_LOCAL_IN,
		.priority	= NF_IP6_PRI_NAT_SRC - 1,
	},
	{
		.hook		= aavs_local_out_hook,
		.pf		= NFPROTO_IPV6,
		.hooknum	= NF_INET_LOCAL_OUT,
		.priority	= NF_IP6_PRI_NAT_DST + 1,
	},
	{
		.hook		= aavs_reply_hook,
		.pf		= NFPROTO_IPV6,
		.hooknum	= NF_INET_FORWARD,
		.priority	= 100,
	},
};

int aavs_hooks_net_init(struct aavs_net *an)
{
	return nf_register_net_hooks(an->net, aavs_hook_ops,
				     ARRAY_SIZE(aavs_hook_ops));
}

/*
 * IPv4 fragments are reassembled before LOCAL_IN, IPv6 ones are not: like
 * ip_vs, a namespace with an IPv6 service has nf_defrag_ipv6 put them
 * together first, so the whole datagram is scheduled and forwarded (and
 * fragmented again on the way out, no larger than it came).
 */
int aavs_hooks_defrag6(struct aavs_net *an)
{
	int ret;

	if (an->defrag6)
		return 0;
	ret = nf_defrag_ipv6_enable(an->net);
	if (!ret)
		an->defrag6 = true;
	return ret;
}

void aavs_hooks_net_exit(struct aavs_net *an)
{
	nf_unregister_net_hooks(an->net, aavs_hook_ops,
				ARRAY_SIZE(aavs_hook_ops));
	if (an->defrag6)
		nf_defrag_ipv6_disable(an->net);
}
