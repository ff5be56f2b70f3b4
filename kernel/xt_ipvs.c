// SPDX-License-Identifier: GPL-2.0
/*
 * The "ipvs" match of iptables (-m ipvs): the ABI of the kernel's xt_ipvs
 * (struct xt_ipvs_mtinfo, revision 0, IPv4 and IPv6), registered by aavs
 * itself since xt_ipvs cannot load beside it (it needs ip_vs's symbols).
 *
 * As in xt_ipvs, every option but --ipvs needs a packet IPVS sent and its
 * conn, found as ip_vs finds it: the packet's addresses and ports swapped
 * and looked up as a reply.  So they match the requests a director sends
 * on by NAT or DR; tunnelled packets (their outer header) and replies
 * match --ipvs only.
 */
#include <linux/netfilter/x_tables.h>
#include <linux/netfilter/xt_ipvs.h>
#include <linux/skbuff.h>
#include <net/ipv6.h>
#include <net/netfilter/nf_conntrack.h>

#include "conn.h"
#include "pkt.h"
#include "xt_ipvs.h"

/* Is the conn's VIP in the rule's address/mask? */
static bool aavs_mt_vaddr(const struct xt_ipvs_mtinfo *info,
			  const struct aavs_conn *cp, u8 pf)
{
	if (pf == NFPROTO_IPV6)
		return !ipv6_masked_addr_cmp(&cp->vaddr.in6, &info->vmask.in6,
					     &info->vaddr.in6);
	return !((cp->vaddr.ip ^ info->vaddr.ip) & info->vmask.ip);
}

/*
 * The conn of a packet IPVS sent towards a real server, if any: turned
 * around, a reply.
 */
static struct aavs_conn *aavs_mt_conn(const struct sk_buff *skb,
				      struct net *net, struct aavs_pkt *pkt)
{
	if (!aavs_pkt_parse_ports(skb, pkt))
		return NULL;
	return aavs_conn_out_get(net, pkt, true);
}

/* Does @opt's test, as the rule states it (inverted or not), fail? */
static bool aavs_mt_fails(const struct xt_ipvs_mtinfo *info, u8 opt,
			  bool holds)
{
	return (info->bitmask & opt) && holds == !!(info->invert & opt);
}

static bool aavs_mt(const struct sk_buff *skb, struct xt_action_param *par)
{
	const struct xt_ipvs_mtinfo *info = par->matchinfo;
	u8 pf = xt_family(par);
	enum ip_conntrack_info ctinfo;
	struct aavs_conn *cp;
	struct aavs_pkt pkt;

	if (info->bitmask == XT_IPVS_IPVS_PROPERTY)
		return skb->ipvs_property ^
		       !!(info->invert & XT_IPVS_IPVS_PROPERTY);
	/* Any other option: IPVS's packets only, whatever the inversions. */
	if (!skb->ipvs_property || !aavs_pkt_parse(pf, skb, &pkt))
		return false;
	if (aavs_mt_fails(info, XT_IPVS_PROTO,
			  pkt.protocol == info->l4proto))
		return false;

	/* Under the hook's RCU read lock, as conn lookups must be. */
	cp = aavs_mt_conn(skb, xt_net(par), &pkt);
	if (!cp)
		return false;
	if (aavs_mt_fails(info, XT_IPVS_VPORT, cp->vport == info->vport))
		return false;
	/* aavs has no helpers, so no conn has a control conn. */
	if (aavs_mt_fails(info, XT_IPVS_VPORTCTL, false))
		return false;
	if (info->bitmask & XT_IPVS_DIR) {
		/* The direction is conntrack's: untracked packets have none. */
		if (!nf_ct_get(skb, &ctinfo))
			return false;
		if (aavs_mt_fails(info, XT_IPVS_DIR, ctinfo < IP_CT_IS_REPLY))
			return false;
	}
	if (aavs_mt_fails(info, XT_IPVS_METHOD,
			  aavs_conn_fwd(cp) == info->fwd_method))
		return false;
	if (aavs_mt_fails(info, XT_IPVS_VADDR, aavs_mt_vaddr(info, cp, pf)))
		return false;
	return true;
}

static int aavs_mt_check(const struct xt_mtchk_param *par)
{
	if (par->family != NFPROTO_IPV4 && par->family != NFPROTO_IPV6) {
		pr_info_ratelimited("ipvs match: protocol family %u not supported\n",
				    par->family);
		return -EINVAL;
	}
	return 0;
}

static struct xt_match aavs_mt_reg __read_mostly = {
	.name = "ipvs",
	.revision = 0,
	.family = NFPROTO_UNSPEC,
	.match = aavs_mt,
	.checkentry = aavs_mt_check,
	.matchsize = XT_ALIGN(sizeof(struct xt_ipvs_mtinfo)),
	.me = THIS_MODULE,
};

int aavs_xt_ipvs_init(void)
{
	return xt_register_match(&aavs_mt_reg);
}

void aavs_xt_ipvs_exit(void)
{
	xt_unregister_match(&aavs_mt_reg);
}
