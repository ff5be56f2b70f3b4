/* Glue between the tool and the kernel's table code (kernel_tables.h),
 * compiled as C against tests/unit/shim like the kernel files themselves.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "sched_dh_table.h"
#include "sched_digest.h"
#include "sched_mh_table.h"
#include "sched_sh_table.h"
#include "kernel_tables.h"

/* As aavs_hsched_member(): the fold reads all 16 bytes the kernel holds,
 * the identity only the address of the server's own family.
 */
static void to_member(int svc_v6, const struct aavs_table_server *s,
		      struct aavs_sched_member *m)
{
	__be32 raw[4];

	memcpy(raw, s->addr, sizeof(raw));
	memset(m, 0, sizeof(*m));
	m->v6 = s->v6 != 0;
	if (m->v6)
		memcpy(m->addr, raw, sizeof(m->addr));
	else
		m->addr[0] = raw[0];
	m->fold = aavs_sched_fold(svc_v6, raw);
	m->port = s->port;
	m->weight = s->weight;
	m->last_weight = s->last_weight;
}

int aavs_table_digest(enum aavs_table_kind kind, int stable, int svc_v6,
		      const struct aavs_table_server *servers, unsigned int n,
		      uint32_t svc_flags, uint64_t *digest)
{
	struct aavs_sched_member *m = NULL;
	struct aavs_sh_table *sh = NULL;
	struct aavs_mh_table *mh = NULL;
	struct aavs_dh_table *dh = NULL;
	void *ws = NULL;
	unsigned int i;
	int ret = -ENOMEM;

	if (n > AAVS_SCHED_MAX_MEMBERS)
		return -EINVAL;
	m = calloc(n ? n : 1, sizeof(*m));
	ws = malloc(kind == AAVS_TABLE_SH ? aavs_sh_ws_size(n) :
		    kind == AAVS_TABLE_MH ? aavs_mh_ws_size(n) : 1);
	if (!m || !ws)
		goto out;
	for (i = 0; i < n; i++)
		to_member(svc_v6, &servers[i], &m[i]);

	if (kind == AAVS_TABLE_SH) {
		sh = malloc(sizeof(*sh));
		if (!sh)
			goto out;
		ret = stable ? aavs_sh_build_stable(sh, m, n, ws) : aavs_sh_build(sh, m, n);
		if (!ret)
			*digest = aavs_digest_finish(aavs_digest_table(sh->slot, AAVS_SH_TAB_SIZE, m),
						     "sh", svc_flags);
	} else if (kind == AAVS_TABLE_DH) {
		dh = malloc(sizeof(*dh));
		if (!dh)
			goto out;
		ret = aavs_dh_build(dh, n);
		if (!ret)
			*digest = aavs_digest_finish(aavs_digest_table(dh->slot, AAVS_DH_TAB_SIZE, m),
						     "dh", svc_flags);
	} else {
		mh = malloc(sizeof(*mh));
		if (!mh)
			goto out;
		ret = aavs_mh_build(mh, m, n, stable != 0, ws);
		if (!ret)
			*digest = aavs_digest_finish(aavs_digest_table(mh->slot, AAVS_MH_TAB_SIZE, m),
						     "mh", svc_flags);
	}
out:
	free(dh);
	free(mh);
	free(sh);
	free(ws);
	free(m);
	return ret;
}
