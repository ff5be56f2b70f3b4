// SPDX-License-Identifier: GPL-2.0
/*
 * The generic-netlink family "IPVS", version 1, as ip_vs speaks it: the same
 * commands, attributes, policies and errno values, so ipvsadm and keepalived
 * drive aavs unchanged.
 */
#include <linux/ip_vs.h>
#include <net/genetlink.h>

#include "netlink.h"
#include "pernet.h"
#include "version.h"

/* Connection hash table size reported to clients (ip_vs: 1 << 12 on Debian). */
#define AAVS_CONN_TAB_SIZE 4096

static const struct nla_policy aavs_cmd_policy[IPVS_CMD_ATTR_MAX + 1] = {
	[IPVS_CMD_ATTR_SERVICE]		= { .type = NLA_NESTED },
	[IPVS_CMD_ATTR_DEST]		= { .type = NLA_NESTED },
	[IPVS_CMD_ATTR_DAEMON]		= { .type = NLA_NESTED },
	[IPVS_CMD_ATTR_TIMEOUT_TCP]	= { .type = NLA_U32 },
	[IPVS_CMD_ATTR_TIMEOUT_TCP_FIN]	= { .type = NLA_U32 },
	[IPVS_CMD_ATTR_TIMEOUT_UDP]	= { .type = NLA_U32 },
};

static struct genl_family aavs_genl_family;

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

/* Services are not implemented yet: the table is always empty. */
static int aavs_nl_dump_services(struct sk_buff *skb,
				 struct netlink_callback *cb)
{
	return 0;
}

static const struct genl_small_ops aavs_genl_ops[] = {
	{
		.cmd	= IPVS_CMD_GET_SERVICE,
		.validate = GENL_DONT_VALIDATE_STRICT | GENL_DONT_VALIDATE_DUMP,
		.flags	= GENL_ADMIN_PERM,
		.dumpit	= aavs_nl_dump_services,
	},
	{
		.cmd	= IPVS_CMD_GET_CONFIG,
		.validate = GENL_DONT_VALIDATE_STRICT | GENL_DONT_VALIDATE_DUMP,
		.flags	= GENL_ADMIN_PERM,
		.doit	= aavs_nl_get_config,
	},
	{
		.cmd	= IPVS_CMD_GET_INFO,
		.validate = GENL_DONT_VALIDATE_STRICT | GENL_DONT_VALIDATE_DUMP,
		.flags	= GENL_ADMIN_PERM,
		.doit	= aavs_nl_get_info,
	},
};

static struct genl_family aavs_genl_family __ro_after_init = {
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
