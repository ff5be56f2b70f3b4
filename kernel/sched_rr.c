// SPDX-License-Identifier: GPL-2.0
/*
 * Round robin: walk the dest list from where the last pick stopped, taking
 * the next available, non-overloaded dest with a weight.
 */
#include "dest.h"
#include "pernet.h"
#include "sched.h"
#include "service.h"

static int aavs_rr_init_service(struct aavs_service *svc)
{
	svc->sched_data = &svc->destinations;
	return 0;
}

/* Step the cursor back if it rests on the dest being removed. */
static int aavs_rr_del_dest(struct aavs_service *svc, struct aavs_dest *dest)
{
	spin_lock_bh(&svc->sched_lock);
	if (svc->sched_data == &dest->n_list)
		svc->sched_data = dest->n_list.next->prev;
	spin_unlock_bh(&svc->sched_lock);
	return 0;
}

static bool aavs_rr_usable(const struct aavs_dest *dest)
{
	return !test_bit(AAVS_DEST_OVERLOAD, &dest->flags) &&
	       atomic_read(&dest->weight) > 0;
}

static struct aavs_dest *aavs_rr_schedule(struct aavs_service *svc,
					  const struct aavs_sched_pkt *pkt)
{
	struct list_head *start, *p;
	struct aavs_dest *dest;
	bool wrapped = false;

	spin_lock_bh(&svc->sched_lock);
	start = svc->sched_data;
	p = start;
	/* Two passes at most: the tail after the cursor, then the head. */
	do {
		p = rcu_dereference(list_next_rcu(p));
		if (p == &svc->destinations) {
			if (wrapped)
				break;
			wrapped = true;
			continue;
		}
		dest = list_entry(p, struct aavs_dest, n_list);
		if (aavs_rr_usable(dest)) {
			svc->sched_data = p;
			spin_unlock_bh(&svc->sched_lock);
			return dest;
		}
	} while (p != start);
	spin_unlock_bh(&svc->sched_lock);
	return NULL;
}

const struct aavs_sched_ops aavs_sched_rr = {
	.name		= "rr",
	.init_service	= aavs_rr_init_service,
	.del_dest	= aavs_rr_del_dest,
	.schedule	= aavs_rr_schedule,
};
