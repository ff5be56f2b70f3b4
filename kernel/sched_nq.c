// SPDX-License-Identifier: GPL-2.0
/*
 * Never queue ("nq"), as ip_vs_nq picks: the first usable dest in list
 * order without active connections, else the one sed would pick (the
 * smallest (active connections + 1) / weight, the first on ties).
 */
#include "dest.h"
#include "sched.h"
#include "service.h"

static struct aavs_dest *aavs_nq_schedule(struct aavs_service *svc,
					  const struct aavs_sched_pkt *pkt)
{
	struct aavs_dest *dest, *least = NULL;
	u64 load, min_load = 0;
	u32 active, weight, min_weight = 0;

	list_for_each_entry_rcu(dest, &svc->destinations, n_list) {
		if (test_bit(AAVS_DEST_OVERLOAD, &dest->flags))
			continue;
		weight = atomic_read(&dest->weight);
		if (!weight)
			continue;
		active = atomic_read(&dest->activeconns);
		/* an idle server takes the flow at once: nothing queues */
		if (!active)
			return dest;
		load = (u64)active + 1;
		if (!least || min_load * weight > load * min_weight) {
			least = dest;
			min_load = load;
			min_weight = weight;
		}
	}
	return least;
}

const struct aavs_sched_ops aavs_sched_nq = {
	.name		= "nq",
	.schedule	= aavs_nq_schedule,
};
