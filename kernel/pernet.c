// SPDX-License-Identifier: GPL-2.0
/*
 * Per-namespace life of aavs: each network namespace gets its own services,
 * timeouts, sysctls and /proc view, created with the namespace and torn down
 * with it.
 */
#include <linux/jiffies.h>

#include "pernet.h"

unsigned int aavs_net_id __read_mostly;

static int __net_init aavs_net_init(struct net *net)
{
	struct aavs_net *an = aavs_net(net);

	an->net = net;
	mutex_init(&an->config_mutex);
	/* ip_vs's defaults: TCP established 15 min, FIN_WAIT 2 min, UDP 5 min. */
	an->timeout_tcp = 15 * 60 * HZ;
	an->timeout_tcp_fin = 2 * 60 * HZ;
	an->timeout_udp = 5 * 60 * HZ;
	return 0;
}

static void __net_exit aavs_net_exit(struct net *net)
{
}

static struct pernet_operations aavs_net_ops = {
	.init = aavs_net_init,
	.exit = aavs_net_exit,
	.id   = &aavs_net_id,
	.size = sizeof(struct aavs_net),
};

int aavs_pernet_init(void)
{
	return register_pernet_subsys(&aavs_net_ops);
}

void aavs_pernet_exit(void)
{
	unregister_pernet_subsys(&aavs_net_ops);
}
