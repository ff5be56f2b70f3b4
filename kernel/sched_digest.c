// SPDX-License-Identifier: GPL-2.0
/*
 * The table digest (sched_digest.h).  Pure: also built into the tool, which
 * must get the same 64 bits from the same table.
 */
#include <linux/types.h>
#include <linux/string.h>

#include "sched_digest.h"

#define AAVS_FNV_PRIME		0x100000001b3ULL
/* IP_VS_SVC_F_SCHED1, our bit 0: flag 1 is 0x0008 in ip_vs's flags */
#define AAVS_DIGEST_FLAG_SHIFT	3

u64 aavs_digest_bytes(u64 h, const void *p, size_t n)
{
	const u8 *b = p;

	while (n--) {
		h ^= *b++;
		h *= AAVS_FNV_PRIME;
	}
	return h;
}

u64 aavs_digest_table(const u16 *slot, unsigned int nslots,
		      const struct aavs_sched_member *m)
{
	u64 h = AAVS_DIGEST_INIT;
	unsigned int i;
	u8 rec[20];

	for (i = 0; i < nslots; i++) {
		const struct aavs_sched_member *d;

		memset(rec, 0, sizeof(rec));
		if (slot[i] != AAVS_SCHED_NONE) {
			d = &m[slot[i]];
			rec[0] = d->v6 ? 6 : 4;
			memcpy(&rec[1], d->addr, 16);
			rec[17] = d->port >> 8;
			rec[18] = d->port & 0xff;
			rec[19] = d->weight > 0;
		}
		h = aavs_digest_bytes(h, rec, sizeof(rec));
	}
	return h;
}

u64 aavs_digest_finish(u64 h, const char *sched, u32 sched_flags)
{
	u8 flags = (sched_flags >> AAVS_DIGEST_FLAG_SHIFT) & 7;

	h = aavs_digest_bytes(h, sched, strlen(sched) + 1);
	return aavs_digest_bytes(h, &flags, 1);
}
