// SPDX-License-Identifier: GPL-2.0
/*
 * The headers of GUE and GRE tunnels (ipvsadm --tun-type gue|gre), as
 * ip_vs sends them: GUE is a UDP datagram to the dest's tunnel port with a
 * 4-byte GUE header (version 0, no control) carrying the inner IP protocol,
 * its source port hashed from the inner flow; GRE is a 4-byte header (8
 * with the checksum) carrying the inner ethertype, no key, no sequence.
 */
#include <linux/if_ether.h>
#include <linux/in.h>
#include <linux/udp.h>
#include <net/gre.h>
#include <net/gue.h>
#include <net/ip6_checksum.h>
#include <net/udp.h>

#include "tunnel.h"

static bool aavs_gue_remcsum(union aavs_tun t, const struct sk_buff *skb)
{
	/* Only a checksum still to be done can be left to the far end. */
	return (t.flags & IP_VS_TUNNEL_ENCAP_FLAG_REMCSUM) &&
	       skb->ip_summed == CHECKSUM_PARTIAL;
}

static unsigned int aavs_gue_len(union aavs_tun t, const struct sk_buff *skb)
{
	unsigned int len = sizeof(struct guehdr);

	if (aavs_gue_remcsum(t, skb))
		len += GUE_LEN_PRIV + GUE_PLEN_REMCSUM;
	return len;
}

static unsigned int aavs_gre_len(union aavs_tun t)
{
	unsigned int len = sizeof(struct gre_base_hdr);

	if (t.flags & IP_VS_TUNNEL_ENCAP_FLAG_CSUM)
		len += 4;		/* checksum and reserved1 */
	return len;
}

unsigned int aavs_tun_encap_len(union aavs_tun t, const struct sk_buff *skb)
{
	switch (t.type) {
	case IP_VS_CONN_F_TUNNEL_TYPE_GUE:
		return sizeof(struct udphdr) + aavs_gue_len(t, skb);
	case IP_VS_CONN_F_TUNNEL_TYPE_GRE:
		return aavs_gre_len(t);
	default:
		return 0;
	}
}

int aavs_tun_gso_type(union aavs_tun t, const struct sk_buff *skb)
{
	bool csum = t.flags & IP_VS_TUNNEL_ENCAP_FLAG_CSUM;

	switch (t.type) {
	case IP_VS_CONN_F_TUNNEL_TYPE_GUE:
		/* A remote checksum needs the UDP checksum to protect it. */
		if (t.flags & IP_VS_TUNNEL_ENCAP_FLAG_REMCSUM)
			return SKB_GSO_UDP_TUNNEL_CSUM |
			       (aavs_gue_remcsum(t, skb) ?
				SKB_GSO_TUNNEL_REMCSUM : 0);
		return csum ? SKB_GSO_UDP_TUNNEL_CSUM : SKB_GSO_UDP_TUNNEL;
	case IP_VS_CONN_F_TUNNEL_TYPE_GRE:
		return csum ? SKB_GSO_GRE_CSUM : SKB_GSO_GRE;
	default:
		return 0;
	}
}

/*
 * The remote checksum option: where the inner transport checksum starts
 * and where it goes, counted from the inner packet, for the receiver to
 * finish; this side then leaves it undone (unless GSO still needs it).
 */
static int aavs_gue_push_remcsum(struct sk_buff *skb, unsigned int gue_len)
{
	int start = skb_checksum_start_offset(skb) - gue_len;
	__be32 *pflags = (__be32 *)(skb->data + sizeof(struct guehdr));
	__be16 *pd = (__be16 *)(pflags + 1);

	if (start < 0)
		return -EINVAL;
	*pflags = GUE_PFLAG_REMCSUM;
	pd[0] = htons(start);
	pd[1] = htons(start + skb->csum_offset);
	if (!skb_is_gso(skb)) {
		skb->ip_summed = CHECKSUM_NONE;
		skb->encapsulation = 0;
	}
	return 0;
}

static int aavs_gue_push(struct net *net, struct sk_buff *skb,
			 union aavs_tun t, u16 daf,
			 const union nf_inet_addr *saddr,
			 const union nf_inet_addr *daddr, u8 *proto)
{
	/* Hashed from the inner packet, before anything is pushed. */
	__be16 sport = udp_flow_src_port(net, skb, 0, 0, false);
	bool remcsum = aavs_gue_remcsum(t, skb);
	unsigned int gue_len = aavs_gue_len(t, skb);
	struct guehdr *gueh;
	struct udphdr *uh;
	bool check;

	gueh = skb_push(skb, gue_len);
	memset(gueh, 0, gue_len);
	gueh->hlen = (gue_len - sizeof(*gueh)) >> 2;
	gueh->proto_ctype = *proto;
	if (remcsum) {
		gueh->flags = GUE_FLAG_PRIV;
		if (aavs_gue_push_remcsum(skb, gue_len))
			return -EINVAL;
	}

	uh = skb_push(skb, sizeof(*uh));
	skb_reset_transport_header(skb);
	uh->source = sport;
	uh->dest = t.port;
	uh->len = htons(skb->len);
	uh->check = 0;

	check = t.flags & (IP_VS_TUNNEL_ENCAP_FLAG_CSUM |
			   IP_VS_TUNNEL_ENCAP_FLAG_REMCSUM);
	if (daf == AF_INET6)
		udp6_set_csum(!check, skb, &saddr->in6, &daddr->in6, skb->len);
	else
		udp_set_csum(!check, skb, saddr->ip, daddr->ip, skb->len);
	*proto = IPPROTO_UDP;
	return 0;
}

static void aavs_gre_push(struct sk_buff *skb, union aavs_tun t, u8 *proto)
{
	__be16 type = *proto == IPPROTO_IPV6 ? htons(ETH_P_IPV6) :
					       htons(ETH_P_IP);
	unsigned int len = aavs_gre_len(t);
	struct gre_base_hdr *greh;
	__sum16 *sum;

	greh = skb_push(skb, len);
	skb_set_inner_protocol(skb, type);
	skb_reset_transport_header(skb);
	greh->flags = 0;
	greh->protocol = type;
	*proto = IPPROTO_GRE;
	if (!(t.flags & IP_VS_TUNNEL_ENCAP_FLAG_CSUM))
		return;

	greh->flags = GRE_CSUM;
	sum = (__sum16 *)(greh + 1);
	sum[0] = 0;
	sum[1] = 0;		/* reserved1 */
	/* Segmentation computes each segment's checksum itself. */
	if (skb_shinfo(skb)->gso_type & (SKB_GSO_GRE | SKB_GSO_GRE_CSUM))
		return;
	if (skb->ip_summed == CHECKSUM_PARTIAL) {
		sum[0] = csum_fold(lco_csum(skb));
	} else {
		skb->ip_summed = CHECKSUM_PARTIAL;
		skb->csum_start = skb_transport_header(skb) - skb->head;
		skb->csum_offset = sizeof(*greh);
	}
}

int aavs_tun_push(struct net *net, struct sk_buff *skb, union aavs_tun t,
		  u16 daf, const union nf_inet_addr *saddr,
		  const union nf_inet_addr *daddr, u8 *proto)
{
	switch (t.type) {
	case IP_VS_CONN_F_TUNNEL_TYPE_GUE:
		return aavs_gue_push(net, skb, t, daf, saddr, daddr, proto);
	case IP_VS_CONN_F_TUNNEL_TYPE_GRE:
		aavs_gre_push(skb, t, proto);
		return 0;
	default:
		return 0;
	}
}
