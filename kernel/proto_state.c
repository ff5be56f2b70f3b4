// SPDX-License-Identifier: GPL-2.0
/*
 * TCP, UDP and SCTP connection states with ip_vs's transition tables.
 *
 * The tables are indexed [direction][event][current state] and give the
 * next state.  A conn whose real server answers around the director (DR,
 * TUN) never shows output, so its input uses the INPUT_ONLY rows; once an
 * output packet is seen (NAT) it uses INPUT/OUTPUT.  Kept free of kernel
 * headers beyond linux/types.h and linux/in.h for the unit tests.
 */
#include <linux/in.h>
#include <linux/types.h>

#include "proto_state.h"

#define NO AAVS_TCP_S_NONE
#define ES AAVS_TCP_S_ESTABLISHED
#define SS AAVS_TCP_S_SYN_SENT
#define SR AAVS_TCP_S_SYN_RECV
#define FW AAVS_TCP_S_FIN_WAIT
#define TW AAVS_TCP_S_TIME_WAIT
#define CL AAVS_TCP_S_CLOSE
#define CW AAVS_TCP_S_CLOSE_WAIT
#define LA AAVS_TCP_S_LAST_ACK
#define LI AAVS_TCP_S_LISTEN
#define SA AAVS_TCP_S_SYNACK

/* Events SYN, FIN, ACK, RST; states in enum order NO ES SS SR FW TW CL CW LA LI SA. */
static const u8 aavs_tcp_next[AAVS_DIR_LAST][4][AAVS_TCP_S_LAST] = {
	[AAVS_DIR_INPUT] = {
		{ SR, ES, ES, SR, SR, SR, SR, SR, SR, SR, SR },
		{ CL, CW, SS, TW, TW, TW, CL, CW, LA, LI, TW },
		{ ES, ES, SS, ES, FW, TW, CL, CW, CL, LI, ES },
		{ CL, CL, CL, SR, CL, CL, CL, CL, LA, LI, SR },
	},
	[AAVS_DIR_OUTPUT] = {
		{ SS, ES, SS, SR, SS, SS, SS, SS, SS, LI, SR },
		{ TW, FW, SS, TW, FW, TW, CL, TW, LA, LI, TW },
		{ ES, ES, SS, ES, FW, TW, CL, CW, LA, ES, ES },
		{ CL, CL, SS, CL, CL, TW, CL, CL, CL, CL, CL },
	},
	[AAVS_DIR_INPUT_ONLY] = {
		{ SR, ES, ES, SR, SR, SR, SR, SR, SR, SR, SR },
		{ CL, FW, SS, TW, FW, TW, CL, CW, LA, LI, TW },
		{ ES, ES, SS, ES, FW, TW, CL, CW, CL, LI, ES },
		{ CL, CL, CL, SR, CL, CL, CL, CL, LA, LI, CL },
	},
};

/* secure_tcp: SYN floods leave SYNACK/SYN_RECV states that time out fast. */
static const u8 aavs_tcp_next_secure[AAVS_DIR_LAST][4][AAVS_TCP_S_LAST] = {
	[AAVS_DIR_INPUT] = {
		{ SR, ES, ES, SR, SR, SR, SR, SR, SR, SR, SA },
		{ CL, CW, SS, TW, TW, TW, CL, CW, LA, LI, SA },
		{ ES, ES, SS, SR, FW, TW, CL, CW, CL, LI, SA },
		{ CL, CL, CL, SR, CL, CL, CL, CL, LA, LI, CL },
	},
	[AAVS_DIR_OUTPUT] = {
		{ SS, ES, SS, SA, SS, SS, SS, SS, SS, LI, SA },
		{ TW, FW, SS, TW, FW, TW, CL, TW, LA, LI, TW },
		{ ES, ES, SS, ES, FW, TW, CL, CW, LA, ES, ES },
		{ CL, CL, SS, CL, CL, TW, CL, CL, CL, CL, CL },
	},
	[AAVS_DIR_INPUT_ONLY] = {
		{ SA, ES, ES, SR, SA, SA, SA, SA, SA, SA, SA },
		{ CL, FW, SS, TW, FW, TW, CL, CW, LA, LI, TW },
		{ ES, ES, SS, ES, FW, TW, CL, CW, CL, LI, ES },
		{ CL, CL, CL, SR, CL, CL, CL, CL, LA, LI, CL },
	},
};

#undef NO
#undef ES
#undef SS
#undef SR
#undef FW
#undef TW
#undef CL
#undef CW
#undef LA
#undef LI
#undef SA

#define NO AAVS_SCTP_S_NONE
#define I1 AAVS_SCTP_S_INIT1
#define IN AAVS_SCTP_S_INIT
#define CS AAVS_SCTP_S_COOKIE_SENT
#define CR AAVS_SCTP_S_COOKIE_REPLIED
#define CW AAVS_SCTP_S_COOKIE_WAIT
#define CO AAVS_SCTP_S_COOKIE
#define CE AAVS_SCTP_S_COOKIE_ECHOED
#define ES AAVS_SCTP_S_ESTABLISHED
#define SS AAVS_SCTP_S_SHUTDOWN_SENT
#define SR AAVS_SCTP_S_SHUTDOWN_RECEIVED
#define SA AAVS_SCTP_S_SHUTDOWN_ACK_SENT
#define RJ AAVS_SCTP_S_REJECTED
#define CL AAVS_SCTP_S_CLOSED

/*
 * Events in enum order (data, init, init-ack, cookie-echo, cookie-ack,
 * shutdown, shutdown-ack, shutdown-complete, error, abort); states in enum
 * order NO I1 IN CS CR CW CO CE ES SS SR SA RJ CL.
 */
static const u8 aavs_sctp_next[AAVS_DIR_LAST][AAVS_SCTP_EV_LAST][AAVS_SCTP_S_LAST] = {
	[AAVS_DIR_INPUT] = {
		{ ES, I1, IN, CS, CR, CW, CO, CE, ES, SS, SR, SA, RJ, CL },
		{ I1, IN, IN, CS, CR, CW, CO, CE, ES, SS, SR, SA, IN, IN },
		{ CW, CW, CW, CS, CR, CO, CO, CE, ES, SS, SR, SA, RJ, CL },
		{ CR, IN, IN, CR, CR, CW, CO, CE, ES, SS, SR, SA, RJ, CL },
		{ ES, I1, IN, CS, CR, CW, CO, ES, ES, SS, SR, SA, RJ, CL },
		{ SR, I1, IN, CS, CR, CW, CO, CE, SR, SS, SR, SA, RJ, CL },
		{ CL, IN, IN, CS, CR, CW, CO, CE, ES, CL, SR, CL, RJ, CL },
		{ CL, CL, CL, CS, CR, CW, CO, CE, ES, SS, SR, CL, RJ, CL },
		{ CL, I1, IN, CS, CR, CW, CO, CL, ES, SS, SR, SA, RJ, CL },
		{ CL, CL, CL, CL, CL, RJ, CL, CL, CL, CL, CL, CL, CL, CL },
	},
	[AAVS_DIR_OUTPUT] = {
		{ ES, I1, IN, CS, CR, CW, CO, CE, ES, SS, SR, SA, RJ, CL },
		{ CW, CW, CW, CW, CW, CW, CW, CW, ES, CW, CW, CW, CW, CW },
		{ CS, CS, CS, CS, CR, CW, CO, CE, ES, SS, SR, SA, RJ, CL },
		{ CE, CE, CE, CE, CE, CE, CE, CE, ES, SS, SR, SA, RJ, CL },
		{ ES, ES, ES, ES, ES, ES, ES, ES, ES, SS, SR, SA, RJ, CL },
		{ SS, SS, SS, SS, SS, SS, SS, SS, SS, SS, SR, SA, RJ, CL },
		{ SA, SA, SA, SA, SA, CW, CO, CE, ES, SA, SA, SA, RJ, CL },
		{ CL, I1, IN, CS, CR, CW, CO, CE, ES, SS, SR, SA, RJ, CL },
		{ CL, CL, CL, CL, CL, CW, CO, CE, ES, SS, SR, SA, RJ, CL },
		{ CL, RJ, CL, CL, CL, CL, CL, CL, CL, CL, CL, CL, CL, CL },
	},
	[AAVS_DIR_INPUT_ONLY] = {
		{ ES, I1, IN, CS, CR, ES, CO, CE, ES, SS, SR, SA, RJ, CL },
		{ I1, IN, IN, IN, IN, IN, CO, CE, ES, SS, SR, SA, IN, IN },
		{ CE, CE, CE, CE, CE, CE, CO, CE, ES, SS, SR, SA, RJ, CL },
		{ ES, ES, ES, ES, ES, ES, CO, CE, ES, SS, SR, SA, RJ, CL },
		{ ES, I1, IN, ES, ES, CW, ES, ES, ES, SS, SR, SA, RJ, CL },
		{ SR, I1, IN, CS, CR, CW, CO, CE, SR, SS, SR, SA, RJ, CL },
		{ CL, IN, IN, CS, CR, CW, CO, CE, CL, CL, SR, CL, RJ, CL },
		{ CL, CL, CL, CL, CL, CW, CO, CE, ES, SS, CL, CL, RJ, CL },
		{ CL, I1, IN, CS, CR, CW, CO, CE, ES, SS, SR, SA, RJ, CL },
		{ CL, CL, CL, CL, CL, RJ, CL, CL, CL, CL, CL, CL, CL, CL },
	},
};

#undef NO
#undef I1
#undef IN
#undef CS
#undef CR
#undef CW
#undef CO
#undef CE
#undef ES
#undef SS
#undef SR
#undef SA
#undef RJ
#undef CL

/* Chunk type -> event; types past the end count as DATA, as in ip_vs. */
static const u8 aavs_sctp_events[] = {
	[0]  = AAVS_SCTP_EV_DATA,
	[1]  = AAVS_SCTP_EV_INIT,
	[2]  = AAVS_SCTP_EV_INIT_ACK,
	[3]  = AAVS_SCTP_EV_DATA,		/* SACK */
	[4]  = AAVS_SCTP_EV_DATA,		/* HEARTBEAT */
	[5]  = AAVS_SCTP_EV_DATA,		/* HEARTBEAT ACK */
	[6]  = AAVS_SCTP_EV_ABORT,
	[7]  = AAVS_SCTP_EV_SHUTDOWN,
	[8]  = AAVS_SCTP_EV_SHUTDOWN_ACK,
	[9]  = AAVS_SCTP_EV_ERROR,
	[10] = AAVS_SCTP_EV_COOKIE_ECHO,
	[11] = AAVS_SCTP_EV_COOKIE_ACK,
	[12] = AAVS_SCTP_EV_DATA,		/* ECNE */
	[13] = AAVS_SCTP_EV_DATA,		/* CWR */
	[14] = AAVS_SCTP_EV_SHUTDOWN_COMPLETE,
};

static const char *const aavs_tcp_names[AAVS_TCP_S_LAST] = {
	"NONE", "ESTABLISHED", "SYN_SENT", "SYN_RECV", "FIN_WAIT",
	"TIME_WAIT", "CLOSE", "CLOSE_WAIT", "LAST_ACK", "LISTEN", "SYNACK",
};

static const char *const aavs_sctp_names[AAVS_SCTP_S_LAST] = {
	"NONE", "INIT1", "INIT", "C-SENT", "C-REPLIED", "C-WAIT", "COOKIE",
	"C-ECHOED", "ESTABLISHED", "S-SENT", "S-RECEIVED", "S-ACK-SENT",
	"REJECTED", "CLOSED",
};

static const u16 aavs_tcp_timeouts[AAVS_TCP_S_LAST] = {
	2, 15 * 60, 2 * 60, 60, 2 * 60, 2 * 60, 10, 60, 30, 2 * 60, 120,
};

/* SCTP's longest RTO plus one second bounds the handshake states. */
#define AAVS_SCTP_MAX_RTO (60 + 1)

static const u16 aavs_sctp_timeouts[AAVS_SCTP_S_LAST] = {
	2, 4, AAVS_SCTP_MAX_RTO, AAVS_SCTP_MAX_RTO, AAVS_SCTP_MAX_RTO,
	AAVS_SCTP_MAX_RTO, AAVS_SCTP_MAX_RTO, AAVS_SCTP_MAX_RTO, 15 * 60,
	AAVS_SCTP_MAX_RTO, AAVS_SCTP_MAX_RTO, AAVS_SCTP_MAX_RTO, 4,
	AAVS_SCTP_MAX_RTO,
};

unsigned int aavs_tcp_event(bool syn, bool fin, bool ack, bool rst)
{
	if (rst)
		return AAVS_TCP_EV_RST;
	if (syn)
		return AAVS_TCP_EV_SYN;
	if (fin)
		return AAVS_TCP_EV_FIN;
	if (ack)
		return AAVS_TCP_EV_ACK;
	return AAVS_TCP_EV_NONE;
}

unsigned int aavs_sctp_event(u8 chunk_type)
{
	if (chunk_type < sizeof(aavs_sctp_events))
		return aavs_sctp_events[chunk_type];
	return AAVS_SCTP_EV_DATA;
}

bool aavs_tcp_may_create(bool syn, bool rst, bool sloppy)
{
	/* SYN+ACK counts as opening too (ip_vs allows it for active FTP). */
	return !rst && (syn || sloppy);
}

bool aavs_sctp_may_create(u8 first_chunk, bool sloppy)
{
	return first_chunk != AAVS_SCTP_CID_ABORT &&
	       (first_chunk == AAVS_SCTP_CID_INIT || sloppy);
}

bool aavs_state_reusable(u8 protocol, u8 state, bool nooutput,
			 int conn_reuse_mode)
{
	switch (protocol) {
	case IPPROTO_TCP:
		return state == AAVS_TCP_S_TIME_WAIT ||
		       state == AAVS_TCP_S_CLOSE ||
		       ((conn_reuse_mode & 2) && nooutput &&
			state == AAVS_TCP_S_FIN_WAIT);
	case IPPROTO_SCTP:
		return state == AAVS_SCTP_S_CLOSED;
	default:
		return false;
	}
}

bool aavs_state_active(u8 protocol, u8 state)
{
	switch (protocol) {
	case IPPROTO_TCP:
		return state == AAVS_TCP_S_ESTABLISHED ||
		       state == AAVS_TCP_S_SYN_SENT ||
		       state == AAVS_TCP_S_SYN_RECV ||
		       state == AAVS_TCP_S_SYNACK;
	case IPPROTO_SCTP:
		return state == AAVS_SCTP_S_ESTABLISHED;
	default:
		/* UDP and others never become active, as in ip_vs. */
		return false;
	}
}

int aavs_state_step(u8 protocol, u8 *state, unsigned int *flags,
		    enum aavs_dir dir, unsigned int event, bool secure_tcp)
{
	u8 next;
	bool was_active, now_active;

	/* The first output packet turns a conn into a full (NAT) one. */
	if (*flags & AAVS_STEP_NOOUTPUT) {
		if (dir == AAVS_DIR_OUTPUT)
			*flags &= ~AAVS_STEP_NOOUTPUT;
		else
			dir = AAVS_DIR_INPUT_ONLY;
	}

	switch (protocol) {
	case IPPROTO_TCP:
		if (*state >= AAVS_TCP_S_LAST)
			return 0;
		if (event == AAVS_TCP_EV_NONE)
			next = AAVS_TCP_S_CLOSE;
		else if (event > AAVS_TCP_EV_RST)
			return 0;
		else if (secure_tcp)
			next = aavs_tcp_next_secure[dir][event][*state];
		else
			next = aavs_tcp_next[dir][event][*state];
		break;
	case IPPROTO_SCTP:
		if (*state >= AAVS_SCTP_S_LAST || event >= AAVS_SCTP_EV_LAST)
			return 0;
		next = aavs_sctp_next[dir][event][*state];
		break;
	default:
		return 0;
	}

	*state = next;
	was_active = !(*flags & AAVS_STEP_INACTIVE);
	now_active = aavs_state_active(protocol, next);
	if (was_active == now_active)
		return 0;
	if (now_active) {
		*flags &= ~AAVS_STEP_INACTIVE;
		return 1;
	}
	*flags |= AAVS_STEP_INACTIVE;
	return -1;
}

const char *aavs_state_name(u8 protocol, u8 state, bool tmpl)
{
	if (tmpl)
		return state == AAVS_TMPL_S_ASSURED ? "ASSURED" : "NONE";
	switch (protocol) {
	case IPPROTO_TCP:
		return state < AAVS_TCP_S_LAST ? aavs_tcp_names[state] : "ERR!";
	case IPPROTO_UDP:
		return state == AAVS_UDP_S_NORMAL ? "UDP" : "ERR!";
	case IPPROTO_SCTP:
		return state < AAVS_SCTP_S_LAST ? aavs_sctp_names[state] :
						  "ERR!";
	default:
		return "NONE";
	}
}

unsigned int aavs_state_timeout_secs(u8 protocol, u8 state)
{
	switch (protocol) {
	case IPPROTO_TCP:
		return state < AAVS_TCP_S_LAST ? aavs_tcp_timeouts[state] : 2;
	case IPPROTO_UDP:
		return 5 * 60;
	case IPPROTO_SCTP:
		return state < AAVS_SCTP_S_LAST ? aavs_sctp_timeouts[state] :
						  2;
	default:
		return 2 * 60;
	}
}
