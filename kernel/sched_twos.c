// SPDX-License-Identifier: GPL-2.0
/*
 * Power of two choices ("twos"): two dests drawn at random in proportion
 * to their weights, and of the two the one with the smaller overhead /
 * weight, as ip_vs_twos picks them.  The first draw wins ties, and both
 * draws may pick the same dest.
 */
#include <linux/random.h>

#include "dest.h"
#include "sched.h"
#include "service.h"

static bool aavs_twos_usable(const struct aavs_dest *dest, u32 *weight)
{
	if (test_bit(AAVS_DEST_OVERLOAD, &dest->flags))
		return false;
	*weight = max(atomic_read(&dest->weight), 0);
	return *weight > 0;
}

/*
 * A draw in [0, total], both ends included as in ip_vs (so the first
 * usable dest has one chance more than its weight).
 */
static u64 aavs_twos_draw(u64 total)
{
	if (total < U32_MAX)
		return get_random_u32_below(total + 1);
	return get_random_u64() % (total + 1);
}

static struct aavs_dest *aavs_twos_schedule(struct aavs_service *svc,
					    const struct aavs_sched_pkt *pkt)
{
	struct aavs_dest *dest, *last = NULL, *pick[2] = {};
	u64 total = 0, overhead[2] = {};
	u32 weight, pick_weight[2] = {};
	s64 draw[2];
	int i;

	list_for_each_entry_rcu(dest, &svc->destinations, n_list) {
		if (aavs_twos_usable(dest, &weight)) {
			total += weight;
			last = dest;
		}
	}
	if (!last)
		return NULL;
	draw[0] = aavs_twos_draw(total);
	draw[1] = aavs_twos_draw(total);

	list_for_each_entry_rcu(dest, &svc->destinations, n_list) {
		if (!aavs_twos_usable(dest, &weight))
			continue;
		for (i = 0; i < 2; i++) {
			draw[i] -= weight;
			if (draw[i] <= 0 && !pick[i]) {
				pick[i] = dest;
				pick_weight[i] = weight;
				overhead[i] = aavs_dest_overhead(dest);
			}
		}
		if (pick[0] && pick[1])
			break;
	}
	/* Weights lowered between the walks: ip_vs keeps the last usable. */
	if (!pick[0])
		return last;
	if (pick[1] &&
	    (u64)pick_weight[1] * overhead[0] > (u64)pick_weight[0] * overhead[1])
		return pick[1];
	return pick[0];
}

const struct aavs_sched_ops aavs_sched_twos = {
	.name		= "twos",
	.schedule	= aavs_twos_schedule,
};
