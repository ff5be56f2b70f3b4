// SPDX-License-Identifier: GPL-2.0
/*
 * The sh/mh glue between a service and its tables.  Every dest change
 * rebuilds both tables (ip_vs's and flag 3's) from the dest list into a new
 * generation, published with one pointer swap; readers never see a table
 * half built.  A generation holds a reference on each dest it indexes, so a
 * dest picked from an old table is still alive for its reader.
 */
#include <linux/mm.h>
#include <linux/overflow.h>
#include <linux/slab.h>

#include "pernet.h"
#include "sched_digest.h"
#include "sched_hash_svc.h"

static void aavs_hstate_free(struct aavs_hstate *s)
{
	unsigned int i;

	for (i = 0; i < s->n; i++)
		aavs_dest_put(s->dest[i]);
	kvfree(s);
}

static void aavs_hstate_free_rcu(struct rcu_head *head)
{
	aavs_hstate_free(container_of(head, struct aavs_hstate, rcu));
}

static struct aavs_hstate *aavs_hstate_alloc(unsigned int n, size_t tab)
{
	size_t off = ALIGN(struct_size((struct aavs_hstate *)NULL, dest, n), 8);
	struct aavs_hstate *s;

	tab = ALIGN(tab, 8);
	s = kvzalloc(size_add(off, 2 * tab), GFP_KERNEL);
	if (!s)
		return NULL;
	s->table[0] = (char *)s + off;
	s->table[1] = (char *)s + off + tab;
	return s;
}

/* A dest as the table code sees it; the fold uses the service's family. */
static void aavs_hsched_member(const struct aavs_service *svc,
			       const struct aavs_dest *d,
			       struct aavs_sched_member *m)
{
	memset(m, 0, sizeof(*m));
	m->v6 = d->af == AF_INET6;
	if (m->v6)
		memcpy(m->addr, d->addr.ip6, sizeof(m->addr));
	else
		m->addr[0] = d->addr.ip;
	m->fold = aavs_sched_fold(svc->af == AF_INET6, d->addr.ip6);
	m->port = ntohs(d->port);
	m->weight = atomic_read(&d->weight);
	m->last_weight = atomic_read(&d->last_weight);
}

static struct aavs_hsched *aavs_hsched_of(struct aavs_service *svc)
{
	return svc->sched_data;
}

/* Caller holds the config mutex.  On failure the old tables stay. */
int aavs_hsched_rebuild(struct aavs_service *svc,
			const struct aavs_hsched_algo *algo)
{
	struct aavs_hsched *h = aavs_hsched_of(svc);
	struct aavs_sched_member *m = NULL;
	struct aavs_hstate *s, *old;
	struct aavs_dest *d;
	unsigned int n = 0, i = 0;
	void *ws = NULL;
	int ret = -ENOMEM;

	list_for_each_entry(d, &svc->destinations, n_list)
		n++;
	if (n > AAVS_SCHED_MAX_MEMBERS)
		return -EINVAL;

	s = aavs_hstate_alloc(n, algo->table_size);
	if (!s)
		return -ENOMEM;
	if (n) {
		m = kvcalloc(n, sizeof(*m), GFP_KERNEL);
		ws = kvmalloc(algo->ws_size(n), GFP_KERNEL);
		if (!m || !ws)
			goto out;
	}
	list_for_each_entry(d, &svc->destinations, n_list) {
		aavs_hsched_member(svc, d, &m[i]);
		s->dest[i++] = d;
	}

	ret = algo->build(s->table[0], m, n, false, ws);
	if (!ret)
		ret = algo->build(s->table[1], m, n, true, ws);
	if (ret)
		goto out;
	for (i = 0; i < 2; i++)
		s->digest[i] = aavs_digest_table(s->table[i], algo->nslots, m);

	for (i = 0; i < n; i++)
		aavs_dest_hold(s->dest[i]);
	s->n = n;
	old = rcu_replace_pointer(h->cur, s,
				  lockdep_is_held(&svc->an->config_mutex));
	if (old)
		call_rcu(&old->rcu, aavs_hstate_free_rcu);
	s = NULL;
out:
	kvfree(ws);
	kvfree(m);
	kvfree(s);
	return ret;
}

bool aavs_hsched_digest(struct aavs_service *svc,
			const struct aavs_hsched_algo *algo, u64 *digest)
{
	const struct aavs_hstate *s = aavs_hsched_state(svc);
	u32 flags = READ_ONCE(svc->flags);

	if (!s)
		return false;
	*digest = aavs_digest_finish(s->digest[!!(flags & IP_VS_SVC_F_SCHED3)],
				     algo->name, flags);
	return true;
}

int aavs_hsched_init(struct aavs_service *svc,
		     const struct aavs_hsched_algo *algo)
{
	struct aavs_hsched *h = kzalloc(sizeof(*h), GFP_KERNEL);
	int ret;

	if (!h)
		return -ENOMEM;
	WRITE_ONCE(svc->sched_data, h);
	ret = aavs_hsched_rebuild(svc, algo);
	if (ret) {
		WRITE_ONCE(svc->sched_data, NULL);
		kfree(h);
	}
	return ret;
}

/* Readers that still hold the old pointers finish before anything goes. */
void aavs_hsched_done(struct aavs_service *svc)
{
	struct aavs_hsched *h = aavs_hsched_of(svc);
	struct aavs_hstate *s;

	if (!h)
		return;
	s = rcu_replace_pointer(h->cur, NULL,
				lockdep_is_held(&svc->an->config_mutex));
	if (s)
		call_rcu(&s->rcu, aavs_hstate_free_rcu);
	WRITE_ONCE(svc->sched_data, NULL);
	kfree_rcu(h, rcu);
}
