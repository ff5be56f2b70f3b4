/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _AAVS_HOOKS_H
#define _AAVS_HOOKS_H

#include <linux/skbuff.h>

struct aavs_conn;
struct aavs_iph;
struct aavs_net;
struct aavs_proto_pkt;

/* The netfilter hooks of one namespace: requests in, NAT replies out. */
int aavs_hooks_net_init(struct aavs_net *an);
void aavs_hooks_net_exit(struct aavs_net *an);
/* Reassemble IPv6 fragments in this namespace from now on; config_mutex. */
int aavs_hooks_defrag6(struct aavs_net *an);

/*
 * A packet no conn matched: find its service and let the scheduler pick a
 * real server.  Returns the new conn, or NULL with *verdict set (NF_ACCEPT
 * for "not ours": the host's own stack then answers it).  Also for an
 * ICMP error with schedule_icmp, described as the flow it is about.
 */
struct aavs_conn *aavs_schedule(struct aavs_net *an, struct sk_buff *skb,
				const struct aavs_iph *iph,
				const struct aavs_proto_pkt *pp,
				unsigned int *verdict);

#endif /* _AAVS_HOOKS_H */
