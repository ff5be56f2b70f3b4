/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _AAVS_SERVICE_H
#define _AAVS_SERVICE_H

#include <linux/ip_vs.h>
#include <linux/list.h>
#include <linux/netfilter.h>
#include <linux/percpu.h>
#include <linux/rcupdate.h>
#include <linux/refcount.h>
#include <linux/spinlock.h>

#include "stats.h"

struct aavs_net;
struct aavs_sched_ops;

/*
 * The events that make aavs differ from ip_vs, counted per service for
 * /proc/net/aavs_services; monotonic (ipvsadm -Z leaves them).
 */
enum aavs_svc_event {
	AAVS_EV_SLOPPY,		/* a conn made from a mid-stream packet */
	AAVS_EV_CONFIRMED,	/* ... whose flow came back: off probation */
	AAVS_EV_EXPIRED,	/* ... that ended still on probation */
	AAVS_EV_FALLBACK,	/* hashed server unusable, another one taken */
	AAVS_EV_KEPT,		/* mid-stream, kept on its unusable server */
	AAVS_EV_NODEST,		/* a new flow found no server */
	AAVS_EV_CONN_MAX,	/* a new flow dropped by conn_max */
	AAVS_EV_COUNT
};

struct aavs_svc_events {
	unsigned long n[AAVS_EV_COUNT];
};

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
	struct aavs_svc_events __percpu *events;
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

/* Any context; the sum over CPUs is read by aavs_service_events(). */
static inline void aavs_svc_event(struct aavs_service *svc,
				  enum aavs_svc_event ev)
{
	this_cpu_inc(svc->events->n[ev]);
}

void aavs_service_events(const struct aavs_service *svc,
			 struct aavs_svc_events *sum);

void aavs_service_get(struct aavs_service *svc);
void aavs_service_put(struct aavs_service *svc);

#endif /* _AAVS_SERVICE_H */
