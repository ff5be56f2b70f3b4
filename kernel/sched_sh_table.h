/* SPDX-License-Identifier: GPL-2.0 */
/*
 * aavs: source hashing (sh) table, bit-identical to ip_vs_sh with
 * CONFIG_IP_VS_SH_TAB_BITS=8, plus the order-independent "stable" table
 * selected by scheduler flag 3.
 *
 * Build (control path, caller holds its config lock and owns all memory):
 *	aavs_sh_build(t, members, n)	    - ip_vs_sh tiling, list order
 *	aavs_sh_build_stable(t, members, n, ws) - depends on the member set
 *					      and last_weight only
 * Build into a table that readers cannot see, then publish it.
 *
 * Lookup (data path, any context): fold = aavs_sched_fold(svc v6, addr) of
 * the hashed client address, port = host-order source port with sh-port,
 * else 0.  Each returns a member index or -1.
 */
#ifndef _AAVS_SCHED_SH_TABLE_H
#define _AAVS_SCHED_SH_TABLE_H

#include <linux/types.h>
#include <linux/hash.h>
#include "sched_hash.h"

#define AAVS_SH_TAB_BITS	8
#define AAVS_SH_TAB_SIZE	256	/* 1 << AAVS_SH_TAB_BITS */
#define AAVS_SH_TAB_MASK	(AAVS_SH_TAB_SIZE - 1)

struct aavs_sh_table {
	u16 slot[AAVS_SH_TAB_SIZE];
};

/* Bytes of scratch space aavs_sh_build_stable() needs for n members */
size_t aavs_sh_ws_size(unsigned int n);

/* ip_vs_sh_reassign(); uses ->weight.  0 or -EINVAL (too many members). */
int aavs_sh_build(struct aavs_sh_table *t,
		  const struct aavs_sched_member *m, unsigned int n);

/* Flag-3 table; uses identity and ->last_weight.  0 or -EINVAL. */
int aavs_sh_build_stable(struct aavs_sh_table *t,
			 const struct aavs_sched_member *m, unsigned int n,
			 void *ws);

/* ip_vs_sh_hashkey() */
static inline unsigned int aavs_sh_hashkey(u32 fold, u16 port,
					   unsigned int offset)
{
	return (offset + hash_32(port + fold, AAVS_SH_TAB_BITS)) &
	       AAVS_SH_TAB_MASK;
}

/* The hashed member, whatever its state (mid-stream packets) */
static inline int aavs_sh_hashed(const struct aavs_sh_table *t, u32 fold,
				 u16 port)
{
	u16 idx = t->slot[aavs_sh_hashkey(fold, port, 0)];

	return idx == AAVS_SCHED_NONE ? -1 : idx;
}

/* ip_vs_sh_get(): the hashed member if usable, else -1 */
static inline int aavs_sh_get(const struct aavs_sh_table *t, u32 fold,
			      u16 port, aavs_sched_usable_t usable,
			      const void *ctx)
{
	int idx = aavs_sh_hashed(t, fold, port);

	return (idx < 0 || !usable(ctx, idx)) ? -1 : idx;
}

/*
 * ip_vs_sh_get_fallback(): the hashed member if usable, else the first
 * usable one probing buckets (2 * ihash + k) & mask, k = 0, 1, ...; an
 * empty bucket ends the search.
 */
static inline int aavs_sh_get_fallback(const struct aavs_sh_table *t,
				       u32 fold, u16 port,
				       aavs_sched_usable_t usable,
				       const void *ctx)
{
	unsigned int ihash = aavs_sh_hashkey(fold, port, 0);
	unsigned int offset, roffset;
	u16 idx = t->slot[ihash];

	if (idx == AAVS_SCHED_NONE)
		return -1;
	if (usable(ctx, idx))
		return idx;

	for (offset = 0; offset < AAVS_SH_TAB_SIZE; offset++) {
		roffset = (offset + ihash) % AAVS_SH_TAB_SIZE;
		idx = t->slot[aavs_sh_hashkey(fold, port, roffset)];
		if (idx == AAVS_SCHED_NONE)
			break;
		if (usable(ctx, idx))
			return idx;
	}
	return -1;
}

#endif /* _AAVS_SCHED_SH_TABLE_H */
