// SPDX-License-Identifier: GPL-2.0
/*
 * Per-cpu traffic counters and ip_vs's rate estimator.
 *
 * The datapath bumps per-cpu counters (stats.h).  Every 2 seconds a
 * per-namespace timer folds them into one sum per stats block and updates
 * exponentially smoothed rates with ip_vs's scaling and weight (1/4), so
 * ipvsadm --rate reads the same numbers as with ip_vs.  Counters shown to
 * users are "sum at the last tick minus sum at the last zero", as in ip_vs.
 */
#include <linux/jiffies.h>

#include "pernet.h"
#include "stats.h"

#define AAVS_EST_PERIOD (2 * HZ)

int aavs_stats_alloc(struct aavs_stats *s)
{
	int cpu;

	s->cpustats = alloc_percpu(struct aavs_cpu_stats);
	if (!s->cpustats)
		return -ENOMEM;
	for_each_possible_cpu(cpu)
		u64_stats_init(&per_cpu_ptr(s->cpustats, cpu)->syncp);
	spin_lock_init(&s->lock);
	INIT_LIST_HEAD(&s->est.list);
	return 0;
}

void aavs_stats_free(struct aavs_stats *s)
{
	free_percpu(s->cpustats);
	s->cpustats = NULL;
}

void aavs_stats_read_cpu(struct aavs_stats *s, int cpu,
			 struct aavs_counters *c)
{
	struct aavs_cpu_stats *p = per_cpu_ptr(s->cpustats, cpu);
	unsigned int start;

	do {
		start = u64_stats_fetch_begin(&p->syncp);
		c->conns = u64_stats_read(&p->conns);
		c->inpkts = u64_stats_read(&p->inpkts);
		c->outpkts = u64_stats_read(&p->outpkts);
		c->inbytes = u64_stats_read(&p->inbytes);
		c->outbytes = u64_stats_read(&p->outbytes);
	} while (u64_stats_fetch_retry(&p->syncp, start));
}

/* Caller holds s->lock. */
static void aavs_stats_sum(struct aavs_stats *s)
{
	struct aavs_counters sum = {}, c;
	int cpu;

	for_each_possible_cpu(cpu) {
		aavs_stats_read_cpu(s, cpu, &c);
		sum.conns += c.conns;
		sum.inpkts += c.inpkts;
		sum.outpkts += c.outpkts;
		sum.inbytes += c.inbytes;
		sum.outbytes += c.outbytes;
	}
	s->sum = sum;
}

/* One smoothing step: rate += (sample - rate) / 4, in signed arithmetic. */
static u64 aavs_est_step(u64 rate, u64 now, u64 *last, unsigned int shift)
{
	u64 sample = (now - *last) << shift;

	*last = now;
	return rate + (((s64)sample - (s64)rate) >> 2);
}

/* Caller holds s->lock. */
static void aavs_est_update(struct aavs_stats *s)
{
	struct aavs_estimator *e = &s->est;

	/* pps scaled by 2^10 over 2 s is << 9; bps scaled by 2^5 is << 4. */
	e->cps = aavs_est_step(e->cps, s->sum.conns, &e->last.conns, 9);
	e->inpps = aavs_est_step(e->inpps, s->sum.inpkts, &e->last.inpkts, 9);
	e->outpps = aavs_est_step(e->outpps, s->sum.outpkts,
				  &e->last.outpkts, 9);
	e->inbps = aavs_est_step(e->inbps, s->sum.inbytes,
				 &e->last.inbytes, 4);
	e->outbps = aavs_est_step(e->outbps, s->sum.outbytes,
				  &e->last.outbytes, 4);
}

static void aavs_est_tick(struct timer_list *t)
{
	struct aavs_net *an = from_timer(an, t, est_timer);
	struct aavs_estimator *e;

	if (!READ_ONCE(an->sysctl.run_estimation))
		goto rearm;

	spin_lock(&an->est_lock);
	list_for_each_entry(e, &an->est_list, list) {
		struct aavs_stats *s = container_of(e, struct aavs_stats, est);

		spin_lock(&s->lock);
		aavs_stats_sum(s);
		aavs_est_update(s);
		spin_unlock(&s->lock);
	}
	spin_unlock(&an->est_lock);
rearm:
	mod_timer(&an->est_timer, jiffies + AAVS_EST_PERIOD);
}

void aavs_stats_start(struct aavs_net *an, struct aavs_stats *s)
{
	spin_lock_bh(&an->est_lock);
	list_add(&s->est.list, &an->est_list);
	spin_unlock_bh(&an->est_lock);
}

void aavs_stats_stop(struct aavs_net *an, struct aavs_stats *s)
{
	spin_lock_bh(&an->est_lock);
	list_del_init(&s->est.list);
	spin_unlock_bh(&an->est_lock);
}

/* Counters restart from the last tick's sum; rates restart from 0. */
void aavs_stats_zero(struct aavs_stats *s)
{
	struct aavs_estimator *e = &s->est;

	spin_lock_bh(&s->lock);
	s->zero = s->sum;
	e->last = s->sum;
	e->cps = 0;
	e->inpps = 0;
	e->outpps = 0;
	e->inbps = 0;
	e->outbps = 0;
	spin_unlock_bh(&s->lock);
}

void aavs_stats_read(struct aavs_stats *s, struct aavs_stats_snap *snap)
{
	struct aavs_estimator *e = &s->est;

	spin_lock_bh(&s->lock);
	snap->conns = s->sum.conns - s->zero.conns;
	snap->inpkts = s->sum.inpkts - s->zero.inpkts;
	snap->outpkts = s->sum.outpkts - s->zero.outpkts;
	snap->inbytes = s->sum.inbytes - s->zero.inbytes;
	snap->outbytes = s->sum.outbytes - s->zero.outbytes;
	/* Round to nearest when dropping the scale. */
	snap->cps = (e->cps + 0x1ff) >> 10;
	snap->inpps = (e->inpps + 0x1ff) >> 10;
	snap->outpps = (e->outpps + 0x1ff) >> 10;
	snap->inbps = (e->inbps + 0xf) >> 5;
	snap->outbps = (e->outbps + 0xf) >> 5;
	spin_unlock_bh(&s->lock);
}

int aavs_estimator_init(struct aavs_net *an)
{
	int ret;

	spin_lock_init(&an->est_lock);
	INIT_LIST_HEAD(&an->est_list);
	ret = aavs_stats_alloc(&an->tot_stats);
	if (ret)
		return ret;
	aavs_stats_start(an, &an->tot_stats);
	timer_setup(&an->est_timer, aavs_est_tick, 0);
	mod_timer(&an->est_timer, jiffies + AAVS_EST_PERIOD);
	return 0;
}

void aavs_estimator_exit(struct aavs_net *an)
{
	timer_shutdown_sync(&an->est_timer);
	aavs_stats_stop(an, &an->tot_stats);
	aavs_stats_free(&an->tot_stats);
}
