// SPDX-License-Identifier: GPL-2.0
/*
 * /proc/net/ip_vs_conn (what `ipvsadm -Lc` parses) and
 * /proc/net/ip_vs_conn_sync, in ip_vs's exact text format.
 *
 * The walk is over the shared table under RCU; each namespace prints only
 * its own live entries.  The iterator remembers where it stopped, so a
 * million entries print in one pass instead of one rescan per page.
 *
 * One read() may walk far: a namespace with few entries of its own fills
 * no page before the end of the table, and lseek()/pread() walk from the
 * start (seq_file's traverse()).  So the walk leaves its RCU section and
 * offers the CPU every AAVS_CONN_PACE steps; the cursor is (bucket, index),
 * never a pointer into the table, so it survives that.
 */
#include <linux/proc_fs.h>
#include <linux/rculist_bl.h>
#include <linux/seq_file.h>
#include <net/net_namespace.h>

#include "conn.h"
#include "pernet.h"
#include "proc.h"
#include "proto_state.h"

/* Buckets and entries visited between two chances to reschedule. */
#define AAVS_CONN_PACE	64

struct aavs_conn_iter {
	struct seq_net_private p;
	unsigned int bucket;	/* of the entry at pos */
	unsigned int skip;	/* its index in the bucket */
	unsigned int steps;	/* walked since the last pause */
	loff_t pos;		/* 0: nothing remembered */
};

/*
 * Every AAVS_CONN_PACE steps: end the RCU section and let others run.
 * Not cond_resched_rcu(): on PREEMPT_RCU kernels it does nothing, and
 * those are voluntary-preemption kernels at boot (Debian's), where
 * nothing else would ever interrupt this walk.  start() took the only
 * rcu_read_lock(), so it is safe to sleep in between.
 */
static void aavs_conn_pace(struct aavs_conn_iter *it)
	__releases(RCU) __acquires(RCU)
{
	if (++it->steps < AAVS_CONN_PACE)
		return;
	it->steps = 0;
	rcu_read_unlock();
	cond_resched();
	rcu_read_lock();
}

/* The @skip-th entry of a bucket, or NULL. */
static struct aavs_conn *aavs_conn_nth(unsigned int bucket, unsigned int skip)
{
	struct hlist_bl_node *pos;
	struct aavs_conn *cp;

	hlist_bl_for_each_entry_rcu(cp, pos, aavs_conn_bucket(bucket), node) {
		if (!skip--)
			return cp;
	}
	return NULL;
}

/* The first entry at or after (bucket, skip), updating the cursor. */
static struct aavs_conn *aavs_conn_seek(struct aavs_conn_iter *it)
{
	struct aavs_conn *cp;

	while (it->bucket < aavs_conn_tab_size()) {
		aavs_conn_pace(it);
		cp = aavs_conn_nth(it->bucket, it->skip);
		if (cp)
			return cp;
		it->bucket++;
		it->skip = 0;
	}
	return NULL;
}

static void *aavs_conn_seq_start(struct seq_file *seq, loff_t *pos)
	__acquires(RCU)
{
	struct aavs_conn_iter *it = seq->private;
	struct aavs_conn *cp;
	loff_t i;

	rcu_read_lock();
	if (!*pos)
		return SEQ_START_TOKEN;
	if (it->pos && it->pos == *pos)
		return aavs_conn_seek(it);
	/* Random access: count from the start. */
	it->bucket = 0;
	it->skip = 0;
	cp = aavs_conn_seek(it);
	for (i = 1; cp && i < *pos; i++) {
		it->skip++;
		cp = aavs_conn_seek(it);
	}
	it->pos = cp ? *pos : 0;
	return cp;
}

static void *aavs_conn_seq_next(struct seq_file *seq, void *v, loff_t *pos)
{
	struct aavs_conn_iter *it = seq->private;
	struct aavs_conn *cp;

	++*pos;
	if (v == SEQ_START_TOKEN) {
		it->bucket = 0;
		it->skip = 0;
	} else {
		it->skip++;
	}
	cp = aavs_conn_seek(it);
	it->pos = cp ? *pos : 0;
	return cp;
}

static void aavs_conn_seq_stop(struct seq_file *seq, void *v)
	__releases(RCU)
{
	rcu_read_unlock();
}

/* Everything both files print up to the state; false: not ours. */
static bool aavs_conn_show_common(struct seq_file *seq,
				  const struct aavs_conn *cp)
{
	char dbuf[48], pbuf[8];
	const char *proto;

	if (!net_eq(read_pnet(&cp->net), seq_file_net(seq)) ||
	    aavs_conn_expired(cp))
		return false;
	if (cp->daf == AF_INET6)
		snprintf(dbuf, sizeof(dbuf), "%pI6", &cp->daddr.in6);
	else
		snprintf(dbuf, sizeof(dbuf), "%08X", ntohl(cp->daddr.ip));
	proto = aavs_proto_name(cp->protocol, pbuf, sizeof(pbuf));
	if (cp->af == AF_INET6)
		seq_printf(seq, "%-3s %pI6 %04X %pI6 %04X %s %04X %-11s",
			   proto, &cp->caddr.in6, ntohs(cp->cport),
			   &cp->vaddr.in6, ntohs(cp->vport), dbuf,
			   ntohs(cp->dport),
			   aavs_state_name(cp->protocol, READ_ONCE(cp->state),
					   cp->flags & IP_VS_CONN_F_TEMPLATE));
	else
		seq_printf(seq, "%-3s %08X %04X %08X %04X %s %04X %-11s",
			   proto, ntohl(cp->caddr.ip), ntohs(cp->cport),
			   ntohl(cp->vaddr.ip), ntohs(cp->vport), dbuf,
			   ntohs(cp->dport),
			   aavs_state_name(cp->protocol, READ_ONCE(cp->state),
					   cp->flags & IP_VS_CONN_F_TEMPLATE));
	return true;
}

static unsigned int aavs_conn_expires_secs(const struct aavs_conn *cp)
{
	return jiffies_delta_to_msecs(READ_ONCE(cp->expires) - jiffies) /
	       1000;
}

static int aavs_conn_seq_show(struct seq_file *seq, void *v)
{
	const struct aavs_conn *cp = v;

	if (v == SEQ_START_TOKEN) {
		seq_puts(seq, "Pro FromIP   FPrt ToIP     TPrt DestIP   DPrt State       Expires PEName PEData\n");
		return 0;
	}
	/* aavs has no persistence engines: never PE name/data. */
	if (aavs_conn_show_common(seq, cp))
		seq_printf(seq, " %7u\n", aavs_conn_expires_secs(cp));
	return 0;
}

static int aavs_conn_sync_seq_show(struct seq_file *seq, void *v)
{
	const struct aavs_conn *cp = v;

	if (v == SEQ_START_TOKEN) {
		seq_puts(seq, "Pro FromIP   FPrt ToIP     TPrt DestIP   DPrt State       Origin Expires\n");
		return 0;
	}
	/* No sync daemon: every entry was made here. */
	if (aavs_conn_show_common(seq, cp))
		seq_printf(seq, " %-6s %7u\n", "LOCAL",
			   aavs_conn_expires_secs(cp));
	return 0;
}

static const struct seq_operations aavs_conn_seq_ops = {
	.start = aavs_conn_seq_start,
	.next  = aavs_conn_seq_next,
	.stop  = aavs_conn_seq_stop,
	.show  = aavs_conn_seq_show,
};

static const struct seq_operations aavs_conn_sync_seq_ops = {
	.start = aavs_conn_seq_start,
	.next  = aavs_conn_seq_next,
	.stop  = aavs_conn_seq_stop,
	.show  = aavs_conn_sync_seq_show,
};

int aavs_conn_proc_net_init(struct aavs_net *an)
{
	struct net *net = an->net;

	if (!proc_create_net("ip_vs_conn", 0, net->proc_net,
			     &aavs_conn_seq_ops, sizeof(struct aavs_conn_iter)))
		return -ENOMEM;
	if (!proc_create_net("ip_vs_conn_sync", 0, net->proc_net,
			     &aavs_conn_sync_seq_ops,
			     sizeof(struct aavs_conn_iter))) {
		remove_proc_entry("ip_vs_conn", net->proc_net);
		return -ENOMEM;
	}
	return 0;
}

void aavs_conn_proc_net_exit(struct aavs_net *an)
{
	remove_proc_entry("ip_vs_conn_sync", an->net->proc_net);
	remove_proc_entry("ip_vs_conn", an->net->proc_net);
}
