// SPDX-License-Identifier: GPL-2.0
/*
 * The legacy IPVS setsockopt/getsockopt range.
 *
 * aavs is driven over generic netlink only, as ipvsadm 1.31 and keepalived
 * 2.2.7 do.  We still claim ip_vs's option range: the registration fails with
 * -EBUSY while the kernel's own ip_vs holds it, which is how aavs notices
 * ip_vs before it creates anything visible, and while aavs holds it no other
 * IPVS can take it.
 */
#include <linux/netfilter.h>
#include <linux/ip_vs.h>

#include "sockopt.h"

static int aavs_sockopt_set(struct sock *sk, int cmd, sockptr_t arg,
			    unsigned int len)
{
	return -ENOPROTOOPT;
}

static int aavs_sockopt_get(struct sock *sk, int cmd, void __user *user,
			    int *len)
{
	return -ENOPROTOOPT;
}

static struct nf_sockopt_ops aavs_sockopts = {
	.pf		= PF_INET,
	.set_optmin	= IP_VS_BASE_CTL,
	.set_optmax	= IP_VS_SO_SET_MAX + 1,
	.set		= aavs_sockopt_set,
	.get_optmin	= IP_VS_BASE_CTL,
	.get_optmax	= IP_VS_SO_GET_MAX + 1,
	.get		= aavs_sockopt_get,
	.owner		= THIS_MODULE,
};

int aavs_sockopt_init(void)
{
	return nf_register_sockopt(&aavs_sockopts);
}

void aavs_sockopt_exit(void)
{
	nf_unregister_sockopt(&aavs_sockopts);
}
