// SPDX-License-Identifier: GPL-2.0
/*
 * The destination-address table of lblc and lblcr (sched_lbl.h), with
 * ip_vs's numbers: 1024 buckets, a GC tick every minute that sheds entries
 * idle for 6 minutes when there are more than 16384, a full pass every 30
 * quiet ticks that drops those idle for the expiration sysctl, and no new
 * entry beyond 24576.
 */
#include <linux/hash.h>
#include <linux/jiffies.h>
#include <linux/slab.h>
#include <net/ipv6.h>

#include "sched_hash.h"
#include "sched_lbl.h"

#define AAVS_LBL_GC_PERIOD	(60 * HZ)
#define AAVS_LBL_IDLE		(6 * 60 * HZ)
#define AAVS_LBL_FULL_EVERY	30

static unsigned int aavs_lbl_bucket(const struct aavs_service *svc,
				    const union nf_inet_addr *addr)
{
	return hash_32(aavs_sched_fold(svc->af == AF_INET6, addr->ip6),
		       AAVS_LBL_TAB_BITS);
}

static bool aavs_lbl_addr_equal(const struct aavs_service *svc,
				const union nf_inet_addr *a,
				const union nf_inet_addr *b)
{
	if (svc->af == AF_INET6)
		return ipv6_addr_equal(&a->in6, &b->in6);
	return a->ip == b->ip;
}

struct aavs_lbl_entry *aavs_lbl_find(struct aavs_lbl_table *t,
				     const union nf_inet_addr *addr)
{
	struct aavs_lbl_entry *en;

	hlist_for_each_entry_rcu(en, &t->bucket[aavs_lbl_bucket(t->svc, addr)],
				 list) {
		if (aavs_lbl_addr_equal(t->svc, &en->addr, addr))
			return en;
	}
	return NULL;
}

bool aavs_lbl_has_room(const struct aavs_lbl_table *t)
{
	return !t->dead && t->entries < AAVS_LBL_MAX_SIZE * 3 / 2;
}

void aavs_lbl_insert(struct aavs_lbl_table *t, struct aavs_lbl_entry *en)
{
	en->gone = false;
	hlist_add_head_rcu(&en->list,
			   &t->bucket[aavs_lbl_bucket(t->svc, &en->addr)]);
	WRITE_ONCE(t->entries, t->entries + 1);
}

void aavs_lbl_drop(struct aavs_lbl_table *t, struct aavs_lbl_entry *en)
{
	hlist_del_rcu(&en->list);
	en->gone = true;
	WRITE_ONCE(t->entries, t->entries - 1);
	t->ops->release(en);
}

void aavs_lbl_forget_dest(struct aavs_lbl_table *t, struct aavs_dest *dest,
			  bool (*forget)(struct aavs_lbl_entry *en,
					 struct aavs_dest *dest))
{
	struct aavs_lbl_entry *en;
	struct hlist_node *next;
	unsigned int i;

	for (i = 0; i < AAVS_LBL_TAB_SIZE; i++) {
		spin_lock_bh(&t->svc->sched_lock);
		hlist_for_each_entry_safe(en, next, &t->bucket[i], list) {
			if (forget(en, dest))
				aavs_lbl_drop(t, en);
		}
		spin_unlock_bh(&t->svc->sched_lock);
	}
}

/*
 * One GC walk from the rover, one bucket locked at a time: drop entries
 * idle for @idle; stop early once @goal of them went (goal < 0: never).
 */
static void aavs_lbl_sweep(struct aavs_lbl_table *t, unsigned long idle,
			   int goal)
{
	unsigned long now = jiffies;
	struct aavs_lbl_entry *en;
	struct hlist_node *next;
	unsigned int i, j = t->rover;

	for (i = 0; i < AAVS_LBL_TAB_SIZE; i++) {
		j = (j + 1) & (AAVS_LBL_TAB_SIZE - 1);
		spin_lock(&t->svc->sched_lock);
		hlist_for_each_entry_safe(en, next, &t->bucket[j], list) {
			if (time_before(now, READ_ONCE(en->lastuse) + idle))
				continue;
			aavs_lbl_drop(t, en);
			if (goal > 0)
				goal--;
		}
		spin_unlock(&t->svc->sched_lock);
		if (!goal)
			break;
	}
	t->rover = j;
}

static void aavs_lbl_gc(struct timer_list *timer)
{
	struct aavs_lbl_table *t = from_timer(t, timer, gc_timer);
	unsigned int n = READ_ONCE(t->entries);
	int goal;

	if (t->ticks % AAVS_LBL_FULL_EVERY == 0) {
		aavs_lbl_sweep(t, t->ops->expiration(t->svc), -1);
		t->ticks = 1;
	} else if (n <= AAVS_LBL_MAX_SIZE) {
		t->ticks++;
	} else {
		/* Over the limit: shed a third more than the excess, at most half. */
		goal = min_t(int, (n - AAVS_LBL_MAX_SIZE) * 4 / 3,
			     AAVS_LBL_MAX_SIZE / 2);
		if (goal > 0)
			aavs_lbl_sweep(t, AAVS_LBL_IDLE, goal);
	}
	mod_timer(&t->gc_timer, jiffies + AAVS_LBL_GC_PERIOD);
}

int aavs_lbl_init(struct aavs_service *svc, const struct aavs_lbl_ops *ops)
{
	struct aavs_lbl_table *t;
	unsigned int i;

	t = kzalloc(sizeof(*t), GFP_KERNEL);
	if (!t)
		return -ENOMEM;
	for (i = 0; i < AAVS_LBL_TAB_SIZE; i++)
		INIT_HLIST_HEAD(&t->bucket[i]);
	t->svc = svc;
	t->ops = ops;
	t->ticks = 1;
	timer_setup(&t->gc_timer, aavs_lbl_gc, 0);
	WRITE_ONCE(svc->sched_data, t);
	mod_timer(&t->gc_timer, jiffies + AAVS_LBL_GC_PERIOD);
	return 0;
}

/*
 * The service let go of the scheduler; datapath readers may still hold the
 * table until a grace period passes, so it and its entries go after one.
 */
void aavs_lbl_done(struct aavs_service *svc)
{
	struct aavs_lbl_table *t = svc->sched_data;
	struct aavs_lbl_entry *en;
	struct hlist_node *next;
	unsigned int i;

	if (!t)
		return;
	/* The GC tick re-arms itself: shut it down for good first. */
	timer_shutdown_sync(&t->gc_timer);
	spin_lock_bh(&svc->sched_lock);
	t->dead = true;
	for (i = 0; i < AAVS_LBL_TAB_SIZE; i++)
		hlist_for_each_entry_safe(en, next, &t->bucket[i], list)
			aavs_lbl_drop(t, en);
	spin_unlock_bh(&svc->sched_lock);
	WRITE_ONCE(svc->sched_data, NULL);
	kfree_rcu(t, rcu);
}

/*
 * ip_vs's overload rule: more active connections than its weight, while
 * some dest of the service is below half of its own.
 */
bool aavs_lbl_overloaded(struct aavs_service *svc,
			 const struct aavs_dest *dest)
{
	struct aavs_dest *d;

	if (atomic_read(&dest->activeconns) <= atomic_read(&dest->weight))
		return false;
	list_for_each_entry_rcu(d, &svc->destinations, n_list) {
		if (atomic_read(&d->activeconns) * 2 < atomic_read(&d->weight))
			return true;
	}
	return false;
}
