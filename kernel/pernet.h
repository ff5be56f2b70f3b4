/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _AAVS_PERNET_H
#define _AAVS_PERNET_H

#include <linux/mutex.h>
#include <net/net_namespace.h>
#include <net/netns/generic.h>

/* Everything aavs keeps per network namespace. */
struct aavs_net {
	struct net *net;
	/* Serialises every configuration change in this namespace. */
	struct mutex config_mutex;
	/* Timeouts as set with ipvsadm --set, in jiffies. */
	unsigned long timeout_tcp;
	unsigned long timeout_tcp_fin;
	unsigned long timeout_udp;
};

extern unsigned int aavs_net_id;

static inline struct aavs_net *aavs_net(const struct net *net)
{
	return net_generic(net, aavs_net_id);
}

int aavs_pernet_init(void);
void aavs_pernet_exit(void);

#endif /* _AAVS_PERNET_H */
