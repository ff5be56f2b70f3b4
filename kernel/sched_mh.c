// SPDX-License-Identifier: GPL-2.0
/*
 * Maglev hashing ("mh"), mapping clients exactly as ip_vs_mh does (4093
 * slots, its fixed keys, turns from last_weight), with mh-fallback (SCHED1)
 * and mh-port (SCHED2).  Flag 3 (SCHED3) populates the table in canonical
 * dest order instead of list order, so it no longer depends on the order
 * dests were added.  With mh-fallback a mid-stream packet stays on its
 * hashed dest even at weight 0.
 */
#include "sched_hash_svc.h"
#include "sched_mh_table.h"

/* ip_vs_mh.c's own names for the two bits; the UAPI has only sh's. */
#define AAVS_SVC_F_MH_FALLBACK	IP_VS_SVC_F_SCHED1
#define AAVS_SVC_F_MH_PORT	IP_VS_SVC_F_SCHED2

static int aavs_mh_build_any(void *table, const struct aavs_sched_member *m,
			     unsigned int n, bool stable, void *ws)
{
	return aavs_mh_build(table, m, n, stable, ws);
}

static const struct aavs_hsched_algo aavs_mh_algo = {
	.name		= "mh",
	.table_size	= sizeof(struct aavs_mh_table),
	.nslots		= AAVS_MH_TAB_SIZE,
	.ws_size	= aavs_mh_ws_size,
	.build		= aavs_mh_build_any,
};

static int aavs_mh_init_service(struct aavs_service *svc)
{
	return aavs_hsched_init(svc, &aavs_mh_algo);
}

static int aavs_mh_dest_changed(struct aavs_service *svc,
				struct aavs_dest *dest)
{
	return aavs_hsched_rebuild(svc, &aavs_mh_algo);
}

static struct aavs_dest *aavs_mh_schedule(struct aavs_service *svc,
					  const struct aavs_sched_pkt *pkt)
{
	const struct aavs_hstate *s = aavs_hsched_state(svc);
	u32 flags = READ_ONCE(svc->flags);
	const struct aavs_mh_table *t;
	u32 fold;
	struct aavs_dest *dest;
	u16 port;

	if (!s)
		return NULL;
	t = s->table[!!(flags & IP_VS_SVC_F_SCHED3)];
	aavs_hsched_key(svc, pkt, flags & AAVS_SVC_F_MH_PORT, &fold, &port);

	if (!(flags & AAVS_SVC_F_MH_FALLBACK))
		return aavs_hsched_pick(s, aavs_mh_get(t, fold, port,
						       aavs_hsched_usable,
						       s->dest));
	dest = aavs_hsched_hashed_or_kept(svc, pkt, s,
					  aavs_mh_hashed(t, fold, port));
	if (dest)
		return dest;
	return aavs_hsched_fell_back(svc, s,
				     aavs_mh_get_fallback(t, fold, port,
							  aavs_hsched_usable,
							  s->dest));
}

static bool aavs_mh_digest(struct aavs_service *svc, u64 *digest)
{
	return aavs_hsched_digest(svc, &aavs_mh_algo, digest);
}

const struct aavs_sched_ops aavs_sched_mh = {
	.name		= "mh",
	.init_service	= aavs_mh_init_service,
	.done_service	= aavs_hsched_done,
	.add_dest	= aavs_mh_dest_changed,
	.del_dest	= aavs_mh_dest_changed,
	.upd_dest	= aavs_mh_dest_changed,
	.schedule	= aavs_mh_schedule,
	.digest		= aavs_mh_digest,
};
