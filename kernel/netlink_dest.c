// SPDX-License-Identifier: GPL-2.0
/*
 * IPVS_CMD_ATTR_DEST: the nested policy, parsing a request into a
 * struct aavs_dest_conf, and filling a dest into a GET_DEST dump.
 */
#include <linux/ip_vs.h>
#include <net/genetlink.h>
#include <net/sock.h>

#include "dest.h"
#include "netlink.h"
#include "pernet.h"
#include "service.h"

static const struct nla_policy aavs_dest_policy[IPVS_DEST_ATTR_MAX + 1] = {
	[IPVS_DEST_ATTR_ADDR]		= { .type = NLA_BINARY,
					    .len = sizeof(union nf_inet_addr) },
	[IPVS_DEST_ATTR_PORT]		= { .type = NLA_U16 },
	[IPVS_DEST_ATTR_FWD_METHOD]	= { .type = NLA_U32 },
	[IPVS_DEST_ATTR_WEIGHT]		= { .type = NLA_U32 },
	[IPVS_DEST_ATTR_U_THRESH]	= { .type = NLA_U32 },
	[IPVS_DEST_ATTR_L_THRESH]	= { .type = NLA_U32 },
	[IPVS_DEST_ATTR_ACTIVE_CONNS]	= { .type = NLA_U32 },
	[IPVS_DEST_ATTR_INACT_CONNS]	= { .type = NLA_U32 },
	[IPVS_DEST_ATTR_PERSIST_CONNS]	= { .type = NLA_U32 },
	[IPVS_DEST_ATTR_STATS]		= { .type = NLA_NESTED },
	[IPVS_DEST_ATTR_ADDR_FAMILY]	= { .type = NLA_U16 },
	/* ip_vs stores any value here; aavs only takes what it can send. */
	[IPVS_DEST_ATTR_TUN_TYPE]	=
		NLA_POLICY_MAX(NLA_U8, IP_VS_CONN_F_TUNNEL_TYPE_GRE),
	[IPVS_DEST_ATTR_TUN_PORT]	= { .type = NLA_U16 },
	[IPVS_DEST_ATTR_TUN_FLAGS]	=
		NLA_POLICY_MASK(NLA_U16, IP_VS_TUNNEL_ENCAP_FLAG_CSUM |
					 IP_VS_TUNNEL_ENCAP_FLAG_REMCSUM),
};

/*
 * ADDR and PORT identify a dest; NEW/SET_DEST also need FWD_METHOD, WEIGHT,
 * U_THRESH and L_THRESH.  c->af stays 0 when ADDR_FAMILY is absent (the
 * caller then takes the service's).  Anything malformed is -EINVAL.
 */
int aavs_nl_parse_dest(const struct nlattr *nla, bool full,
		       struct aavs_dest_conf *c)
{
	struct nlattr *tb[IPVS_DEST_ATTR_MAX + 1];

	if (!nla || nla_parse_nested_deprecated(tb, IPVS_DEST_ATTR_MAX, nla,
						aavs_dest_policy, NULL))
		return -EINVAL;
	if (!tb[IPVS_DEST_ATTR_ADDR] || !tb[IPVS_DEST_ATTR_PORT])
		return -EINVAL;

	memset(c, 0, sizeof(*c));
	nla_memcpy(&c->addr, tb[IPVS_DEST_ATTR_ADDR], sizeof(c->addr));
	c->port = nla_get_be16(tb[IPVS_DEST_ATTR_PORT]);
	if (tb[IPVS_DEST_ATTR_ADDR_FAMILY])
		c->af = nla_get_u16(tb[IPVS_DEST_ATTR_ADDR_FAMILY]);
	if (!full)
		return 0;

	if (!tb[IPVS_DEST_ATTR_FWD_METHOD] || !tb[IPVS_DEST_ATTR_WEIGHT] ||
	    !tb[IPVS_DEST_ATTR_U_THRESH] || !tb[IPVS_DEST_ATTR_L_THRESH])
		return -EINVAL;
	/* Like ip_vs, only the method bits count; 4..7 are not methods. */
	c->fwd = nla_get_u32(tb[IPVS_DEST_ATTR_FWD_METHOD]) &
		 IP_VS_CONN_F_FWD_MASK;
	if (c->fwd > IP_VS_CONN_F_DROUTE)
		return -EINVAL;
	c->weight = (int)nla_get_u32(tb[IPVS_DEST_ATTR_WEIGHT]);
	c->u_threshold = nla_get_u32(tb[IPVS_DEST_ATTR_U_THRESH]);
	c->l_threshold = nla_get_u32(tb[IPVS_DEST_ATTR_L_THRESH]);
	if (tb[IPVS_DEST_ATTR_TUN_TYPE])
		c->tun_type = nla_get_u8(tb[IPVS_DEST_ATTR_TUN_TYPE]);
	if (tb[IPVS_DEST_ATTR_TUN_PORT])
		c->tun_port = nla_get_be16(tb[IPVS_DEST_ATTR_TUN_PORT]);
	if (tb[IPVS_DEST_ATTR_TUN_FLAGS])
		c->tun_flags = nla_get_u16(tb[IPVS_DEST_ATTR_TUN_FLAGS]);
	return 0;
}

static int aavs_nl_fill_dest(struct sk_buff *msg, struct aavs_dest *dest)
{
	struct nlattr *nest = nla_nest_start_noflag(msg, IPVS_CMD_ATTR_DEST);

	if (!nest)
		return -EMSGSIZE;
	if (nla_put(msg, IPVS_DEST_ATTR_ADDR, sizeof(dest->addr),
		    &dest->addr) ||
	    nla_put_be16(msg, IPVS_DEST_ATTR_PORT, dest->port) ||
	    nla_put_u32(msg, IPVS_DEST_ATTR_FWD_METHOD, aavs_dest_fwd(dest)) ||
	    nla_put_u32(msg, IPVS_DEST_ATTR_WEIGHT,
			atomic_read(&dest->weight)) ||
	    nla_put_u8(msg, IPVS_DEST_ATTR_TUN_TYPE, dest->tun.type) ||
	    nla_put_be16(msg, IPVS_DEST_ATTR_TUN_PORT, dest->tun.port) ||
	    nla_put_u16(msg, IPVS_DEST_ATTR_TUN_FLAGS, dest->tun.flags) ||
	    nla_put_u32(msg, IPVS_DEST_ATTR_U_THRESH, dest->u_threshold) ||
	    nla_put_u32(msg, IPVS_DEST_ATTR_L_THRESH, dest->l_threshold) ||
	    nla_put_u32(msg, IPVS_DEST_ATTR_ACTIVE_CONNS,
			atomic_read(&dest->activeconns)) ||
	    nla_put_u32(msg, IPVS_DEST_ATTR_INACT_CONNS,
			atomic_read(&dest->inactconns)) ||
	    nla_put_u32(msg, IPVS_DEST_ATTR_PERSIST_CONNS,
			atomic_read(&dest->persistconns)) ||
	    nla_put_u16(msg, IPVS_DEST_ATTR_ADDR_FAMILY, dest->af) ||
	    aavs_nl_put_stats(msg, &dest->stats, IPVS_DEST_ATTR_STATS,
			      IPVS_DEST_ATTR_STATS64)) {
		nla_nest_cancel(msg, nest);
		return -EMSGSIZE;
	}
	nla_nest_end(msg, nest);
	return 0;
}

static int aavs_nl_dump_one_dest(struct sk_buff *skb,
				 struct netlink_callback *cb,
				 struct aavs_dest *dest)
{
	void *hdr;

	hdr = genlmsg_put(skb, NETLINK_CB(cb->skb).portid, cb->nlh->nlmsg_seq,
			  &aavs_genl_family, NLM_F_MULTI, IPVS_CMD_NEW_DEST);
	if (!hdr)
		return -EMSGSIZE;
	if (aavs_nl_fill_dest(skb, dest)) {
		genlmsg_cancel(skb, hdr);
		return -EMSGSIZE;
	}
	genlmsg_end(skb, hdr);
	return 0;
}

/*
 * The dests of the service named in the request, newest first.  As with
 * ip_vs, a malformed or unknown service gives an empty dump, not an error.
 */
int aavs_nl_dump_dests(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct aavs_net *an = aavs_net(sock_net(skb->sk));
	struct nlattr *tb[IPVS_CMD_ATTR_MAX + 1];
	long idx = 0, start = cb->args[0];
	struct aavs_service_conf c;
	struct aavs_service *svc;
	struct aavs_dest *dest;

	mutex_lock(&an->config_mutex);
	if (nlmsg_parse_deprecated(cb->nlh, GENL_HDRLEN, tb, IPVS_CMD_ATTR_MAX,
				   aavs_genl_family.policy, cb->extack))
		goto out;
	if (aavs_nl_parse_service(an, tb[IPVS_CMD_ATTR_SERVICE], false, &c,
				  &svc) || !svc)
		goto out;
	list_for_each_entry(dest, &svc->destinations, n_list) {
		if (idx++ < start)
			continue;
		if (aavs_nl_dump_one_dest(skb, cb, dest)) {
			idx--;
			break;
		}
	}
	cb->args[0] = idx;
out:
	mutex_unlock(&an->config_mutex);
	return skb->len;
}
