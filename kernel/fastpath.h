/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _AAVS_FASTPATH_H
#define _AAVS_FASTPATH_H

#include <linux/types.h>

struct aavs_net;

/*
 * net.ipv4.vs.fast_path: put the PREROUTING hooks in or take them out;
 * config_mutex.  -ENODEV once the namespace is going.
 */
int aavs_fastpath_set(struct aavs_net *an, bool on);
/* The namespace is going: hooks out, for good. */
void aavs_fastpath_net_exit(struct aavs_net *an);

#endif /* _AAVS_FASTPATH_H */
