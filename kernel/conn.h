/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _AAVS_CONN_H
#define _AAVS_CONN_H

#include <linux/atomic.h>
#include <linux/ip_vs.h>
#include <linux/list_bl.h>
#include <linux/netfilter.h>
#include <linux/rcupdate.h>
#include <linux/spinlock.h>
#include <linux/types.h>
#include <net/net_namespace.h>

#include "dest.h"
#include "pernet.h"
#include "proto_state.h"
#include "service.h"

struct aavs_dest;
struct aavs_net;
struct aavs_pkt;

/*
 * One connection (or persistence template).  Sized for millions: no timer
 * (a sweeper reaps expired entries, lookups ignore them), no refcount (RCU
 * readers only; the entry is freed a grace period after it is unhashed),
 * 16-bit flags.  docs/datapath.md has the layout; ~136 bytes on x86-64.
 *
 * Hashed by (net, protocol, caddr, cport): the same key finds a request
 * (client side) and, for NAT, a reply (its destination is the client).
 */
struct aavs_conn {
	struct hlist_bl_node node;
	possible_net_t net;
	union nf_inet_addr caddr;	/* client */
	union nf_inet_addr vaddr;	/* virtual (fwmark in templates) */
	union nf_inet_addr daddr;	/* real server */
	__be16 cport;
	__be16 vport;
	__be16 dport;
	u8 af;
	u8 daf;				/* family of daddr */
	u8 protocol;
	u8 state;			/* proto_state.h, under lock */
	u16 flags;			/* IP_VS_CONN_F_* (low 16 bits) */
	spinlock_t lock;		/* state, flags and counters */
	u32 timeout;			/* jiffies, of the current state */
	atomic_t n_control;		/* template: controlled conns + 1 */
	unsigned long expires;		/* jiffies; refreshed by packets */
	struct aavs_dest *dest;		/* holds a reference */
	struct aavs_conn *control;	/* persistence template, if any */
	struct rcu_head rcu;
};

/*
 * A sloppy pickup: made by a mid-stream packet (TCP without SYN, SCTP
 * without INIT), so possibly spoofed.  Until another packet of its flow
 * arrives it lives AAVS_PROBATION_SECS and counts as inactive, whatever
 * its state (docs/deploying.md, "Hardening"); a persistence template it
 * made lives as long.  Free in ip_vs's 16 bits.
 */
#define AAVS_CONN_F_PROBATION	0x8000
/* Made with conntrack=1: its packets stay tracked (nfct.c).  ip_vs's bit 16. */
#define AAVS_CONN_F_NFCT	0x4000
/* ip_vs's TCP CLOSE timeout: what a one-shot spoofed packet leaves behind. */
#define AAVS_PROBATION_SECS	10

/* What aavs_conn_new() needs besides the key of the first packet. */
struct aavs_conn_param {
	struct net *net;
	u8 af;
	u8 protocol;
	const union nf_inet_addr *caddr;
	const union nf_inet_addr *vaddr;
	__be16 cport;
	__be16 vport;
	__be16 dport;			/* real server's port */
	u16 flags;			/* extra IP_VS_CONN_F_* */
	unsigned long timeout;		/* templates: svc->timeout */
	struct aavs_conn *control;
};

static inline bool aavs_conn_expired(const struct aavs_conn *cp)
{
	return time_after(jiffies, READ_ONCE(cp->expires));
}

static inline u32 aavs_conn_fwd(const struct aavs_conn *cp)
{
	return cp->flags & IP_VS_CONN_F_FWD_MASK;
}

/* Traffic of a conn counts for its dest, its service and the namespace. */
static inline void aavs_conn_count_in(struct aavs_net *an,
				      struct aavs_conn *cp, unsigned int len)
{
	aavs_stats_in(&cp->dest->stats, len);
	aavs_stats_in(&cp->dest->svc->stats, len);
	aavs_stats_in(&an->tot_stats, len);
}

static inline void aavs_conn_count_out(struct aavs_net *an,
				       struct aavs_conn *cp, unsigned int len)
{
	aavs_stats_out(&cp->dest->stats, len);
	aavs_stats_out(&cp->dest->svc->stats, len);
	aavs_stats_out(&an->tot_stats, len);
}

int aavs_conn_init(void);
void aavs_conn_exit(void);
/* Every conn of a namespace that is going away (netns.c). */
void aavs_conn_flush_net(struct aavs_net *an);

/*
 * Datapath, under rcu_read_lock(); return live entries only.  The conn of
 * a packet of a flow going to the service (in) or back to the client
 * (out): @pkt itself, or, @turned, the packet @pkt is the reverse of (the
 * one an ICMP error quotes travelled against the error's flow).
 */
struct aavs_conn *aavs_conn_in_get(struct net *net,
				   const struct aavs_pkt *pkt, bool turned);
struct aavs_conn *aavs_conn_out_get(struct net *net,
				    const struct aavs_pkt *pkt, bool turned);
struct aavs_conn *aavs_conn_tmpl_get(struct net *net, u8 af, u8 protocol,
				     const union nf_inet_addr *caddr,
				     const union nf_inet_addr *vaddr,
				     __be16 vport);

/*
 * Create, bind to @dest and hash a conn.  If the same flow was hashed by
 * another CPU meanwhile, that one is returned instead.  ERR_PTR(-ENOSPC)
 * when the namespace holds conn_max entries, ERR_PTR(-ENOMEM).
 */
struct aavs_conn *aavs_conn_new(const struct aavs_conn_param *p,
				struct aavs_dest *dest);

/*
 * A request's @event would leave the conn's state, flags and timeout as
 * they are (most packets of a flow): only its expiry needs refreshing.
 */
bool aavs_conn_steady(struct aavs_net *an, struct aavs_conn *cp,
		      unsigned int event);
/* Apply one packet's state event (proto_state.h); refreshes the expiry. */
void aavs_conn_update(struct aavs_net *an, struct aavs_conn *cp,
		      enum aavs_dir dir, unsigned int event);
/*
 * Another packet of a probation conn's flow: make it a full conn, and its
 * template (if made on probation too) a full one, of persistence @timeout.
 */
void aavs_conn_confirm_probation(struct aavs_net *an, struct aavs_conn *cp);
static inline void aavs_conn_confirm(struct aavs_net *an,
				     struct aavs_conn *cp)
{
	if (unlikely(READ_ONCE(cp->flags) & AAVS_CONN_F_PROBATION))
		aavs_conn_confirm_probation(an, cp);
}

void aavs_conn_confirm_tmpl(struct aavs_conn *ct, unsigned long timeout);
/* Keep the conn alive for its current timeout. */
void aavs_conn_touch(struct aavs_conn *cp);
/* Unhash now (conn_reuse_mode, expire_nodest_conn). */
void aavs_conn_expire_now(struct aavs_conn *cp);
/* Unhash every conn bound to @dest (dest deleted, expire_nodest_conn). */
void aavs_conn_flush_dest(struct aavs_dest *dest);

/*
 * drop_entry: visit 1/32 of the buckets at random and drop the entries of
 * @net that @todrop picks (under their bucket's lock).  Returns how many.
 */
unsigned int aavs_conn_drop_random(struct net *net,
				   bool (*todrop)(struct aavs_net *an,
						  const struct aavs_conn *cp));

/* ip_vs's timeout of a conn in @state, with this namespace's settings. */
unsigned long aavs_conn_state_timeout(struct aavs_net *an, u8 protocol,
				      u8 state);

/* For the /proc views (conn_proc.c). */
unsigned int aavs_conn_tab_size(void);
struct hlist_bl_head *aavs_conn_bucket(unsigned int i);
int aavs_conn_proc_net_init(struct aavs_net *an);
void aavs_conn_proc_net_exit(struct aavs_net *an);

#endif /* _AAVS_CONN_H */
