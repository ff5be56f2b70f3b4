// SPDX-License-Identifier: GPL-2.0
/*
 * aavs: source hashing tables.
 *
 * aavs_sh_build() reproduces the ip_vs_sh tiling.  aavs_sh_build_stable()
 * is aavs's own flag-3 table: Maglev-style preference lists over the 256
 * buckets, filled in the canonical (identity-sorted) member order, with
 * bucket quotas proportional to last_weight.  Its output depends only on
 * the set of (identity, last_weight) pairs.
 */

#include <linux/types.h>
#include <linux/errno.h>
#include <linux/math64.h>
#include <linux/siphash.h>
#include <linux/string.h>
#include "sched_sh_table.h"

/* Fixed keys: every director must build the same stable table. */
#define AAVS_SH_KEY_A	0x61617673UL
#define AAVS_SH_KEY_B	0x2d736831UL
#define AAVS_SH_KEY_C	0x2d736832UL

struct aavs_sh_ent {
	u64 rem;	/* remainder of the quota division */
	u32 quota;	/* buckets still to claim */
	u16 idx;	/* member index */
	u16 next;	/* rank of the next preferred bucket */
	u8 add, mul1, mul2;	/* this member's preference order */
};

size_t aavs_sh_ws_size(unsigned int n)
{
	return (size_t)n * (sizeof(struct aavs_sh_ent) + sizeof(u16));
}

int aavs_sh_build(struct aavs_sh_table *t,
		  const struct aavs_sched_member *m, unsigned int n)
{
	unsigned int i, p = 0;
	int d_count = 0;

	if (n > AAVS_SCHED_MAX_MEMBERS)
		return -EINVAL;

	for (i = 0; i < AAVS_SH_TAB_SIZE; i++) {
		if (!n) {
			t->slot[i] = AAVS_SCHED_NONE;
			continue;
		}
		t->slot[i] = p;
		/* a weight-0 member still takes one bucket per cycle */
		if (++d_count >= m[p].weight) {
			d_count = 0;
			if (++p == n)
				p = 0;
		}
	}
	return 0;
}

/* Identity bytes, laid out the same way on every architecture */
static void aavs_sh_ident_hash(const struct aavs_sched_member *m,
			       u32 *h1, u32 *h2)
{
	const hsiphash_key_t k1 = {{ AAVS_SH_KEY_A, AAVS_SH_KEY_B }};
	const hsiphash_key_t k2 = {{ AAVS_SH_KEY_A, AAVS_SH_KEY_C }};
	u8 buf[20];

	memcpy(buf, m->addr, 16);
	buf[16] = m->port >> 8;
	buf[17] = m->port & 0xff;
	buf[18] = m->v6;
	buf[19] = 0;
	*h1 = hsiphash(buf, sizeof(buf), &k1);
	*h2 = hsiphash(buf, sizeof(buf), &k2);
}

/*
 * The member's rank-th preferred bucket: a bijection of the 256 ranks
 * (odd multipliers and xorshifts are invertible mod 256) that scatters a
 * member's buckets over the table, so that fallback's linear probing from
 * an unavailable bucket soon meets other members.
 */
static unsigned int aavs_sh_pref(const struct aavs_sh_ent *e,
				 unsigned int rank)
{
	unsigned int x = (rank * e->mul1 + e->add) & AAVS_SH_TAB_MASK;

	x ^= x >> 5;
	x = (x * e->mul2) & AAVS_SH_TAB_MASK;
	x ^= x >> 3;
	return x;
}

/* Largest-remainder quotas summing to AAVS_SH_TAB_SIZE */
static void aavs_sh_quotas(struct aavs_sh_ent *e, unsigned int cnt,
			   const struct aavs_sched_member *m, u64 total)
{
	unsigned int i, best, left = AAVS_SH_TAB_SIZE;
	u64 share;

	for (i = 0; i < cnt; i++) {
		share = (u64)AAVS_SH_TAB_SIZE * m[e[i].idx].last_weight;
		e[i].quota = div64_u64(share, total);
		e[i].rem = share - (u64)e[i].quota * total;
		left -= e[i].quota;
	}
	/* ties go to the earlier member in canonical order */
	while (left--) {
		best = 0;
		for (i = 1; i < cnt; i++)
			if (e[i].rem > e[best].rem)
				best = i;
		e[best].quota++;
		e[best].rem = 0;
	}
}

int aavs_sh_build_stable(struct aavs_sh_table *t,
			 const struct aavs_sched_member *m, unsigned int n,
			 void *ws)
{
	struct aavs_sh_ent *e = ws;
	u16 *order = (u16 *)(e + n);
	unsigned int i, cnt = 0, filled = 0;
	u64 total = 0;
	unsigned int c;
	u32 h1, h2;

	if (n > AAVS_SCHED_MAX_MEMBERS)
		return -EINVAL;

	memset(t->slot, 0xff, sizeof(t->slot));
	aavs_sched_sort(order, m, n);
	for (i = 0; i < n; i++) {
		const struct aavs_sched_member *d = &m[order[i]];

		if (d->last_weight <= 0)
			continue;
		aavs_sh_ident_hash(d, &h1, &h2);
		e[cnt].idx = order[i];
		e[cnt].next = 0;
		e[cnt].add = (u8)h1;
		e[cnt].mul1 = (u8)(h1 >> 8) | 1;
		e[cnt].mul2 = (u8)h2 | 1;
		total += d->last_weight;
		cnt++;
	}
	if (!cnt)
		return 0;

	aavs_sh_quotas(e, cnt, m, total);

	while (filled < AAVS_SH_TAB_SIZE) {
		for (i = 0; i < cnt && filled < AAVS_SH_TAB_SIZE; i++) {
			if (!e[i].quota)
				continue;
			do
				c = aavs_sh_pref(&e[i], e[i].next++);
			while (t->slot[c] != AAVS_SCHED_NONE);
			t->slot[c] = e[i].idx;
			e[i].quota--;
			filled++;
		}
	}
	return 0;
}
