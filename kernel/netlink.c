// SPDX-License-Identifier: GPL-2.0
/*
 * The generic-netlink family "IPVS", version 1, as ip_vs speaks it: the same
 * commands, attributes, policies and errno values, so ipvsadm and keepalived
 * drive aavs unchanged.  Services and dests are parsed and filled in
 * netlink_service.c and netlink_dest.c; this file has the family, the
 * command dispatch, timeouts, info and the (absent) sync daemon.
 */
#include <linux/ip_vs.h>
#include <net/genetlink.h>

#include "dest.h"
#include "netlink.h"
#include "pernet.h"
#include "service.h"
#include "stats.h"
#include "version.h"

/* ip_vs's top-level policy; nested ones are beside their parsers. */
static const struct nla_policy aavs_cmd_policy[IPVS_CMD_ATTR_MAX + 1] = {
	[IPVS_CMD_ATTR_SERVICE]		= { .type = NLA_NESTED },
	[IPVS_CMD_ATTR_DEST]		= { .type = NLA_NESTED },
	[IPVS_CMD_ATTR_DAEMON]		= { .type = NLA_NESTED },
	[IPVS_CMD_ATTR_TIMEOUT_TCP]	= { .type = NLA_U32 },
	[IPVS_CMD_ATTR_TIMEOUT_TCP_FIN]	= { .type = NLA_U32 },
	[IPVS_CMD_ATTR_TIMEOUT_UDP]	= { .type = NLA_U32 },
};

static const struct nla_policy aavs_daemon_policy[IPVS_DAEMON_ATTR_MAX + 1] = {
	[IPVS_DAEMON_ATTR_STATE]	= { .type = NLA_U32 },
	[IPVS_DAEMON_ATTR_MCAST_IFN]	= { .type = NLA_NUL_STRING,
					    .len = IP_VS_IFNAME_MAXLEN - 1 },
	[IPVS_DAEMON_ATTR_SYNC_ID]	= { .type = NLA_U32 },
	[IPVS_DAEMON_ATTR_SYNC_MAXLEN]	= { .type = NLA_U16 },
	[IPVS_DAEMON_ATTR_MCAST_GROUP]	= { .type = NLA_U32 },
	[IPVS_DAEMON_ATTR_MCAST_GROUP6]	= { .len = sizeof(struct in6_addr) },
	[IPVS_DAEMON_ATTR_MCAST_PORT]	= { .type = NLA_U16 },
	[IPVS_DAEMON_ATTR_MCAST_TTL]	= { .type = NLA_U8 },
};

/* Counters and rates; STATS has 32-bit fields except the byte counts. */
int aavs_nl_put_stats(struct sk_buff *msg, struct aavs_stats *stats,
		      int attr32, int attr64)
{
	const int pad = IPVS_STATS_ATTR_PAD;
	struct aavs_stats_snap s;
	struct nlattr *nest;

	aavs_stats_read(stats, &s);

	nest = nla_nest_start_noflag(msg, attr32);
	if (!nest ||
	    nla_put_u32(msg, IPVS_STATS_ATTR_CONNS, (u32)s.conns) ||
	    nla_put_u32(msg, IPVS_STATS_ATTR_INPKTS, (u32)s.inpkts) ||
	    nla_put_u32(msg, IPVS_STATS_ATTR_OUTPKTS, (u32)s.outpkts) ||
	    nla_put_u64_64bit(msg, IPVS_STATS_ATTR_INBYTES, s.inbytes, pad) ||
	    nla_put_u64_64bit(msg, IPVS_STATS_ATTR_OUTBYTES, s.outbytes, pad) ||
	    nla_put_u32(msg, IPVS_STATS_ATTR_CPS, (u32)s.cps) ||
	    nla_put_u32(msg, IPVS_STATS_ATTR_INPPS, (u32)s.inpps) ||
	    nla_put_u32(msg, IPVS_STATS_ATTR_OUTPPS, (u32)s.outpps) ||
	    nla_put_u32(msg, IPVS_STATS_ATTR_INBPS, (u32)s.inbps) ||
	    nla_put_u32(msg, IPVS_STATS_ATTR_OUTBPS, (u32)s.outbps))
		return -EMSGSIZE;
	nla_nest_end(msg, nest);

	nest = nla_nest_start_noflag(msg, attr64);
	if (!nest ||
	    nla_put_u64_64bit(msg, IPVS_STATS_ATTR_CONNS, s.conns, pad) ||
	    nla_put_u64_64bit(msg, IPVS_STATS_ATTR_INPKTS, s.inpkts, pad) ||
	    nla_put_u64_64bit(msg, IPVS_STATS_ATTR_OUTPKTS, s.outpkts, pad) ||
	    nla_put_u64_64bit(msg, IPVS_STATS_ATTR_INBYTES, s.inbytes, pad) ||
	    nla_put_u64_64bit(msg, IPVS_STATS_ATTR_OUTBYTES, s.outbytes, pad) ||
	    nla_put_u64_64bit(msg, IPVS_STATS_ATTR_CPS, s.cps, pad) ||
	    nla_put_u64_64bit(msg, IPVS_STATS_ATTR_INPPS, s.inpps, pad) ||
	    nla_put_u64_64bit(msg, IPVS_STATS_ATTR_OUTPPS, s.outpps, pad) ||
	    nla_put_u64_64bit(msg, IPVS_STATS_ATTR_INBPS, s.inbps, pad) ||
	    nla_put_u64_64bit(msg, IPVS_STATS_ATTR_OUTBPS, s.outbps, pad))
		return -EMSGSIZE;
	nla_nest_end(msg, nest);
	return 0;
}

static struct sk_buff *aavs_reply_new(struct genl_info *info, u8 cmd,
				      void **hdr)
{
	struct sk_buff *msg = nlmsg_new(NLMSG_DEFAULT_SIZE, GFP_KERNEL);

	if (!msg)
		return NULL;
	*hdr = genlmsg_put_reply(msg, info, &aavs_genl_family, 0, cmd);
	if (!*hdr) {
		nlmsg_free(msg);
		return NULL;
	}
	return msg;
}

static int aavs_nl_get_info(struct sk_buff *skb, struct genl_info *info)
{
	struct sk_buff *msg;
	void *hdr;

	msg = aavs_reply_new(info, IPVS_CMD_SET_INFO, &hdr);
	if (!msg)
		return -ENOMEM;
	if (nla_put_u32(msg, IPVS_INFO_ATTR_VERSION, AAVS_IPVS_VERSION_CODE) ||
	    nla_put_u32(msg, IPVS_INFO_ATTR_CONN_TAB_SIZE, AAVS_CONN_TAB_SIZE)) {
		nlmsg_free(msg);
		return -EMSGSIZE;
	}
	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);
}

static int aavs_nl_get_config(struct sk_buff *skb, struct genl_info *info)
{
	struct aavs_net *an = aavs_net(genl_info_net(info));
	struct sk_buff *msg;
	void *hdr;
	int err = 0;

	msg = aavs_reply_new(info, IPVS_CMD_SET_CONFIG, &hdr);
	if (!msg)
		return -ENOMEM;
	mutex_lock(&an->config_mutex);
	if (nla_put_u32(msg, IPVS_CMD_ATTR_TIMEOUT_TCP, an->timeout_tcp / HZ) ||
	    nla_put_u32(msg, IPVS_CMD_ATTR_TIMEOUT_TCP_FIN,
			an->timeout_tcp_fin / HZ) ||
	    nla_put_u32(msg, IPVS_CMD_ATTR_TIMEOUT_UDP, an->timeout_udp / HZ))
		err = -EMSGSIZE;
	mutex_unlock(&an->config_mutex);
	if (err) {
		nlmsg_free(msg);
		return err;
	}
	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);
}

/*
 * --set: each given timeout must be 0..INT_MAX/HZ seconds or nothing
 * changes (-EINVAL); 0 keeps the current value.
 */
static int aavs_nl_set_config(struct aavs_net *an, struct nlattr **attrs)
{
	static const int ids[] = { IPVS_CMD_ATTR_TIMEOUT_TCP,
				   IPVS_CMD_ATTR_TIMEOUT_TCP_FIN,
				   IPVS_CMD_ATTR_TIMEOUT_UDP };
	unsigned long *slots[] = { &an->timeout_tcp, &an->timeout_tcp_fin,
				   &an->timeout_udp };
	u32 secs[ARRAY_SIZE(ids)] = {};
	int i;

	for (i = 0; i < ARRAY_SIZE(ids); i++) {
		if (!attrs[ids[i]])
			continue;
		secs[i] = nla_get_u32(attrs[ids[i]]);
		if (secs[i] > INT_MAX / HZ)
			return -EINVAL;
	}
	for (i = 0; i < ARRAY_SIZE(ids); i++)
		if (secs[i])
			WRITE_ONCE(*slots[i], (unsigned long)secs[i] * HZ);
	return 0;
}

/*
 * NEW/SET/DEL_DEST after the service is known: ip_vs's order of checks.
 * A dest of the other family is only allowed for tunnelling.
 */
static int aavs_nl_dest_cmd(struct aavs_service *svc, u8 cmd,
			    struct genl_info *info)
{
	struct aavs_dest_conf c;
	int ret;

	ret = aavs_nl_parse_dest(info->attrs[IPVS_CMD_ATTR_DEST],
				 cmd != IPVS_CMD_DEL_DEST, &c);
	if (ret)
		return ret;
	if (!c.af)
		c.af = svc->af;
	if (c.af != AF_INET && c.af != AF_INET6)
		return -EAFNOSUPPORT;
	if (c.af != svc->af && cmd != IPVS_CMD_DEL_DEST &&
	    c.fwd != IP_VS_CONN_F_TUNNEL)
		return -EINVAL;

	switch (cmd) {
	case IPVS_CMD_NEW_DEST:
		return aavs_dest_add(svc, &c);
	case IPVS_CMD_SET_DEST:
		return aavs_dest_edit(svc, &c);
	default:
		return aavs_dest_del(svc, &c);
	}
}

/* Every command that changes something; one mutex, as in ip_vs. */
static int aavs_nl_set_cmd(struct sk_buff *skb, struct genl_info *info)
{
	struct aavs_net *an = aavs_net(genl_info_net(info));
	u8 cmd = info->genlhdr->cmd;
	struct aavs_service_conf c;
	struct aavs_service *svc;
	int ret;

	mutex_lock(&an->config_mutex);
	switch (cmd) {
	case IPVS_CMD_FLUSH:
		aavs_service_flush(an);
		ret = 0;
		goto out;
	case IPVS_CMD_SET_CONFIG:
		ret = aavs_nl_set_config(an, info->attrs);
		goto out;
	case IPVS_CMD_ZERO:
		if (!info->attrs[IPVS_CMD_ATTR_SERVICE]) {
			aavs_service_zero_all(an);
			ret = 0;
			goto out;
		}
		break;
	}

	ret = aavs_nl_parse_service(an, info->attrs[IPVS_CMD_ATTR_SERVICE],
				    cmd == IPVS_CMD_NEW_SERVICE ||
				    cmd == IPVS_CMD_SET_SERVICE, &c, &svc);
	if (ret)
		goto out;
	if (cmd != IPVS_CMD_NEW_SERVICE && !svc) {
		ret = -ESRCH;
		goto out;
	}

	switch (cmd) {
	case IPVS_CMD_NEW_SERVICE:
		ret = svc ? -EEXIST : aavs_service_add(an, &c);
		break;
	case IPVS_CMD_SET_SERVICE:
		ret = aavs_service_edit(svc, &c);
		break;
	case IPVS_CMD_DEL_SERVICE:
		aavs_service_del(svc);
		break;
	case IPVS_CMD_ZERO:
		aavs_service_zero(svc);
		break;
	default:
		ret = aavs_nl_dest_cmd(svc, cmd, info);
		break;
	}
out:
	mutex_unlock(&an->config_mutex);
	return ret;
}

/*
 * aavs has no connection-sync daemon: directors agree through the sh/mh
 * tables instead.  Requests are checked as ip_vs checks them; a valid
 * --start-daemon then fails with -EPROTONOSUPPORT, which ipvsadm prints
 * as "Protocol not supported", and --stop-daemon finds nothing running.
 */
static int aavs_nl_set_daemon(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr *tb[IPVS_DAEMON_ATTR_MAX + 1];
	u8 cmd = info->genlhdr->cmd;

	if (!info->attrs[IPVS_CMD_ATTR_DAEMON] ||
	    nla_parse_nested_deprecated(tb, IPVS_DAEMON_ATTR_MAX,
					info->attrs[IPVS_CMD_ATTR_DAEMON],
					aavs_daemon_policy, info->extack))
		return -EINVAL;
	if (cmd == IPVS_CMD_DEL_DAEMON)
		return tb[IPVS_DAEMON_ATTR_STATE] ? -ESRCH : -EINVAL;
	if (!tb[IPVS_DAEMON_ATTR_STATE] || !tb[IPVS_DAEMON_ATTR_MCAST_IFN] ||
	    !tb[IPVS_DAEMON_ATTR_SYNC_ID])
		return -EINVAL;
	return -EPROTONOSUPPORT;
}

/* No daemon ever runs: an empty dump, as ip_vs gives when none does. */
static int aavs_nl_dump_daemons(struct sk_buff *skb,
				struct netlink_callback *cb)
{
	return 0;
}

#define AAVS_OP(_cmd, _doit, _dumpit)					\
	{								\
		.cmd		= _cmd,					\
		.validate	= GENL_DONT_VALIDATE_STRICT |		\
				  GENL_DONT_VALIDATE_DUMP,		\
		.flags		= GENL_ADMIN_PERM,			\
		.doit		= _doit,				\
		.dumpit		= _dumpit,				\
	}

static const struct genl_small_ops aavs_genl_ops[] = {
	AAVS_OP(IPVS_CMD_NEW_SERVICE, aavs_nl_set_cmd, NULL),
	AAVS_OP(IPVS_CMD_SET_SERVICE, aavs_nl_set_cmd, NULL),
	AAVS_OP(IPVS_CMD_DEL_SERVICE, aavs_nl_set_cmd, NULL),
	AAVS_OP(IPVS_CMD_GET_SERVICE, aavs_nl_get_service,
		aavs_nl_dump_services),
	AAVS_OP(IPVS_CMD_NEW_DEST, aavs_nl_set_cmd, NULL),
	AAVS_OP(IPVS_CMD_SET_DEST, aavs_nl_set_cmd, NULL),
	AAVS_OP(IPVS_CMD_DEL_DEST, aavs_nl_set_cmd, NULL),
	AAVS_OP(IPVS_CMD_GET_DEST, NULL, aavs_nl_dump_dests),
	AAVS_OP(IPVS_CMD_NEW_DAEMON, aavs_nl_set_daemon, NULL),
	AAVS_OP(IPVS_CMD_DEL_DAEMON, aavs_nl_set_daemon, NULL),
	AAVS_OP(IPVS_CMD_GET_DAEMON, NULL, aavs_nl_dump_daemons),
	AAVS_OP(IPVS_CMD_SET_CONFIG, aavs_nl_set_cmd, NULL),
	AAVS_OP(IPVS_CMD_GET_CONFIG, aavs_nl_get_config, NULL),
	AAVS_OP(IPVS_CMD_GET_INFO, aavs_nl_get_info, NULL),
	AAVS_OP(IPVS_CMD_ZERO, aavs_nl_set_cmd, NULL),
	AAVS_OP(IPVS_CMD_FLUSH, aavs_nl_set_cmd, NULL),
};

struct genl_family aavs_genl_family __ro_after_init = {
	.hdrsize	= 0,
	.name		= IPVS_GENL_NAME,
	.version	= IPVS_GENL_VERSION,
	.maxattr	= IPVS_CMD_ATTR_MAX,
	.policy		= aavs_cmd_policy,
	.netnsok	= true,
	.module		= THIS_MODULE,
	.small_ops	= aavs_genl_ops,
	.n_small_ops	= ARRAY_SIZE(aavs_genl_ops),
	.resv_start_op	= IPVS_CMD_FLUSH + 1,
};

int aavs_netlink_init(void)
{
	return genl_register_family(&aavs_genl_family);
}

void aavs_netlink_exit(void)
{
	genl_unregister_family(&aavs_genl_family);
}
