// SPDX-License-Identifier: GPL-2.0
/*
 * Overflow ("ovf"), as ip_vs_ovf picks: the dest with the highest weight
 * (the first in list order on ties) among those whose active connections
 * do not exceed their weight, so the weight acts as a connection limit
 * and flows overflow to the next dest once it is passed.
 */
#include "dest.h"
#include "sched.h"
#include "service.h"

static struct aavs_dest *aavs_ovf_schedule(struct aavs_service *svc,
					   const struct aavs_sched_pkt *pkt)
{
	struct aavs_dest *dest, *best = NULL;
	int weight, max = 0;

	list_for_each_entry_rcu(dest, &svc->destinations, n_list) {
		if (test_bit(AAVS_DEST_OVERLOAD, &dest->flags))
			continue;
		weight = atomic_read(&dest->weight);
		/* equal is still room: ip_vs skips only "more than weight" */
		if (!weight || atomic_read(&dest->activeconns) > weight)
			continue;
		if (weight > max) {
			best = dest;
			max = weight;
		}
	}
	return best;
}

const struct aavs_sched_ops aavs_sched_ovf = {
	.name		= "ovf",
	.schedule	= aavs_ovf_schedule,
};
