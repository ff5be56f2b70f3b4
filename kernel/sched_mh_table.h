/* SPDX-License-Identifier: GPL-2.0 */
/*
 * aavs: Maglev hashing (mh) table, bit-identical to ip_vs_mh with
 * CONFIG_IP_VS_MH_TAB_INDEX=12 (M = 4093) on 64-bit kernels, plus the
 * order-independent "stable" variant selected by scheduler flag 3 (the same
 * algorithm, populated in canonical identity order).
 *
 * Build (control path, caller owns all memory, including the scratch space
 * of aavs_mh_ws_size(n) bytes):
 *	aavs_mh_build(t, members, n, stable, ws)
 * Build into a table that readers cannot see, then publish it.
 *
 * Lookup (data path): as for sh; each returns a member index or -1.
 */
#ifndef _AAVS_SCHED_MH_TABLE_H
#define _AAVS_SCHED_MH_TABLE_H

#include <linux/types.h>
#include <linux/siphash.h>
#include "sched_hash.h"

#define AAVS_MH_TAB_SIZE	4093
#define AAVS_MH_TAB_BITS	6	/* weight scaling, CONFIG_..._INDEX / 2 */

/* ip_vs_mh's fixed hash keys (generate_hash_secret) */
#define AAVS_MH_KEY1		2654435761UL
#define AAVS_MH_KEY2		2654446892UL

struct aavs_mh_table {
	u16 slot[AAVS_MH_TAB_SIZE];
};

/* Bytes of scratch space aavs_mh_build() needs for n members */
size_t aavs_mh_ws_size(unsigned int n);

/*
 * ip_vs_mh_reassign() with gcd/rshift recomputed from ->last_weight.  With
 * @stable, members take their turns in identity order instead of list
 * order.  0, or -EINVAL when n > AAVS_MH_TAB_SIZE (table left unchanged).
 */
int aavs_mh_build(struct aavs_mh_table *t,
		  const struct aavs_sched_member *m, unsigned int n,
		  bool stable, void *ws);

/* ip_vs_mh_hashkey() with hsiphash key number 1 or 2 */
static inline u32 aavs_mh_hashkey(u32 fold, u16 port, int keyno,
				  unsigned int offset)
{
	const hsiphash_key_t k1 = {{ AAVS_MH_KEY1, AAVS_MH_KEY1 }};
	const hsiphash_key_t k2 = {{ AAVS_MH_KEY2, AAVS_MH_KEY2 }};
	u32 v = offset + port + fold;

	return hsiphash(&v, sizeof(v), keyno == 2 ? &k2 : &k1);
}

/* The hashed member, whatever its state (mid-stream packets) */
static inline int aavs_mh_hashed(const struct aavs_mh_table *t, u32 fold,
				 u16 port)
{
	u16 idx = t->slot[aavs_mh_hashkey(fold, port, 1, 0) %
			  AAVS_MH_TAB_SIZE];

	return idx == AAVS_SCHED_NONE ? -1 : idx;
}

/* ip_vs_mh_get(): the hashed member if usable, else -1 */
static inline int aavs_mh_get(const struct aavs_mh_table *t, u32 fold,
			      u16 port, aavs_sched_usable_t usable,
			      const void *ctx)
{
	int idx = aavs_mh_hashed(t, fold, port);

	return (idx < 0 || !usable(ctx, idx)) ? -1 : idx;
}

/*
 * ip_vs_mh_get_fallback(): the hashed member if usable, else re-hash with
 * offsets ihash, ihash + 1, ... (mod M) until a usable member; an empty
 * slot ends the search.
 */
static inline int aavs_mh_get_fallback(const struct aavs_mh_table *t,
				       u32 fold, u16 port,
				       aavs_sched_usable_t usable,
				       const void *ctx)
{
	unsigned int ihash = aavs_mh_hashkey(fold, port, 1, 0) %
			     AAVS_MH_TAB_SIZE;
	unsigned int offset, roffset, hash;
	u16 idx = t->slot[ihash];

	if (idx == AAVS_SCHED_NONE)
		return -1;
	if (usable(ctx, idx))
		return idx;

	for (offset = 0; offset < AAVS_MH_TAB_SIZE; offset++) {
		roffset = (offset + ihash) % AAVS_MH_TAB_SIZE;
		hash = aavs_mh_hashkey(fold, port, 1, roffset) %
		       AAVS_MH_TAB_SIZE;
		idx = t->slot[hash];
		if (idx == AAVS_SCHED_NONE)
			break;
		if (usable(ctx, idx))
			return idx;
	}
	return -1;
}

#endif /* _AAVS_SCHED_MH_TABLE_H */
