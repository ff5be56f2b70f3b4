/* SPDX-License-Identifier: GPL-2.0 */
/*
 * aavs: destination hashing (dh) table, bit-identical to ip_vs_dh with
 * CONFIG_IP_VS_DH_TAB_BITS=8: 256 buckets dealt one each to the members
 * in dest-list order, over and over, whatever their weights.
 *
 * Build (control path, into a table readers cannot see yet):
 *	aavs_dh_build(t, n)
 * Lookup (data path, any context): fold = aavs_sched_fold(svc v6, addr)
 * of the packet's destination address; returns a member index or -1.
 */
#ifndef _AAVS_SCHED_DH_TABLE_H
#define _AAVS_SCHED_DH_TABLE_H

#include <linux/types.h>
#include <linux/hash.h>
#include "sched_hash.h"

#define AAVS_DH_TAB_BITS	8
#define AAVS_DH_TAB_SIZE	256	/* 1 << AAVS_DH_TAB_BITS */

struct aavs_dh_table {
	u16 slot[AAVS_DH_TAB_SIZE];
};

/* ip_vs_dh_reassign(); 0 or -EINVAL (too many members). */
int aavs_dh_build(struct aavs_dh_table *t, unsigned int n);

/* ip_vs_dh_hashkey() */
static inline unsigned int aavs_dh_hashkey(u32 fold)
{
	return hash_32(fold, AAVS_DH_TAB_BITS);
}

/* The hashed member, whatever its state */
static inline int aavs_dh_hashed(const struct aavs_dh_table *t, u32 fold)
{
	u16 idx = t->slot[aavs_dh_hashkey(fold)];

	return idx == AAVS_SCHED_NONE ? -1 : idx;
}

/* ip_vs_dh_schedule(): the hashed member if usable, else -1 (no probing) */
static inline int aavs_dh_get(const struct aavs_dh_table *t, u32 fold,
			      aavs_sched_usable_t usable, const void *ctx)
{
	int idx = aavs_dh_hashed(t, fold);

	return (idx < 0 || !usable(ctx, idx)) ? -1 : idx;
}

#endif /* _AAVS_SCHED_DH_TABLE_H */
