// SPDX-License-Identifier: GPL-2.0
/*
 * Forwarding to real servers: direct routing (the packet unchanged, routed
 * to the server's address), tunnelling (IPIP, GUE, GRE) and NAT, for IPv4
 * and IPv6.
 *
 * Packets come from the LOCAL_IN hook (a local client's from LOCAL_OUT),
 * with the network header at skb->data.  They leave through LOCAL_OUT and
 * dst_output() marked with ipvs_property, so no IPVS hook looks at them
 * twice; the connection table keeps their state, and conntrack only with
 * conntrack=1 (nfct.c).
 */
#include <linux/icmp.h>
#include <linux/icmpv6.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/netfilter_ipv4.h>
#include <linux/netfilter_ipv6.h>
#include <linux/sctp.h>
#include <linux/tcp.h>
#include <linux/udp.h>
#include <net/addrconf.h>
#include <net/checksum.h>
#include <net/icmp.h>
#include <net/ip.h>
#include <net/ip6_route.h>
#include <net/inet_ecn.h>
#include <net/ip_tunnels.h>
#include <net/ipv6.h>
#include <net/route.h>
#include <net/sctp/checksum.h>

#include "conn.h"
#include "hooks.h"
#include "nfct.h"
#include "pernet.h"
#include "pkt.h"
#include "tunnel.h"
#include "xmit.h"
#include "xmit_route.h"

/* Too big for the path: answer as a router would and say so. */
static bool aavs_too_big(struct net *net, struct sk_buff *skb, u16 af,
			 unsigned int mtu)
{
	/*
	 * A GSO packet is too big if its segments will be, as ip_vs checks
	 * it: left to the output path, a tunnelled one would be refused
	 * there in an ICMP error to this host, and the client would wait
	 * for its retransmission timer instead.
	 */
	if (skb->len <= mtu ||
	    (skb_is_gso(skb) && skb_gso_validate_network_len(skb, mtu)))
		return false;
	if (af == AF_INET6) {
		/*
		 * Reassembled by nf_defrag_ipv6: output fragments it again as
		 * it came, so only its largest fragment has to fit.
		 */
		if (IP6CB(skb)->frag_max_size &&
		    IP6CB(skb)->frag_max_size <= mtu)
			return false;
		if (!skb->dev)
			skb->dev = net->loopback_dev;
		icmpv6_send(skb, ICMPV6_PKT_TOOBIG, 0, mtu);
		return true;
	}
	/*
	 * A local sender that only wants path MTU discovery (a UDP socket's
	 * default) sets ignore_df as well as DF: ip_vs goes by DF alone and
	 * refuses it, so the socket learns the path's MTU from the error.
	 */
	if (!(ip_hdr(skb)->frag_off & htons(IP_DF)) ||
	    (skb->ignore_df && skb->dev))
		return false;
	icmp_send(skb, ICMP_DEST_UNREACH, ICMP_FRAG_NEEDED, htonl(mtu));
	return true;
}

/*
 * Forwarding costs the packet a hop, as in ip_vs (a loop through directors
 * dies out, traceroute sees the director); one with none left is answered
 * "time exceeded" instead.  False: drop it.
 */
static inline bool aavs_hop(struct net *net, struct sk_buff *skb, u16 af,
			    const struct aavs_route *r)
{
	if (af == AF_INET6) {
		if (ipv6_hdr(skb)->hop_limit <= 1) {
			IP6_INC_STATS(net, __in6_dev_get_safely(skb->dev),
				      IPSTATS_MIB_INHDRERRORS);
			/* The error's source: the way out, as ip_vs picks it. */
			skb->dev = r->dst->dev;
			icmpv6_send(skb, ICMPV6_TIME_EXCEED, ICMPV6_EXC_HOPLIMIT,
				    0);
			return false;
		}
		if (skb_ensure_writable(skb, sizeof(struct ipv6hdr)))
			return false;
		ipv6_hdr(skb)->hop_limit--;
		return true;
	}
	if (ip_hdr(skb)->ttl <= 1) {
		IP_INC_STATS(net, IPSTATS_MIB_INHDRERRORS);
		icmp_send(skb, ICMP_TIME_EXCEEDED, ICMP_EXC_TTL, 0);
		return false;
	}
	if (skb_ensure_writable(skb, sizeof(struct iphdr)))
		return false;
	ip_decrease_ttl(ip_hdr(skb));
	return true;
}

/*
 * Make a packet a locally sent one: the state of the old path goes.  A
 * received one (it has a device) may hold the socket early demux found,
 * and its receive time; a local client's keeps its socket, which owns it,
 * and the departure time that socket gave it.
 */
static void aavs_prepare_out(struct sk_buff *skb, struct aavs_route *r,
			     const struct aavs_conn *cp)
{
	skb->ipvs_property = 1;
	if (skb->dev) {
		skb_orphan(skb);
		skb_clear_tstamp(skb);
	}
	skb_forward_csum(skb);
	aavs_nfct_leave(skb, cp, true);
	skb_dst_drop(skb);
	aavs_route_attach(skb, r);
}

static unsigned int aavs_send(u8 pf, struct net *net, struct sk_buff *skb)
{
	if (aavs_hooks_local_out_alone(net, pf))
		dst_output(net, NULL, skb);
	else
		NF_HOOK(pf, NF_INET_LOCAL_OUT, net, NULL, skb, NULL,
			skb_dst(skb)->dev, dst_output);
	return NF_STOLEN;
}

/*
 * The fast path's way out (fastpath.c): the route's neighbour, straight,
 * as the output path ends once its hooks and checks are done.  The caller
 * made sure the packet fits the route's MTU and needs no transform.
 */
static unsigned int aavs_send_direct(struct net *net, struct sk_buff *skb,
				     u16 af)
{
	struct dst_entry *dst = skb_dst(skb);
	struct net_device *dev = dst->dev;
	unsigned int hh_len = LL_RESERVED_SPACE(dev);
	struct neighbour *neigh;
	bool is_v6gw = false;

	skb->dev = dev;
	if (unlikely(skb_headroom(skb) < hh_len && dev->header_ops)) {
		skb = skb_expand_head(skb, hh_len);
		if (!skb)
			return NF_STOLEN;
	}
	if (af == AF_INET6) {
		const struct in6_addr *nh;

		skb->protocol = htons(ETH_P_IPV6);
		IP6_UPD_PO_STATS(net, ip6_dst_idev(dst), IPSTATS_MIB_OUT,
				 skb->len);
		nh = rt6_nexthop(dst_rt6_info(dst), &ipv6_hdr(skb)->daddr);
		neigh = __ipv6_neigh_lookup_noref(dev, nh);
		if (unlikely(!neigh))
			neigh = __neigh_create(&nd_tbl, nh, dev, false);
	} else {
		skb->protocol = htons(ETH_P_IP);
		IP_UPD_PO_STATS(net, IPSTATS_MIB_OUT, skb->len);
		neigh = ip_neigh_for_gw(skb_rtable(skb), skb, &is_v6gw);
	}
	if (IS_ERR(neigh)) {
		kfree_skb(skb);
		return NF_STOLEN;
	}
	neigh_output(neigh, skb, is_v6gw);
	return NF_STOLEN;
}

/* A packet the director made (a tunnel's outer one) leaves. */
static void aavs_local_send(struct net *net, struct sk_buff *skb, u16 af,
			    bool fast)
{
	if (!fast) {
		if (af == AF_INET6)
			ip6_local_out(net, NULL, skb);
		else
			ip_local_out(net, NULL, skb);
		return;
	}
	/* What the local output path would fill in (the packet fits). */
	if (af == AF_INET6) {
		ipv6_hdr(skb)->payload_len =
			htons(skb->len - sizeof(struct ipv6hdr));
		IP6CB(skb)->nhoff = offsetof(struct ipv6hdr, nexthdr);
	} else {
		ip_hdr(skb)->tot_len = htons(skb->len);
		ip_send_check(ip_hdr(skb));
	}
	aavs_send_direct(net, skb, af);
}

unsigned int aavs_xmit_dr_via(struct net *net, struct sk_buff *skb,
			      struct aavs_conn *cp, const struct aavs_pkt *pkt,
			      struct aavs_route *r, bool fast)
{
	if (!aavs_hop(net, skb, pkt->af, r) ||
	    aavs_too_big(net, skb, pkt->af, dst_mtu(r->dst))) {
		aavs_route_put(r);
		return NF_DROP;
	}
	aavs_prepare_out(skb, r, cp);
	if (fast)
		return aavs_send_direct(net, skb, pkt->af);
	return aavs_send(pkt->af == AF_INET6 ? NFPROTO_IPV6 : NFPROTO_IPV4,
			 net, skb);
}

/*
 * Outer header fields taken from the inner packet: dscp (ECN as a tunnel
 * entry point sets it), ttl, DF.
 */
static void aavs_inner_fields(struct sk_buff *skb, u16 af, u8 *tos, u8 *ttl,
			      __be16 *df)
{
	u8 dsfield;

	if (af == AF_INET6) {
		dsfield = ipv6_get_dsfield(ipv6_hdr(skb));
		*ttl = ipv6_hdr(skb)->hop_limit;
		*df = htons(IP_DF);
	} else {
		dsfield = ipv4_get_dsfield(ip_hdr(skb));
		*ttl = ip_hdr(skb)->ttl;
		*df = ip_hdr(skb)->frag_off & htons(IP_DF);
	}
	*tos = INET_ECN_encapsulate(dsfield, dsfield);
}

unsigned int aavs_tun_overhead(const struct aavs_conn *cp,
			       const struct sk_buff *skb)
{
	union aavs_tun tun = { .word = READ_ONCE(cp->dest->tun.word) };

	return (cp->daf == AF_INET6 ? sizeof(struct ipv6hdr) :
				      sizeof(struct iphdr)) +
	       aavs_tun_encap_len(tun, skb);
}

unsigned int aavs_xmit_tun_via(struct net *net, struct sk_buff *skb,
			       struct aavs_conn *cp, const struct aavs_pkt *pkt,
			       struct aavs_route *r, bool fast)
{
	union aavs_tun tun = { .word = READ_ONCE(cp->dest->tun.word) };
	unsigned int hlen = aavs_tun_overhead(cp, skb);
	u8 proto = pkt->af == AF_INET6 ? IPPROTO_IPV6 : IPPROTO_IPIP;
	bool fragment;
	u8 tos, ttl;
	__be16 df;

	/*
	 * pmtu_disc 0: an IPv4 packet too big for the tunnel is not refused
	 * but sent in outer fragments, as ip_vs does (IPv6 never fragments
	 * on the way, so it is always refused).
	 */
	fragment = pkt->af == AF_INET &&
		   !READ_ONCE(aavs_net_rcu(net)->sysctl.pmtu_disc);
	/* Outer IP header and GUE/GRE: what the path has left for the packet. */
	if (!aavs_hop(net, skb, pkt->af, r) ||
	    (!fragment &&
	     aavs_too_big(net, skb, pkt->af, dst_mtu(r->dst) - hlen)) ||
	    skb_cow_head(skb, LL_RESERVED_SPACE(r->dst->dev) + hlen))
		goto drop;
	aavs_inner_fields(skb, pkt->af, &tos, &ttl, &df);
	if (fragment)
		df = 0;
	/* conntrack=1: the inner packet's entry is confirmed here or never. */
	if (!aavs_nfct_tunnel(skb, cp) ||
	    iptunnel_handle_offloads(skb, aavs_tun_gso_type(tun, skb) |
				     (cp->daf == AF_INET6 ? SKB_GSO_IPXIP6 :
							    SKB_GSO_IPXIP4)))
		goto drop;
	skb_set_inner_ipproto(skb, proto);
	/* No inner link layer: segmentation finds the inner IP header here. */
	skb_set_inner_mac_header(skb, skb_inner_network_offset(skb));

	aavs_prepare_out(skb, r, cp);
	/* Outer IPv6 fragments only what it is told it may. */
	if (fragment)
		skb->ignore_df = 1;
	if (aavs_tun_push(net, skb, tun, cp->daf, &r->saddr, &cp->daddr,
			  &proto)) {
		kfree_skb(skb);
		return NF_STOLEN;
	}
	skb_push(skb, cp->daf == AF_INET6 ? sizeof(struct ipv6hdr) :
					    sizeof(struct iphdr));
	skb_reset_network_header(skb);
	if (cp->daf == AF_INET6) {
		struct ipv6hdr *ip6h = ipv6_hdr(skb);

		memset(IP6CB(skb), 0, sizeof(*IP6CB(skb)));
		ip6_flow_hdr(ip6h, tos, 0);
		ip6h->nexthdr = proto;
		ip6h->hop_limit = ttl;
		ip6h->saddr = r->saddr.in6;
		ip6h->daddr = cp->daddr.in6;
		skb->protocol = htons(ETH_P_IPV6);
	} else {
		struct iphdr *ip4h = ip_hdr(skb);

		memset(IPCB(skb), 0, sizeof(*IPCB(skb)));
		ip4h->version = 4;
		ip4h->ihl = sizeof(struct iphdr) >> 2;
		ip4h->frag_off = df;
		ip4h->protocol = proto;
		ip4h->tos = tos;
		ip4h->ttl = ttl;
		ip4h->saddr = r->saddr.ip;
		ip4h->daddr = cp->daddr.ip;
		skb->protocol = htons(ETH_P_IP);
		ip_select_ident(net, skb, NULL);
	}
	aavs_local_send(net, skb, cp->daf, fast);
	return NF_STOLEN;
drop:
	aavs_route_put(r);
	return NF_DROP;
}

/* DR and TUN: the route to the real server first; a local one delivers here. */
static unsigned int aavs_xmit_routed(struct net *net, struct sk_buff *skb,
				     struct aavs_conn *cp,
				     const struct aavs_pkt *pkt, bool tunnel)
{
	struct aavs_route r;

	if ((!tunnel && cp->daf != pkt->af) ||
	    aavs_route_get(net, cp->daf, &cp->daddr, &r))
		return NF_DROP;
	/* The real server is this host: deliver here. */
	if (r.local) {
		aavs_route_put(&r);
		return NF_ACCEPT;
	}
	if (tunnel)
		return aavs_xmit_tun_via(net, skb, cp, pkt, &r, false);
	return aavs_xmit_dr_via(net, skb, cp, pkt, &r, false);
}

unsigned int aavs_xmit_dr(struct net *net, struct sk_buff *skb,
			  struct aavs_conn *cp, const struct aavs_pkt *pkt)
{
	return aavs_xmit_routed(net, skb, cp, pkt, false);
}

static unsigned int aavs_l4_hdrlen(u8 protocol)
{
	switch (protocol) {
	case IPPROTO_TCP:
		return sizeof(struct tcphdr);
	case IPPROTO_UDP:
		return sizeof(struct udphdr);
	default:
		return sizeof(struct sctphdr);
	}
}

static void aavs_csum_addr(__sum16 *check, struct sk_buff *skb, u16 af,
			   const union nf_inet_addr *from,
			   const union nf_inet_addr *to)
{
	if (af == AF_INET6)
		inet_proto_csum_replace16(check, skb, from->ip6, to->ip6, true);
	else
		inet_proto_csum_replace4(check, skb, from->ip, to->ip, true);
}

/*
 * Rewrite source (@dst false) or destination address and port as seen by
 * the transport header; the caller made the headers writable and rewrites
 * the IP header itself.
 */
int aavs_mangle_l4(struct sk_buff *skb, const struct aavs_pkt *pkt, bool dst,
		   const union nf_inet_addr *a, __be16 port)
{
	const union nf_inet_addr *old = dst ? &pkt->daddr : &pkt->saddr;
	__be16 *ports = (__be16 *)(skb->data + pkt->l4off);
	__be16 *p = &ports[dst ? 1 : 0];

	switch (pkt->protocol) {
	case IPPROTO_TCP: {
		struct tcphdr *th = (struct tcphdr *)ports;

		aavs_csum_addr(&th->check, skb, pkt->af, old, a);
		inet_proto_csum_replace2(&th->check, skb, *p, port, false);
		break;
	}
	case IPPROTO_UDP: {
		struct udphdr *uh = (struct udphdr *)ports;

		/* IPv4 UDP may carry no checksum; keep it that way. */
		if (uh->check || skb->ip_summed == CHECKSUM_PARTIAL) {
			aavs_csum_addr(&uh->check, skb, pkt->af, old, a);
			inet_proto_csum_replace2(&uh->check, skb, *p, port,
						 false);
			if (!uh->check)
				uh->check = CSUM_MANGLED_0;
		}
		break;
	}
	case IPPROTO_SCTP:
		*p = port;
		/* CRC32c covers no addresses, only the SCTP packet. */
		if (skb->ip_summed != CHECKSUM_PARTIAL)
			((struct sctphdr *)ports)->checksum =
				sctp_compute_cksum(skb, pkt->l4off);
		return 0;
	default:
		return -EPROTONOSUPPORT;
	}
	*p = port;
	return 0;
}

/* The IP header's address, with its checksum for IPv4. */
void aavs_mangle_ip(struct sk_buff *skb, u16 af, bool dst,
		    const union nf_inet_addr *a)
{
	if (af == AF_INET6) {
		struct ipv6hdr *ip6h = ipv6_hdr(skb);

		if (dst)
			ip6h->daddr = a->in6;
		else
			ip6h->saddr = a->in6;
	} else {
		struct iphdr *ip4h = ip_hdr(skb);
		__be32 *f = dst ? &ip4h->daddr : &ip4h->saddr;

		csum_replace4(&ip4h->check, *f, a->ip);
		*f = a->ip;
	}
}

/*
 * ip_vs's rule: another host's packet is never translated to a loopback
 * address (a NAT real server at 127.0.0.1 or ::1); only the director's own
 * traffic may go there.
 */
static bool aavs_nat_to_loopback(const struct sk_buff *skb, u16 af,
				 const union nf_inet_addr *daddr)
{
	if (af == AF_INET6)
		return ipv6_addr_loopback(&daddr->in6) && skb->dev &&
		       !(skb->dev->flags & IFF_LOOPBACK);
	return ipv4_is_loopback(daddr->ip) && rt_is_input_route(skb_rtable(skb));
}

static unsigned int aavs_xmit_nat(struct net *net, struct sk_buff *skb,
				  struct aavs_conn *cp,
				  const struct aavs_pkt *pkt)
{
	struct aavs_route r;

	if (cp->daf != pkt->af ||
	    aavs_nat_to_loopback(skb, cp->daf, &cp->daddr) ||
	    aavs_route_get(net, cp->daf, &cp->daddr, &r))
		return NF_DROP;
	/* A real server on this host is not a hop further. */
	if ((!r.local && !aavs_hop(net, skb, pkt->af, &r)) ||
	    aavs_too_big(net, skb, pkt->af, dst_mtu(r.dst)) ||
	    skb_ensure_writable(skb, pkt->l4off + aavs_l4_hdrlen(pkt->protocol)) ||
	    aavs_mangle_l4(skb, pkt, true, &cp->daddr, cp->dport)) {
		aavs_route_put(&r);
		return NF_DROP;
	}
	aavs_mangle_ip(skb, pkt->af, true, &cp->daddr);
	aavs_prepare_out(skb, &r, cp);
	return aavs_send(pkt->af == AF_INET6 ? NFPROTO_IPV6 : NFPROTO_IPV4,
			 net, skb);
}

int aavs_snat_reroute(struct aavs_net *an, struct sk_buff *skb, u16 af)
{
	struct dst_entry *dst = skb_dst(skb);

	if (!READ_ONCE(an->sysctl.snat_reroute))
		return 0;
	if (af == AF_INET6) {
		if (!dst->dev || (dst->dev->flags & IFF_LOOPBACK))
			return 0;
		return ip6_route_me_harder(an->net, skb->sk, skb);
	}
	if (skb_rtable(skb)->rt_flags & RTCF_LOCAL)
		return 0;
	return ip_route_me_harder(an->net, skb->sk, skb, RTN_LOCAL);
}

unsigned int aavs_reply_mark(struct sk_buff *skb, const struct aavs_conn *cp)
{
	skb->ipvs_property = 1;
	aavs_nfct_leave(skb, cp, false);
	return NF_ACCEPT;
}

unsigned int aavs_nat_reply(struct aavs_net *an, struct sk_buff *skb,
			    struct aavs_conn *cp, const struct aavs_pkt *pkt)
{
	if (skb_ensure_writable(skb, pkt->l4off + aavs_l4_hdrlen(pkt->protocol)) ||
	    aavs_mangle_l4(skb, pkt, false, &cp->vaddr, cp->vport))
		return NF_DROP;
	aavs_mangle_ip(skb, pkt->af, false, &cp->vaddr);
	if (aavs_snat_reroute(an, skb, pkt->af))
		return NF_DROP;
	return aavs_reply_mark(skb, cp);
}

unsigned int aavs_xmit(struct net *net, struct sk_buff *skb,
		       struct aavs_conn *cp, const struct aavs_pkt *pkt)
{
	unsigned int fwd = aavs_conn_fwd(cp);

	switch (fwd) {
	case IP_VS_CONN_F_DROUTE:
	case IP_VS_CONN_F_TUNNEL:
		return aavs_xmit_routed(net, skb, cp, pkt,
					fwd == IP_VS_CONN_F_TUNNEL);
	case IP_VS_CONN_F_MASQ:
		return aavs_xmit_nat(net, skb, cp, pkt);
	default:
		/* Local node: the service runs here. */
		return NF_ACCEPT;
	}
}
