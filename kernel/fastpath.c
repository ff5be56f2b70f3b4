// SPDX-License-Identifier: GPL-2.0
/*
 * The fast path (net.ipv4.vs.fast_path=1): a packet of an established DR
 * or tunnelled flow is taken at PREROUTING, before defragmentation,
 * conntrack and the input route lookup, and sent straight to the real
 * server's neighbour: no local delivery, no LOCAL_IN, LOCAL_OUT or
 * POSTROUTING, no output path.  It leaves exactly as the slow path would
 * send it (same TTL, same tunnel header), and the conn, its dest and the
 * counters see what they would have seen.
 *
 * Anything that could make the slow path do something else goes the slow
 * way, untouched: no conn, a packet that would change the conn's state
 * (SYN, FIN, RST, SCTP INIT/SHUTDOWN...; most flags are stable once a
 * flow is established), a probation or conntrack=1 conn, an unavailable
 * dest, fragments, IPv4 options, IPv6 extension headers, ICMP, a real
 * server on this host, a TTL about to run out, a packet too big for the
 * way out, a route with a transform.  The hooks exist only while the knob
 * is 1: a director that does not ask for the fast path does not pay for
 * it.
 */
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/netfilter_ipv4.h>
#include <linux/netfilter_ipv6.h>
#include <net/dst.h>
#include <net/ip.h>

#include "conn.h"
#include "fastpath.h"
#include "hooks.h"
#include "pkt.h"
#include "pernet.h"
#include "proto.h"
#include "xmit.h"
#include "xmit_route.h"

/* Would the slow path forward it by the conn's method over @r, unchanged? */
static bool aavs_fast_fits(struct sk_buff *skb, struct aavs_conn *cp,
			   const struct aavs_pkt *pkt, struct aavs_route *r)
{
	unsigned int mtu = dst_mtu(r->dst);
	u8 hops;

	if (r->local || r->dst->lwtstate || dst_xfrm(r->dst))
		return false;
	hops = pkt->af == AF_INET6 ? ipv6_hdr(skb)->hop_limit :
				     ip_hdr(skb)->ttl;
	if (hops <= 1)
		return false;
	if (aavs_conn_fwd(cp) == IP_VS_CONN_F_TUNNEL) {
		unsigned int hlen = aavs_tun_overhead(cp, skb);

		/* The outer header's length field must hold it. */
		if (skb->len + hlen > IP_MAX_MTU || hlen >= mtu)
			return false;
		mtu -= hlen;
	}
	/* A receive-offload aggregate: each of its segments must fit. */
	if (skb_is_gso(skb))
		return skb_gso_validate_network_len(skb, mtu);
	return skb->len <= mtu;
}

static unsigned int aavs_fast_hook(void *priv, struct sk_buff *skb,
				   const struct nf_hook_state *state)
{
	struct aavs_net *an = aavs_net_rcu(state->net);
	struct aavs_route r;
	struct aavs_pkt pkt;
	struct aavs_conn *cp;
	u32 fwd;

	if (skb->pkt_type != PACKET_HOST || skb->ipvs_property)
		return NF_ACCEPT;
	/*
	 * Every fragment, the first too: the slow path reassembles, and a
	 * first fragment sent alone would leave the others waiting there.
	 * IPv6 with extension headers (a fragment header among them) too.
	 */
	if (state->pf == NFPROTO_IPV4 ?
	    ip_hdr(skb)->ihl != 5 || ip_is_fragment(ip_hdr(skb)) :
	    !aavs_proto_forwarded(ipv6_hdr(skb)->nexthdr))
		return NF_ACCEPT;
	if (!aavs_pkt_parse(state->pf, skb, &pkt) ||
	    !aavs_proto_forwarded(pkt.protocol))
		return NF_ACCEPT;
	if (READ_ONCE(an->sysctl.ignore_tunneled) && aavs_from_tunnel(state->in))
		return NF_ACCEPT;
	if (aavs_proto_parse(an, skb, &pkt) || pkt.opening)
		return NF_ACCEPT;

	cp = aavs_conn_in_get(state->net, &pkt, false);
	if (!cp)
		return NF_ACCEPT;
	fwd = aavs_conn_fwd(cp);
	if ((fwd != IP_VS_CONN_F_DROUTE && fwd != IP_VS_CONN_F_TUNNEL) ||
	    (READ_ONCE(cp->flags) & (AAVS_CONN_F_PROBATION | AAVS_CONN_F_NFCT |
				       IP_VS_CONN_F_ONE_PACKET)) ||
	    (fwd == IP_VS_CONN_F_DROUTE && cp->daf != pkt.af) ||
	    !aavs_dest_available(cp->dest) ||
	    !aavs_conn_steady(an, cp, pkt.event))
		return NF_ACCEPT;
	if (aavs_route_get(state->net, cp->daf, &cp->daddr, &r))
		return NF_ACCEPT;
	if (!aavs_fast_fits(skb, cp, &pkt, &r)) {
		aavs_route_put(&r);
		return NF_ACCEPT;
	}

	aavs_conn_count_in(an, cp, skb->len);
	aavs_conn_touch(cp);
	if (fwd == IP_VS_CONN_F_TUNNEL)
		return aavs_xmit_tun_via(state->net, skb, cp, &pkt, &r, true);
	return aavs_xmit_dr_via(state->net, skb, cp, &pkt, &r, true);
}

/* First of all PREROUTING hooks: before defrag, raw, conntrack and DNAT. */
static const struct nf_hook_ops aavs_fast_ops[] = {
	{
		.hook		= aavs_fast_hook,
		.pf		= NFPROTO_IPV4,
		.hooknum	= NF_INET_PRE_ROUTING,
		.priority	= NF_IP_PRI_RAW_BEFORE_DEFRAG - 1,
	},
	{
		.hook		= aavs_fast_hook,
		.pf		= NFPROTO_IPV6,
		.hooknum	= NF_INET_PRE_ROUTING,
		.priority	= NF_IP6_PRI_RAW_BEFORE_DEFRAG - 1,
	},
};

int aavs_fastpath_set(struct aavs_net *an, bool on)
{
	int ret = 0;

	lockdep_assert_held(&an->config_mutex);
	if (an->fast_hooks == on || an->dying)
		return an->dying && on ? -ENODEV : 0;
	if (on)
		ret = nf_register_net_hooks(an->net, aavs_fast_ops,
					    ARRAY_SIZE(aavs_fast_ops));
	else
		nf_unregister_net_hooks(an->net, aavs_fast_ops,
					ARRAY_SIZE(aavs_fast_ops));
	if (!ret)
		an->fast_hooks = on;
	return ret;
}

void aavs_fastpath_net_exit(struct aavs_net *an)
{
	mutex_lock(&an->config_mutex);
	aavs_fastpath_set(an, false);
	an->dying = true;
	mutex_unlock(&an->config_mutex);
}
