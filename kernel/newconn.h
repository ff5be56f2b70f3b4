/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _AAVS_NEWCONN_H
#define _AAVS_NEWCONN_H

#include <linux/skbuff.h>

struct aavs_conn;
struct aavs_net;
struct aavs_pkt;

/*
 * The conn of a request: its live one, or a new one the scheduler made.
 * NULL with *verdict set when there is none (NF_ACCEPT: not ours, the
 * host's own stack answers it).
 */
struct aavs_conn *aavs_newconn_get(struct aavs_net *an, struct sk_buff *skb,
				   const struct aavs_pkt *pkt,
				   unsigned int *verdict);

/*
 * A packet no conn matched: find its service and let the scheduler pick a
 * real server.  Returns the new conn, or NULL with *verdict set (NF_ACCEPT
 * for "not ours").  Also for an ICMP error with schedule_icmp, described
 * as the flow it is about.
 */
struct aavs_conn *aavs_newconn_schedule(struct aavs_net *an,
					struct sk_buff *skb,
					const struct aavs_pkt *pkt,
					unsigned int *verdict);

#endif /* _AAVS_NEWCONN_H */
