// SPDX-License-Identifier: GPL-2.0
/*
 * The scheduler registry: names NEW_SERVICE/SET_SERVICE accept, and the
 * glue that calls a service's scheduler hooks.  Adding an algorithm means
 * one sched_<name>.c defining aavs_sched_<name> and one line below.
 */
#include <linux/string.h>

#include "dest.h"
#include "pernet.h"
#include "sched.h"
#include "service.h"

static const struct aavs_sched_ops *const aavs_scheds[] = {
	&aavs_sched_rr,
	&aavs_sched_wrr,
	&aavs_sched_lc,
	&aavs_sched_wlc,
	&aavs_sched_sh,
	&aavs_sched_mh,
	&aavs_sched_dh,
	&aavs_sched_sed,
	&aavs_sched_nq,
	&aavs_sched_fo,
	&aavs_sched_ovf,
	&aavs_sched_twos,
	&aavs_sched_lblc,
	&aavs_sched_lblcr,
};

const struct aavs_sched_ops *aavs_sched_find(const char *name)
{
	int i;

	for (i = 0; i < ARRAY_SIZE(aavs_scheds); i++)
		if (!strcmp(aavs_scheds[i]->name, name))
			return aavs_scheds[i];
	return NULL;
}

static const struct aavs_sched_ops *aavs_sched_of(struct aavs_service *svc)
{
	return rcu_dereference_protected(svc->sched,
					 lockdep_is_held(&svc->an->config_mutex));
}

int aavs_sched_bind(struct aavs_service *svc, const struct aavs_sched_ops *ops)
{
	int ret;

	if (ops->init_service) {
		ret = ops->init_service(svc);
		if (ret)
			return ret;
	}
	rcu_assign_pointer(svc->sched, ops);
	return 0;
}

/* Callers wait for a grace period before they free what readers may see. */
void aavs_sched_unbind(struct aavs_service *svc)
{
	const struct aavs_sched_ops *ops = aavs_sched_of(svc);

	if (!ops)
		return;
	RCU_INIT_POINTER(svc->sched, NULL);
	if (ops->done_service)
		ops->done_service(svc);
}

int aavs_sched_add_dest(struct aavs_service *svc, struct aavs_dest *dest)
{
	const struct aavs_sched_ops *ops = aavs_sched_of(svc);

	if (ops && ops->add_dest)
		return ops->add_dest(svc, dest);
	return 0;
}

int aavs_sched_del_dest(struct aavs_service *svc, struct aavs_dest *dest)
{
	const struct aavs_sched_ops *ops = aavs_sched_of(svc);

	if (ops && ops->del_dest)
		return ops->del_dest(svc, dest);
	return 0;
}

int aavs_sched_upd_dest(struct aavs_service *svc, struct aavs_dest *dest)
{
	const struct aavs_sched_ops *ops = aavs_sched_of(svc);

	if (ops && ops->upd_dest)
		return ops->upd_dest(svc, dest);
	return 0;
}

/* Datapath entry point; caller holds rcu_read_lock(). */
struct aavs_dest *aavs_sched_schedule(struct aavs_service *svc,
				      const struct aavs_sched_pkt *pkt)
{
	const struct aavs_sched_ops *ops = rcu_dereference(svc->sched);
	struct aavs_dest *dest = ops ? ops->schedule(svc, pkt) : NULL;

	if (!dest)
		aavs_svc_event(svc, AAVS_EV_NODEST);
	return dest;
}

bool aavs_sched_digest(struct aavs_service *svc, u64 *digest)
{
	const struct aavs_sched_ops *ops = rcu_dereference(svc->sched);

	return ops && ops->digest && ops->digest(svc, digest);
}
