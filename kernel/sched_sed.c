// SPDX-License-Identifier: GPL-2.0
/*
 * Shortest expected delay ("sed"): the usable dest with the smallest
 * (active connections + 1) / weight, as ip_vs_sed picks it.  Inactive
 * connections do not count; the first such dest in list order wins ties.
 */
#include "dest.h"
#include "sched.h"
#include "service.h"

/* The "+ 1": the connection being scheduled, so idle dests still differ. */
static u64 aavs_sed_overhead(const struct aavs_dest *dest)
{
	return (u64)atomic_read(&dest->activeconns) + 1;
}

static struct aavs_dest *aavs_sed_schedule(struct aavs_service *svc,
					   const struct aavs_sched_pkt *pkt)
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
		load = aavs_sed_overhead(dest);
		/* cross-multiplied to stay in integers; strict: ties stay */
		if (!least || min_load * weight > load * min_weight) {
			least = dest;
			min_load = load;
			min_weight = weight;
		}
	}
	return least;
}

const struct aavs_sched_ops aavs_sched_sed = {
	.name		= "sed",
	.schedule	= aavs_sed_schedule,
};
