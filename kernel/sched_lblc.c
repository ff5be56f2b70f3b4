// SPDX-License-Identifier: GPL-2.0
/*
 * Locality-based least connections ("lblc"), as ip_vs_lblc: each
 * destination address (the packet's, so a VIP or any address of a fwmark
 * service) keeps going to the dest it was first given, unless that dest
 * lost its weight, left the service, or is overloaded in ip_vs's sense
 * (sched_lbl.c); then the least loaded dest is picked and remembered.
 * Entries idle for lblc_expiration go (sched_lbl.c).
 */
#include <linux/slab.h>

#include "pernet.h"
#include "sched.h"
#include "sched_lbl.h"

struct aavs_lblc_entry {
	struct aavs_lbl_entry base;
	struct aavs_dest *dest;		/* holds a reference; never changes */
	struct rcu_head rcu;
};

static void aavs_lblc_free_rcu(struct rcu_head *head)
{
	struct aavs_lblc_entry *e = container_of(head, struct aavs_lblc_entry,
						 rcu);

	aavs_dest_put(e->dest);
	kfree(e);
}

static void aavs_lblc_release(struct aavs_lbl_entry *en)
{
	struct aavs_lblc_entry *e = container_of(en, struct aavs_lblc_entry,
						 base);

	call_rcu(&e->rcu, aavs_lblc_free_rcu);
}

static unsigned long aavs_lblc_expiration(const struct aavs_service *svc)
{
	return READ_ONCE(svc->an->sysctl.lblc_expiration);
}

static const struct aavs_lbl_ops aavs_lblc_ops = {
	.release	= aavs_lblc_release,
	.expiration	= aavs_lblc_expiration,
};

static int aavs_lblc_init_service(struct aavs_service *svc)
{
	return aavs_lbl_init(svc, &aavs_lblc_ops);
}

static bool aavs_lblc_forget(struct aavs_lbl_entry *en, struct aavs_dest *dest)
{
	return container_of(en, struct aavs_lblc_entry, base)->dest == dest;
}

/* A dest that left is never returned, nor kept alive, by an entry. */
static int aavs_lblc_del_dest(struct aavs_service *svc, struct aavs_dest *dest)
{
	struct aavs_lbl_table *t = svc->sched_data;

	if (t)
		aavs_lbl_forget_dest(t, dest, aavs_lblc_forget);
	return 0;
}

/* Remember @daddr -> @dest; without room or memory, just do not. */
static void aavs_lblc_remember(struct aavs_lbl_table *t,
			       const union nf_inet_addr *daddr,
			       struct aavs_dest *dest)
{
	struct aavs_service *svc = t->svc;
	struct aavs_lblc_entry *e;
	struct aavs_lbl_entry *en;

	spin_lock_bh(&svc->sched_lock);
	/* A dest being deleted is past its forget walk: keep it out. */
	if (t->dead || !aavs_dest_available(dest))
		goto out;
	en = aavs_lbl_find(t, daddr);
	if (en) {
		if (container_of(en, struct aavs_lblc_entry, base)->dest == dest)
			goto out;
		aavs_lbl_drop(t, en);
	}
	if (!aavs_lbl_has_room(t))
		goto out;
	e = kmalloc(sizeof(*e), GFP_ATOMIC);
	if (!e)
		goto out;
	e->base.addr = *daddr;
	e->base.lastuse = jiffies;
	e->dest = aavs_dest_hold(dest);
	aavs_lbl_insert(t, &e->base);
out:
	spin_unlock_bh(&svc->sched_lock);
}

static struct aavs_dest *aavs_lblc_schedule(struct aavs_service *svc,
					    const struct aavs_sched_pkt *pkt)
{
	struct aavs_lbl_table *t = READ_ONCE(svc->sched_data);
	struct aavs_lbl_entry *en;
	struct aavs_dest *dest;

	if (!t)
		return NULL;
	en = aavs_lbl_find(t, &pkt->pkt->daddr);
	if (en) {
		WRITE_ONCE(en->lastuse, jiffies);
		dest = container_of(en, struct aavs_lblc_entry, base)->dest;
		if (aavs_dest_available(dest) &&
		    atomic_read(&dest->weight) > 0 &&
		    !aavs_lbl_overloaded(svc, dest))
			return dest;
	}
	dest = aavs_wlc_least(svc);
	if (dest)
		aavs_lblc_remember(t, &pkt->pkt->daddr, dest);
	return dest;
}

const struct aavs_sched_ops aavs_sched_lblc = {
	.name		= "lblc",
	.init_service	= aavs_lblc_init_service,
	.done_service	= aavs_lbl_done,
	.del_dest	= aavs_lblc_del_dest,
	.schedule	= aavs_lblc_schedule,
};
