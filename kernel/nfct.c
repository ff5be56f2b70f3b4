// SPDX-License-Identifier: GPL-2.0
/*
 * conntrack=1: IPVS traffic stays in netfilter's connection tracking, with
 * ip_vs's semantics, for directors whose own rules need it (MASQUERADE or
 * SNAT after IPVS NAT, stateful filters, conntrack -L).
 *
 * The client's first packet brought an entry from PREROUTING that is not
 * yet in conntrack's table.  For NAT, its expected reply is rewritten to
 * come from the real server, so the server's answers match it; DR and
 * tunnel packets keep it as it is.  When the conn goes, the entry goes
 * too, so a later flow on the same ports is scheduled and tracked afresh.
 */
#include <net/netfilter/nf_conntrack.h>
#include <net/netfilter/nf_conntrack_core.h>
#include <net/netfilter/nf_conntrack_tuple.h>
#include <net/netfilter/nf_conntrack_zones.h>

#include "conn.h"
#include "nfct.h"
#include "pernet.h"

u16 aavs_nfct_flag(const struct aavs_net *an)
{
	return READ_ONCE(an->sysctl.conntrack) ? AAVS_CONN_F_NFCT : 0;
}

/*
 * A NAT conn's entry, still unconfirmed, in the client's direction: its
 * reply comes from the real server (@to_server) or goes to the VIP.
 */
void aavs_nfct_expect_reply(struct sk_buff *skb, const struct aavs_conn *cp,
			    bool to_server)
{
	enum ip_conntrack_info ctinfo;
	struct nf_conn *ct = nf_ct_get(skb, &ctinfo);
	struct nf_conntrack_tuple reply;
	bool ports;

	/* One-packet conns expect no reply. */
	if (!ct || nf_ct_is_confirmed(ct) || nf_ct_is_dying(ct) ||
	    CTINFO2DIR(ctinfo) != IP_CT_DIR_ORIGINAL ||
	    aavs_conn_fwd(cp) != IP_VS_CONN_F_MASQ ||
	    (cp->flags & IP_VS_CONN_F_ONE_PACKET))
		return;
	reply = ct->tuplehash[IP_CT_DIR_REPLY].tuple;
	ports = reply.dst.protonum != IPPROTO_ICMP &&
		reply.dst.protonum != IPPROTO_ICMPV6;
	if (to_server) {
		reply.src.u3 = cp->daddr;
		if (ports)
			reply.src.u.all = cp->dport;
	} else {
		reply.dst.u3 = cp->vaddr;
		if (ports)
			reply.dst.u.all = cp->vport;
	}
	nf_conntrack_alter_reply(ct, &reply);
}

bool aavs_nfct_tunnel(struct sk_buff *skb, const struct aavs_conn *cp)
{
	if (!aavs_nfct_on(cp))
		return true;
	if (nf_conntrack_confirm(skb) != NF_ACCEPT)
		return false;
	nf_reset_ct(skb);
	return true;
}

bool aavs_nfct_stale(struct aavs_conn *cp, const struct sk_buff *skb)
{
	enum ip_conntrack_info ctinfo;
	struct nf_conn *ct = nf_ct_get(skb, &ctinfo);

	if (ct && nf_ct_is_confirmed(ct))
		return true;
	/* The flow's entry will be the new conn's: the old one must spare it. */
	spin_lock_bh(&cp->lock);
	cp->flags &= ~AAVS_CONN_F_NFCT;
	spin_unlock_bh(&cp->lock);
	return false;
}

void aavs_nfct_conn_gone(const struct aavs_conn *cp)
{
	struct nf_conntrack_tuple t = {};
	struct nf_conntrack_tuple_hash *h;
	struct nf_conn *ct;

	/* Templates and one-packet conns have no flow of their own. */
	if (!aavs_nfct_on(cp) || !cp->cport ||
	    (cp->flags & (IP_VS_CONN_F_TEMPLATE | IP_VS_CONN_F_ONE_PACKET)))
		return;
	t.src.l3num = cp->af;
	t.src.u3 = cp->caddr;
	t.src.u.all = cp->cport;
	t.dst.u3 = cp->vaddr;
	t.dst.u.all = cp->vport;
	t.dst.protonum = cp->protocol;
	t.dst.dir = IP_CT_DIR_ORIGINAL;
	h = nf_conntrack_find_get(read_pnet(&cp->net), &nf_ct_zone_dflt, &t);
	if (!h)
		return;
	ct = nf_ct_tuplehash_to_ctrack(h);
	/* Only the flow the client started: never a reply of another one. */
	if (NF_CT_DIRECTION(h) == IP_CT_DIR_ORIGINAL)
		nf_ct_kill(ct);
	nf_ct_put(ct);
}
