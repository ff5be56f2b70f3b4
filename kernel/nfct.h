/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _AAVS_NFCT_H
#define _AAVS_NFCT_H

#include <linux/skbuff.h>
#include <linux/types.h>
#include <net/netfilter/nf_conntrack.h>

#include "conn.h"

struct aavs_net;

/*
 * net.ipv4.vs.conntrack=1: IPVS packets keep their conntrack entry, as with
 * ip_vs, so the director's own netfilter rules (NAT, -m conntrack) see
 * IPVS traffic.  A conn made while it is set is marked AAVS_CONN_F_NFCT
 * and keeps that choice for its life.
 */

/* The flag a new conn of this namespace gets: AAVS_CONN_F_NFCT or 0. */
u16 aavs_nfct_flag(const struct aavs_net *an);

/* The conn was made with conntrack=1 and still claims its flow's entry. */
static inline bool aavs_nfct_on(const struct aavs_conn *cp)
{
	return READ_ONCE(cp->flags) & AAVS_CONN_F_NFCT;
}

void aavs_nfct_expect_reply(struct sk_buff *skb, const struct aavs_conn *cp,
			    bool to_server);

/*
 * A forwarded packet leaves IPVS: untracked (conntrack=0), or tracked
 * with a NAT conn's real server (client to server) or VIP (server to
 * client) in conntrack's expected reply.  Inline: every packet comes here.
 */
static inline void aavs_nfct_leave(struct sk_buff *skb,
				   const struct aavs_conn *cp, bool to_server)
{
	if (unlikely(aavs_nfct_on(cp))) {
		aavs_nfct_expect_reply(skb, cp, to_server);
		return;
	}
	nf_reset_ct(skb);
	nf_ct_set(skb, NULL, IP_CT_UNTRACKED);
}

/*
 * A tunnelled packet: its entry is confirmed now, since only the outer
 * packet goes on; the outer one starts untracked (conntrack=0) or afresh.
 * False: conntrack refused it, drop it.
 */
bool aavs_nfct_tunnel(struct sk_buff *skb, const struct aavs_conn *cp);

/*
 * A conn about to be replaced for a new flow (conn_reuse_mode,
 * expire_nodest_conn).  True if the packet's conntrack entry is already
 * confirmed: it still names the old real server, so the packet must be
 * dropped and the entry go with the conn.
 */
bool aavs_nfct_stale(struct aavs_conn *cp, const struct sk_buff *skb);

/* The conn is gone: so is the conntrack entry of its flow. */
void aavs_nfct_conn_gone(const struct aavs_conn *cp);

#endif /* _AAVS_NFCT_H */
