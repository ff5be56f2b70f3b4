// SPDX-License-Identifier: GPL-2.0
/*
 * From packet to state-machine input: the transport ports, the event the
 * TCP/SCTP tables take, and ip_vs's gate for creating a conn, where the
 * namespace's sloppy_tcp/sloppy_sctp apply.  Every read is bounded by
 * skb_header_pointer(): short or truncated packets are refused here.
 */
#include <linux/sctp.h>
#include <linux/tcp.h>
#include <linux/udp.h>

#include "pernet.h"
#include "pkt.h"
#include "proto.h"
#include "proto_state.h"

/*
 * The chunk that drives SCTP's state: the first one, except that an ABORT
 * bundled right after a COOKIE ECHO/ACK wins (RFC 9260 3.3.7 bundling).
 */
static int aavs_sctp_chunk(const struct sk_buff *skb, unsigned int off,
			   u8 *first, u8 *driving)
{
	struct sctp_chunkhdr _ch;
	const struct sctp_chunkhdr *ch;
	unsigned int clen;

	ch = skb_header_pointer(skb, off, sizeof(_ch), &_ch);
	if (!ch)
		return -EINVAL;
	*first = ch->type;
	*driving = ch->type;
	if (ch->type != SCTP_CID_COOKIE_ECHO && ch->type != SCTP_CID_COOKIE_ACK)
		return 0;
	clen = ntohs(ch->length);
	if (clen < sizeof(_ch))
		return 0;
	ch = skb_header_pointer(skb, off + ALIGN(clen, 4), sizeof(_ch), &_ch);
	if (ch && ch->type == SCTP_CID_ABORT)
		*driving = SCTP_CID_ABORT;
	return 0;
}

int aavs_proto_parse(struct aavs_net *an, const struct sk_buff *skb,
		     struct aavs_pkt *pkt)
{
	switch (pkt->protocol) {
	case IPPROTO_TCP: {
		struct tcphdr _th;
		const struct tcphdr *th;

		th = skb_header_pointer(skb, pkt->l4off, sizeof(_th), &_th);
		if (!th)
			return -EINVAL;
		pkt->sport = th->source;
		pkt->dport = th->dest;
		pkt->event = aavs_tcp_event(th->syn, th->fin, th->ack, th->rst);
		pkt->opening = th->syn;
		pkt->may_create = aavs_tcp_may_create(th->syn, th->rst,
						      READ_ONCE(an->sysctl.sloppy_tcp));
		return 0;
	}
	case IPPROTO_UDP: {
		struct udphdr _uh;
		const struct udphdr *uh;

		uh = skb_header_pointer(skb, pkt->l4off, sizeof(_uh), &_uh);
		if (!uh)
			return -EINVAL;
		pkt->sport = uh->source;
		pkt->dport = uh->dest;
		pkt->event = 0;
		/* Datagrams never reopen a flow; each may start one. */
		pkt->opening = false;
		pkt->may_create = true;
		return 0;
	}
	case IPPROTO_SCTP: {
		struct sctphdr _sh;
		const struct sctphdr *sh;
		u8 first, driving;

		sh = skb_header_pointer(skb, pkt->l4off, sizeof(_sh), &_sh);
		if (!sh || aavs_sctp_chunk(skb, pkt->l4off + sizeof(_sh),
					   &first, &driving))
			return -EINVAL;
		pkt->sport = sh->source;
		pkt->dport = sh->dest;
		pkt->event = aavs_sctp_event(driving);
		pkt->opening = first == SCTP_CID_INIT;
		pkt->may_create = aavs_sctp_may_create(first,
						       READ_ONCE(an->sysctl.sloppy_sctp));
		return 0;
	}
	default:
		return -EPROTONOSUPPORT;
	}
}
