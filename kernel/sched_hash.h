/* SPDX-License-Identifier: GPL-2.0 */
/*
 * aavs: pieces shared by the SH and MH table code.
 *
 * A scheduler describes its destinations to the table code as an array of
 * struct aavs_sched_member, in the service's destination-list order.  The
 * tables hold u16 indices into that array (AAVS_SCHED_NONE for an empty
 * slot).  Nothing here allocates, sleeps or knows about sk_buff, RCU or
 * struct ip_vs_dest, so the same code is built into the userspace tests.
 */
#ifndef _AAVS_SCHED_HASH_H
#define _AAVS_SCHED_HASH_H

#include <linux/types.h>
#include <linux/string.h>
#include <asm/byteorder.h>

/* Table slot without a destination */
#define AAVS_SCHED_NONE		0xffff

/* Largest number of members a table can index */
#define AAVS_SCHED_MAX_MEMBERS	0xfffe

/**
 * struct aavs_sched_member - one destination, as seen by the table code
 * @addr: destination address, network order; IPv4 in addr[0], rest zero
 * @fold: hash input of the address, host order: aavs_sched_fold() computed
 *	with the *service's* address family (as ip_vs does)
 * @port: destination port, host order
 * @v6: the destination address is IPv6 (identity only, not hashed)
 * @weight: current weight (>= 0)
 * @last_weight: last non-zero weight, or 0 if added with weight 0
 *
 * The identity of a member (stable tables) is (@v6, @addr, @port).
 */
struct aavs_sched_member {
	__be32 addr[4];
	u32 fold;
	u16 port;
	bool v6;
	int weight;
	int last_weight;
};

/**
 * aavs_sched_usable_t - caller's availability test for a member index
 *
 * ip_vs calls a destination unavailable when its weight is <= 0 or it is
 * overloaded.  The lookups below call this only on the fallback path and to
 * filter the hashed member; it must not sleep.
 */
typedef bool (*aavs_sched_usable_t)(const void *ctx, unsigned int idx);

/**
 * aavs_sched_fold() - the address hash input used by ip_vs sh and mh
 * @v6: the service is IPv6
 * @addr: address words in network order
 *
 * IPv4: the address; IPv6: XOR of the four words.  Returns host order.
 */
static inline u32 aavs_sched_fold(bool v6, const __be32 *addr)
{
	__be32 f = addr[0];

	if (v6)
		f = addr[0] ^ addr[1] ^ addr[2] ^ addr[3];
	return ntohl(f);
}

/* Total order on member identity: family, address bytes, port */
static inline int aavs_sched_cmp(const struct aavs_sched_member *a,
				 const struct aavs_sched_member *b)
{
	int r;

	if (a->v6 != b->v6)
		return a->v6 ? 1 : -1;
	r = memcmp(a->addr, b->addr, sizeof(a->addr));
	if (r)
		return r;
	if (a->port != b->port)
		return a->port < b->port ? -1 : 1;
	return 0;
}

static inline bool aavs_sched_before(const struct aavs_sched_member *m,
				     u16 x, u16 y)
{
	int r = aavs_sched_cmp(&m[x], &m[y]);

	/* Equal identities cannot exist in one service; keep it total. */
	return r ? r < 0 : x < y;
}

static inline void aavs_sched_sift(u16 *order,
				   const struct aavs_sched_member *m,
				   unsigned int root, unsigned int end)
{
	unsigned int child;
	u16 tmp;

	while ((child = 2 * root + 1) < end) {
		if (child + 1 < end &&
		    aavs_sched_before(m, order[child], order[child + 1]))
			child++;
		if (!aavs_sched_before(m, order[root], order[child]))
			return;
		tmp = order[root];
		order[root] = order[child];
		order[child] = tmp;
		root = child;
	}
}

/**
 * aavs_sched_sort() - canonical order of members (heapsort, no allocation)
 * @order: out, n member indices sorted by identity
 * @m: members
 * @n: number of members (<= AAVS_SCHED_MAX_MEMBERS)
 */
static inline void aavs_sched_sort(u16 *order,
				   const struct aavs_sched_member *m,
				   unsigned int n)
{
	unsigned int i;
	u16 tmp;

	for (i = 0; i < n; i++)
		order[i] = i;
	for (i = n / 2; i-- > 0;)
		aavs_sched_sift(order, m, i, n);
	for (i = n; i-- > 1;) {
		tmp = order[0];
		order[0] = order[i];
		order[i] = tmp;
		aavs_sched_sift(order, m, 0, i);
	}
}

#endif /* _AAVS_SCHED_HASH_H */
