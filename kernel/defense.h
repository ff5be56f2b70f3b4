/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _AAVS_DEFENSE_H
#define _AAVS_DEFENSE_H

#include <linux/atomic.h>
#include <linux/types.h>
#include <linux/workqueue.h>

struct aavs_conn;
struct aavs_net;

/*
 * ip_vs's memory-pressure defences of one namespace (amemthresh,
 * am_droprate, drop_entry, drop_packet, secure_tcp), checked once a second,
 * and what they and conn_max refused.
 */
struct aavs_defense {
	struct delayed_work work;
	bool secure;			/* secure_tcp's table is on (level 2) */
	int drop_rate;			/* drop 1 in this many new flows; 0 off */
	atomic_t drop_counter;
	unsigned int entry_turn;	/* drop_entry: idle conns, 1 in 4 */
	atomic_long_t conn_max_drops;	/* new flows refused by conn_max */
	atomic_long_t packet_drops;	/* new flows dropped by drop_packet */
	atomic_long_t entry_drops;	/* entries dropped by drop_entry */
};

int aavs_defense_net_init(struct aavs_net *an);
void aavs_defense_net_exit(struct aavs_net *an);

/* drop_packet: should this new flow's first packet be dropped?  Counts it. */
bool aavs_defense_drop_packet(struct aavs_net *an);
/* secure_tcp: aavs_defense_secure_tcp() in pernet.h, per packet. */

#endif /* _AAVS_DEFENSE_H */
