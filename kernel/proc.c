// SPDX-License-Identifier: GPL-2.0
/*
 * /proc/net/ip_vs, ip_vs_stats and ip_vs_stats_percpu of each namespace, in
 * ip_vs's exact text formats (tools and monitoring scripts parse them).
 * /proc/net/ip_vs_conn belongs to the connection table (conn*.c).  The
 * service walk is shared with /proc/net/aavs_services (service_proc.c).
 */
#include <linux/ip_vs.h>
#include <linux/proc_fs.h>
#include <linux/seq_file.h>
#include <net/net_namespace.h>

#include "dest.h"
#include "pernet.h"
#include "proc.h"
#include "sched.h"
#include "service.h"
#include "service_proc.h"
#include "version.h"

static struct hlist_head *aavs_proc_table(struct aavs_net *an, int table)
{
	return table ? an->fwm_table : an->svc_table;
}

static struct aavs_service *aavs_proc_first(struct aavs_net *an,
					    struct aavs_proc_iter *it,
					    int table, int bucket)
{
	struct hlist_node *n;

	for (; table < 2; table++, bucket = 0) {
		for (; bucket < AAVS_SVC_TAB_SIZE; bucket++) {
			n = rcu_dereference(hlist_first_rcu(&aavs_proc_table(an, table)[bucket]));
			if (n) {
				it->table = table;
				it->bucket = bucket;
				return hlist_entry(n, struct aavs_service,
						   s_list);
			}
		}
	}
	return NULL;
}

static struct aavs_service *aavs_proc_next_svc(struct aavs_net *an,
					       struct aavs_proc_iter *it,
					       struct aavs_service *svc)
{
	struct hlist_node *n = rcu_dereference(hlist_next_rcu(&svc->s_list));

	if (n)
		return hlist_entry(n, struct aavs_service, s_list);
	return aavs_proc_first(an, it, it->table, it->bucket + 1);
}

void *aavs_proc_svc_start(struct seq_file *seq, loff_t *pos)
	__acquires(RCU)
{
	struct aavs_net *an = aavs_net(seq_file_net(seq));
	struct aavs_proc_iter *it = seq->private;
	struct aavs_service *svc;
	loff_t n = *pos;

	rcu_read_lock();
	if (!n)
		return SEQ_START_TOKEN;
	svc = aavs_proc_first(an, it, 0, 0);
	while (svc && --n)
		svc = aavs_proc_next_svc(an, it, svc);
	return svc;
}

void *aavs_proc_svc_next(struct seq_file *seq, void *v, loff_t *pos)
{
	struct aavs_net *an = aavs_net(seq_file_net(seq));
	struct aavs_proc_iter *it = seq->private;

	++*pos;
	if (v == SEQ_START_TOKEN)
		return aavs_proc_first(an, it, 0, 0);
	return aavs_proc_next_svc(an, it, v);
}

void aavs_proc_svc_stop(struct seq_file *seq, void *v)
	__releases(RCU)
{
	rcu_read_unlock();
}

const char *aavs_fwd_name(u32 conn_flags)
{
	switch (conn_flags & IP_VS_CONN_F_FWD_MASK) {
	case IP_VS_CONN_F_LOCALNODE:
		return "Local";
	case IP_VS_CONN_F_TUNNEL:
		return "Tunnel";
	case IP_VS_CONN_F_DROUTE:
		return "Route";
	default:
		return "Masq";
	}
}

const char *aavs_proto_name(u16 protocol, char *buf, size_t len)
{
	switch (protocol) {
	case IPPROTO_IP:
		return "IP";
	case IPPROTO_TCP:
		return "TCP";
	case IPPROTO_UDP:
		return "UDP";
	case IPPROTO_SCTP:
		return "SCTP";
	case IPPROTO_ICMP:
		return "ICMP";
	case IPPROTO_ICMPV6:
		return "ICMPv6";
	default:
		snprintf(buf, len, "IP_%u", protocol);
		return buf;
	}
}

static void aavs_info_show_dest(struct seq_file *seq,
				const struct aavs_dest *dest)
{
	const char *fwd = aavs_fwd_name(atomic_read(&dest->conn_flags));

	if (dest->af == AF_INET6)
		seq_printf(seq, "  -> [%pI6]:%04X", &dest->addr.in6,
			   ntohs(dest->port));
	else
		seq_printf(seq, "  -> %08X:%04X", ntohl(dest->addr.ip),
			   ntohs(dest->port));
	seq_printf(seq, "      %-7s %-6d %-10d %-10d\n", fwd,
		   atomic_read(&dest->weight), atomic_read(&dest->activeconns),
		   atomic_read(&dest->inactconns));
}

static int aavs_info_show(struct seq_file *seq, void *v)
{
	const struct aavs_sched_ops *sched;
	const struct aavs_service *svc = v;
	const struct aavs_dest *dest;
	const char *sched_name, *ops;
	char pbuf[16];
	u32 flags;

	if (v == SEQ_START_TOKEN) {
		seq_printf(seq, "IP Virtual Server version %d.%d.%d (size=%d)\n",
			   (AAVS_IPVS_VERSION_CODE >> 16) & 0xff,
			   (AAVS_IPVS_VERSION_CODE >> 8) & 0xff,
			   AAVS_IPVS_VERSION_CODE & 0xff, AAVS_CONN_TAB_SIZE);
		seq_puts(seq, "Prot LocalAddress:Port Scheduler Flags\n");
		seq_puts(seq, "  -> RemoteAddress:Port Forward Weight ActiveConn InActConn\n");
		return 0;
	}

	sched = rcu_dereference(svc->sched);
	sched_name = sched ? sched->name : "none";
	flags = READ_ONCE(svc->flags);
	ops = (flags & IP_VS_SVC_F_ONEPACKET) ? "ops " : "";
	if (svc->fwmark)
		seq_printf(seq, "FWM  %08X %s %s", svc->fwmark, sched_name, ops);
	else if (svc->af == AF_INET6)
		/* ip_vs prints no "ops" for IPv6 services; neither do we. */
		seq_printf(seq, "%s  [%pI6]:%04X %s ",
			   aavs_proto_name(svc->protocol, pbuf, sizeof(pbuf)),
			   &svc->addr.in6, ntohs(svc->port), sched_name);
	else
		seq_printf(seq, "%s  %08X:%04X %s %s ",
			   aavs_proto_name(svc->protocol, pbuf, sizeof(pbuf)),
			   ntohl(svc->addr.ip), ntohs(svc->port), sched_name,
			   ops);
	if (flags & IP_VS_SVC_F_PERSISTENT)
		/* The timeout in jiffies, as ip_vs shows it. */
		seq_printf(seq, "persistent %d %08X\n",
			   (int)READ_ONCE(svc->timeout),
			   ntohl(READ_ONCE(svc->netmask)));
	else
		seq_putc(seq, '\n');

	list_for_each_entry_rcu(dest, &svc->destinations, n_list)
		aavs_info_show_dest(seq, dest);
	return 0;
}

static const struct seq_operations aavs_info_seq_ops = {
	.start	= aavs_proc_svc_start,
	.next	= aavs_proc_svc_next,
	.stop	= aavs_proc_svc_stop,
	.show	= aavs_info_show,
};

#define AAVS_STATS_FMT "%8llX %8llX %8llX %16llX %16llX\n"

static int aavs_stats_show(struct seq_file *seq, void *v)
{
	struct aavs_net *an = aavs_net(seq_file_single_net(seq));
	struct aavs_stats_snap s;

	aavs_stats_read(&an->tot_stats, &s);
	seq_puts(seq, "   Total Incoming Outgoing         Incoming         Outgoing\n");
	seq_puts(seq, "   Conns  Packets  Packets            Bytes            Bytes\n");
	seq_printf(seq, AAVS_STATS_FMT "\n", s.conns, s.inpkts, s.outpkts,
		   s.inbytes, s.outbytes);
	seq_puts(seq, " Conns/s   Pkts/s   Pkts/s          Bytes/s          Bytes/s\n");
	seq_printf(seq, AAVS_STATS_FMT, s.cps, s.inpps, s.outpps, s.inbps,
		   s.outbps);
	return 0;
}

static int aavs_stats_percpu_show(struct seq_file *seq, void *v)
{
	struct aavs_net *an = aavs_net(seq_file_single_net(seq));
	struct aavs_stats_snap s;
	struct aavs_counters c;
	int cpu;

	seq_puts(seq, "       Total Incoming Outgoing         Incoming         Outgoing\n");
	seq_puts(seq, "CPU    Conns  Packets  Packets            Bytes            Bytes\n");
	/* Live per-cpu counters; the total line is the estimator's view. */
	for_each_possible_cpu(cpu) {
		aavs_stats_read_cpu(&an->tot_stats, cpu, &c);
		seq_printf(seq, "%3X " AAVS_STATS_FMT, cpu, c.conns, c.inpkts,
			   c.outpkts, c.inbytes, c.outbytes);
	}
	aavs_stats_read(&an->tot_stats, &s);
	seq_printf(seq, "  ~ " AAVS_STATS_FMT "\n", s.conns, s.inpkts,
		   s.outpkts, s.inbytes, s.outbytes);
	seq_puts(seq, "     Conns/s   Pkts/s   Pkts/s          Bytes/s          Bytes/s\n");
	seq_printf(seq, "    " AAVS_STATS_FMT, s.cps, s.inpps, s.outpps,
		   s.inbps, s.outbps);
	return 0;
}

int aavs_proc_net_init(struct aavs_net *an)
{
	struct net *net = an->net;

	if (!proc_create_net("ip_vs", 0, net->proc_net, &aavs_info_seq_ops,
			     sizeof(struct aavs_proc_iter)))
		goto err_info;
	if (!proc_create_net_single("ip_vs_stats", 0, net->proc_net,
				    aavs_stats_show, NULL))
		goto err_stats;
	if (!proc_create_net_single("ip_vs_stats_percpu", 0, net->proc_net,
				    aavs_stats_percpu_show, NULL))
		goto err_percpu;
	if (aavs_service_proc_net_init(an))
		goto err_services;
	return 0;

err_services:
	remove_proc_entry("ip_vs_stats_percpu", net->proc_net);
err_percpu:
	remove_proc_entry("ip_vs_stats", net->proc_net);
err_stats:
	remove_proc_entry("ip_vs", net->proc_net);
err_info:
	return -ENOMEM;
}

void aavs_proc_net_exit(struct aavs_net *an)
{
	struct net *net = an->net;

	aavs_service_proc_net_exit(an);
	remove_proc_entry("ip_vs_stats_percpu", net->proc_net);
	remove_proc_entry("ip_vs_stats", net->proc_net);
	remove_proc_entry("ip_vs", net->proc_net);
}
