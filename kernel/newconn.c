// SPDX-License-Identifier: GPL-2.0
/*
 * The new-connection policy: which conn a request belongs to, and when a
 * request may open one.  The order of checks follows ip_vs (ip_vs_in_hook):
 * conn_reuse_mode and expire_nodest_conn first, then deleted dests, then
 * scheduling, where the protocols' gate (sloppy_tcp / sloppy_sctp) decides
 * who may open a conn, and persistence templates pin a client to a dest.
 */
#include <linux/icmp.h>
#include <linux/icmpv6.h>
#include <net/icmp.h>
#include <net/ip.h>
#include <net/ipv6.h>

#include "conn.h"
#include "defense.h"
#include "dest.h"
#include "newconn.h"
#include "nfct.h"
#include "pernet.h"
#include "pkt.h"
#include "sched.h"
#include "service.h"

#define AAVS_FTP_PORT htons(21)

static void aavs_count_conn(struct aavs_net *an, struct aavs_service *svc,
			    struct aavs_dest *dest)
{
	aavs_stats_conn(&dest->stats);
	aavs_stats_conn(&svc->stats);
	aavs_stats_conn(&an->tot_stats);
}

/*
 * No real server for a new flow: ip_vs answers ICMP port unreachable (for
 * TCP too) and drops, except for other ports of an FTP virtual service.
 */
static unsigned int aavs_leave(struct net *net, struct aavs_service *svc,
			       struct sk_buff *skb, __be16 dport)
{
	if (svc->port == AAVS_FTP_PORT && dport != AAVS_FTP_PORT)
		return NF_ACCEPT;
	if (svc->af == AF_INET6) {
		if (!skb->dev)
			skb->dev = net->loopback_dev;
		icmpv6_send(skb, ICMPV6_DEST_UNREACH, ICMPV6_PORT_UNREACH, 0);
	} else {
		icmp_send(skb, ICMP_DEST_UNREACH, ICMP_PORT_UNREACH, 0);
	}
	return NF_DROP;
}

static struct aavs_service *aavs_svc_lookup(struct aavs_net *an,
					    const struct sk_buff *skb,
					    const struct aavs_pkt *pkt)
{
	struct aavs_service *svc = NULL;

	if (skb->mark)
		svc = aavs_service_find_fwmark_rcu(an, pkt->af, skb->mark);
	if (!svc)
		svc = aavs_service_find_rcu(an, pkt->af, pkt->protocol,
					    &pkt->daddr, pkt->dport);
	/* Port-0 services match every port (persistent ones only). */
	if (!svc && pkt->dport)
		svc = aavs_service_find_rcu(an, pkt->af, pkt->protocol,
					    &pkt->daddr, 0);
	return svc;
}

/* The client's network a persistence template is kept for. */
static void aavs_client_net(const struct aavs_service *svc,
			    const union nf_inet_addr *caddr,
			    union nf_inet_addr *snet)
{
	if (svc->af == AF_INET6) {
		ipv6_addr_prefix(&snet->in6, &caddr->in6,
				 (__force u32)READ_ONCE(svc->netmask));
	} else {
		memset(snet, 0, sizeof(*snet));
		snet->ip = caddr->ip & READ_ONCE(svc->netmask);
	}
}

/* Is a template's dest still one to send new conns to? */
static bool aavs_tmpl_usable(struct aavs_net *an, struct aavs_conn *ct)
{
	struct aavs_dest *dest = ct->dest;

	if (aavs_dest_available(dest) &&
	    !(READ_ONCE(an->sysctl.expire_quiescent_template) &&
	      !atomic_read(&dest->weight)))
		return true;
	/* Stale: make the next lookup miss it (ip_vs_check_template). */
	aavs_conn_expire_now(ct);
	return false;
}

/*
 * Persistent service: one template per client network (and virtual
 * service or fwmark) pins the client's conns to one dest for svc->timeout.
 */
static struct aavs_conn *aavs_sched_persist(struct aavs_net *an,
					    struct aavs_service *svc,
					    const struct aavs_sched_pkt *sp,
					    struct aavs_conn_param *p,
					    struct aavs_dest **destp)
{
	const struct aavs_pkt *pkt = sp->pkt;
	union nf_inet_addr snet, fwm = {};
	const union nf_inet_addr *tvaddr = &pkt->daddr;
	struct aavs_conn_param tp;
	struct aavs_conn *ct;
	u8 tproto = pkt->protocol;
	__be16 tvport = svc->port;
	struct aavs_dest *dest;

	aavs_client_net(svc, &pkt->saddr, &snet);
	if (svc->fwmark) {
		tproto = IPPROTO_IP;
		fwm.ip = htonl(svc->fwmark);
		tvaddr = &fwm;
		tvport = 0;
	}
	ct = aavs_conn_tmpl_get(p->net, pkt->af, tproto, &snet, tvaddr,
				tvport);
	if (ct && !aavs_tmpl_usable(an, ct))
		ct = NULL;
	if (!ct) {
		dest = aavs_sched_schedule(svc, sp);
		if (!dest)
			return NULL;
		tp = (struct aavs_conn_param) {
			.net = p->net, .af = pkt->af, .protocol = tproto,
			.caddr = &snet, .vaddr = tvaddr, .vport = tvport,
			.dport = dest->port ? dest->port : 0,
			.flags = IP_VS_CONN_F_TEMPLATE,
			.timeout = READ_ONCE(svc->timeout),
		};
		/* A spoofed packet must not pin a client for svc->timeout. */
		if (sp->midstream) {
			tp.flags |= AAVS_CONN_F_PROBATION;
			tp.timeout = min_t(unsigned long, tp.timeout,
					   AAVS_PROBATION_SECS * HZ);
		}
		ct = aavs_conn_new(&tp, dest);
		if (IS_ERR(ct))
			return ct;
	} else if (!sp->midstream) {
		/* An opening packet: the client is real. */
		aavs_conn_confirm_tmpl(ct, READ_ONCE(svc->timeout));
	}
	aavs_conn_touch(ct);
	*destp = ct->dest;
	p->control = ct;
	return ct;
}

/* A new flow found no room: count what conn_max refused. */
static void aavs_newconn_refused(struct aavs_net *an,
				 struct aavs_service *svc, long err)
{
	if (err != -ENOSPC)
		return;
	atomic_long_inc(&an->defense.conn_max_drops);
	aavs_svc_event(svc, AAVS_EV_CONN_MAX);
}

struct aavs_conn *aavs_newconn_schedule(struct aavs_net *an,
					struct sk_buff *skb,
					const struct aavs_pkt *pkt,
					unsigned int *verdict)
{
	struct net *net = an->net;
	struct aavs_sched_pkt sp;
	struct aavs_conn_param p;
	struct aavs_service *svc;
	struct aavs_dest *dest = NULL;
	struct aavs_conn *cp;

	*verdict = NF_ACCEPT;
	svc = aavs_svc_lookup(an, skb, pkt);
	if (!svc || !pkt->may_create)
		return NULL;
	if (aavs_defense_drop_packet(an)) {
		*verdict = NF_DROP;
		return NULL;
	}

	sp = (struct aavs_sched_pkt) {
		.skb = skb, .pkt = pkt,
		/* Only sloppy mode lets a non-opening packet get here. */
		.midstream = pkt->protocol != IPPROTO_UDP && !pkt->opening,
	};
	p = (struct aavs_conn_param) {
		.net = net, .af = pkt->af, .protocol = pkt->protocol,
		.caddr = &pkt->saddr, .vaddr = &pkt->daddr,
		.cport = pkt->sport, .vport = pkt->dport,
	};
	/* A mid-stream first packet may be spoofed: see AAVS_CONN_F_PROBATION. */
	if (sp.midstream)
		p.flags |= AAVS_CONN_F_PROBATION;
	if ((svc->flags & IP_VS_SVC_F_ONEPACKET) &&
	    pkt->protocol == IPPROTO_UDP)
		p.flags |= IP_VS_CONN_F_ONE_PACKET;

	if (svc->flags & IP_VS_SVC_F_PERSISTENT) {
		struct aavs_conn *ct = aavs_sched_persist(an, svc, &sp, &p,
							  &dest);

		if (IS_ERR(ct)) {
			aavs_newconn_refused(an, svc, PTR_ERR(ct));
			*verdict = NF_DROP;
			return NULL;
		}
	} else if (svc->fwmark || pkt->dport == svc->port) {
		dest = aavs_sched_schedule(svc, &sp);
	}
	if (!dest) {
		*verdict = aavs_leave(net, svc, skb, pkt->dport);
		return NULL;
	}

	p.dport = dest->port ? dest->port : pkt->dport;
	cp = aavs_conn_new(&p, dest);
	if (IS_ERR(cp)) {
		aavs_newconn_refused(an, svc, PTR_ERR(cp));
		*verdict = NF_DROP;
		return NULL;
	}
	aavs_count_conn(an, svc, dest);
	if (sp.midstream)
		aavs_svc_event(svc, AAVS_EV_SLOPPY);
	return cp;
}

/* A new flow over an old entry: start over (conn_reuse_mode, ip_vs). */
static bool aavs_conn_reschedule(struct aavs_net *an, struct aavs_conn *cp)
{
	int mode = READ_ONCE(an->sysctl.conn_reuse_mode);

	if (READ_ONCE(an->sysctl.expire_nodest_conn) &&
	    !atomic_read(&cp->dest->weight))
		return true;
	return mode && !cp->control &&
	       aavs_state_reusable(cp->protocol, READ_ONCE(cp->state),
				   cp->flags & IP_VS_CONN_F_NOOUTPUT, mode);
}

/*
 * Drop @cp for a new flow.  True if the packet must be dropped too:
 * conntrack still holds the flow's old entry, which would send it to the
 * old server; the entry goes with the conn, and the client's next try is
 * scheduled afresh.
 */
static bool aavs_conn_forget(struct aavs_conn *cp, const struct sk_buff *skb)
{
	bool stale = aavs_nfct_stale(cp, skb);

	aavs_conn_expire_now(cp);
	return stale;
}

struct aavs_conn *aavs_newconn_get(struct aavs_net *an, struct sk_buff *skb,
				   const struct aavs_pkt *pkt,
				   unsigned int *verdict)
{
	struct aavs_conn *cp;

	cp = aavs_conn_in_get(an->net, pkt, false);
	if (cp && pkt->opening && aavs_conn_reschedule(an, cp)) {
		if (aavs_conn_forget(cp, skb)) {
			*verdict = NF_DROP;
			return NULL;
		}
		cp = NULL;
	}
	/* A deleted dest: drop, or forget the conn with expire_nodest_conn. */
	if (cp && !aavs_dest_available(cp->dest)) {
		*verdict = NF_DROP;
		if (!READ_ONCE(an->sysctl.expire_nodest_conn) ||
		    aavs_conn_forget(cp, skb))
			return NULL;
		cp = NULL;
	}
	if (!cp)
		return aavs_newconn_schedule(an, skb, pkt, verdict);
	aavs_conn_confirm(an, cp);
	return cp;
}
