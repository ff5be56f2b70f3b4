// SPDX-License-Identifier: GPL-2.0
/*
 * aavs: source hashing tables.
 *
 * aavs_sh_build() reproduces the ip_vs_sh tiling.  aavs_sh_build_stable()
 * is aavs's own flag-3 table: each member gets a quota of the 256 buckets
 * proportional to its last_weight (largest remainder), and buckets and
 * members are matched by rendezvous scores under those quotas: every
 * bucket goes to the member it scores highest, unless that member is full
 * of buckets it scores higher (deferred acceptance; with one score per
 * pair the result is unique).  It depends only on the set of (identity,
 * last_weight) pairs, and a change of the set moves few buckets besides
 * those of the member that came or went.
 */

#include <linux/types.h>
#include <linux/errno.h>
#include <linux/math64.h>
#include <linux/siphash.h>
#include <linux/string.h>
#include "sched_sh_table.h"

/* Fixed key: every director must build the same stable table. */
#define AAVS_SH_KEY_A	0x61617673UL
#define AAVS_SH_KEY_B	0x2d736831UL

/* Above every preference value (those use 48 bits) */
#define AAVS_SH_ABOVE_ALL	(~0ULL)

struct aavs_sh_ent {
	u64 rem;	/* remainder of the quota division */
	u32 quota;	/* buckets it may own */
	u32 held;	/* buckets it owns so far */
	u32 key;	/* identity hash, seeds its scores */
	u16 idx;	/* member index */
};

/* Scratch space: per bucket, the best pair it may still propose to and
 * the stack of buckets without a member; then the members and the sort.
 */
struct aavs_sh_ws {
	u64 below[AAVS_SH_TAB_SIZE];
	u16 free[AAVS_SH_TAB_SIZE];
	struct aavs_sh_ent e[];
};

size_t aavs_sh_ws_size(unsigned int n)
{
	return sizeof(struct aavs_sh_ws) +
	       (size_t)n * (sizeof(struct aavs_sh_ent) + sizeof(u16));
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
static u32 aavs_sh_ident_hash(const struct aavs_sched_member *m)
{
	const hsiphash_key_t k = {{ AAVS_SH_KEY_A, AAVS_SH_KEY_B }};
	u8 buf[20];

	memcpy(buf, m->addr, 16);
	buf[16] = m->port >> 8;
	buf[17] = m->port & 0xff;
	buf[18] = m->v6;
	buf[19] = 0;
	return hsiphash(buf, sizeof(buf), &k);
}

/* Rendezvous score of (member, bucket): a 32-bit finaliser of both */
static u32 aavs_sh_score(const struct aavs_sh_ent *e, unsigned int b)
{
	u32 x = e->key ^ (b * 0x9e3779b1U);

	x ^= x >> 16;
	x *= 0x85ebca6bU;
	x ^= x >> 13;
	x *= 0xc2b2ae35U;
	x ^= x >> 16;
	return x;
}

/* A bucket's order on members (ties: the earlier one in canonical order) */
static u64 aavs_sh_bucket_pref(const struct aavs_sh_ent *e, unsigned int pos,
			       unsigned int b)
{
	return ((u64)aavs_sh_score(&e[pos], b) << 16) | (0xffff - pos);
}

/* A member's order on buckets (ties: the lower bucket) */
static u64 aavs_sh_member_pref(const struct aavs_sh_ent *e, unsigned int b)
{
	return ((u64)aavs_sh_score(e, b) << 16) | (0xffff - b);
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

/* The member bucket b prefers most among those it has not tried yet */
static int aavs_sh_next_choice(const struct aavs_sh_ent *e, unsigned int cnt,
			       unsigned int b, u64 below, u64 *pref)
{
	unsigned int i;
	int best = -1;
	u64 k;

	for (i = 0; i < cnt; i++) {
		k = aavs_sh_bucket_pref(e, i, b);
		if (k < below && (best < 0 || k > *pref)) {
			best = i;
			*pref = k;
		}
	}
	return best;
}

/* The bucket member pos likes least among those it holds */
static unsigned int aavs_sh_worst_held(const struct aavs_sh_table *t,
				       const struct aavs_sh_ent *e,
				       unsigned int pos)
{
	unsigned int b, worst = 0;
	u64 k, worst_k = AAVS_SH_ABOVE_ALL;

	for (b = 0; b < AAVS_SH_TAB_SIZE; b++) {
		if (t->slot[b] != pos)
			continue;
		k = aavs_sh_member_pref(&e[pos], b);
		if (k < worst_k) {
			worst = b;
			worst_k = k;
		}
	}
	return worst;
}

/* Deferred acceptance, buckets proposing; slots hold positions in e[] */
static void aavs_sh_match(struct aavs_sh_table *t, struct aavs_sh_ws *w,
			  unsigned int cnt)
{
	struct aavs_sh_ent *e = w->e;
	unsigned int b, sp = 0, worst;
	u64 pref = 0;
	int pos;

	for (b = 0; b < AAVS_SH_TAB_SIZE; b++) {
		w->below[b] = AAVS_SH_ABOVE_ALL;
		w->free[sp++] = b;
	}
	while (sp) {
		b = w->free[--sp];
		pos = aavs_sh_next_choice(e, cnt, b, w->below[b], &pref);
		/* cannot fail: quotas sum to the table size and a member
		 * with room never refused anyone
		 */
		if (pos < 0)
			continue;
		w->below[b] = pref;
		if (e[pos].held < e[pos].quota) {
			t->slot[b] = pos;
			e[pos].held++;
			continue;
		}
		worst = aavs_sh_worst_held(t, e, pos);
		if (aavs_sh_member_pref(&e[pos], b) >
		    aavs_sh_member_pref(&e[pos], worst)) {
			t->slot[worst] = AAVS_SCHED_NONE;
			w->free[sp++] = worst;
			t->slot[b] = pos;
		} else {
			w->free[sp++] = b;
		}
	}
}

int aavs_sh_build_stable(struct aavs_sh_table *t,
			 const struct aavs_sched_member *m, unsigned int n,
			 void *ws)
{
	struct aavs_sh_ws *w = ws;
	struct aavs_sh_ent *e = w->e;
	u16 *order = (u16 *)(e + n);
	unsigned int i, b, cnt = 0, kept = 0;
	u64 total = 0;

	if (n > AAVS_SCHED_MAX_MEMBERS)
		return -EINVAL;

	memset(t->slot, 0xff, sizeof(t->slot));
	aavs_sched_sort(order, m, n);
	for (i = 0; i < n; i++) {
		const struct aavs_sched_member *d = &m[order[i]];

		if (d->last_weight <= 0)
			continue;
		e[cnt].idx = order[i];
		e[cnt].key = aavs_sh_ident_hash(d);
		e[cnt].held = 0;
		total += d->last_weight;
		cnt++;
	}
	if (!cnt)
		return 0;

	aavs_sh_quotas(e, cnt, m, total);
	/* only members with a quota take part (at most 256 of them) */
	for (i = 0; i < cnt; i++)
		if (e[i].quota)
			e[kept++] = e[i];

	aavs_sh_match(t, w, kept);
	for (b = 0; b < AAVS_SH_TAB_SIZE; b++)
		t->slot[b] = e[t->slot[b]].idx;
	return 0;
}
