// SPDX-License-Identifier: GPL-2.0
/* Placeholder until the mh scheduler lands: accepted by name, picks nothing. */
#include "sched.h"

static struct aavs_dest *aavs_mh_schedule(struct aavs_service *svc,
					  const struct aavs_sched_pkt *pkt)
{
	return NULL;
}

const struct aavs_sched_ops aavs_sched_mh = {
	.name		= "mh",
	.schedule	= aavs_mh_schedule,
};
