// SPDX-License-Identifier: GPL-2.0
/*
 * aavs: the destination hashing table (sched_dh_table.h).  Pure, so the
 * userspace unit tests build this same file.
 */
#include <linux/types.h>
#include <linux/errno.h>
#include "sched_dh_table.h"

int aavs_dh_build(struct aavs_dh_table *t, unsigned int n)
{
	unsigned int i;

	if (n > AAVS_SCHED_MAX_MEMBERS)
		return -EINVAL;
	/* weights play no part: a paused member keeps its buckets */
	for (i = 0; i < AAVS_DH_TAB_SIZE; i++)
		t->slot[i] = n ? i % n : AAVS_SCHED_NONE;
	return 0;
}
