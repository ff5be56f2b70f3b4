/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _AAVS_SCHED_H
#define _AAVS_SCHED_H

#include <linux/skbuff.h>
#include <linux/types.h>

#include "pkt.h"

struct aavs_service;
struct aavs_dest;

/* What a scheduler may look at when it picks a dest for a new connection. */
struct aavs_sched_pkt {
	const struct sk_buff *skb;
	const struct aavs_pkt *pkt;	/* the request, client to service */
	/*
	 * Set when sloppy mode creates a connection from a packet that does
	 * not open one (not a TCP SYN / SCTP INIT): with *-fallback, sh and mh
	 * then keep the hashed dest even at weight 0, so a flow that moved to
	 * this director from another one is not broken.
	 */
	bool midstream;
};

/*
 * One scheduling algorithm.  Hooks other than schedule are optional and run
 * under the namespace's config mutex; schedule runs in the datapath under
 * rcu_read_lock() and returns an available dest or NULL.  A scheduler keeps
 * its per-service state in svc->sched_data, which done_service frees.
 * digest (sh, mh; under rcu_read_lock()) gives the table digest of
 * sched_digest.h; schedulers whose choices no table decides have none.
 */
struct aavs_sched_ops {
	const char *name;
	int (*init_service)(struct aavs_service *svc);
	void (*done_service)(struct aavs_service *svc);
	int (*add_dest)(struct aavs_service *svc, struct aavs_dest *dest);
	int (*del_dest)(struct aavs_service *svc, struct aavs_dest *dest);
	int (*upd_dest)(struct aavs_service *svc, struct aavs_dest *dest);
	struct aavs_dest *(*schedule)(struct aavs_service *svc,
				      const struct aavs_sched_pkt *pkt);
	bool (*digest)(struct aavs_service *svc, u64 *digest);
};

/* The algorithms; each lives in its own sched_<name>.c. */
extern const struct aavs_sched_ops aavs_sched_rr;
extern const struct aavs_sched_ops aavs_sched_wrr;
extern const struct aavs_sched_ops aavs_sched_lc;
extern const struct aavs_sched_ops aavs_sched_wlc;
extern const struct aavs_sched_ops aavs_sched_sh;
extern const struct aavs_sched_ops aavs_sched_mh;
extern const struct aavs_sched_ops aavs_sched_dh;
extern const struct aavs_sched_ops aavs_sched_sed;
extern const struct aavs_sched_ops aavs_sched_nq;
extern const struct aavs_sched_ops aavs_sched_fo;
extern const struct aavs_sched_ops aavs_sched_ovf;
extern const struct aavs_sched_ops aavs_sched_twos;
extern const struct aavs_sched_ops aavs_sched_lblc;
extern const struct aavs_sched_ops aavs_sched_lblcr;

const struct aavs_sched_ops *aavs_sched_find(const char *name);
int aavs_sched_bind(struct aavs_service *svc,
		    const struct aavs_sched_ops *ops);
void aavs_sched_unbind(struct aavs_service *svc);
/*
 * A dest joined, left or changed (the list already says so).  An error
 * means the scheduler kept its old state: sh and mh their old table, which
 * a new dest is not in (too many dests for mh, or no memory).
 */
int aavs_sched_add_dest(struct aavs_service *svc, struct aavs_dest *dest);
int aavs_sched_del_dest(struct aavs_service *svc, struct aavs_dest *dest);
int aavs_sched_upd_dest(struct aavs_service *svc, struct aavs_dest *dest);
struct aavs_dest *aavs_sched_schedule(struct aavs_service *svc,
				      const struct aavs_sched_pkt *pkt);
/*
 * wlc's pick, under RCU: the usable dest with the smallest overhead /
 * weight, the first in list order on ties (lblc and lblcr fall back on it,
 * as ip_vs's do).
 */
struct aavs_dest *aavs_wlc_least(struct aavs_service *svc);
/* The service's table digest, if its scheduler has one; under RCU. */
bool aavs_sched_digest(struct aavs_service *svc, u64 *digest);

#endif /* _AAVS_SCHED_H */
