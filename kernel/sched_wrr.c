// SPDX-License-Identifier: GPL-2.0
/*
 * Weighted round robin: sweep the list repeatedly with a falling weight bar
 * (step = gcd of all weights, reset to the largest weight); a dest is picked
 * while its weight reaches the bar, so picks are proportional to weight.
 */
#include <linux/gcd.h>
#include <linux/slab.h>

#include "dest.h"
#include "sched.h"
#include "service.h"

struct aavs_wrr {
	struct list_head *cursor;
	int bar;	/* current weight threshold */
	int max;	/* largest weight */
	int step;	/* gcd of the non-zero weights */
};

/* Caller holds svc->sched_lock or is the only user. */
static void aavs_wrr_reset(struct aavs_service *svc, struct aavs_wrr *w)
{
	struct aavs_dest *dest;
	int g = 0, max = 0, weight;

	list_for_each_entry_rcu(dest, &svc->destinations, n_list, true) {
		weight = atomic_read(&dest->weight);
		if (weight <= 0)
			continue;
		g = g ? gcd(g, weight) : weight;
		max = max(max, weight);
	}
	w->step = g ? g : 1;
	w->max = max;
	w->bar = 0;
	w->cursor = &svc->destinations;
}

static int aavs_wrr_init_service(struct aavs_service *svc)
{
	struct aavs_wrr *w = kzalloc(sizeof(*w), GFP_KERNEL);

	if (!w)
		return -ENOMEM;
	aavs_wrr_reset(svc, w);
	svc->sched_data = w;
	return 0;
}

static void aavs_wrr_done_service(struct aavs_service *svc)
{
	/*
	 * Not cleared: a packet that found the scheduler before it was
	 * unbound may still be in aavs_wrr_schedule() until a grace period.
	 */
	kfree_rcu_mightsleep(svc->sched_data);
}

static int aavs_wrr_changed(struct aavs_service *svc, struct aavs_dest *dest)
{
	spin_lock_bh(&svc->sched_lock);
	aavs_wrr_reset(svc, svc->sched_data);
	spin_unlock_bh(&svc->sched_lock);
	return 0;
}

static struct aavs_dest *aavs_wrr_schedule(struct aavs_service *svc,
					   const struct aavs_sched_pkt *pkt)
{
	struct aavs_wrr *w = svc->sched_data;
	struct aavs_dest *dest, *found = NULL;
	struct list_head *p;
	unsigned int laps = 0;

	spin_lock_bh(&svc->sched_lock);
	p = w->cursor;
	/* Bounded: every full lap lowers the bar; the bar resets once. */
	while (w->max > 0 && laps <= (unsigned int)(w->max / w->step) + 1) {
		p = rcu_dereference(list_next_rcu(p));
		if (p == &svc->destinations) {
			laps++;
			w->bar -= w->step;
			if (w->bar <= 0)
				w->bar = w->max;
			continue;
		}
		dest = list_entry(p, struct aavs_dest, n_list);
		if (!test_bit(AAVS_DEST_OVERLOAD, &dest->flags) &&
		    atomic_read(&dest->weight) >= w->bar) {
			found = dest;
			break;
		}
	}
	w->cursor = p;
	spin_unlock_bh(&svc->sched_lock);
	return found;
}

const struct aavs_sched_ops aavs_sched_wrr = {
	.name		= "wrr",
	.init_service	= aavs_wrr_init_service,
	.done_service	= aavs_wrr_done_service,
	.add_dest	= aavs_wrr_changed,
	.del_dest	= aavs_wrr_changed,
	.upd_dest	= aavs_wrr_changed,
	.schedule	= aavs_wrr_schedule,
};
