// SPDX-License-Identifier: GPL-2.0
/*
 * Real servers of a service.  The list is RCU for the datapath and edited
 * under the config mutex; new dests go to the head as in ip_vs, because the
 * sh and mh tables depend on list order.
 *
 * Lifetime: the list holds one reference, every conn and sh/mh table
 * generation one more.  Any of them is dropped only a grace period after
 * the dest stopped being reachable through it, so a datapath reader that
 * found a dest under rcu_read_lock() (in the list, a table or a conn) can
 * always take a reference of its own: the count never rises from zero.
 */
#include <linux/jhash.h>
#include <linux/slab.h>
#include <net/addrconf.h>
#include <net/ipv6.h>
#include <net/route.h>

#include "dest.h"
#include "pernet.h"
#include "sched.h"
#include "service.h"

static bool aavs_dest_addr_equal(const struct aavs_dest *dest, u16 af,
				 const union nf_inet_addr *addr)
{
	if (af == AF_INET6)
		return ipv6_addr_equal(&dest->addr.in6, &addr->in6);
	return dest->addr.ip == addr->ip;
}

struct aavs_dest *aavs_dest_find(struct aavs_service *svc, u16 af,
				 const union nf_inet_addr *addr, __be16 port)
{
	struct aavs_dest *dest;

	list_for_each_entry_rcu(dest, &svc->destinations, n_list,
				lockdep_is_held(&svc->an->config_mutex)) {
		if (dest->af == af && dest->port == port &&
		    aavs_dest_addr_equal(dest, af, addr))
			return dest;
	}
	return NULL;
}

static u32 aavs_rs_hash(u16 af, const union nf_inet_addr *addr, __be16 port)
{
	u32 a = (__force u32)addr->ip;

	if (af == AF_INET6)
		a = jhash(addr, sizeof(struct in6_addr), 0);
	return jhash_2words(a, (__force u32)port, 0) & (AAVS_SVC_TAB_SIZE - 1);
}

bool aavs_dest_is_nat_server_rcu(struct aavs_net *an, u16 af, u8 protocol,
				 const union nf_inet_addr *addr, __be16 port)
{
	struct aavs_dest *dest;

	hlist_for_each_entry_rcu(dest, &an->rs_table[aavs_rs_hash(af, addr, port)],
				 r_list) {
		if (dest->af == af && dest->port == port &&
		    aavs_dest_addr_equal(dest, af, addr) &&
		    (dest->svc->protocol == protocol || dest->svc->fwmark) &&
		    aavs_dest_fwd(dest) == IP_VS_CONN_F_MASQ)
			return true;
	}
	return false;
}

static void aavs_dest_free_rcu(struct rcu_head *head)
{
	struct aavs_dest *dest = container_of(head, struct aavs_dest, rcu);

	aavs_stats_free(&dest->stats);
	kfree(dest);
}

void aavs_dest_put(struct aavs_dest *dest)
{
	if (!refcount_dec_and_test(&dest->refcnt))
		return;
	/* The service outlives RCU readers of the dest by its own grace period. */
	aavs_service_put(dest->svc);
	call_rcu(&dest->rcu, aavs_dest_free_rcu);
}

void aavs_dest_update_overload(struct aavs_dest *dest)
{
	u32 conns = atomic_read(&dest->activeconns) +
		    atomic_read(&dest->inactconns);
	u32 u = READ_ONCE(dest->u_threshold);
	u32 l = READ_ONCE(dest->l_threshold);

	spin_lock_bh(&dest->lock);
	if (!u)
		clear_bit(AAVS_DEST_OVERLOAD, &dest->flags);
	else if (conns >= u)
		set_bit(AAVS_DEST_OVERLOAD, &dest->flags);
	else if (l ? conns < l : conns * 4 < u * 3)
		/* Without a lower threshold, ip_vs resumes below 3/4 of u. */
		clear_bit(AAVS_DEST_OVERLOAD, &dest->flags);
	spin_unlock_bh(&dest->lock);
}

/*
 * The checksum options each tunnel type has a meaning for: ip_vs stores
 * any combination and ignores what does not apply (and ipvsadm cannot list
 * both checksum bits at once), so aavs refuses those instead.
 */
static bool aavs_tun_flags_ok(u8 type, u16 flags)
{
	switch (type) {
	case IP_VS_CONN_F_TUNNEL_TYPE_GUE:
		return flags != (IP_VS_TUNNEL_ENCAP_FLAG_CSUM |
				 IP_VS_TUNNEL_ENCAP_FLAG_REMCSUM);
	case IP_VS_CONN_F_TUNNEL_TYPE_GRE:
		return !(flags & IP_VS_TUNNEL_ENCAP_FLAG_REMCSUM);
	default:
		return !flags;
	}
}

/* The checks NEW_DEST and SET_DEST share, with ip_vs's errno values. */
static int aavs_dest_conf_check(const struct aavs_dest_conf *c)
{
	if (c->weight < 0)
		return -ERANGE;
	if (c->l_threshold > c->u_threshold)
		return -ERANGE;
	if (c->u_threshold > INT_MAX)
		return -EINVAL;
	if (c->tun_type == IP_VS_CONN_F_TUNNEL_TYPE_GUE && !c->tun_port)
		return -EINVAL;
	if (!aavs_tun_flags_ok(c->tun_type, c->tun_flags)) {
		pr_warn_ratelimited("tunnel checksum flags %#x refused: no meaning for tunnel type %u\n",
				    c->tun_flags, c->tun_type);
		return -EINVAL;
	}
	return 0;
}

/* Unicast or local only: no 0.0.0.0, multicast, broadcast, foreign link-local. */
static int aavs_dest_addr_check(struct net *net,
				const struct aavs_dest_conf *c)
{
	if (c->af == AF_INET6) {
		int type = ipv6_addr_type(&c->addr.in6);

		if ((!(type & IPV6_ADDR_UNICAST) ||
		     (type & IPV6_ADDR_LINKLOCAL)) &&
		    !ipv6_chk_addr(net, &c->addr.in6, NULL, 0))
			return -EINVAL;
		return 0;
	}
	switch (inet_addr_type(net, c->addr.ip)) {
	case RTN_LOCAL:
	case RTN_UNICAST:
		return 0;
	default:
		return -EINVAL;
	}
}

static void aavs_dest_apply(struct aavs_dest *dest,
			    const struct aavs_dest_conf *c, bool add)
{
	u32 flags = (c->fwd & IP_VS_CONN_F_FWD_MASK) | IP_VS_CONN_F_INACTIVE;
	union aavs_tun tun = {
		.type = c->tun_type,
		.flags = c->tun_flags,
		.port = c->tun_port,
	};

	/* Only NAT sees the replies; the other methods never do. */
	if ((flags & IP_VS_CONN_F_FWD_MASK) != IP_VS_CONN_F_MASQ)
		flags |= IP_VS_CONN_F_NOOUTPUT;

	if (add || c->weight)
		atomic_set(&dest->last_weight, c->weight);
	atomic_set(&dest->weight, c->weight);
	atomic_set(&dest->conn_flags, flags);
	WRITE_ONCE(dest->tun.word, tun.word);
	WRITE_ONCE(dest->u_threshold, c->u_threshold);
	WRITE_ONCE(dest->l_threshold, c->l_threshold);
	aavs_dest_update_overload(dest);
	set_bit(AAVS_DEST_AVAILABLE, &dest->flags);
}

/* The list's reference, dropped once no reader can still be walking it. */
static void aavs_dest_unlinked_rcu(struct rcu_head *head)
{
	aavs_dest_put(container_of(head, struct aavs_dest, rcu));
}

/*
 * Off the list and unavailable; the list's reference goes after RCU.
 * @tell_sched: the scheduler knew the dest.  A delete always succeeds, as
 * in ip_vs: should sh/mh fail to rebuild (no memory; a shorter list is
 * never too long), the old table keeps the dest, unavailable so never
 * picked, and its reference until the next rebuild (ip_vs's mh keeps its
 * old table too, and still picks the deleted dest from it).
 */
static void aavs_dest_unlist(struct aavs_dest *dest, bool tell_sched)
{
	struct aavs_service *svc = dest->svc;
	int ret;

	list_del_rcu(&dest->n_list);
	hlist_del_rcu(&dest->r_list);
	svc->num_dests--;
	clear_bit(AAVS_DEST_AVAILABLE, &dest->flags);
	ret = tell_sched ? aavs_sched_del_dest(svc, dest) : 0;
	if (ret)
		pr_warn_ratelimited("a dest left, the scheduler kept its old table: %d\n",
				    ret);
	aavs_stats_stop(svc->an, &dest->stats);
	/* dest->rcu is free: the final put cannot come before this one. */
	call_rcu(&dest->rcu, aavs_dest_unlinked_rcu);
}

int aavs_dest_add(struct aavs_service *svc, const struct aavs_dest_conf *c)
{
	struct aavs_dest *dest;
	int ret;

	ret = aavs_dest_conf_check(c);
	if (ret)
		return ret;
	if (aavs_dest_find(svc, c->af, &c->addr, c->port))
		return -EEXIST;
	ret = aavs_dest_addr_check(svc->an->net, c);
	if (ret)
		return ret;

	dest = kzalloc(sizeof(*dest), GFP_KERNEL);
	if (!dest)
		return -ENOMEM;
	ret = aavs_stats_alloc(&dest->stats);
	if (ret) {
		kfree(dest);
		return ret;
	}
	dest->af = c->af;
	dest->addr = c->addr;
	dest->port = c->port;
	spin_lock_init(&dest->lock);
	refcount_set(&dest->refcnt, 1);
	aavs_service_get(svc);
	dest->svc = svc;
	aavs_dest_apply(dest, c, true);

	aavs_stats_start(svc->an, &dest->stats);
	list_add_rcu(&dest->n_list, &svc->destinations);
	hlist_add_head_rcu(&dest->r_list,
			   &svc->an->rs_table[aavs_rs_hash(c->af, &c->addr,
							   c->port)]);
	svc->num_dests++;
	ret = aavs_sched_add_dest(svc, dest);
	if (ret) {
		/*
		 * The scheduler kept its old state, which does not know this
		 * dest (ip_vs would leave it listed but never scheduled):
		 * take it out again and say why.
		 */
		aavs_dest_unlist(dest, false);
		return ret;
	}
	return 0;
}

/* What aavs_dest_apply() changes, to put it back. */
struct aavs_dest_saved {
	struct aavs_dest_conf conf;
	int last_weight;
};

static void aavs_dest_save(const struct aavs_dest *dest,
			   struct aavs_dest_saved *old)
{
	old->conf = (struct aavs_dest_conf) {
		.af = dest->af,
		.addr = dest->addr,
		.port = dest->port,
		.fwd = aavs_dest_fwd(dest),
		.weight = atomic_read(&dest->weight),
		.u_threshold = dest->u_threshold,
		.l_threshold = dest->l_threshold,
		.tun_type = dest->tun.type,
		.tun_port = dest->tun.port,
		.tun_flags = dest->tun.flags,
	};
	old->last_weight = atomic_read(&dest->last_weight);
}

int aavs_dest_edit(struct aavs_service *svc, const struct aavs_dest_conf *c)
{
	struct aavs_dest_saved old;
	struct aavs_dest *dest;
	int ret;

	ret = aavs_dest_conf_check(c);
	if (ret)
		return ret;
	dest = aavs_dest_find(svc, c->af, &c->addr, c->port);
	if (!dest)
		return -ENOENT;
	aavs_dest_save(dest, &old);
	aavs_dest_apply(dest, c, false);
	ret = aavs_sched_upd_dest(svc, dest);
	if (ret) {
		/* The table still has the old weights: so has the dest again. */
		aavs_dest_apply(dest, &old.conf, false);
		atomic_set(&dest->last_weight, old.last_weight);
	}
	return ret;
}

void aavs_dest_unlink(struct aavs_dest *dest)
{
	aavs_dest_unlist(dest, true);
}

int aavs_dest_del(struct aavs_service *svc, const struct aavs_dest_conf *c)
{
	struct aavs_dest *dest;

	dest = aavs_dest_find(svc, c->af, &c->addr, c->port);
	if (!dest)
		return -ENOENT;
	aavs_dest_unlink(dest);
	return 0;
}
