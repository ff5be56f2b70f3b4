/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _AAVS_DEST_H
#define _AAVS_DEST_H

#include <linux/atomic.h>
#include <linux/ip_vs.h>
#include <linux/list.h>
#include <linux/netfilter.h>
#include <linux/rcupdate.h>
#include <linux/refcount.h>
#include <linux/spinlock.h>

#include "stats.h"

struct aavs_net;
struct aavs_service;

/* Bits of aavs_dest.flags (set_bit/test_bit). */
enum {
	AAVS_DEST_AVAILABLE,	/* linked in its service; cleared on delete */
	AAVS_DEST_OVERLOAD,	/* u_threshold reached; schedulers skip it */
};

/* What NEW_DEST/SET_DEST carry, already parsed. */
struct aavs_dest_conf {
	u16 af;
	union nf_inet_addr addr;
	__be16 port;
	u32 fwd;		/* IP_VS_CONN_F_* forwarding method */
	int weight;
	u32 u_threshold;
	u32 l_threshold;
	u8 tun_type;		/* IP_VS_CONN_F_TUNNEL_TYPE_* */
	__be16 tun_port;
	u16 tun_flags;		/* IP_VS_TUNNEL_ENCAP_FLAG_* */
};

/*
 * A dest's tunnel settings in one word, so that the datapath reads an edit
 * whole (never a new GUE type with the old port).
 */
union aavs_tun {
	struct {
		u8 type;	/* IP_VS_CONN_F_TUNNEL_TYPE_* */
		u8 flags;	/* IP_VS_TUNNEL_ENCAP_FLAG_*, checked to fit */
		__be16 port;	/* GUE: the UDP destination port */
	};
	u32 word;
};

/*
 * One real server of one service.  Fields the datapath reads are atomics or
 * READ_ONCE()-able; the rest is written under the config mutex only.
 */
struct aavs_dest {
	struct list_head n_list;	/* svc->destinations, RCU, newest first */
	struct hlist_node r_list;	/* an->rs_table, RCU */
	struct aavs_service *svc;	/* owner; the dest holds a reference */
	u16 af;
	union nf_inet_addr addr;
	__be16 port;

	atomic_t conn_flags;		/* fwd method | IP_VS_CONN_F_NOOUTPUT */
	atomic_t weight;
	atomic_t last_weight;		/* latest non-zero weight */
	unsigned long flags;		/* AAVS_DEST_* bits */
	u32 u_threshold;
	u32 l_threshold;
	union aavs_tun tun;

	/* Connection counters, maintained by the connection table. */
	atomic_t activeconns;
	atomic_t inactconns;
	atomic_t persistconns;

	struct aavs_stats stats;
	/* Serialises overload updates from the datapath. */
	spinlock_t lock;
	refcount_t refcnt;		/* the list's reference + one per user */
	struct rcu_head rcu;		/* the list's deferred put, then the free */
};

static inline u32 aavs_dest_fwd(const struct aavs_dest *dest)
{
	return atomic_read(&dest->conn_flags) & IP_VS_CONN_F_FWD_MASK;
}

static inline bool aavs_dest_available(const struct aavs_dest *dest)
{
	return test_bit(AAVS_DEST_AVAILABLE, &dest->flags);
}

/* ip_vs's weight of a dest's load: an active conn costs 256 inactive ones. */
static inline unsigned int aavs_dest_overhead(const struct aavs_dest *dest)
{
	return (atomic_read(&dest->activeconns) << 8) +
	       atomic_read(&dest->inactconns);
}

/*
 * Take a reference on a dest found under rcu_read_lock(), even one that was
 * unlinked meanwhile: whatever led the reader to it still holds its own
 * reference until a grace period has passed (dest.c).
 */
static inline struct aavs_dest *aavs_dest_hold(struct aavs_dest *dest)
{
	refcount_inc(&dest->refcnt);
	return dest;
}

void aavs_dest_put(struct aavs_dest *dest);

/* Re-evaluate AAVS_DEST_OVERLOAD after a connection was bound/unbound. */
void aavs_dest_update_overload(struct aavs_dest *dest);

struct aavs_dest *aavs_dest_find(struct aavs_service *svc, u16 af,
				 const union nf_inet_addr *addr, __be16 port);
int aavs_dest_add(struct aavs_service *svc, const struct aavs_dest_conf *c);
int aavs_dest_edit(struct aavs_service *svc, const struct aavs_dest_conf *c);
int aavs_dest_del(struct aavs_service *svc, const struct aavs_dest_conf *c);
void aavs_dest_unlink(struct aavs_dest *dest);

/*
 * Is @addr:@port a NAT real server of a @protocol (or fwmark) service?
 * Under rcu_read_lock(); for nat_icmp_send.
 */
bool aavs_dest_is_nat_server_rcu(struct aavs_net *an, u16 af, u8 protocol,
				 const union nf_inet_addr *addr, __be16 port);

#endif /* _AAVS_DEST_H */
