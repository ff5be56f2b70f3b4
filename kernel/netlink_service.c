// SPDX-License-Identifier: GPL-2.0
/*
 * IPVS_CMD_ATTR_SERVICE: the nested policy, parsing a request into a
 * struct aavs_service_conf, and filling a service into a reply.
 */
#include <linux/ip_vs.h>
#include <net/genetlink.h>
#include <net/sock.h>
#include <net/ipv6.h>

#include "netlink.h"
#include "pernet.h"
#include "sched.h"
#include "service.h"

static const struct nla_policy aavs_svc_policy[IPVS_SVC_ATTR_MAX + 1] = {
	[IPVS_SVC_ATTR_AF]		= { .type = NLA_U16 },
	[IPVS_SVC_ATTR_PROTOCOL]	= { .type = NLA_U16 },
	[IPVS_SVC_ATTR_ADDR]		= { .type = NLA_BINARY,
					    .len = sizeof(union nf_inet_addr) },
	[IPVS_SVC_ATTR_PORT]		= { .type = NLA_U16 },
	[IPVS_SVC_ATTR_FWMARK]		= { .type = NLA_U32 },
	[IPVS_SVC_ATTR_SCHED_NAME]	= { .type = NLA_NUL_STRING,
					    .len = IP_VS_SCHEDNAME_MAXLEN - 1 },
	/* ip_vs copies a short FLAGS over uninitialised memory; refuse it. */
	[IPVS_SVC_ATTR_FLAGS]		=
		NLA_POLICY_EXACT_LEN(sizeof(struct ip_vs_flags)),
	[IPVS_SVC_ATTR_TIMEOUT]		= { .type = NLA_U32 },
	[IPVS_SVC_ATTR_NETMASK]		= { .type = NLA_U32 },
	[IPVS_SVC_ATTR_STATS]		= { .type = NLA_NESTED },
	[IPVS_SVC_ATTR_PE_NAME]		= { .type = NLA_NUL_STRING,
					    .len = IP_VS_PENAME_MAXLEN },
};

static bool aavs_nl_af_valid(u16 af)
{
	return af == AF_INET || (af == AF_INET6 && ipv6_mod_enabled());
}

/*
 * ip_vs's rules: AF plus either FWMARK or PROTOCOL+ADDR+PORT identify a
 * service; NEW/SET_SERVICE also need SCHED_NAME, FLAGS, TIMEOUT and
 * NETMASK.  Any malformed nest is -EINVAL, an unknown family -EAFNOSUPPORT.
 * FLAGS apply as (current & ~mask) | (flags & mask).
 */
int aavs_nl_parse_service(struct aavs_net *an, const struct nlattr *nla,
			  bool full, struct aavs_service_conf *c,
			  struct aavs_service **svc)
{
	struct nlattr *tb[IPVS_SVC_ATTR_MAX + 1];
	struct ip_vs_flags flags;
	u32 cur;

	*svc = NULL;
	if (!nla || nla_parse_nested_deprecated(tb, IPVS_SVC_ATTR_MAX, nla,
						aavs_svc_policy, NULL))
		return -EINVAL;
	if (!tb[IPVS_SVC_ATTR_AF] ||
	    !(tb[IPVS_SVC_ATTR_FWMARK] ||
	      (tb[IPVS_SVC_ATTR_PROTOCOL] && tb[IPVS_SVC_ATTR_ADDR] &&
	       tb[IPVS_SVC_ATTR_PORT])))
		return -EINVAL;

	memset(c, 0, sizeof(*c));
	c->af = nla_get_u16(tb[IPVS_SVC_ATTR_AF]);
	if (!aavs_nl_af_valid(c->af))
		return -EAFNOSUPPORT;
	if (tb[IPVS_SVC_ATTR_FWMARK]) {
		/* A fwmark service counts as TCP, whatever was sent. */
		c->protocol = IPPROTO_TCP;
		c->fwmark = nla_get_u32(tb[IPVS_SVC_ATTR_FWMARK]);
	} else {
		c->protocol = nla_get_u16(tb[IPVS_SVC_ATTR_PROTOCOL]);
		nla_memcpy(&c->addr, tb[IPVS_SVC_ATTR_ADDR], sizeof(c->addr));
		c->port = nla_get_be16(tb[IPVS_SVC_ATTR_PORT]);
	}
	*svc = aavs_service_find(an, c);
	if (!full)
		return 0;

	if (!tb[IPVS_SVC_ATTR_SCHED_NAME] || !tb[IPVS_SVC_ATTR_FLAGS] ||
	    !tb[IPVS_SVC_ATTR_TIMEOUT] || !tb[IPVS_SVC_ATTR_NETMASK])
		return -EINVAL;
	nla_memcpy(&flags, tb[IPVS_SVC_ATTR_FLAGS], sizeof(flags));
	cur = *svc ? (*svc)->flags : 0;
	c->flags = (cur & ~flags.mask) | (flags.flags & flags.mask);
	c->sched_name = nla_data(tb[IPVS_SVC_ATTR_SCHED_NAME]);
	if (tb[IPVS_SVC_ATTR_PE_NAME])
		c->pe_name = nla_data(tb[IPVS_SVC_ATTR_PE_NAME]);
	c->timeout = nla_get_u32(tb[IPVS_SVC_ATTR_TIMEOUT]);
	c->netmask = nla_get_be32(tb[IPVS_SVC_ATTR_NETMASK]);
	return 0;
}

/* The nest ip_vs sends, attribute for attribute and in the same order. */
static int aavs_nl_fill_service(struct sk_buff *msg, struct aavs_service *svc)
{
	const struct aavs_sched_ops *sched;
	struct ip_vs_flags flags = { .flags = svc->flags, .mask = ~0U };
	struct nlattr *nest;

	sched = rcu_dereference_protected(svc->sched,
					  lockdep_is_held(&svc->an->config_mutex));
	nest = nla_nest_start_noflag(msg, IPVS_CMD_ATTR_SERVICE);
	if (!nest)
		return -EMSGSIZE;
	if (nla_put_u16(msg, IPVS_SVC_ATTR_AF, svc->af))
		goto cancel;
	if (svc->fwmark) {
		if (nla_put_u32(msg, IPVS_SVC_ATTR_FWMARK, svc->fwmark))
			goto cancel;
	} else if (nla_put_u16(msg, IPVS_SVC_ATTR_PROTOCOL, svc->protocol) ||
		   nla_put(msg, IPVS_SVC_ATTR_ADDR, sizeof(svc->addr),
			   &svc->addr) ||
		   nla_put_be16(msg, IPVS_SVC_ATTR_PORT, svc->port)) {
		goto cancel;
	}
	if (nla_put_string(msg, IPVS_SVC_ATTR_SCHED_NAME,
			   sched ? sched->name : "none") ||
	    nla_put(msg, IPVS_SVC_ATTR_FLAGS, sizeof(flags), &flags) ||
	    nla_put_u32(msg, IPVS_SVC_ATTR_TIMEOUT, svc->timeout / HZ) ||
	    nla_put_be32(msg, IPVS_SVC_ATTR_NETMASK, svc->netmask) ||
	    aavs_nl_put_stats(msg, &svc->stats, IPVS_SVC_ATTR_STATS,
			      IPVS_SVC_ATTR_STATS64))
		goto cancel;
	nla_nest_end(msg, nest);
	return 0;

cancel:
	nla_nest_cancel(msg, nest);
	return -EMSGSIZE;
}

int aavs_nl_get_service(struct sk_buff *skb, struct genl_info *info)
{
	struct aavs_net *an = aavs_net(genl_info_net(info));
	struct aavs_service_conf c;
	struct aavs_service *svc;
	struct sk_buff *msg;
	void *hdr;
	int ret;

	msg = nlmsg_new(NLMSG_DEFAULT_SIZE, GFP_KERNEL);
	if (!msg)
		return -ENOMEM;
	hdr = genlmsg_put_reply(msg, info, &aavs_genl_family, 0,
				IPVS_CMD_NEW_SERVICE);
	if (!hdr) {
		ret = -EMSGSIZE;
		goto err;
	}

	mutex_lock(&an->config_mutex);
	ret = aavs_nl_parse_service(an, info->attrs[IPVS_CMD_ATTR_SERVICE],
				    false, &c, &svc);
	if (!ret && !svc)
		ret = -ESRCH;
	if (!ret)
		ret = aavs_nl_fill_service(msg, svc);
	mutex_unlock(&an->config_mutex);
	if (ret)
		goto err;

	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);

err:
	nlmsg_free(msg);
	return ret;
}

static int aavs_nl_dump_one_service(struct sk_buff *skb,
				    struct netlink_callback *cb,
				    struct aavs_service *svc)
{
	void *hdr;

	hdr = genlmsg_put(skb, NETLINK_CB(cb->skb).portid, cb->nlh->nlmsg_seq,
			  &aavs_genl_family, NLM_F_MULTI,
			  IPVS_CMD_NEW_SERVICE);
	if (!hdr)
		return -EMSGSIZE;
	if (aavs_nl_fill_service(skb, svc)) {
		genlmsg_cancel(skb, hdr);
		return -EMSGSIZE;
	}
	genlmsg_end(skb, hdr);
	return 0;
}

/* Address-keyed services first, then fwmark ones; cb->args[0] = done. */
int aavs_nl_dump_services(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct aavs_net *an = aavs_net(sock_net(skb->sk));
	struct hlist_head *tables[] = { an->svc_table, an->fwm_table };
	long idx = 0, start = cb->args[0];
	struct aavs_service *svc;
	int t, i;

	mutex_lock(&an->config_mutex);
	for (t = 0; t < ARRAY_SIZE(tables); t++) {
		for (i = 0; i < AAVS_SVC_TAB_SIZE; i++) {
			hlist_for_each_entry(svc, &tables[t][i], s_list) {
				if (idx++ < start)
					continue;
				if (aavs_nl_dump_one_service(skb, cb, svc)) {
					idx--;
					goto out;
				}
			}
		}
	}
out:
	mutex_unlock(&an->config_mutex);
	cb->args[0] = idx;
	return skb->len;
}
