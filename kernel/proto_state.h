/* SPDX-License-Identifier: GPL-2.0 */
/*
 * aavs: connection state machines of TCP, UDP and SCTP, with ip_vs's
 * states, transitions, names, default timeouts and activity rules.
 *
 * Pure logic on plain integers: this file and proto_state.c build unchanged
 * into the kernel module and into the userspace unit tests.  The datapath
 * turns a packet into an event (aavs_tcp_event, aavs_sctp_event) and
 * applies it with aavs_state_step() under the connection's lock.
 */
#ifndef _AAVS_PROTO_STATE_H
#define _AAVS_PROTO_STATE_H

#include <linux/types.h>

/* Direction of a packet relative to the connection (ip_vs's numbering). */
enum aavs_dir {
	AAVS_DIR_INPUT,		/* client to real server */
	AAVS_DIR_OUTPUT,	/* real server to client (NAT only sees it) */
	AAVS_DIR_INPUT_ONLY,	/* input of a conn that never shows output */
	AAVS_DIR_LAST,
};

/* TCP states, numbered as ip_vs numbers them (/proc shows their names). */
enum aavs_tcp_state {
	AAVS_TCP_S_NONE,
	AAVS_TCP_S_ESTABLISHED,
	AAVS_TCP_S_SYN_SENT,
	AAVS_TCP_S_SYN_RECV,
	AAVS_TCP_S_FIN_WAIT,
	AAVS_TCP_S_TIME_WAIT,
	AAVS_TCP_S_CLOSE,
	AAVS_TCP_S_CLOSE_WAIT,
	AAVS_TCP_S_LAST_ACK,
	AAVS_TCP_S_LISTEN,
	AAVS_TCP_S_SYNACK,
	AAVS_TCP_S_LAST,
};

/* What a TCP segment means to the table, by ip_vs's flag priority. */
enum aavs_tcp_event {
	AAVS_TCP_EV_SYN,
	AAVS_TCP_EV_FIN,
	AAVS_TCP_EV_ACK,
	AAVS_TCP_EV_RST,
	AAVS_TCP_EV_NONE,	/* no SYN/FIN/ACK/RST: the conn goes to CLOSE */
};

enum aavs_udp_state {
	AAVS_UDP_S_NORMAL,
	AAVS_UDP_S_LAST,
};

enum aavs_sctp_state {
	AAVS_SCTP_S_NONE,
	AAVS_SCTP_S_INIT1,
	AAVS_SCTP_S_INIT,
	AAVS_SCTP_S_COOKIE_SENT,
	AAVS_SCTP_S_COOKIE_REPLIED,
	AAVS_SCTP_S_COOKIE_WAIT,
	AAVS_SCTP_S_COOKIE,
	AAVS_SCTP_S_COOKIE_ECHOED,
	AAVS_SCTP_S_ESTABLISHED,
	AAVS_SCTP_S_SHUTDOWN_SENT,
	AAVS_SCTP_S_SHUTDOWN_RECEIVED,
	AAVS_SCTP_S_SHUTDOWN_ACK_SENT,
	AAVS_SCTP_S_REJECTED,
	AAVS_SCTP_S_CLOSED,
	AAVS_SCTP_S_LAST,
};

/* SCTP chunk classes the table distinguishes. */
enum aavs_sctp_event {
	AAVS_SCTP_EV_DATA,	/* DATA, SACK, HEARTBEAT(-ACK), ECN, unknown */
	AAVS_SCTP_EV_INIT,
	AAVS_SCTP_EV_INIT_ACK,
	AAVS_SCTP_EV_COOKIE_ECHO,
	AAVS_SCTP_EV_COOKIE_ACK,
	AAVS_SCTP_EV_SHUTDOWN,
	AAVS_SCTP_EV_SHUTDOWN_ACK,
	AAVS_SCTP_EV_SHUTDOWN_COMPLETE,
	AAVS_SCTP_EV_ERROR,
	AAVS_SCTP_EV_ABORT,
	AAVS_SCTP_EV_LAST,
};

/* Persistence templates: NONE, or ASSURED once a conn was scheduled. */
enum aavs_tmpl_state {
	AAVS_TMPL_S_NONE,
	AAVS_TMPL_S_ASSURED,
};

/* SCTP chunk type numbers (RFC 9260) the event mapping needs. */
#define AAVS_SCTP_CID_DATA		0
#define AAVS_SCTP_CID_INIT		1
#define AAVS_SCTP_CID_ABORT		6
#define AAVS_SCTP_CID_COOKIE_ECHO	10
#define AAVS_SCTP_CID_COOKIE_ACK	11

/* Result flags of aavs_state_step(). */
#define AAVS_STEP_NOOUTPUT	0x1	/* conn still never saw output */
#define AAVS_STEP_INACTIVE	0x2	/* conn counts as inactive */

/*
 * One packet applied to a conn.  @state and @flags (AAVS_STEP_*) are read
 * and written; @secure_tcp selects ip_vs's defence table.  Returns the
 * change of the dest's active count: +1, -1 or 0 (the inactive count moves
 * the other way).
 */
int aavs_state_step(u8 protocol, u8 *state, unsigned int *flags,
		    enum aavs_dir dir, unsigned int event, bool secure_tcp);

unsigned int aavs_tcp_event(bool syn, bool fin, bool ack, bool rst);
unsigned int aavs_sctp_event(u8 chunk_type);

/* May this packet create a conn?  (ip_vs's *_conn_schedule gates.) */
bool aavs_tcp_may_create(bool syn, bool rst, bool sloppy);
bool aavs_sctp_may_create(u8 first_chunk, bool sloppy);

/* Is a conn in @state ready to be replaced by a new one (conn_reuse_mode)? */
bool aavs_state_reusable(u8 protocol, u8 state, bool nooutput,
			 int conn_reuse_mode);

bool aavs_state_active(u8 protocol, u8 state);
/* The name /proc/net/ip_vs_conn prints; templates pass @template. */
const char *aavs_state_name(u8 protocol, u8 state, bool tmpl);
/* ip_vs's default timeout of @state, in seconds. */
unsigned int aavs_state_timeout_secs(u8 protocol, u8 state);

#endif /* _AAVS_PROTO_STATE_H */
