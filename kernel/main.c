// SPDX-License-Identifier: GPL-2.0
/*
 * aavs: an ip_vs-compatible IPVS for active-active director clusters.
 *
 * The module answers to the same generic-netlink family, sysctls and /proc
 * files as the kernel's ip_vs, so exactly one of the two may be loaded.
 */
#include <linux/module.h>
#include <linux/string.h>

#include "conn.h"
#include "netlink.h"
#include "netns.h"
#include "sockopt.h"
#include "version.h"
#include "xmit_route.h"
#include "xt_ipvs.h"

static bool aavs_is_ip_vs_module(const char *name)
{
	return !strcmp(name, "ip_vs") || !strncmp(name, "ip_vs_", 6);
}

/*
 * Stop ip_vs (and its schedulers, helpers and protocol modules) before their
 * init runs: ip_vs would otherwise register /proc/net/ip_vs beside ours and
 * trip the proc core's duplicate-entry warning.
 */
static int aavs_module_notify(struct notifier_block *nb, unsigned long state,
			      void *data)
{
	struct module *mod = data;

	if (state != MODULE_STATE_COMING || !aavs_is_ip_vs_module(mod->name))
		return NOTIFY_DONE;

	pr_err("refusing to load %s: aavs provides IPVS in this kernel (unload aavs first)\n",
	       mod->name);
	return notifier_from_errno(-EBUSY);
}

static struct notifier_block aavs_module_nb = {
	.notifier_call = aavs_module_notify,
};

static int __init aavs_init(void)
{
	int ret;

	ret = aavs_sockopt_init();
	if (ret == -EBUSY) {
		pr_err("the kernel's ip_vs is loaded; unload it first (modprobe -r ip_vs) - aavs replaces it\n");
		return ret;
	}
	if (ret)
		return ret;

	ret = register_module_notifier(&aavs_module_nb);
	if (ret)
		goto err_notifier;

	ret = aavs_conn_init();
	if (ret)
		goto err_conn;

	ret = aavs_route_init();
	if (ret)
		goto err_route;

	ret = aavs_netns_init();
	if (ret)
		goto err_netns;

	ret = aavs_netlink_init();
	if (ret)
		goto err_netlink;

	ret = aavs_xt_ipvs_init();
	if (ret)
		goto err_xt;

	pr_info("aavs %s (git %s) loaded (IPVS protocol %u.%u.%u)\n",
		AAVS_VERSION, AAVS_REVISION,
		(AAVS_IPVS_VERSION_CODE >> 16) & 0xff,
		(AAVS_IPVS_VERSION_CODE >> 8) & 0xff,
		AAVS_IPVS_VERSION_CODE & 0xff);
	return 0;

err_xt:
	aavs_netlink_exit();
err_netlink:
	aavs_netns_exit();
err_netns:
	aavs_route_exit();
err_route:
	aavs_conn_exit();
err_conn:
	unregister_module_notifier(&aavs_module_nb);
err_notifier:
	aavs_sockopt_exit();
	return ret;
}

static void __exit aavs_exit(void)
{
	aavs_xt_ipvs_exit();
	aavs_netlink_exit();
	aavs_netns_exit();
	aavs_route_exit();
	aavs_conn_exit();
	unregister_module_notifier(&aavs_module_nb);
	aavs_sockopt_exit();
	pr_info("aavs %s unloaded\n", AAVS_VERSION);
}

module_init(aavs_init);
module_exit(aavs_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("aavs: ip_vs-compatible IPVS for active-active director clusters");
MODULE_VERSION(AAVS_FULL_VERSION);
