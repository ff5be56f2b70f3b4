// SPDX-License-Identifier: GPL-2.0
/*
 * The virtual service tables of a namespace: two RCU hash tables, one keyed
 * by (af, protocol, address, port) and one by (af, fwmark), as in ip_vs.
 * Writers hold the namespace's config mutex; the datapath only looks up.
 */
#include <linux/jhash.h>
#include <linux/slab.h>
#include <net/ipv6.h>

#include "dest.h"
#include "hooks.h"
#include "pernet.h"
#include "sched.h"
#include "service.h"

static u32 aavs_svc_hash(u16 af, u16 protocol, const union nf_inet_addr *addr,
			 __be16 port)
{
	u32 a = (__force u32)addr->ip;

	if (af == AF_INET6)
		a = jhash(addr, sizeof(struct in6_addr), 0);
	return jhash_3words(a, (__force u32)port, protocol, 0) &
	       (AAVS_SVC_TAB_SIZE - 1);
}

static u32 aavs_fwm_hash(u32 fwmark)
{
	return jhash_1word(fwmark, 0) & (AAVS_SVC_TAB_SIZE - 1);
}

static bool aavs_addr_equal(u16 af, const union nf_inet_addr *a,
			    const union nf_inet_addr *b)
{
	if (af == AF_INET6)
		return ipv6_addr_equal(&a->in6, &b->in6);
	return a->ip == b->ip;
}

struct aavs_service *aavs_service_find_rcu(struct aavs_net *an, u16 af,
					   u16 protocol,
					   const union nf_inet_addr *addr,
					   __be16 port)
{
	u32 h = aavs_svc_hash(af, protocol, addr, port);
	struct aavs_service *svc;

	hlist_for_each_entry_rcu(svc, &an->svc_table[h], s_list,
				 lockdep_is_held(&an->config_mutex)) {
		if (svc->af == af && svc->protocol == protocol &&
		    svc->port == port && aavs_addr_equal(af, &svc->addr, addr))
			return svc;
	}
	return NULL;
}

struct aavs_service *aavs_service_find_fwmark_rcu(struct aavs_net *an, u16 af,
						  u32 fwmark)
{
	struct aavs_service *svc;

	hlist_for_each_entry_rcu(svc, &an->fwm_table[aavs_fwm_hash(fwmark)],
				 s_list, lockdep_is_held(&an->config_mutex)) {
		if (svc->af == af && svc->fwmark == fwmark)
			return svc;
	}
	return NULL;
}

struct aavs_service *aavs_service_find(struct aavs_net *an,
				       const struct aavs_service_conf *c)
{
	lockdep_assert_held(&an->config_mutex);
	if (c->fwmark)
		return aavs_service_find_fwmark_rcu(an, c->af, c->fwmark);
	return aavs_service_find_rcu(an, c->af, c->protocol, &c->addr,
				     c->port);
}

void aavs_service_get(struct aavs_service *svc)
{
	refcount_inc(&svc->refcnt);
}

static void aavs_service_free_rcu(struct rcu_head *head)
{
	struct aavs_service *svc = container_of(head, struct aavs_service, rcu);

	free_percpu(svc->events);
	aavs_stats_free(&svc->stats);
	kfree(svc);
}

void aavs_service_events(const struct aavs_service *svc,
			 struct aavs_svc_events *sum)
{
	int cpu, i;

	memset(sum, 0, sizeof(*sum));
	for_each_possible_cpu(cpu) {
		const struct aavs_svc_events *e = per_cpu_ptr(svc->events, cpu);

		for (i = 0; i < AAVS_EV_COUNT; i++)
			sum->n[i] += READ_ONCE(e->n[i]);
	}
}

void aavs_service_put(struct aavs_service *svc)
{
	if (refcount_dec_and_test(&svc->refcnt))
		call_rcu(&svc->rcu, aavs_service_free_rcu);
}

/*
 * ip_vs keeps the persistence timeout as 32-bit jiffies and multiplies in
 * 32 bits, so a timeout above UINT_MAX / HZ seconds (198 days at HZ=250;
 * ipvsadm allows 31) wraps there, unrefused.  Wrap the same way: what
 * GET_SERVICE and /proc report is then what templates get (conn->timeout
 * is 32-bit), and both equal ip_vs's.
 */
static u32 aavs_persist_jiffies(u32 secs)
{
	return secs * HZ;
}

/* Persistence engines: ip_vs ships only "sip"; aavs has none. */
static int aavs_pe_check(const char *pe_name)
{
	return pe_name && *pe_name ? -ENOENT : 0;
}

static int aavs_netmask_check(const struct aavs_service_conf *c)
{
	u32 plen = (__force u32)c->netmask;

	if (c->af == AF_INET6 && (plen < 1 || plen > 128))
		return -EINVAL;
	return 0;
}

static const struct aavs_sched_ops *aavs_sched_lookup(const char *name,
						      int *err)
{
	const struct aavs_sched_ops *ops;

	*err = 0;
	if (!strcmp(name, "none"))
		return NULL;
	ops = aavs_sched_find(name);
	if (!ops)
		*err = -ENOENT;
	return ops;
}

int aavs_service_add(struct aavs_net *an, const struct aavs_service_conf *c)
{
	const struct aavs_sched_ops *sched;
	struct aavs_service *svc;
	int ret;

	sched = aavs_sched_lookup(c->sched_name, &ret);
	if (ret)
		return ret;
	ret = aavs_pe_check(c->pe_name);
	if (ret)
		return ret;
	ret = aavs_netmask_check(c);
	if (ret)
		return ret;
	if (c->af == AF_INET6) {
		ret = aavs_hooks_defrag6(an);
		if (ret)
			return ret;
	}

	svc = kzalloc(sizeof(*svc), GFP_KERNEL);
	if (!svc)
		return -ENOMEM;
	ret = aavs_stats_alloc(&svc->stats);
	if (ret)
		goto err_stats;
	svc->events = alloc_percpu(struct aavs_svc_events);
	if (!svc->events) {
		ret = -ENOMEM;
		goto err_events;
	}

	svc->an = an;
	svc->af = c->af;
	svc->protocol = c->protocol;
	svc->addr = c->addr;
	svc->port = c->port;
	svc->fwmark = c->fwmark;
	svc->flags = (c->flags & ~IP_VS_SVC_F_HASHED);
	svc->timeout = aavs_persist_jiffies(c->timeout);
	svc->netmask = c->netmask;
	INIT_LIST_HEAD(&svc->destinations);
	spin_lock_init(&svc->sched_lock);
	refcount_set(&svc->refcnt, 1);

	if (sched) {
		ret = aavs_sched_bind(svc, sched);
		if (ret)
			goto err_sched;
	}

	aavs_stats_start(an, &svc->stats);
	svc->flags |= IP_VS_SVC_F_HASHED;
	if (svc->fwmark)
		hlist_add_head_rcu(&svc->s_list,
				   &an->fwm_table[aavs_fwm_hash(svc->fwmark)]);
	else
		hlist_add_head_rcu(&svc->s_list,
				   &an->svc_table[aavs_svc_hash(svc->af,
								svc->protocol,
								&svc->addr,
								svc->port)]);
	WRITE_ONCE(an->num_services, an->num_services + 1);
	return 0;

err_sched:
	free_percpu(svc->events);
err_events:
	aavs_stats_free(&svc->stats);
err_stats:
	kfree(svc);
	return ret;
}

int aavs_service_edit(struct aavs_service *svc,
		      const struct aavs_service_conf *c)
{
	const struct aavs_sched_ops *sched, *old;
	int ret;

	sched = aavs_sched_lookup(c->sched_name, &ret);
	if (ret)
		return ret;
	ret = aavs_pe_check(c->pe_name);
	if (ret)
		return ret;
	ret = aavs_netmask_check(c);
	if (ret)
		return ret;

	old = rcu_dereference_protected(svc->sched,
					lockdep_is_held(&svc->an->config_mutex));
	if (sched != old) {
		if (old) {
			aavs_sched_unbind(svc);
			/* Let datapath readers of the old state drain. */
			synchronize_rcu();
		}
		if (sched) {
			ret = aavs_sched_bind(svc, sched);
			if (ret) {
				/* Put the old one back; it bound before. */
				if (old)
					aavs_sched_bind(svc, old);
				return ret;
			}
		}
	}

	WRITE_ONCE(svc->flags, c->flags | IP_VS_SVC_F_HASHED);
	WRITE_ONCE(svc->timeout, aavs_persist_jiffies(c->timeout));
	WRITE_ONCE(svc->netmask, c->netmask);
	return 0;
}

/* Unhash and drop every dest; the memory goes once the last user is gone. */
void aavs_service_del(struct aavs_service *svc)
{
	struct aavs_net *an = svc->an;
	struct aavs_dest *dest, *next;

	hlist_del_rcu(&svc->s_list);
	WRITE_ONCE(an->num_services, an->num_services - 1);
	svc->flags &= ~IP_VS_SVC_F_HASHED;

	list_for_each_entry_safe(dest, next, &svc->destinations, n_list)
		aavs_dest_unlink(dest);
	aavs_sched_unbind(svc);
	aavs_stats_stop(an, &svc->stats);
	aavs_service_put(svc);
}

void aavs_service_flush(struct aavs_net *an)
{
	struct aavs_service *svc;
	struct hlist_node *n;
	int i;

	for (i = 0; i < AAVS_SVC_TAB_SIZE; i++) {
		hlist_for_each_entry_safe(svc, n, &an->svc_table[i], s_list)
			aavs_service_del(svc);
		hlist_for_each_entry_safe(svc, n, &an->fwm_table[i], s_list)
			aavs_service_del(svc);
	}
}

void aavs_service_zero(struct aavs_service *svc)
{
	struct aavs_dest *dest;

	list_for_each_entry(dest, &svc->destinations, n_list)
		aavs_stats_zero(&dest->stats);
	aavs_stats_zero(&svc->stats);
}

void aavs_service_zero_all(struct aavs_net *an)
{
	struct aavs_service *svc;
	int i;

	for (i = 0; i < AAVS_SVC_TAB_SIZE; i++) {
		hlist_for_each_entry(svc, &an->svc_table[i], s_list)
			aavs_service_zero(svc);
		hlist_for_each_entry(svc, &an->fwm_table[i], s_list)
			aavs_service_zero(svc);
	}
	aavs_stats_zero(&an->tot_stats);
}
