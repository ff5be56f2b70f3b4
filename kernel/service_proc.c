// SPDX-License-Identifier: GPL-2.0
/*
 * /proc/net/aavs_services: per service, what aavs adds to ip_vs's view --
 * the table digest two directors compare, and the events that make aavs
 * differ from ip_vs.  One line per service:
 *
 *	TCP 203.0.113.10:80 sh sh-fallback,sh-port table=<16 hex> sloppy=N ...
 *
 * The service as ipvsadm -Ln names it ("FWM 7", "FWM 7 IPv6" for marks),
 * the scheduler, its flags ("-" for none) as ipvsadm -b names them, then
 * key=value tokens; table=n/a for schedulers no table decides.
 */
#include <linux/ip_vs.h>
#include <linux/proc_fs.h>
#include <linux/seq_file.h>
#include <net/net_namespace.h>

#include "pernet.h"
#include "proc.h"
#include "sched.h"
#include "service.h"
#include "service_proc.h"

static const char *const aavs_event_key[AAVS_EV_COUNT] = {
	[AAVS_EV_SLOPPY]	= "sloppy",
	[AAVS_EV_CONFIRMED]	= "confirmed",
	[AAVS_EV_EXPIRED]	= "expired",
	[AAVS_EV_FALLBACK]	= "fallback",
	[AAVS_EV_KEPT]		= "kept",
	[AAVS_EV_NODEST]	= "nodest",
	[AAVS_EV_CONN_MAX]	= "conn_max",
};

static void aavs_svcs_show_flags(struct seq_file *seq, const char *sched,
				 u32 flags)
{
	static const char *const suffix[3] = { "fallback", "port", "stable" };
	bool named = !strcmp(sched, "sh") || !strcmp(sched, "mh");
	const char *sep = "";
	int i;

	if (!(flags & (IP_VS_SVC_F_SCHED1 | IP_VS_SVC_F_SCHED2 |
		       IP_VS_SVC_F_SCHED3))) {
		seq_puts(seq, " -");
		return;
	}
	seq_putc(seq, ' ');
	for (i = 0; i < 3; i++) {
		if (!(flags & (IP_VS_SVC_F_SCHED1 << i)))
			continue;
		if (named)
			seq_printf(seq, "%s%s-%s", sep, sched, suffix[i]);
		else
			seq_printf(seq, "%sflag-%d", sep, i + 1);
		sep = ",";
	}
}

static int aavs_svcs_show(struct seq_file *seq, void *v)
{
	const struct aavs_sched_ops *sched;
	struct aavs_service *svc = v;
	struct aavs_svc_events ev;
	const char *sched_name;
	char pbuf[16];
	u64 digest;
	int i;

	if (v == SEQ_START_TOKEN) {
		seq_puts(seq, "Prot Service Scheduler Flags table= sloppy= confirmed= expired= fallback= kept= nodest= conn_max=\n");
		return 0;
	}

	if (svc->fwmark)
		seq_printf(seq, "FWM %u%s", svc->fwmark,
			   svc->af == AF_INET6 ? " IPv6" : "");
	else if (svc->af == AF_INET6)
		seq_printf(seq, "%s [%pI6c]:%u",
			   aavs_proto_name(svc->protocol, pbuf, sizeof(pbuf)),
			   &svc->addr.in6, ntohs(svc->port));
	else
		seq_printf(seq, "%s %pI4:%u",
			   aavs_proto_name(svc->protocol, pbuf, sizeof(pbuf)),
			   &svc->addr.ip, ntohs(svc->port));

	sched = rcu_dereference(svc->sched);
	sched_name = sched ? sched->name : "none";
	seq_printf(seq, " %s", sched_name);
	aavs_svcs_show_flags(seq, sched_name, READ_ONCE(svc->flags));
	if (aavs_sched_digest(svc, &digest))
		seq_printf(seq, " table=%016llx", digest);
	else
		seq_puts(seq, " table=n/a");

	aavs_service_events(svc, &ev);
	for (i = 0; i < AAVS_EV_COUNT; i++)
		seq_printf(seq, " %s=%lu", aavs_event_key[i], ev.n[i]);
	seq_putc(seq, '\n');
	return 0;
}

static const struct seq_operations aavs_svcs_seq_ops = {
	.start	= aavs_proc_svc_start,
	.next	= aavs_proc_svc_next,
	.stop	= aavs_proc_svc_stop,
	.show	= aavs_svcs_show,
};

int aavs_service_proc_net_init(struct aavs_net *an)
{
	if (!proc_create_net("aavs_services", 0444, an->net->proc_net,
			     &aavs_svcs_seq_ops, sizeof(struct aavs_proc_iter)))
		return -ENOMEM;
	return 0;
}

void aavs_service_proc_net_exit(struct aavs_net *an)
{
	remove_proc_entry("aavs_services", an->net->proc_net);
}
