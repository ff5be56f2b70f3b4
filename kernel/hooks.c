// SPDX-License-Identifier: GPL-2.0
/*
 * The datapath's entry points: netfilter hooks of each namespace.
 *
 *   LOCAL_IN  a packet to a virtual service: find its conn, or let the
 *             scheduler pick a real server and make one, then forward it
 *             by the dest's method (xmit.c).
 *   FORWARD   NAT only: a real server's reply, rewritten to come from the
 *             virtual service.
 *
 * The order of checks follows ip_vs (ip_vs_in_hook): conn_reuse_mode and
 * expire_nodest_conn first, then deleted dests, then scheduling, where the
 * protocols' gate (sloppy_tcp / sloppy_sctp) decides who may open a conn.
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
#include <net/netfilter/ipv6/nf_defrag_ipv6.h>

#include "conn.h"
#include "dest.h"
#include "hooks.h"
#include "icmp.h"
#include "pernet.h"
#include "proto.h"
#include "proto_state.h"
#include "sched.h"
#include "service.h"
#include "xmit.h"
#include "xmit_route.h"

#define AAVS_FTP_PORT htons(21)

/* Parse the network header; false if the packet is not ours to look at. */
static bool aavs_fill_iph(u8 pf, const struct sk_buff *skb,
			  struct aavs_iph *iph)
{
	unsigned int off = skb_network_offset(skb);
	struct iphdr _h4;
	const struct iphdr *h4;

	if (pf == NFPROTO_IPV6) {
		struct ipv6hdr _h;
		const struct ipv6hdr *h;
		unsigned short fragoff = 0;
		int proto;

		h = skb_header_pointer(skb, off, sizeof(_h), &_h);
		if (!h)
			return false;
		iph->af = AF_INET6;
		iph->saddr.in6 = h->saddr;
		iph->daddr.in6 = h->daddr;
		iph->len = 0;
		proto = ipv6_find_hdr(skb, &iph->len, -1, &fragoff, NULL);
		if (proto < 0)
			return false;
		iph->protocol = proto;
		iph->fragment = fragoff != 0;
		return true;
	}
	h4 = skb_header_pointer(skb, off, sizeof(_h4), &_h4);
	if (!h4 || h4->ihl < 5)
		return false;
	iph->af = AF_INET;
	memset(&iph->saddr, 0, sizeof(iph->saddr));
	memset(&iph->daddr, 0, sizeof(iph->daddr));
	iph->saddr.ip = h4->saddr;
	iph->daddr.ip = h4->daddr;
	iph->protocol = h4->protocol;
	iph->len = off + h4->ihl * 4;
	iph->fragment = h4->frag_off & htons(IP_OFFSET);
	return true;
}

static void aavs_count_conn(struct aavs_net *an, struct aavs_service *svc,
			    struct aavs_dest *dest)
{
	aavs_stats_conn(&dest->stats);
	aavs_stats_conn(&svc->stats);
	aavs_stats_conn(&an->tot_stats);
}

/*
 * No real server for a new flow: ip_vs answers ICMP port unreachable (for
 * TCP too) and drops, except for other ports of an FTP virtual service.
 */
static unsigned int aavs_leave(struct net *net, struct aavs_service *svc,
			       struct sk_buff *skb, __be16 dport)
{
	if (svc->port == AAVS_FTP_PORT && dport != AAVS_FTP_PORT)
		return NF_ACCEPT;
	if (svc->af == AF_INET6) {
		if (!skb->dev)
			skb->dev = net->loopback_dev;
		icmpv6_send(skb, ICMPV6_DEST_UNREACH, ICMPV6_PORT_UNREACH, 0);
	} else {
		icmp_send(skb, ICMP_DEST_UNREACH, ICMP_PORT_UNREACH, 0);
	}
	return NF_DROP;
}

static struct aavs_service *aavs_svc_lookup(struct aavs_net *an,
					    const struct sk_buff *skb,
					    const struct aavs_iph *iph,
					    __be16 dport)
{
	struct aavs_service *svc = NULL;

	if (skb->mark)
		svc = aavs_service_find_fwmark_rcu(an, iph->af, skb->mark);
	if (!svc)
		svc = aavs_service_find_rcu(an, iph->af, iph->protocol,
					    &iph->daddr, dport);
	/* Port-0 services match every port (persistent ones only). */
	if (!svc && dport)
		svc = aavs_service_find_rcu(an, iph->af, iph->protocol,
					    &iph->daddr, 0);
	return svc;
}

/* The client's network a persistence template is kept for. */
static void aavs_client_net(const struct aavs_service *svc,
			    const union nf_inet_addr *caddr,
			    union nf_inet_addr *snet)
{
	if (svc->af == AF_INET6) {
		ipv6_addr_prefix(&snet->in6, &caddr->in6,
				 (__force u32)READ_ONCE(svc->netmask));
	} else {
		memset(snet, 0, sizeof(*snet));
		snet->ip = caddr->ip & READ_ONCE(svc->netmask);
	}
}

/* Is a template's dest still one to send new conns to? */
static bool aavs_tmpl_usable(struct aavs_net *an, struct aavs_conn *ct)
{
	struct aavs_dest *dest = ct->dest;

	if (aavs_dest_available(dest) &&
	    !(READ_ONCE(an->sysctl.expire_quiescent_template) &&
	      !atomic_read(&dest->weight)))
		return true;
	/* Stale: make the next lookup miss it (ip_vs_check_template). */
	aavs_conn_expire_now(ct);
	return false;
}

/*
 * Persistent service: one template per client network (and virtual
 * service or fwmark) pins the client's conns to one dest for svc->timeout.
 */
static struct aavs_conn *aavs_sched_persist(struct aavs_net *an,
					    struct aavs_service *svc,
					    const struct aavs_sched_pkt *pkt,
					    struct aavs_conn_param *p,
					    struct aavs_dest **destp)
{
	union nf_inet_addr snet, fwm = {};
	const union nf_inet_addr *tvaddr = &pkt->daddr;
	struct aavs_conn_param tp;
	struct aavs_conn *ct;
	u8 tproto = pkt->protocol;
	__be16 tvport = svc->port;
	struct aavs_dest *dest;

	aavs_client_net(svc, &pkt->saddr, &snet);
	if (svc->fwmark) {
		tproto = IPPROTO_IP;
		fwm.ip = htonl(svc->fwmark);
		tvaddr = &fwm;
		tvport = 0;
	}
	ct = aavs_conn_tmpl_get(p->net, pkt->af, tproto, &snet, tvaddr,
				tvport);
	if (ct && !aavs_tmpl_usable(an, ct))
		ct = NULL;
	if (!ct) {
		dest = aavs_sched_schedule(svc, pkt);
		if (!dest)
			return NULL;
		tp = (struct aavs_conn_param) {
			.net = p->net, .af = pkt->af, .protocol = tproto,
			.caddr = &snet, .vaddr = tvaddr, .vport = tvport,
			.dport = dest->port ? dest->port : 0,
			.flags = IP_VS_CONN_F_TEMPLATE,
			.timeout = READ_ONCE(svc->timeout),
		};
		ct = aavs_conn_new(&tp, dest);
		if (!ct)
			return ERR_PTR(-ENOMEM);
	}
	aavs_conn_touch(ct);
	*destp = ct->dest;
	p->control = ct;
	return ct;
}

struct aavs_conn *aavs_schedule(struct aavs_net *an, struct sk_buff *skb,
				const struct aavs_iph *iph,
				const struct aavs_proto_pkt *pp,
				unsigned int *verdict)
{
	struct net *net = an->net;
	struct aavs_sched_pkt pkt;
	struct aavs_conn_param p;
	struct aavs_service *svc;
	struct aavs_dest *dest = NULL;
	struct aavs_conn *cp;

	*verdict = NF_ACCEPT;
	svc = aavs_svc_lookup(an, skb, iph, pp->dport);
	if (!svc || !pp->may_create)
		return NULL;

	pkt = (struct aavs_sched_pkt) {
		.skb = skb, .af = iph->af, .protocol = iph->protocol,
		.saddr = iph->saddr, .daddr = iph->daddr,
		.sport = pp->sport, .dport = pp->dport,
		/* Only sloppy mode lets a non-opening packet get here. */
		.midstream = iph->protocol != IPPROTO_UDP && !pp->opening,
	};
	p = (struct aavs_conn_param) {
		.net = net, .af = iph->af, .protocol = iph->protocol,
		.caddr = &iph->saddr, .vaddr = &iph->daddr,
		.cport = pp->sport, .vport = pp->dport,
	};
	if ((svc->flags & IP_VS_SVC_F_ONEPACKET) &&
	    iph->protocol == IPPROTO_UDP)
		p.flags |= IP_VS_CONN_F_ONE_PACKET;

	if (svc->flags & IP_VS_SVC_F_PERSISTENT) {
		struct aavs_conn *ct = aavs_sched_persist(an, svc, &pkt, &p,
							  &dest);

		if (IS_ERR(ct)) {
			*verdict = NF_DROP;
			return NULL;
		}
	} else if (svc->fwmark || pp->dport == svc->port) {
		dest = aavs_sched_schedule(svc, &pkt);
	}
	if (!dest) {
		*verdict = aavs_leave(net, svc, skb, pp->dport);
		return NULL;
	}

	p.dport = dest->port ? dest->port : pp->dport;
	cp = aavs_conn_new(&p, dest);
	if (!cp) {
		*verdict = NF_DROP;
		return NULL;
	}
	aavs_count_conn(an, svc, dest);
	return cp;
}

/* A new flow over an old entry: start over (conn_reuse_mode, ip_vs). */
static bool aavs_conn_reschedule(struct aavs_net *an, struct aavs_conn *cp)
{
	int mode = READ_ONCE(an->sysctl.conn_reuse_mode);

	if (READ_ONCE(an->sysctl.expire_nodest_conn) &&
	    !atomic_read(&cp->dest->weight))
		return true;
	return mode && !cp->control &&
	       aavs_state_reusable(cp->protocol, READ_ONCE(cp->state),
				   cp->flags & IP_VS_CONN_F_NOOUTPUT, mode);
}

/* The conn of a TCP, UDP or SCTP packet, looked up the way it travels. */
static struct aavs_conn *aavs_pkt_conn_get(struct net *net,
					   const struct aavs_iph *iph,
					   const struct aavs_proto_pkt *pp,
					   enum aavs_dir dir)
{
	struct aavs_conn_key key = {
		.net = net, .af = iph->af, .protocol = iph->protocol,
		.saddr = &iph->saddr, .daddr = &iph->daddr,
		.sport = pp->sport, .dport = pp->dport,
	};

	if (dir == AAVS_DIR_OUTPUT)
		return aavs_conn_out_get(&key);
	return aavs_conn_in_get(&key);
}

/*
 * ignore_tunneled is there so that a director which is also a real server
 * of another director delivers what that one tunnels to it, instead of
 * scheduling it again (a loop, or a third server).  ip_vs marks the
 * tunnelled packet, but decapsulation clears the mark (skb_scrub_packet)
 * on the kernels aavs supports, so the packet inside is known here by the
 * tunnel device it came out of.
 */
static bool aavs_from_tunnel(const struct net_device *dev)
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
	struct aavs_net *an = aavs_net(state->net);
	struct aavs_proto_pkt pp;
	struct aavs_iph iph;
	struct aavs_conn *cp;
	unsigned int verdict;

	if (skb->ipvs_property || skb->pkt_type != PACKET_HOST ||
	    !skb_dst(skb))
		return NF_ACCEPT;
	if (READ_ONCE(an->sysctl.ignore_tunneled) &&
	    aavs_from_tunnel(state->in))
		return NF_ACCEPT;
	if (!aavs_fill_iph(state->pf, skb, &iph) || iph.fragment)
		return NF_ACCEPT;
	if (iph.protocol == IPPROTO_ICMP || iph.protocol == IPPROTO_ICMPV6)
		return aavs_icmp_in(an, skb, &iph);
	if (!aavs_proto_handled(iph.protocol)) {
		/* ignore_tunneled: ip_vs marks the tunnelled packet itself. */
		if (READ_ONCE(an->sysctl.ignore_tunneled))
			skb->ipvs_property = 1;
		return NF_ACCEPT;
	}
	if (aavs_proto_parse(an, skb, &iph, &pp))
		return NF_ACCEPT;

	cp = aavs_pkt_conn_get(state->net, &iph, &pp, AAVS_DIR_INPUT);
	if (cp && pp.opening && aavs_conn_reschedule(an, cp)) {
		aavs_conn_expire_now(cp);
		cp = NULL;
	}
	/* A deleted dest: drop, or forget the conn with expire_nodest_conn. */
	if (cp && !aavs_dest_available(cp->dest)) {
		if (!READ_ONCE(an->sysctl.expire_nodest_conn))
			return NF_DROP;
		aavs_conn_expire_now(cp);
		cp = NULL;
	}
	if (!cp) {
		cp = aavs_schedule(an, skb, &iph, &pp, &verdict);
		if (!cp)
			return verdict;
	}

	aavs_conn_count_in(an, cp, skb->len);
	aavs_conn_update(an, cp, AAVS_DIR_INPUT, pp.event);
	verdict = aavs_xmit(state->net, skb, cp, &iph);
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
static bool aavs_reply_defrag4(struct aavs_net *an, struct sk_buff *skb)
{
	u8 protocol = ip_hdr(skb)->protocol;
	int err;

	if (!READ_ONCE(an->num_services) ||
	    (protocol != IPPROTO_TCP && protocol != IPPROTO_UDP &&
	     protocol != IPPROTO_SCTP))
		return false;
	local_bh_disable();
	err = ip_defrag(an->net, skb, IP_DEFRAG_VS_FWD);
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
				     const struct aavs_iph *iph,
				     const struct aavs_proto_pkt *pp)
{
	if (!READ_ONCE(an->sysctl.nat_icmp_send) ||
	    !aavs_dest_is_nat_server_rcu(an, iph->af, iph->protocol,
					 &iph->saddr, pp->sport))
		return NF_ACCEPT;
	if ((iph->protocol == IPPROTO_TCP && pp->event == AAVS_TCP_EV_RST) ||
	    (iph->protocol == IPPROTO_SCTP && pp->event == AAVS_SCTP_EV_ABORT))
		return NF_ACCEPT;
	if (iph->af == AF_INET6) {
		if (!skb->dev)
			skb->dev = an->net->loopback_dev;
		icmpv6_send(skb, ICMPV6_DEST_UNREACH, ICMPV6_PORT_UNREACH, 0);
	} else {
		icmp_send(skb, ICMP_DEST_UNREACH, ICMP_PORT_UNREACH, 0);
	}
	return NF_DROP;
}

/* NAT replies on their way from a real server to the client. */
static unsigned int aavs_reply_hook(void *priv, struct sk_buff *skb,
				    const struct nf_hook_state *state)
{
	struct aavs_net *an = aavs_net(state->net);
	struct aavs_proto_pkt pp;
	struct aavs_iph iph;
	struct aavs_conn *cp;

	if (skb->ipvs_property)
		return NF_ACCEPT;
	if (state->pf == NFPROTO_IPV4 && ip_is_fragment(ip_hdr(skb)) &&
	    aavs_reply_defrag4(an, skb))
		return NF_STOLEN;
	if (!aavs_fill_iph(state->pf, skb, &iph) || iph.fragment)
		return NF_ACCEPT;
	if (iph.protocol == IPPROTO_ICMP || iph.protocol == IPPROTO_ICMPV6)
		return aavs_icmp_reply(an, skb, &iph);
	if (aavs_proto_parse(an, skb, &iph, &pp))
		return NF_ACCEPT;

	cp = aavs_pkt_conn_get(state->net, &iph, &pp, AAVS_DIR_OUTPUT);
	if (!cp)
		return aavs_reply_stray(an, skb, &iph, &pp);
	if (aavs_conn_fwd(cp) != IP_VS_CONN_F_MASQ)
		return NF_ACCEPT;
	aavs_conn_count_out(an, cp, skb->len);
	aavs_conn_update(an, cp, AAVS_DIR_OUTPUT, pp.event);
	return aavs_nat_reply(an, skb, cp, &iph);
}

static const struct nf_hook_ops aavs_hook_ops[] = {
	{
		.hook		= aavs_in_hook,
		.pf		= NFPROTO_IPV4,
		.hooknum	= NF_INET_LOCAL_IN,
		.priority	= NF_IP_PRI_NAT_SRC - 1,
	},
	{
		.hook		= aavs_reply_hook,
		.pf		= NFPROTO_IPV4,
		.hooknum	= NF_INET_FORWARD,
		.priority	= 100,
	},
	{
		.hook		= aavs_in_hook,
		.pf		= NFPROTO_IPV6,
		.hooknum	= NF_INET_LOCAL_IN,
		.priority	= NF_IP6_PRI_NAT_SRC - 1,
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
