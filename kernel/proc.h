/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _AAVS_PROC_H
#define _AAVS_PROC_H

#include <linux/seq_file_net.h>
#include <linux/types.h>

struct aavs_net;

/* Where a walk of the services stands: table 0 by address, 1 by fwmark. */
struct aavs_proc_iter {
	struct seq_net_private p;	/* must be first */
	int table;
	int bucket;
};

/*
 * seq_file walk of a namespace's services under rcu_read_lock(), header
 * first (SEQ_START_TOKEN); private data is struct aavs_proc_iter.
 */
void *aavs_proc_svc_start(struct seq_file *seq, loff_t *pos);
void *aavs_proc_svc_next(struct seq_file *seq, void *v, loff_t *pos);
void aavs_proc_svc_stop(struct seq_file *seq, void *v);

int aavs_proc_net_init(struct aavs_net *an);
void aavs_proc_net_exit(struct aavs_net *an);

/* ip_vs's names for forwarding methods and protocols in /proc text. */
const char *aavs_fwd_name(u32 conn_flags);
const char *aavs_proto_name(u16 protocol, char *buf, size_t len);

#endif /* _AAVS_PROC_H */
