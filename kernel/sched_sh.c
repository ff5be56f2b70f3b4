// SPDX-License-Identifier: GPL-2.0
/* Placeholder until the sh scheduler lands: accepted by name, picks nothing. */
#include "sched.h"

static struct aavs_dest *aavs_sh_schedule(struct aavs_service *svc,
					  const struct aavs_sched_pkt *pkt)
{
	return NULL;
}

const struct aavs_sched_ops aavs_sched_sh = {
	.name		= "sh",
	.schedule	= aavs_sh_schedule,
};
