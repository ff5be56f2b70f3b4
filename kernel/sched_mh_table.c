// SPDX-License-Identifier: GPL-2.0
/*
 * aavs: Maglev hashing table (Eisenbud et al., NSDI 2016, section 3.4), as
 * ip_vs_mh builds it: permutation from the destination's address and port,
 * turns from last_weight scaled by gcd and a right shift, members claiming
 * their turns in order until all M slots are taken.
 */

#include <linux/types.h>
#include <linux/errno.h>
#include <linux/bitops.h>
#include <linux/gcd.h>
#include <linux/string.h>
#include "sched_mh_table.h"

struct aavs_mh_setup {
	u32 offset;	/* first preferred slot */
	u32 skip;	/* 1 .. M-1 */
	u32 perm;	/* next preferred slot */
	int turns;	/* slots claimed per round */
	u16 idx;	/* member index */
};

size_t aavs_mh_ws_size(unsigned int n)
{
	return (size_t)n * (sizeof(struct aavs_mh_setup) + sizeof(u16));
}

static int aavs_mh_gcd(const struct aavs_sched_member *m, unsigned int n)
{
	unsigned int i;
	int g = 0;

	for (i = 0; i < n; i++) {
		if (m[i].last_weight <= 0)
			continue;
		g = g > 0 ? (int)gcd(m[i].last_weight, g) : m[i].last_weight;
	}
	return g;
}

static int aavs_mh_rshift(const struct aavs_sched_member *m, unsigned int n,
			  int g)
{
	unsigned int i;
	int maxw = 0, shift;

	if (g < 1)
		return 0;
	for (i = 0; i < n; i++)
		if (m[i].last_weight > maxw)
			maxw = m[i].last_weight;
	shift = fls(maxw / g) - AAVS_MH_TAB_BITS;
	return shift > 0 ? shift : 0;
}

static void aavs_mh_populate(struct aavs_mh_table *t,
			     struct aavs_mh_setup *ds, unsigned int n)
{
	unsigned int pos = 0, filled = 0;
	int dt_count = 0;
	u32 c;

	for (;;) {
		struct aavs_mh_setup *d = &ds[pos];

		/* members added with weight 0 take no slot */
		if (d->turns < 1) {
			if (++pos == n)
				pos = 0;
			continue;
		}

		c = d->perm;
		while (t->slot[c] != AAVS_SCHED_NONE) {
			d->perm += d->skip;
			if (d->perm >= AAVS_MH_TAB_SIZE)
				d->perm -= AAVS_MH_TAB_SIZE;
			c = d->perm;
		}
		t->slot[c] = d->idx;
		if (++filled == AAVS_MH_TAB_SIZE)
			return;

		if (++dt_count >= d->turns) {
			dt_count = 0;
			if (++pos == n)
				pos = 0;
		}
	}
}

int aavs_mh_build(struct aavs_mh_table *t,
		  const struct aavs_sched_member *m, unsigned int n,
		  bool stable, void *ws)
{
	struct aavs_mh_setup *ds = ws;
	u16 *order = (u16 *)(ds + n);
	unsigned int i;
	int g, rshift, lw;

	if (n > AAVS_MH_TAB_SIZE)
		return -EINVAL;

	memset(t->slot, 0xff, sizeof(t->slot));
	g = aavs_mh_gcd(m, n);
	if (g < 1)
		return 0;
	rshift = aavs_mh_rshift(m, n, g);

	if (stable) {
		aavs_sched_sort(order, m, n);
	} else {
		for (i = 0; i < n; i++)
			order[i] = i;
	}

	for (i = 0; i < n; i++) {
		const struct aavs_sched_member *d = &m[order[i]];

		ds[i].idx = order[i];
		ds[i].offset = aavs_mh_hashkey(d->fold, d->port, 1, 0) %
			       AAVS_MH_TAB_SIZE;
		ds[i].skip = aavs_mh_hashkey(d->fold, d->port, 2, 0) %
			     (AAVS_MH_TAB_SIZE - 1) + 1;
		ds[i].perm = ds[i].offset;
		lw = d->last_weight;
		ds[i].turns = ((lw / g) >> rshift) ? : (lw != 0);
	}

	aavs_mh_populate(t, ds, n);
	return 0;
}
