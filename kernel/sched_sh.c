// SPDX-License-Identifier: GPL-2.0
/*
 * Source hashing ("sh"), mapping clients exactly as ip_vs_sh does: 256
 * buckets tiled by weight in dest-list order, sh-fallback (SCHED1) and
 * sh-port (SCHED2).  Flag 3 (SCHED3) selects aavs's stable table, which
 * depends only on the set of dests and their last non-zero weights.  With
 * sh-fallback a mid-stream packet stays on its hashed dest even at weight 0.
 */
#include "sched_hash_svc.h"
#include "sched_sh_table.h"

static int aavs_sh_build_any(void *table, const struct aavs_sched_member *m,
			     unsigned int n, bool stable, void *ws)
{
	if (stable)
		return aavs_sh_build_stable(table, m, n, ws);
	return aavs_sh_build(table, m, n);
}

static const struct aavs_hsched_algo aavs_sh_algo = {
	.name		= "sh",
	.table_size	= sizeof(struct aavs_sh_table),
	.nslots		= AAVS_SH_TAB_SIZE,
	.ws_size	= aavs_sh_ws_size,
	.build		= aavs_sh_build_any,
};

static int aavs_sh_init_service(struct aavs_service *svc)
{
	return aavs_hsched_init(svc, &aavs_sh_algo);
}

static int aavs_sh_dest_changed(struct aavs_service *svc,
				struct aavs_dest *dest)
{
	return aavs_hsched_rebuild(svc, &aavs_sh_algo);
}

static struct aavs_dest *aavs_sh_schedule(struct aavs_service *svc,
					  const struct aavs_sched_pkt *pkt)
{
	const struct aavs_hstate *s = aavs_hsched_state(svc);
	u32 flags = READ_ONCE(svc->flags);
	const struct aavs_sh_table *t;
	u32 fold;
	struct aavs_dest *dest;
	u16 port;

	if (!s)
		return NULL;
	t = s->table[!!(flags & IP_VS_SVC_F_SCHED3)];
	aavs_hsched_key(svc, pkt, flags & IP_VS_SVC_F_SCHED_SH_PORT,
			&fold, &port);

	if (!(flags & IP_VS_SVC_F_SCHED_SH_FALLBACK))
		return aavs_hsched_pick(s, aavs_sh_get(t, fold, port,
						       aavs_hsched_usable,
						       s->dest));
	dest = aavs_hsched_hashed_or_kept(svc, pkt, s,
					  aavs_sh_hashed(t, fold, port));
	if (dest)
		return dest;
	return aavs_hsched_fell_back(svc, s,
				     aavs_sh_get_fallback(t, fold, port,
							  aavs_hsched_usable,
							  s->dest));
}

static bool aavs_sh_digest(struct aavs_service *svc, u64 *digest)
{
	return aavs_hsched_digest(svc, &aavs_sh_algo, digest);
}

const struct aavs_sched_ops aavs_sched_sh = {
	.name		= "sh",
	.init_service	= aavs_sh_init_service,
	.done_service	= aavs_hsched_done,
	.add_dest	= aavs_sh_dest_changed,
	.del_dest	= aavs_sh_dest_changed,
	.upd_dest	= aavs_sh_dest_changed,
	.schedule	= aavs_sh_schedule,
	.digest		= aavs_sh_digest,
};
