/* SPDX-License-Identifier: GPL-2.0 */
/*
 * aavs: the table digest, a 64-bit fingerprint of how an sh, mh or dh service
 * maps new flows, equal on two directors exactly when they map every flow
 * alike.  Defined byte by byte (docs/schedulers.md) so that anyone can
 * recompute it; the tool computes it for stock ip_vs with this same code.
 *
 * FNV-1a 64 over, for each table slot in order, 20 bytes:
 *	family (0 empty slot, 4, 6), address (16 bytes, network order, IPv4
 *	in the first 4, the rest zero), port (2 bytes, network order),
 *	usable (1 if the server's weight is > 0, else 0)
 * then the scheduler's name, a 0 byte, and one byte of scheduler flags
 * (bit 0 flag 1, bit 1 flag 2, bit 2 flag 3).  The slot part is computed
 * when the table is built; the name and flags are added when read.
 */
#ifndef _AAVS_SCHED_DIGEST_H
#define _AAVS_SCHED_DIGEST_H

#include <linux/types.h>
#include "sched_hash.h"

#define AAVS_DIGEST_INIT	0xcbf29ce484222325ULL

u64 aavs_digest_bytes(u64 h, const void *p, size_t n);

/* The slot part of the digest of a table of @nslots member indices */
u64 aavs_digest_table(const u16 *slot, unsigned int nslots,
		      const struct aavs_sched_member *m);

/* The whole digest; @sched_flags are IP_VS_SVC_F_SCHED{1,2,3} bits */
u64 aavs_digest_finish(u64 h, const char *sched, u32 sched_flags);

#endif /* _AAVS_SCHED_DIGEST_H */
