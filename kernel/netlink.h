/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _AAVS_NETLINK_H
#define _AAVS_NETLINK_H

#include <linux/types.h>

struct aavs_dest_conf;
struct aavs_net;
struct aavs_service;
struct aavs_service_conf;
struct aavs_stats;
struct genl_family;
struct genl_info;
struct netlink_callback;
struct nlattr;
struct sk_buff;

int aavs_netlink_init(void);
void aavs_netlink_exit(void);

/* Shared by netlink.c, netlink_service.c and netlink_dest.c. */
extern struct genl_family aavs_genl_family;

int aavs_nl_put_stats(struct sk_buff *msg, struct aavs_stats *stats,
		      int attr32, int attr64);

/* Callers hold an->config_mutex; *svc is NULL when no such service exists. */
int aavs_nl_parse_service(struct aavs_net *an, const struct nlattr *nla,
			  bool full, struct aavs_service_conf *c,
			  struct aavs_service **svc);
int aavs_nl_get_service(struct sk_buff *skb, struct genl_info *info);
int aavs_nl_dump_services(struct sk_buff *skb, struct netlink_callback *cb);

int aavs_nl_parse_dest(const struct nlattr *nla, bool full,
		       struct aavs_dest_conf *c);
int aavs_nl_dump_dests(struct sk_buff *skb, struct netlink_callback *cb);

#endif /* _AAVS_NETLINK_H */
