// SPDX-License-Identifier: GPL-2.0
/*
 * Weighted failover ("fo"), as ip_vs_fo picks: every new flow goes to the
 * usable dest with the highest weight, the first in list order on ties.
 * Lowering that weight (or pausing it) fails over to the next one.
 */
#include "dest.h"
#include "sched.h"
#include "service.h"

static struct aavs_dest *aavs_fo_schedule(struct aavs_service *svc,
					  const struct aavs_sched_pkt *pkt)
{
	struct aavs_dest *dest, *best = NULL;
	int weight, max = 0;

	list_for_each_entry_rcu(dest, &svc->destinations, n_list) {
		if (test_bit(AAVS_DEST_OVERLOAD, &dest->flags))
			continue;
		weight = atomic_read(&dest->weight);
		/* strictly above: weight 0 never wins, ties stay first */
		if (weight > max) {
			best = dest;
			max = weight;
		}
	}
	return best;
}

const struct aavs_sched_ops aavs_sched_fo = {
	.name		= "fo",
	.schedule	= aavs_fo_schedule,
};
