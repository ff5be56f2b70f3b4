// SPDX-License-Identifier: GPL-2.0
/*
 * Destination hashing ("dh"), mapping destination addresses exactly as
 * ip_vs_dh does.  The key is the packet's destination address (its daddr,
 * folded with the service's family), so one service only spreads flows
 * when it is a fwmark service for many addresses.  No flags and no
 * fallback: a hashed dest that is paused or overloaded means no dest.
 * The sh/mh glue keeps the table generations (sched_hash_svc.c); dh builds
 * the same table for both of its slots, since flag 3 means nothing here.
 */
#include "sched_hash_svc.h"
#include "sched_dh_table.h"

/* dh needs no scratch space */
static size_t aavs_dh_ws_size(unsigned int n)
{
	return 0;
}

static int aavs_dh_build_any(void *table, const struct aavs_sched_member *m,
			     unsigned int n, bool stable, void *ws)
{
	return aavs_dh_build(table, n);
}

static const struct aavs_hsched_algo aavs_dh_algo = {
	.name		= "dh",
	.table_size	= sizeof(struct aavs_dh_table),
	.nslots		= AAVS_DH_TAB_SIZE,
	.ws_size	= aavs_dh_ws_size,
	.build		= aavs_dh_build_any,
};

static int aavs_dh_init_service(struct aavs_service *svc)
{
	return aavs_hsched_init(svc, &aavs_dh_algo);
}

/*
 * Weights do not shape the table, but a weight edit rebuilds it too: the
 * same table again, with a digest whose usable bits are current.
 */
static int aavs_dh_dest_changed(struct aavs_service *svc,
				struct aavs_dest *dest)
{
	return aavs_hsched_rebuild(svc, &aavs_dh_algo);
}

static bool aavs_dh_digest(struct aavs_service *svc, u64 *digest)
{
	return aavs_hsched_digest(svc, &aavs_dh_algo, digest);
}

static struct aavs_dest *aavs_dh_schedule(struct aavs_service *svc,
					  const struct aavs_sched_pkt *pkt)
{
	const struct aavs_hstate *s = aavs_hsched_state(svc);
	u32 fold;

	if (!s)
		return NULL;
	fold = aavs_sched_fold(svc->af == AF_INET6, pkt->pkt->daddr.ip6);
	return aavs_hsched_pick(s, aavs_dh_get(s->table[0], fold,
					       aavs_hsched_usable, s->dest));
}

const struct aavs_sched_ops aavs_sched_dh = {
	.name		= "dh",
	.init_service	= aavs_dh_init_service,
	.done_service	= aavs_hsched_done,
	.add_dest	= aavs_dh_dest_changed,
	.del_dest	= aavs_dh_dest_changed,
	.upd_dest	= aavs_dh_dest_changed,
	.schedule	= aavs_dh_schedule,
	.digest		= aavs_dh_digest,
};
