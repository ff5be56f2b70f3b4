/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _AAVS_STATS_H
#define _AAVS_STATS_H

#include <linux/list.h>
#include <linux/percpu.h>
#include <linux/spinlock.h>
#include <linux/u64_stats_sync.h>

struct aavs_net;

/* The five counters ip_vs keeps for the namespace, each service and dest. */
struct aavs_counters {
	u64 conns;
	u64 inpkts;
	u64 outpkts;
	u64 inbytes;
	u64 outbytes;
};

/* What a reader sees: counters since the last zero, and decoded rates. */
struct aavs_stats_snap {
	u64 conns;
	u64 inpkts;
	u64 outpkts;
	u64 inbytes;
	u64 outbytes;
	u64 cps;
	u64 inpps;
	u64 outpps;
	u64 inbps;
	u64 outbps;
};

struct aavs_cpu_stats {
	u64_stats_t conns;
	u64_stats_t inpkts;
	u64_stats_t outpkts;
	u64_stats_t inbytes;
	u64_stats_t outbytes;
	struct u64_stats_sync syncp;
};

/* Smoothed rates, scaled as ip_vs scales them (pps << 10, bps << 5). */
struct aavs_estimator {
	struct list_head list;
	struct aavs_counters last;
	u64 cps;
	u64 inpps;
	u64 outpps;
	u64 inbps;
	u64 outbps;
};

struct aavs_stats {
	struct aavs_cpu_stats __percpu *cpustats;
	/* Guards sum, zero and est against the estimator tick. */
	spinlock_t lock;
	struct aavs_counters sum;	/* all CPUs, as of the last tick */
	struct aavs_counters zero;	/* sum at the last ZERO */
	struct aavs_estimator est;
};

int aavs_stats_alloc(struct aavs_stats *s);
void aavs_stats_free(struct aavs_stats *s);
void aavs_stats_start(struct aavs_net *an, struct aavs_stats *s);
void aavs_stats_stop(struct aavs_net *an, struct aavs_stats *s);
void aavs_stats_zero(struct aavs_stats *s);
void aavs_stats_read(struct aavs_stats *s, struct aavs_stats_snap *snap);
void aavs_stats_read_cpu(struct aavs_stats *s, int cpu,
			 struct aavs_counters *c);

int aavs_estimator_init(struct aavs_net *an);
void aavs_estimator_exit(struct aavs_net *an);

/*
 * Datapath side: bump one object's counters.  Callers run with BHs off
 * (netfilter hooks do), so the per-cpu sequence counter is never nested.
 */
static inline void aavs_stats_conn(struct aavs_stats *s)
{
	struct aavs_cpu_stats *c = this_cpu_ptr(s->cpustats);

	u64_stats_update_begin(&c->syncp);
	u64_stats_inc(&c->conns);
	u64_stats_update_end(&c->syncp);
}

static inline void aavs_stats_in(struct aavs_stats *s, unsigned int len)
{
	struct aavs_cpu_stats *c = this_cpu_ptr(s->cpustats);

	u64_stats_update_begin(&c->syncp);
	u64_stats_inc(&c->inpkts);
	u64_stats_add(&c->inbytes, len);
	u64_stats_update_end(&c->syncp);
}

static inline void aavs_stats_out(struct aavs_stats *s, unsigned int len)
{
	struct aavs_cpu_stats *c = this_cpu_ptr(s->cpustats);

	u64_stats_update_begin(&c->syncp);
	u64_stats_inc(&c->outpkts);
	u64_stats_add(&c->outbytes, len);
	u64_stats_update_end(&c->syncp);
}

#endif /* _AAVS_STATS_H */
