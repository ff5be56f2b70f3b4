// SPDX-License-Identifier: GPL-2.0
/*
 * Locality-based least connections with replication ("lblcr"), as
 * ip_vs_lblcr: each destination address has a set of dests and goes to
 * the least loaded of them; when that one is overloaded in ip_vs's sense
 * (sched_lbl.c) or none is usable, the service's least loaded dest is
 * picked and joins the set.  A set of several that has not changed for
 * lblcr_expiration loses its most loaded member, one per period.  Entries
 * idle for lblcr_expiration go (sched_lbl.c).
 *
 * A dest deleted from the service stays in the sets it is in, as in ip_vs:
 * never picked (no longer available), but counted in a set's size and a
 * candidate for shedding, which keeps the choices ip_vs makes after a
 * delete.  Its reference goes with the member.
 */
#include <linux/slab.h>

#include "pernet.h"
#include "sched.h"
#include "sched_lbl.h"

struct aavs_lblcr_member {
	struct list_head list;		/* RCU; newest first, as in ip_vs */
	struct aavs_dest *dest;		/* holds a reference */
	struct rcu_head rcu;
};

struct aavs_lblcr_entry {
	struct aavs_lbl_entry base;
	struct list_head set;		/* of aavs_lblcr_member */
	unsigned int size;		/* written under sched_lock */
	unsigned long lastmod;		/* jiffies of the last change */
	struct rcu_head rcu;
};

static struct aavs_lblcr_entry *aavs_lblcr_of(struct aavs_lbl_entry *en)
{
	return container_of(en, struct aavs_lblcr_entry, base);
}

static void aavs_lblcr_member_free_rcu(struct rcu_head *head)
{
	struct aavs_lblcr_member *m = container_of(head,
						   struct aavs_lblcr_member,
						   rcu);

	aavs_dest_put(m->dest);
	kfree(m);
}

/* Under sched_lock. */
static void aavs_lblcr_unset(struct aavs_lblcr_entry *e,
			     struct aavs_lblcr_member *m)
{
	list_del_rcu(&m->list);
	WRITE_ONCE(e->size, e->size - 1);
	call_rcu(&m->rcu, aavs_lblcr_member_free_rcu);
}

/* Under sched_lock; a failed allocation leaves the set as it was. */
static void aavs_lblcr_set_add(struct aavs_lblcr_entry *e,
			       struct aavs_dest *dest)
{
	struct aavs_lblcr_member *m;

	list_for_each_entry(m, &e->set, list) {
		if (m->dest == dest)
			return;
	}
	m = kmalloc(sizeof(*m), GFP_ATOMIC);
	if (!m)
		return;
	m->dest = aavs_dest_hold(dest);
	list_add_rcu(&m->list, &e->set);
	WRITE_ONCE(e->size, e->size + 1);
	WRITE_ONCE(e->lastmod, jiffies);
}

static void aavs_lblcr_release(struct aavs_lbl_entry *en)
{
	struct aavs_lblcr_entry *e = aavs_lblcr_of(en);
	struct aavs_lblcr_member *m, *next;

	list_for_each_entry_safe(m, next, &e->set, list)
		aavs_lblcr_unset(e, m);
	kfree_rcu(e, rcu);
}

static unsigned long aavs_lblcr_expiration(const struct aavs_service *svc)
{
	return READ_ONCE(svc->an->sysctl.lblcr_expiration);
}

static const struct aavs_lbl_ops aavs_lblcr_ops = {
	.release	= aavs_lblcr_release,
	.expiration	= aavs_lblcr_expiration,
};

static int aavs_lblcr_init_service(struct aavs_service *svc)
{
	return aavs_lbl_init(svc, &aavs_lblcr_ops);
}

/*
 * ip_vs's pick within a set: the first available member with a weight
 * that is not overloaded, then any later available one with a strictly
 * smaller overhead / weight.
 */
static struct aavs_dest *aavs_lblcr_set_min(struct aavs_lblcr_entry *e)
{
	struct aavs_lblcr_member *m;
	struct aavs_dest *d, *least = NULL;
	s64 loh = 0, doh;

	list_for_each_entry_rcu(m, &e->set, list) {
		d = m->dest;
		if (test_bit(AAVS_DEST_OVERLOAD, &d->flags))
			continue;
		if (!least) {
			if (atomic_read(&d->weight) > 0 &&
			    aavs_dest_available(d)) {
				least = d;
				loh = aavs_dest_overhead(d);
			}
			continue;
		}
		doh = aavs_dest_overhead(d);
		if (loh * atomic_read(&d->weight) >
		    doh * atomic_read(&least->weight) &&
		    aavs_dest_available(d)) {
			least = d;
			loh = doh;
		}
	}
	return least;
}

/*
 * Under sched_lock: the member ip_vs sheds, the one with a weight and the
 * strictly largest overhead / weight, the earliest on ties.
 */
static struct aavs_lblcr_member *aavs_lblcr_set_max(struct aavs_lblcr_entry *e)
{
	struct aavs_lblcr_member *m, *most = NULL;
	s64 moh = 0, doh;
	int w;

	list_for_each_entry(m, &e->set, list) {
		w = atomic_read(&m->dest->weight);
		if (w <= 0)
			continue;
		doh = aavs_dest_overhead(m->dest);
		if (!most ||
		    moh * w < doh * atomic_read(&most->dest->weight)) {
			most = m;
			moh = doh;
		}
	}
	return most;
}

/* A set of several unchanged for the expiration loses its busiest member. */
static void aavs_lblcr_shrink(struct aavs_service *svc,
			      struct aavs_lblcr_entry *e)
{
	struct aavs_lblcr_member *m;

	if (READ_ONCE(e->size) <= 1 ||
	    !time_after(jiffies, READ_ONCE(e->lastmod) +
				 aavs_lblcr_expiration(svc)))
		return;
	spin_lock_bh(&svc->sched_lock);
	if (!e->base.gone && e->size > 1) {
		m = aavs_lblcr_set_max(e);
		if (m) {
			aavs_lblcr_unset(e, m);
			WRITE_ONCE(e->lastmod, jiffies);
		}
	}
	spin_unlock_bh(&svc->sched_lock);
}

/* Add @dest to @daddr's set, or make the entry; no room or memory: skip. */
static void aavs_lblcr_remember(struct aavs_lbl_table *t,
				const union nf_inet_addr *daddr,
				struct aavs_dest *dest)
{
	struct aavs_service *svc = t->svc;
	struct aavs_lblcr_entry *e;
	struct aavs_lbl_entry *en;

	spin_lock_bh(&svc->sched_lock);
	/* A dest deleted meanwhile would never be picked: do not add it. */
	if (t->dead || !aavs_dest_available(dest))
		goto out;
	en = aavs_lbl_find(t, daddr);
	if (en) {
		aavs_lblcr_set_add(aavs_lblcr_of(en), dest);
		goto out;
	}
	if (!aavs_lbl_has_room(t))
		goto out;
	e = kmalloc(sizeof(*e), GFP_ATOMIC);
	if (!e)
		goto out;
	e->base.addr = *daddr;
	e->base.lastuse = jiffies;
	INIT_LIST_HEAD(&e->set);
	e->size = 0;
	aavs_lblcr_set_add(e, dest);
	if (list_empty(&e->set)) {
		kfree(e);
		goto out;
	}
	aavs_lbl_insert(t, &e->base);
out:
	spin_unlock_bh(&svc->sched_lock);
}

static struct aavs_dest *aavs_lblcr_schedule(struct aavs_service *svc,
					     const struct aavs_sched_pkt *pkt)
{
	struct aavs_lbl_table *t = READ_ONCE(svc->sched_data);
	struct aavs_lblcr_entry *e;
	struct aavs_lbl_entry *en;
	struct aavs_dest *dest;

	if (!t)
		return NULL;
	en = aavs_lbl_find(t, &pkt->pkt->daddr);
	if (en) {
		e = aavs_lblcr_of(en);
		WRITE_ONCE(en->lastuse, jiffies);
		dest = aavs_lblcr_set_min(e);
		aavs_lblcr_shrink(svc, e);
		if (dest && !aavs_lbl_overloaded(svc, dest))
			return dest;
	}
	dest = aavs_wlc_least(svc);
	if (dest)
		aavs_lblcr_remember(t, &pkt->pkt->daddr, dest);
	return dest;
}

const struct aavs_sched_ops aavs_sched_lblcr = {
	.name		= "lblcr",
	.init_service	= aavs_lblcr_init_service,
	.done_service	= aavs_lbl_done,
	.schedule	= aavs_lblcr_schedule,
};
