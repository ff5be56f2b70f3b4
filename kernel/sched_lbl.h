/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What lblc and lblcr share: a per-service table keyed by the packet's
 * destination address, bounded and garbage-collected by a timer with
 * ip_vs's sizes and periods, and ip_vs's least-load and overload rules.
 *
 * Readers (the datapath) look entries up under rcu_read_lock(); every
 * change is made under svc->sched_lock, and what a change removes is freed
 * only after a grace period (the scheduler's release hook).
 */
#ifndef _AAVS_SCHED_LBL_H
#define _AAVS_SCHED_LBL_H

#include <linux/bits.h>
#include <linux/list.h>
#include <linux/netfilter.h>
#include <linux/timer.h>
#include <linux/types.h>

#include "dest.h"
#include "service.h"

#define AAVS_LBL_TAB_BITS	10
#define AAVS_LBL_TAB_SIZE	BIT(AAVS_LBL_TAB_BITS)
/* Above this the timer sheds idle entries; half again more is refused. */
#define AAVS_LBL_MAX_SIZE	(AAVS_LBL_TAB_SIZE * 16)

/* ip_vs's default for lblc_expiration and lblcr_expiration: one day. */
#define AAVS_LBL_EXPIRATION	(24 * 60 * 60 * HZ)

struct aavs_lbl_entry {
	struct hlist_node list;
	union nf_inet_addr addr;
	unsigned long lastuse;	/* jiffies; readers refresh it locklessly */
	bool gone;		/* unhashed; under sched_lock */
};

struct aavs_lbl_ops {
	/* Unhashed under sched_lock: free it (and what it holds) after RCU. */
	void (*release)(struct aavs_lbl_entry *en);
	/* The namespace's expiration sysctl, jiffies. */
	unsigned long (*expiration)(const struct aavs_service *svc);
};

/* svc->sched_data of lblc and lblcr */
struct aavs_lbl_table {
	struct rcu_head rcu;	/* first: kfree_rcu() wants a small offset */
	struct hlist_head bucket[AAVS_LBL_TAB_SIZE];
	struct timer_list gc_timer;
	struct aavs_service *svc;
	const struct aavs_lbl_ops *ops;
	unsigned int entries;	/* under sched_lock */
	unsigned int rover;	/* the bucket the last GC pass stopped at */
	unsigned int ticks;	/* GC ticks since the last full pass */
	bool dead;		/* the service let go of it: add nothing */
};

int aavs_lbl_init(struct aavs_service *svc, const struct aavs_lbl_ops *ops);
void aavs_lbl_done(struct aavs_service *svc);

struct aavs_lbl_entry *aavs_lbl_find(struct aavs_lbl_table *t,
				     const union nf_inet_addr *addr);
/* Under sched_lock: may a new entry go in, and put it there. */
bool aavs_lbl_has_room(const struct aavs_lbl_table *t);
void aavs_lbl_insert(struct aavs_lbl_table *t, struct aavs_lbl_entry *en);
void aavs_lbl_drop(struct aavs_lbl_table *t, struct aavs_lbl_entry *en);
/*
 * Config side: @forget (under sched_lock) lets go of @dest in one entry
 * and says whether the entry is now empty, which drops it.
 */
void aavs_lbl_forget_dest(struct aavs_lbl_table *t, struct aavs_dest *dest,
			  bool (*forget)(struct aavs_lbl_entry *en,
					 struct aavs_dest *dest));

bool aavs_lbl_overloaded(struct aavs_service *svc,
			 const struct aavs_dest *dest);

#endif /* _AAVS_SCHED_LBL_H */
