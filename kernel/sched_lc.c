// SPDX-License-Identifier: GPL-2.0
/*
 * Least connections: the usable dest with the smallest load (an active
 * connection weighs 256 inactive ones); the first such dest wins ties.
 */
#include "dest.h"
#include "sched.h"
#include "service.h"

static struct aavs_dest *aavs_lc_schedule(struct aavs_service *svc,
					  const struct aavs_sched_pkt *pkt)
{
	struct aavs_dest *dest, *least = NULL;
	unsigned int load, min = 0;

	list_for_each_entry_rcu(dest, &svc->destinations, n_list) {
		if (test_bit(AAVS_DEST_OVERLOAD, &dest->flags) ||
		    atomic_read(&dest->weight) == 0)
			continue;
		load = aavs_dest_overhead(dest);
		if (!least || load < min) {
			least = dest;
			min = load;
		}
	}
	return least;
}

const struct aavs_sched_ops aavs_sched_lc = {
	.name		= "lc",
	.schedule	= aavs_lc_schedule,
};
