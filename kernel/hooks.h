/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _AAVS_HOOKS_H
#define _AAVS_HOOKS_H

#include <linux/types.h>

struct aavs_net;
struct net_device;

/* The netfilter hooks of one namespace: requests in, NAT replies out. */
int aavs_hooks_net_init(struct aavs_net *an);
void aavs_hooks_net_exit(struct aavs_net *an);
/* Reassemble IPv6 fragments in this namespace from now on; config_mutex. */
int aavs_hooks_defrag6(struct aavs_net *an);

/* The packet came out of a tunnel device (ignore_tunneled). */
bool aavs_from_tunnel(const struct net_device *dev);

#endif /* _AAVS_HOOKS_H */
