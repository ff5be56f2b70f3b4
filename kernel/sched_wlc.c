// SPDX-License-Identifier: GPL-2.0
/*
 * Weighted least connections: the usable dest with the smallest
 * load / weight, compared by cross-multiplication to stay in integers.
 */
#include "dest.h"
#include "sched.h"
#include "service.h"

struct aavs_dest *aavs_wlc_least(struct aavs_service *svc)
{
	struct aavs_dest *dest, *least = NULL;
	u64 load, min_load = 0;
	u32 weight, min_weight = 0;

	list_for_each_entry_rcu(dest, &svc->destinations, n_list) {
		if (test_bit(AAVS_DEST_OVERLOAD, &dest->flags))
			continue;
		weight = atomic_read(&dest->weight);
		if (!weight)
			continue;
		load = aavs_dest_overhead(dest);
		if (!least || load * min_weight < min_load * weight) {
			least = dest;
			min_load = load;
			min_weight = weight;
		}
	}
	return least;
}

static struct aavs_dest *aavs_wlc_schedule(struct aavs_service *svc,
					   const struct aavs_sched_pkt *pkt)
{
	return aavs_wlc_least(svc);
}

const struct aavs_sched_ops aavs_sched_wlc = {
	.name		= "wlc",
	.schedule	= aavs_wlc_schedule,
};
