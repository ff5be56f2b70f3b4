// SPDX-License-Identifier: GPL-2.0
/*
 * A network namespace's life under aavs, in one place: each namespace gets
 * its own services, timeouts, sysctls, /proc view and hooks, started here
 * in order and stopped here in reverse when the namespace goes.
 */
#include <linux/jiffies.h>
#include <linux/rcupdate.h>

#include "conn.h"
#include "defense.h"
#include "fastpath.h"
#include "hooks.h"
#include "netns.h"
#include "pernet.h"
#include "proc.h"
#include "service.h"
#include "sysctl.h"
#include "xmit_route.h"

unsigned int aavs_net_id __read_mostly;

static int __net_init aavs_net_init(struct net *net)
{
	struct aavs_net *an = aavs_net(net);
	int ret;

	an->net = net;
	mutex_init(&an->config_mutex);
	/* ip_vs's defaults: TCP established 15 min, FIN_WAIT 2 min, UDP 5 min. */
	an->timeout_tcp = 15 * 60 * HZ;
	an->timeout_tcp_fin = 2 * 60 * HZ;
	an->timeout_udp = 5 * 60 * HZ;

	ret = aavs_estimator_init(an);
	if (ret)
		goto err_est;
	ret = aavs_sysctl_net_init(an);
	if (ret)
		goto err_sysctl;
	ret = aavs_proc_net_init(an);
	if (ret)
		goto err_proc;
	ret = aavs_conn_proc_net_init(an);
	if (ret)
		goto err_conn;
	ret = aavs_defense_net_init(an);
	if (ret)
		goto err_defense;
	ret = aavs_hooks_net_init(an);
	if (ret)
		goto err_hooks;
	return 0;

err_hooks:
	aavs_defense_net_exit(an);
err_defense:
	aavs_conn_proc_net_exit(an);
err_conn:
	aavs_proc_net_exit(an);
err_proc:
	aavs_sysctl_net_exit(an);
err_sysctl:
	aavs_estimator_exit(an);
err_est:
	return ret;
}

/*
 * The namespace may go with services configured: drop them all here.  What
 * connections still reference is freed when they let go.
 */
static void __net_exit aavs_net_exit(struct net *net)
{
	struct aavs_net *an = aavs_net(net);

	/* No packet may make a conn once the table forgets this namespace. */
	aavs_fastpath_net_exit(an);
	aavs_hooks_net_exit(an);
	aavs_defense_net_exit(an);
	aavs_route_flush_net(net);
	aavs_conn_proc_net_exit(an);
	aavs_conn_flush_net(an);
	aavs_proc_net_exit(an);
	mutex_lock(&an->config_mutex);
	aavs_service_flush(an);
	mutex_unlock(&an->config_mutex);
	aavs_sysctl_net_exit(an);
	aavs_estimator_exit(an);
}

static struct pernet_operations aavs_net_ops = {
	.init = aavs_net_init,
	.exit = aavs_net_exit,
	.id   = &aavs_net_id,
	.size = sizeof(struct aavs_net),
};

int aavs_netns_init(void)
{
	return register_pernet_subsys(&aavs_net_ops);
}

void aavs_netns_exit(void)
{
	unregister_pernet_subsys(&aavs_net_ops);
	/*
	 * Services and dests are freed by RCU callbacks in this module, and
	 * a callback may queue the next: a conn, a scheduler table or an
	 * unlinked dest's list reference drops a dest, whose last put queues
	 * the dest's free and the service's.  One barrier per level.
	 */
	rcu_barrier();
	rcu_barrier();
}
