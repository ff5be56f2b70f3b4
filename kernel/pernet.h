/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _AAVS_PERNET_H
#define _AAVS_PERNET_H

#include <linux/bits.h>
#include <linux/mutex.h>
#include <linux/spinlock.h>
#include <linux/timer.h>
#include <net/net_namespace.h>
#include <net/netns/generic.h>

#include "defense.h"
#include "stats.h"
#include "sysctl.h"

#define AAVS_SVC_TAB_BITS 8
#define AAVS_SVC_TAB_SIZE BIT(AAVS_SVC_TAB_BITS)

/* Everything aavs keeps per network namespace. */
struct aavs_net {
	struct net *net;
	/* Serialises every configuration change in this namespace. */
	struct mutex config_mutex;
	/* Timeouts as set with ipvsadm --set, in jiffies. */
	unsigned long timeout_tcp;
	unsigned long timeout_tcp_fin;
	unsigned long timeout_udp;

	/* Services by (af, protocol, addr, port) and by (af, fwmark); RCU. */
	struct hlist_head svc_table[AAVS_SVC_TAB_SIZE];
	struct hlist_head fwm_table[AAVS_SVC_TAB_SIZE];
	unsigned int num_services;
	/* Every dest of every service by (address, port), for nat_icmp_send. */
	struct hlist_head rs_table[AAVS_SVC_TAB_SIZE];
	/* nf_defrag_ipv6 is on for us (hooks.c); under config_mutex. */
	bool defrag6;
	/*
	 * A client on this host has had a conn: from then on replies
	 * delivered here are looked up too (hooks.c).  Never cleared.
	 */
	bool local_clients;
	/* fast_path's PREROUTING hooks are in (fastpath.c); config_mutex. */
	bool fast_hooks;
	/* The namespace is going: no hook may be registered any more. */
	bool dying;

	/* Totals over every service, shown by /proc/net/ip_vs_stats. */
	struct aavs_stats tot_stats;

	/* Rate estimation: every registered stats block, ticked each 2 s. */
	spinlock_t est_lock;
	struct list_head est_list;
	struct timer_list est_timer;

	struct aavs_sysctl sysctl;

	/* Entries in the connection table (templates too), for conn_max. */
	atomic_t conn_count;
	struct aavs_defense defense;
};

extern unsigned int aavs_net_id;

static inline struct aavs_net *aavs_net(const struct net *net)
{
	return net_generic(net, aavs_net_id);
}

/*
 * The datapath's: a netfilter hook already runs under rcu_read_lock(),
 * which keeps net->gen alive; net_generic()'s own lock and unlock are two
 * calls per use on a preemptible-RCU kernel.
 */
static inline struct aavs_net *aavs_net_rcu(const struct net *net)
{
	return rcu_dereference(net->gen)->ptr[aavs_net_id];
}

/* secure_tcp: level 3, or 1/2 while memory is short (defense.c). */
static inline bool aavs_defense_secure_tcp(const struct aavs_net *an)
{
	return READ_ONCE(an->sysctl.secure_tcp) == 3 ||
	       READ_ONCE(an->defense.secure);
}

#endif /* _AAVS_PERNET_H */
