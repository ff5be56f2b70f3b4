/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _AAVS_SERVICE_H
#define _AAVS_SERVICE_H

#include <linux/ip_vs.h>
#include <linux/list.h>
#include <linux/netfilter.h>
#include <linux/rcupdate.h>
#include <linux/refcount.h>
#include <linux/spinlock.h>

#include "stats.h"

struct aavs_net;
struct aavs_sched_ops;

/* What NEW_SERVICE/SET_SERVICE carry, already parsed. */
struct aavs_service_conf {
	u16 af;
	u16 protocol;
	union nf_inet_addr addr;
	__be16 port;
	u32 fwmark;
	u32 flags;		/* IP_VS_SVC_F_*, mask already applied */
	u32 timeout;		/* persistence, seconds */
	__be32 netmask;		/* IPv4 mask, or IPv6 prefix length */
	const char *sched_name;
	const char *pe_name;
};

/*
 * One virtual service.  The datapath finds it with the *_find_rcu lookups
 * and walks destinations under rcu_read_lock(); everything else is written
 * under the namespace's config mutex.
 */
struct aavs_service {
	struct hlist_node s_list;	/* an->svc_table or an->fwm_table */
	struct aavs_net *an;
	u16 af;
	u16 protocol;			/* IPPROTO_TCP for fwmark services */
	union nf_inet_addr addr;
	__be16 port;
	u32 fwmark;			/* 0 unless a fwmark service */
	u32 flags;			/* IP_VS_SVC_F_* */
	unsigned long timeout;		/* persistence, jiffies */
	__be32 netmask;

	struct list_head destinations;	/* RCU, newest first */
	unsigned int num_dests;

	const struct aavs_sched_ops __rcu *sched;
	void *sched_data;		/* owned by the scheduler */
	/* For schedulers that move a cursor on every pick. */
	spinlock_t sched_lock;

	struct aavs_stats stats;
	refcount_t refcnt;		/* the table's reference + one per dest */
	struct rcu_head rcu;
};

struct aavs_service *aavs_service_find_rcu(struct aavs_net *an, u16 af,
					   u16 protocol,
					   const union nf_inet_addr *addr,
					   __be16 port);
struct aavs_service *aavs_service_find_fwmark_rcu(struct aavs_net *an, u16 af,
						  u32 fwmark);

/* Config side; callers hold an->config_mutex. */
struct aavs_service *aavs_service_find(struct aavs_net *an,
				       const struct aavs_service_conf *c);
int aavs_service_add(struct aavs_net *an, const struct aavs_service_conf *c);
int aavs_service_edit(struct aavs_service *svc,
		      const struct aavs_service_conf *c);
void aavs_service_del(struct aavs_service *svc);
void aavs_service_flush(struct aavs_net *an);
void aavs_service_zero(struct aavs_service *svc);
void aavs_service_zero_all(struct aavs_net *an);

void aavs_service_get(struct aavs_service *svc);
void aavs_service_put(struct aavs_service *svc);

#endif /* _AAVS_SERVICE_H */
