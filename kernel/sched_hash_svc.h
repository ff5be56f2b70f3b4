/* SPDX-License-Identifier: GPL-2.0 */
/*
 * aavs: what sh and mh share between the pure tables (sched_*_table.c) and
 * a service: turning svc->destinations into table members, publishing the
 * built tables with RCU, and reading the hash key out of a packet.
 *
 * What these schedulers read of struct aavs_sched_pkt:
 *	pkt->saddr	the client's address (an ICMP error's: the quoted
 *			packet's destination)
 *	pkt->sport	its port, likewise
 *	pkt->protocol	the transport protocol (the quoted one for ICMP)
 *	midstream	sloppy mode made this conn from a non-opening packet
 * sport is used only for TCP, UDP and SCTP, as ip_vs does.
 */
#ifndef _AAVS_SCHED_HASH_SVC_H
#define _AAVS_SCHED_HASH_SVC_H

#include <linux/ip_vs.h>
#include <linux/rcupdate.h>
#include <linux/types.h>

#include "dest.h"
#include "sched.h"
#include "sched_hash.h"
#include "service.h"

/*
 * One published generation: both tables (ip_vs's, and the flag-3 one) and
 * the dests their slots index, each holding a reference until readers of
 * this generation are gone.
 */
struct aavs_hstate {
	struct rcu_head rcu;
	unsigned int n;
	void *table[2];			/* [0] ip_vs order, [1] flag 3 */
	u64 digest[2];			/* slot part of each, sched_digest.h */
	struct aavs_dest *dest[];
};

/* svc->sched_data of sh and mh */
struct aavs_hsched {
	struct aavs_hstate __rcu *cur;
	struct rcu_head rcu;
};

/* How one algorithm builds its table; control path only. */
struct aavs_hsched_algo {
	const char *name;
	size_t table_size;		/* a table starts with its u16 slots */
	unsigned int nslots;
	size_t (*ws_size)(unsigned int n);
	int (*build)(void *table, const struct aavs_sched_member *m,
		     unsigned int n, bool stable, void *ws);
};

int aavs_hsched_init(struct aavs_service *svc,
		     const struct aavs_hsched_algo *algo);
void aavs_hsched_done(struct aavs_service *svc);
int aavs_hsched_rebuild(struct aavs_service *svc,
			const struct aavs_hsched_algo *algo);
bool aavs_hsched_digest(struct aavs_service *svc,
			const struct aavs_hsched_algo *algo, u64 *digest);

/* Datapath: the current generation, or NULL; under rcu_read_lock(). */
static inline struct aavs_hstate *
aavs_hsched_state(const struct aavs_service *svc)
{
	struct aavs_hsched *h = READ_ONCE(svc->sched_data);

	return h ? rcu_dereference(h->cur) : NULL;
}

/*
 * ip_vs's is_unavailable() inverted, plus "still in the service" for the
 * moment between a delete and the new table; ctx is aavs_hstate.dest.
 */
static inline bool aavs_hsched_usable(const void *ctx, unsigned int idx)
{
	const struct aavs_dest *d = ((struct aavs_dest *const *)ctx)[idx];

	return atomic_read(&d->weight) > 0 &&
	       !test_bit(AAVS_DEST_OVERLOAD, &d->flags) &&
	       aavs_dest_available(d);
}

/* The client's hash input: folded address and, with @use_port, its port */
static inline void aavs_hsched_key(const struct aavs_service *svc,
				   const struct aavs_sched_pkt *pkt,
				   bool use_port, u32 *fold, u16 *port)
{
	*fold = aavs_sched_fold(svc->af == AF_INET6, pkt->pkt->saddr.ip6);
	*port = 0;
	if (!use_port)
		return;
	switch (pkt->pkt->protocol) {
	case IPPROTO_TCP:
	case IPPROTO_UDP:
	case IPPROTO_SCTP:
		*port = ntohs(pkt->pkt->sport);
		break;
	}
}

static inline struct aavs_dest *
aavs_hsched_pick(const struct aavs_hstate *s, int idx)
{
	return idx < 0 ? NULL : s->dest[idx];
}

/*
 * With fallback, a mid-stream packet keeps the hashed dest while it is
 * still in the service, whatever its weight or load: the flow already
 * lives there (another director opened it), and moving it would break it.
 */
static inline bool aavs_hsched_keep(const struct aavs_sched_pkt *pkt,
				    const struct aavs_hstate *s, int hashed)
{
	return pkt->midstream && hashed >= 0 &&
	       aavs_dest_available(s->dest[hashed]);
}

/*
 * With fallback, before any probing: the hashed dest if usable, or kept
 * for a mid-stream packet; NULL sends the caller probing.
 */
static inline struct aavs_dest *
aavs_hsched_hashed_or_kept(struct aavs_service *svc,
			   const struct aavs_sched_pkt *pkt,
			   const struct aavs_hstate *s, int hashed)
{
	if (hashed < 0)
		return NULL;
	if (aavs_hsched_usable(s->dest, hashed))
		return s->dest[hashed];
	if (!aavs_hsched_keep(pkt, s, hashed))
		return NULL;
	aavs_svc_event(svc, AAVS_EV_KEPT);
	return s->dest[hashed];
}

/* What the fallback probe found, counted */
static inline struct aavs_dest *
aavs_hsched_fell_back(struct aavs_service *svc, const struct aavs_hstate *s,
		      int idx)
{
	if (idx < 0)
		return NULL;
	aavs_svc_event(svc, AAVS_EV_FALLBACK);
	return s->dest[idx];
}

#endif /* _AAVS_SCHED_HASH_SVC_H */
