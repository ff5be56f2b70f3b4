/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _AAVS_HOOKS_H
#define _AAVS_HOOKS_H

#include <linux/netfilter.h>
#include <linux/types.h>
#include <net/net_namespace.h>

struct aavs_net;
struct net_device;

/* The netfilter hooks of one namespace: requests in, NAT replies out. */
int aavs_hooks_net_init(struct aavs_net *an);
void aavs_hooks_net_exit(struct aavs_net *an);
/* Reassemble IPv6 fragments in this namespace from now on; config_mutex. */
int aavs_hooks_defrag6(struct aavs_net *an);

unsigned int aavs_local_out_hook(void *priv, struct sk_buff *skb,
				 const struct nf_hook_state *state);

/*
 * What aavs forwards leaves through LOCAL_OUT, as ip_vs's does, so that
 * OUTPUT rules see it.  While aavs's own hook is the only one there, the
 * walk would reach just that hook, which passes IPVS's packets untouched:
 * the sender may go straight on.  Under rcu_read_lock().
 */
static inline bool aavs_hooks_local_out_alone(const struct net *net, u8 pf)
{
	const struct nf_hook_entries *e;

	if (pf == NFPROTO_IPV6)
		e = rcu_dereference(net->nf.hooks_ipv6[NF_INET_LOCAL_OUT]);
	else
		e = rcu_dereference(net->nf.hooks_ipv4[NF_INET_LOCAL_OUT]);
	return e && e->num_hook_entries == 1 &&
	       e->hooks[0].hook == aavs_local_out_hook;
}

/* The packet came out of a tunnel device (ignore_tunneled). */
bool aavs_from_tunnel(const struct net_device *dev);

#endif /* _AAVS_HOOKS_H */
