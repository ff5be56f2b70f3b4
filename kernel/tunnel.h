/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _AAVS_TUNNEL_H
#define _AAVS_TUNNEL_H

#include <linux/skbuff.h>
#include <linux/types.h>

#include "dest.h"

struct net;

/*
 * The bytes a tunnel dest's packets get between the outer IP header and
 * the inner packet: none for IPIP, UDP + GUE (+ remote checksum option),
 * or GRE (+ checksum), as ip_vs sends them.
 */
unsigned int aavs_tun_encap_len(union aavs_tun t, const struct sk_buff *skb);

/* The GSO bits of that encapsulation, besides the IPXIP ones. */
int aavs_tun_gso_type(union aavs_tun t, const struct sk_buff *skb);

/*
 * Push the encapsulation in front of the inner packet (at skb->data, with
 * aavs_tun_encap_len() bytes of headroom) and leave the transport header
 * on it.  @proto is the inner protocol (IPPROTO_IPIP or IPPROTO_IPV6) on
 * entry and the outer header's protocol on return.  The UDP checksum
 * needs the outer addresses.  Non-zero if the packet cannot be sent so.
 */
int aavs_tun_push(struct net *net, struct sk_buff *skb, union aavs_tun t,
		  u16 daf, const union nf_inet_addr *saddr,
		  const union nf_inet_addr *daddr, u8 *proto);

#endif /* _AAVS_TUNNEL_H */
