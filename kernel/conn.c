// SPDX-License-Identifier: GPL-2.0
/*
 * The connection table: one hash table for every namespace, sized once at
 * load time from memory (or conn_tab_bits), of bit-locked RCU lists.
 *
 * Entries carry an expiry time instead of a timer.  Lookups skip expired
 * entries, so a conn ends exactly when ip_vs's would; a sweeper visits an
 * eighth of the buckets every 1/8 s and frees what expired.  Readers only
 * hold rcu_read_lock(): an entry is freed one grace period after it left
 * its list, and the dest reference goes with it: a reader that reached a
 * dest through a conn (a template handing its dest to a new conn) may then
 * still take its own reference.
 */
#include <linux/jhash.h>
#include <linux/log2.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/rculist_bl.h>
#include <linux/slab.h>
#include <linux/workqueue.h>
#include <net/ipv6.h>
#include <net/netns/hash.h>

#include "conn.h"
#include "defense.h"
#include "dest.h"
#include "nfct.h"
#include "pernet.h"
#include "pkt.h"
#include "proto_state.h"
#include "service.h"

static unsigned int conn_tab_bits;
module_param(conn_tab_bits, uint, 0444);
MODULE_PARM_DESC(conn_tab_bits,
		 "log2 of the connection hash buckets (default: from RAM, 12..20)");

#define AAVS_CONN_TAB_BITS_MIN	8
#define AAVS_CONN_TAB_BITS_MAX	24
/* The sweeper sees every bucket once per AAVS_GC_SLICES runs. */
#define AAVS_GC_SLICES		8
#define AAVS_GC_INTERVAL	(HZ / AAVS_GC_SLICES)

static struct hlist_bl_head *aavs_conn_tab __read_mostly;
static unsigned int aavs_conn_mask __read_mostly;
static u32 aavs_conn_rnd __read_mostly;
static struct kmem_cache *aavs_conn_cache __read_mostly;
static struct delayed_work aavs_conn_gc_work;
static unsigned int aavs_conn_gc_next;

unsigned int aavs_conn_tab_size(void)
{
	return aavs_conn_mask + 1;
}

struct hlist_bl_head *aavs_conn_bucket(unsigned int i)
{
	return &aavs_conn_tab[i];
}

static bool aavs_addr_eq(u8 af, const union nf_inet_addr *a,
			 const union nf_inet_addr *b)
{
	if (af == AF_INET6)
		return ipv6_addr_equal(&a->in6, &b->in6);
	return a->ip == b->ip;
}

/* Inlined: it is most of a lookup, which every packet makes. */
static __always_inline u32 aavs_conn_hash(const struct net *net, u8 af,
					  u8 protocol,
					  const union nf_inet_addr *addr,
					  __be16 port)
{
	u32 a;

	if (af == AF_INET6)
		a = jhash2((const u32 *)addr->all, 4, aavs_conn_rnd);
	else
		a = (__force u32)addr->ip;
	return jhash_3words(a, ((__force u32)port << 8) | protocol,
			    net_hash_mix(net), aavs_conn_rnd) & aavs_conn_mask;
}

static struct hlist_bl_head *aavs_conn_head(const struct aavs_conn *cp)
{
	return &aavs_conn_tab[aavs_conn_hash(read_pnet(&cp->net), cp->af,
					     cp->protocol, &cp->caddr,
					     cp->cport)];
}

/* Buckets are also locked from process context: keep softirqs out. */
static void aavs_bucket_lock(struct hlist_bl_head *head)
{
	local_bh_disable();
	hlist_bl_lock(head);
}

static void aavs_bucket_unlock(struct hlist_bl_head *head)
{
	hlist_bl_unlock(head);
	local_bh_enable();
}

/*
 * Off its list under the bucket lock.  Readers walking past it keep its
 * next pointer; a NULL pprev marks it unhashed.
 */
static void aavs_conn_unlink(struct aavs_conn *cp)
{
	__hlist_bl_del(&cp->node);
	cp->node.pprev = NULL;
}

unsigned long aavs_conn_state_timeout(struct aavs_net *an, u8 protocol,
				      u8 state)
{
	switch (protocol) {
	case IPPROTO_TCP:
		if (state == AAVS_TCP_S_ESTABLISHED)
			return READ_ONCE(an->timeout_tcp);
		if (state == AAVS_TCP_S_FIN_WAIT)
			return READ_ONCE(an->timeout_tcp_fin);
		break;
	case IPPROTO_UDP:
		return READ_ONCE(an->timeout_udp);
	}
	return aavs_state_timeout_secs(protocol, state) * HZ;
}

/*
 * A lookup's tuple, in the direction the flow's packet travels: pointers
 * into the aavs_pkt, in registers while the bucket is walked.
 */
struct aavs_conn_key {
	const union nf_inet_addr *saddr;
	const union nf_inet_addr *daddr;
	__be16 sport;
	__be16 dport;
	u8 af;
	u8 protocol;
};

static __always_inline struct aavs_conn_key
aavs_conn_key(const struct aavs_pkt *pkt, bool turned)
{
	if (turned)
		return (struct aavs_conn_key) {
			.saddr = &pkt->daddr, .daddr = &pkt->saddr,
			.sport = pkt->dport, .dport = pkt->sport,
			.af = pkt->af, .protocol = pkt->protocol,
		};
	return (struct aavs_conn_key) {
		.saddr = &pkt->saddr, .daddr = &pkt->daddr,
		.sport = pkt->sport, .dport = pkt->dport,
		.af = pkt->af, .protocol = pkt->protocol,
	};
}

static bool aavs_conn_match_in(const struct aavs_conn *cp,
			       const struct net *net,
			       const struct aavs_conn_key *k)
{
	return cp->cport == k->sport && cp->vport == k->dport &&
	       cp->protocol == k->protocol && cp->af == k->af &&
	       !(cp->flags & IP_VS_CONN_F_TEMPLATE) &&
	       aavs_addr_eq(k->af, &cp->caddr, k->saddr) &&
	       aavs_addr_eq(k->af, &cp->vaddr, k->daddr) &&
	       net_eq(read_pnet(&cp->net), net);
}

struct aavs_conn *aavs_conn_in_get(struct net *net,
				   const struct aavs_pkt *pkt, bool turned)
{
	struct aavs_conn_key k = aavs_conn_key(pkt, turned);
	struct hlist_bl_head *head;
	struct hlist_bl_node *pos;
	struct aavs_conn *cp;

	head = &aavs_conn_tab[aavs_conn_hash(net, k.af, k.protocol, k.saddr,
					     k.sport)];
	hlist_bl_for_each_entry_rcu(cp, pos, head, node) {
		if (aavs_conn_match_in(cp, net, &k) && !aavs_conn_expired(cp))
			return cp;
	}
	return NULL;
}

/*
 * A reply: from the conn's server side to the client.  As in ip_vs, that
 * side is the real server for NAT and the virtual service for the other
 * methods, whose replies come from the VIP when they pass this director.
 */
struct aavs_conn *aavs_conn_out_get(struct net *net,
				    const struct aavs_pkt *pkt, bool turned)
{
	struct aavs_conn_key k = aavs_conn_key(pkt, turned);
	struct hlist_bl_head *head;
	struct hlist_bl_node *pos;
	struct aavs_conn *cp;

	head = &aavs_conn_tab[aavs_conn_hash(net, k.af, k.protocol, k.daddr,
					     k.dport)];
	hlist_bl_for_each_entry_rcu(cp, pos, head, node) {
		bool nat = aavs_conn_fwd(cp) == IP_VS_CONN_F_MASQ;

		if (cp->cport == k.dport &&
		    (nat ? cp->dport : cp->vport) == k.sport &&
		    cp->protocol == k.protocol && cp->af == k.af &&
		    !(cp->flags & IP_VS_CONN_F_TEMPLATE) &&
		    aavs_addr_eq(k.af, &cp->caddr, k.daddr) &&
		    aavs_addr_eq(k.af, nat ? &cp->daddr : &cp->vaddr,
				 k.saddr) &&
		    net_eq(read_pnet(&cp->net), net) &&
		    !aavs_conn_expired(cp))
			return cp;
	}
	return NULL;
}

/*
 * A template is never over while conns use it, as in ip_vs: its expiry
 * only counts once it controls nothing (the sweeper refreshes a busy one
 * at most once a second, and a lookup in between must still find it).
 */
static bool aavs_conn_live(const struct aavs_conn *cp)
{
	return !aavs_conn_expired(cp) ||
	       ((cp->flags & IP_VS_CONN_F_TEMPLATE) &&
		atomic_read(&cp->n_control) > 1);
}

/* Templates have cport 0 and the service's vaddr/vport (or its fwmark). */
struct aavs_conn *aavs_conn_tmpl_get(struct net *net, u8 af, u8 protocol,
				     const union nf_inet_addr *caddr,
				     const union nf_inet_addr *vaddr,
				     __be16 vport)
{
	struct hlist_bl_head *head;
	struct hlist_bl_node *pos;
	struct aavs_conn *cp;

	head = &aavs_conn_tab[aavs_conn_hash(net, af, protocol, caddr, 0)];
	hlist_bl_for_each_entry_rcu(cp, pos, head, node) {
		if ((cp->flags & IP_VS_CONN_F_TEMPLATE) && !cp->cport &&
		    cp->vport == vport && cp->protocol == protocol &&
		    cp->af == af && aavs_addr_eq(af, &cp->caddr, caddr) &&
		    aavs_addr_eq(af, &cp->vaddr, vaddr) &&
		    net_eq(read_pnet(&cp->net), net) &&
		    aavs_conn_live(cp))
			return cp;
	}
	return NULL;
}

/* Count the conn on its dest; the reverse happens in aavs_conn_kill(). */
static void aavs_conn_bind(struct aavs_conn *cp, struct aavs_dest *dest)
{
	if (cp->flags & IP_VS_CONN_F_TEMPLATE)
		atomic_inc(&dest->persistconns);
	else if (cp->flags & IP_VS_CONN_F_INACTIVE)
		atomic_inc(&dest->inactconns);
	else
		atomic_inc(&dest->activeconns);
	if (READ_ONCE(dest->u_threshold))
		aavs_dest_update_overload(dest);
}

/* Caller holds cp->lock. */
static void aavs_conn_unbind(struct aavs_conn *cp)
{
	struct aavs_dest *dest = cp->dest;

	if (cp->flags & IP_VS_CONN_F_TEMPLATE)
		atomic_dec(&dest->persistconns);
	else if (cp->flags & IP_VS_CONN_F_INACTIVE)
		atomic_dec(&dest->inactconns);
	else
		atomic_dec(&dest->activeconns);
}

static void aavs_conn_free_rcu(struct rcu_head *head)
{
	struct aavs_conn *cp = container_of(head, struct aavs_conn, rcu);

	aavs_dest_put(cp->dest);
	kmem_cache_free(aavs_conn_cache, cp);
}

/*
 * A template's n_control counts the conns it controls plus one for itself
 * while it is in the table: it may be expired early (a quiescent dest) while
 * conns still point to it, and is freed only with the last of them.
 */
static void aavs_tmpl_put(struct aavs_conn *ct)
{
	if (atomic_dec_and_test(&ct->n_control))
		call_rcu(&ct->rcu, aavs_conn_free_rcu);
}

/*
 * The conn left its list: uncount it now, free it and drop its dest
 * reference after a grace period.
 */
static void aavs_conn_kill(struct aavs_conn *cp)
{
	struct aavs_dest *dest = cp->dest;
	bool on_probation;

	atomic_dec(&aavs_net(read_pnet(&cp->net))->conn_count);

	spin_lock_bh(&cp->lock);
	cp->flags &= ~IP_VS_CONN_F_HASHED;
	on_probation = (cp->flags & (AAVS_CONN_F_PROBATION |
				     IP_VS_CONN_F_TEMPLATE)) ==
		       AAVS_CONN_F_PROBATION;
	aavs_conn_unbind(cp);
	spin_unlock_bh(&cp->lock);
	aavs_nfct_conn_gone(cp);
	/* The dest's service reference keeps the service alive. */
	if (on_probation)
		aavs_svc_event(dest->svc, AAVS_EV_EXPIRED);
	if (READ_ONCE(dest->u_threshold))
		aavs_dest_update_overload(dest);
	if (cp->control)
		aavs_tmpl_put(cp->control);
	if (cp->flags & IP_VS_CONN_F_TEMPLATE)
		aavs_tmpl_put(cp);
	else
		call_rcu(&cp->rcu, aavs_conn_free_rcu);
}

/* A live entry for the same flow as @cp, hashed by someone else. */
static struct aavs_conn *aavs_conn_find_twin(struct hlist_bl_head *head,
					     const struct aavs_conn *cp)
{
	struct hlist_bl_node *pos;
	struct aavs_conn *t;

	hlist_bl_for_each_entry(t, pos, head, node) {
		if (t->cport == cp->cport && t->vport == cp->vport &&
		    t->protocol == cp->protocol && t->af == cp->af &&
		    (t->flags & IP_VS_CONN_F_TEMPLATE) ==
		    (cp->flags & IP_VS_CONN_F_TEMPLATE) &&
		    aavs_addr_eq(cp->af, &t->caddr, &cp->caddr) &&
		    aavs_addr_eq(cp->af, &t->vaddr, &cp->vaddr) &&
		    net_eq(read_pnet(&t->net), read_pnet(&cp->net)) &&
		    aavs_conn_live(t))
			return t;
	}
	return NULL;
}

/* Room for one more entry in the namespace under conn_max? */
static bool aavs_conn_charge(struct aavs_net *an)
{
	if (atomic_inc_return(&an->conn_count) <=
	    READ_ONCE(an->sysctl.conn_max))
		return true;
	atomic_dec(&an->conn_count);
	return false;
}

struct aavs_conn *aavs_conn_new(const struct aavs_conn_param *p,
				struct aavs_dest *dest)
{
	struct aavs_net *an = aavs_net(p->net);
	struct hlist_bl_head *head;
	struct aavs_conn *cp, *twin;
	u32 dflags = atomic_read(&dest->conn_flags);

	if (!aavs_conn_charge(an))
		return ERR_PTR(-ENOSPC);
	cp = kmem_cache_alloc(aavs_conn_cache, GFP_ATOMIC);
	if (!cp) {
		atomic_dec(&an->conn_count);
		return ERR_PTR(-ENOMEM);
	}
	cp->node.next = NULL;
	cp->node.pprev = NULL;
	write_pnet(&cp->net, p->net);
	cp->af = p->af;
	cp->protocol = p->protocol;
	cp->caddr = *p->caddr;
	cp->vaddr = *p->vaddr;
	cp->cport = p->cport;
	cp->vport = p->vport;
	cp->daf = dest->af;
	cp->daddr = dest->addr;
	cp->dport = p->dport;
	cp->state = 0;
	/* Conns take the forwarding method from the dest; fresh ones idle. */
	cp->flags = p->flags |
		    (dflags & (IP_VS_CONN_F_FWD_MASK | IP_VS_CONN_F_NOOUTPUT));
	if (!(cp->flags & IP_VS_CONN_F_TEMPLATE))
		cp->flags |= IP_VS_CONN_F_INACTIVE | aavs_nfct_flag(an);
	spin_lock_init(&cp->lock);
	if (p->timeout)
		cp->timeout = p->timeout;
	else if (cp->flags & AAVS_CONN_F_PROBATION)
		cp->timeout = AAVS_PROBATION_SECS * HZ;
	else
		cp->timeout = aavs_state_timeout_secs(p->protocol, 0) * HZ;
	cp->expires = jiffies + cp->timeout;
	cp->dest = aavs_dest_hold(dest);
	cp->control = p->control;
	atomic_set(&cp->n_control, !!(cp->flags & IP_VS_CONN_F_TEMPLATE));

	aavs_conn_bind(cp, dest);
	head = aavs_conn_head(cp);
	aavs_bucket_lock(head);
	twin = aavs_conn_find_twin(head, cp);
	if (!twin) {
		/* A template already on its way out controls nothing new. */
		if (cp->control &&
		    !atomic_inc_not_zero(&cp->control->n_control))
			cp->control = NULL;
		cp->flags |= IP_VS_CONN_F_HASHED;
		hlist_bl_add_head_rcu(&cp->node, head);
	}
	aavs_bucket_unlock(head);
	if (!twin)
		return cp;

	/* Never published: undo and use the winner. */
	atomic_dec(&an->conn_count);
	aavs_conn_unbind(cp);
	if (READ_ONCE(dest->u_threshold))
		aavs_dest_update_overload(dest);
	aavs_dest_put(dest);
	kmem_cache_free(aavs_conn_cache, cp);
	return twin;
}

void aavs_conn_touch(struct aavs_conn *cp)
{
	unsigned long expires = jiffies + READ_ONCE(cp->timeout);

	/* Skip the store (and the cache line bounce) within one tick. */
	if (READ_ONCE(cp->expires) != expires)
		WRITE_ONCE(cp->expires, expires);
}

static unsigned int aavs_conn_step_flags(u16 flags)
{
	return (flags & IP_VS_CONN_F_NOOUTPUT ? AAVS_STEP_NOOUTPUT : 0) |
	       (flags & IP_VS_CONN_F_INACTIVE ? AAVS_STEP_INACTIVE : 0);
}

/* A probation conn keeps its short timeout whatever its state says. */
static unsigned long aavs_conn_timeout_of(struct aavs_net *an, u16 flags,
					  u8 protocol, u8 state)
{
	if (flags & AAVS_CONN_F_PROBATION)
		return AAVS_PROBATION_SECS * HZ;
	return aavs_conn_state_timeout(an, protocol, state);
}

/*
 * One state step; a probation conn stays counted inactive.  Returns the
 * change of the dest's active count, as aavs_state_step() does.
 */
static int aavs_conn_step(u16 flags, u8 protocol, u8 *state,
			  unsigned int *sflags, enum aavs_dir dir,
			  unsigned int event, bool secure)
{
	int delta = aavs_state_step(protocol, state, sflags, dir, event,
				    secure);

	if (!(flags & AAVS_CONN_F_PROBATION))
		return delta;
	*sflags |= AAVS_STEP_INACTIVE;
	return 0;
}

/*
 * Most packets leave state, flags and timeout as they are: find that out
 * without the lock (ip_vs takes it for every packet).
 */
static bool aavs_conn_unchanged(struct aavs_net *an, struct aavs_conn *cp,
				enum aavs_dir dir, unsigned int event,
				bool secure)
{
	u16 flags = READ_ONCE(cp->flags);
	u8 state = READ_ONCE(cp->state), next = state;
	unsigned int sflags = aavs_conn_step_flags(flags);
	unsigned int nflags = sflags;

	aavs_conn_step(flags, cp->protocol, &next, &nflags, dir, event,
		       secure);
	return next == state && nflags == sflags &&
	       READ_ONCE(cp->timeout) ==
	       aavs_conn_timeout_of(an, flags, cp->protocol, state);
}

bool aavs_conn_steady(struct aavs_net *an, struct aavs_conn *cp,
		      unsigned int event)
{
	return aavs_conn_unchanged(an, cp, AAVS_DIR_INPUT, event,
				   aavs_defense_secure_tcp(an));
}

void aavs_conn_update(struct aavs_net *an, struct aavs_conn *cp,
		      enum aavs_dir dir, unsigned int event)
{
	bool secure = aavs_defense_secure_tcp(an);
	unsigned int sflags;
	int delta;

	if (aavs_conn_unchanged(an, cp, dir, event, secure))
		goto out_touch;
	spin_lock_bh(&cp->lock);
	if (!(cp->flags & IP_VS_CONN_F_HASHED))
		goto out;
	sflags = aavs_conn_step_flags(cp->flags);
	delta = aavs_conn_step(cp->flags, cp->protocol, &cp->state, &sflags,
			       dir, event, secure);
	if (!(sflags & AAVS_STEP_NOOUTPUT))
		cp->flags &= ~IP_VS_CONN_F_NOOUTPUT;
	if (sflags & AAVS_STEP_INACTIVE)
		cp->flags |= IP_VS_CONN_F_INACTIVE;
	else
		cp->flags &= ~IP_VS_CONN_F_INACTIVE;
	if (delta > 0) {
		atomic_inc(&cp->dest->activeconns);
		atomic_dec(&cp->dest->inactconns);
	} else if (delta < 0) {
		atomic_dec(&cp->dest->activeconns);
		atomic_inc(&cp->dest->inactconns);
	}
	WRITE_ONCE(cp->timeout,
		   aavs_conn_timeout_of(an, cp->flags, cp->protocol, cp->state));
out:
	spin_unlock_bh(&cp->lock);
out_touch:
	aavs_conn_touch(cp);
}

void aavs_conn_confirm_tmpl(struct aavs_conn *ct, unsigned long timeout)
{
	if (!(READ_ONCE(ct->flags) & AAVS_CONN_F_PROBATION))
		return;
	spin_lock_bh(&ct->lock);
	ct->flags &= ~AAVS_CONN_F_PROBATION;
	WRITE_ONCE(ct->timeout, timeout);
	spin_unlock_bh(&ct->lock);
	aavs_conn_touch(ct);
}

void aavs_conn_confirm_probation(struct aavs_net *an, struct aavs_conn *cp)
{
	bool confirmed = false;

	spin_lock_bh(&cp->lock);
	if ((cp->flags & (AAVS_CONN_F_PROBATION | IP_VS_CONN_F_HASHED)) ==
	    (AAVS_CONN_F_PROBATION | IP_VS_CONN_F_HASHED)) {
		cp->flags &= ~AAVS_CONN_F_PROBATION;
		/* Counted now as its state says, as if it had never waited. */
		if (aavs_state_active(cp->protocol, cp->state)) {
			cp->flags &= ~IP_VS_CONN_F_INACTIVE;
			atomic_inc(&cp->dest->activeconns);
			atomic_dec(&cp->dest->inactconns);
		}
		WRITE_ONCE(cp->timeout,
			   aavs_conn_state_timeout(an, cp->protocol, cp->state));
		confirmed = true;
	}
	spin_unlock_bh(&cp->lock);
	if (confirmed && !(cp->flags & IP_VS_CONN_F_TEMPLATE))
		aavs_svc_event(cp->dest->svc, AAVS_EV_CONFIRMED);
	if (confirmed && cp->control)
		aavs_conn_confirm_tmpl(cp->control,
				       READ_ONCE(cp->dest->svc->timeout));
}

static bool aavs_conn_unhash(struct aavs_conn *cp)
{
	struct hlist_bl_head *head = aavs_conn_head(cp);
	bool hashed;

	aavs_bucket_lock(head);
	hashed = !hlist_bl_unhashed(&cp->node);
	if (hashed)
		aavs_conn_unlink(cp);
	aavs_bucket_unlock(head);
	return hashed;
}

void aavs_conn_expire_now(struct aavs_conn *cp)
{
	if (aavs_conn_unhash(cp))
		aavs_conn_kill(cp);
}

typedef bool (*aavs_conn_pred)(const struct aavs_conn *cp, const void *arg);

/*
 * Unhash and kill every conn @pred selects, conns before templates so a
 * template never goes while a conn it controls still points to it.
 */
static void aavs_conn_flush_if(aavs_conn_pred pred, const void *arg)
{
	struct hlist_bl_node *pos, *n;
	struct hlist_bl_head *head;
	struct aavs_conn *cp;
	unsigned int i;
	int pass;

	for (pass = 0; pass < 2; pass++) {
		u16 want = pass ? IP_VS_CONN_F_TEMPLATE : 0;

		for (i = 0; i <= aavs_conn_mask; i++) {
			head = &aavs_conn_tab[i];
			if (hlist_bl_empty(head))
				goto next;
			aavs_bucket_lock(head);
			hlist_bl_for_each_entry_safe(cp, pos, n, head, node) {
				if ((cp->flags & IP_VS_CONN_F_TEMPLATE) !=
				    want || !pred(cp, arg))
					continue;
				aavs_conn_unlink(cp);
				aavs_conn_kill(cp);
			}
			aavs_bucket_unlock(head);
next:
			if (!(i & 1023))
				cond_resched();
		}
	}
}

unsigned int aavs_conn_drop_random(struct net *net,
				   bool (*todrop)(struct aavs_net *an,
						  const struct aavs_conn *cp))
{
	struct aavs_net *an = aavs_net(net);
	struct hlist_bl_node *pos, *n;
	struct hlist_bl_head *head;
	unsigned int i, dropped = 0;
	struct aavs_conn *cp;

	for (i = 0; i < (aavs_conn_mask + 1) >> 5; i++) {
		head = &aavs_conn_tab[get_random_u32() & aavs_conn_mask];
		if (hlist_bl_empty(head))
			continue;
		aavs_bucket_lock(head);
		hlist_bl_for_each_entry_safe(cp, pos, n, head, node) {
			if (!net_eq(read_pnet(&cp->net), net) ||
			    !todrop(an, cp))
				continue;
			aavs_conn_unlink(cp);
			aavs_conn_kill(cp);
			dropped++;
		}
		aavs_bucket_unlock(head);
		if (!(i & 1023))
			cond_resched();
	}
	return dropped;
}

static bool aavs_conn_of_net(const struct aavs_conn *cp, const void *net)
{
	return net_eq(read_pnet(&cp->net), net);
}

static bool aavs_conn_of_dest(const struct aavs_conn *cp, const void *dest)
{
	return cp->dest == dest;
}

void aavs_conn_flush_dest(struct aavs_dest *dest)
{
	aavs_conn_flush_if(aavs_conn_of_dest, dest);
}

/*
 * With expire_nodest_conn, conns of deleted dests go within a sweep (ip_vs
 * flushes them from a work item a second after the delete).
 */
static bool aavs_conn_orphan(const struct aavs_conn *cp)
{
	return !aavs_dest_available(cp->dest) &&
	       READ_ONCE(aavs_net(read_pnet(&cp->net))->sysctl.expire_nodest_conn);
}

static void aavs_conn_gc_bucket(struct hlist_bl_head *head)
{
	struct hlist_bl_node *pos, *n;
	struct aavs_conn *cp;

	aavs_bucket_lock(head);
	hlist_bl_for_each_entry_safe(cp, pos, n, head, node) {
		if (!aavs_conn_expired(cp) && !aavs_conn_orphan(cp))
			continue;
		/* A template lives on while it still controls conns. */
		if ((cp->flags & IP_VS_CONN_F_TEMPLATE) &&
		    atomic_read(&cp->n_control) > 1) {
			aavs_conn_touch(cp);
			continue;
		}
		aavs_conn_unlink(cp);
		aavs_conn_kill(cp);
	}
	aavs_bucket_unlock(head);
}

/*
 * Most buckets are empty: one test passes a group of them (written out,
 * so that it stays a straight run of loads).  An entry inserted just
 * behind the sweeper is the next pass's.
 */
#define AAVS_GC_GROUP		8
#define AAVS_GC_HEAD(g, i)	((unsigned long)READ_ONCE((g)[i].first))

static bool aavs_conn_gc_group_busy(const struct hlist_bl_head *g)
{
	return AAVS_GC_HEAD(g, 0) | AAVS_GC_HEAD(g, 1) | AAVS_GC_HEAD(g, 2) |
	       AAVS_GC_HEAD(g, 3) | AAVS_GC_HEAD(g, 4) | AAVS_GC_HEAD(g, 5) |
	       AAVS_GC_HEAD(g, 6) | AAVS_GC_HEAD(g, 7);
}

static_assert((1U << AAVS_CONN_TAB_BITS_MIN) / AAVS_GC_SLICES %
	      AAVS_GC_GROUP == 0);

static void aavs_conn_gc(struct work_struct *work)
{
	unsigned int n = (aavs_conn_mask + 1) / AAVS_GC_SLICES;
	struct hlist_bl_head *group = &aavs_conn_tab[aavs_conn_gc_next];
	struct hlist_bl_head *end = group + n;
	unsigned int busy = 0;
	int i;

	for (; group < end; group += AAVS_GC_GROUP) {
		if (!aavs_conn_gc_group_busy(group))
			continue;
		for (i = 0; i < AAVS_GC_GROUP; i++)
			if (!hlist_bl_empty(&group[i]))
				aavs_conn_gc_bucket(&group[i]);
		if (!(++busy % 128))
			cond_resched();
	}
	aavs_conn_gc_next = (aavs_conn_gc_next + n) & aavs_conn_mask;
	queue_delayed_work(system_power_efficient_wq, &aavs_conn_gc_work,
			   AAVS_GC_INTERVAL);
}

void aavs_conn_flush_net(struct aavs_net *an)
{
	aavs_conn_flush_if(aavs_conn_of_net, an->net);
}

/* Default: one bucket per 2 KiB of RAM, 2^12 .. 2^20 buckets. */
static unsigned int aavs_conn_default_bits(void)
{
	unsigned long buckets = (totalram_pages() << PAGE_SHIFT) >> 11;

	return clamp_t(unsigned int, ilog2(max(buckets, 1UL)), 12, 20);
}

int aavs_conn_init(void)
{
	unsigned int bits = conn_tab_bits ? conn_tab_bits :
			    aavs_conn_default_bits();
	unsigned int i;

	bits = clamp_t(unsigned int, bits, AAVS_CONN_TAB_BITS_MIN,
		       AAVS_CONN_TAB_BITS_MAX);
	aavs_conn_tab = kvmalloc_array(1U << bits, sizeof(*aavs_conn_tab),
				       GFP_KERNEL);
	if (!aavs_conn_tab)
		return -ENOMEM;
	for (i = 0; i < (1U << bits); i++)
		INIT_HLIST_BL_HEAD(&aavs_conn_tab[i]);
	aavs_conn_mask = (1U << bits) - 1;
	conn_tab_bits = bits;
	get_random_bytes(&aavs_conn_rnd, sizeof(aavs_conn_rnd));

	/* "ip_vs_conn" is ip_vs's cache name; ours shows in slabinfo apart. */
	aavs_conn_cache = kmem_cache_create("aavs_conn",
					    sizeof(struct aavs_conn), 0, 0,
					    NULL);
	if (!aavs_conn_cache) {
		kvfree(aavs_conn_tab);
		return -ENOMEM;
	}
	INIT_DELAYED_WORK(&aavs_conn_gc_work, aavs_conn_gc);
	queue_delayed_work(system_power_efficient_wq, &aavs_conn_gc_work,
			   AAVS_GC_INTERVAL);
	pr_info("connection table: %u buckets, %zu bytes per entry\n",
		aavs_conn_mask + 1, sizeof(struct aavs_conn));
	return 0;
}

/* After every namespace is gone: no conn is left, only RCU callbacks. */
void aavs_conn_exit(void)
{
	cancel_delayed_work_sync(&aavs_conn_gc_work);
	rcu_barrier();
	kmem_cache_destroy(aavs_conn_cache);
	kvfree(aavs_conn_tab);
}
