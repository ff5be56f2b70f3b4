// SPDX-License-Identifier: GPL-2.0
/*
 * net.ipv4.vs.* for each namespace, with ip_vs's names, order and defaults,
 * so scripts that tune ip_vs (kube-proxy, keepalived notify scripts) find
 * what they expect.  docs/sysctls.md says which ones aavs acts on.
 *
 * A knob aavs cannot honour yet is refused rather than ignored: writing
 * anything but its default fails with EINVAL and a log line naming it, so
 * a script that asks for the feature learns it is missing, while one that
 * writes the defaults keeps working.
 */
#include <linux/printk.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/sysctl.h>
#include <net/net_namespace.h>

#include "fastpath.h"
#include "pernet.h"
#include "sched_lbl.h"
#include "sysctl.h"

static const struct aavs_sysctl aavs_sysctl_defaults = {
	.amemthresh		= 1024,
	.am_droprate		= 10,
	.snat_reroute		= 1,
	.pmtu_disc		= 1,
	.conn_reuse_mode	= 1,
	.run_estimation		= 1,
	.conn_max		= AAVS_CONN_MAX_LIMIT,
	.lblc_expiration	= AAVS_LBL_EXPIRATION,
	.lblcr_expiration	= AAVS_LBL_EXPIRATION,
};

static int aavs_conn_max_limit = AAVS_CONN_MAX_LIMIT;

struct aavs_sysctl_knob {
	const char *name;
	size_t offset;		/* of the int in struct aavs_sysctl */
	bool mode_0_3;		/* a defence mode: 0 (off) .. 3 (always) */
	bool refused;		/* only the default may be written */
	bool jiffies;		/* kept in jiffies, read and written in seconds */
};

#define AAVS_KNOB(field, m) { #field, offsetof(struct aavs_sysctl, field), m }
#define AAVS_REFUSED(field) \
	{ #field, offsetof(struct aavs_sysctl, field), false, true }
#define AAVS_JIFFIES(field) \
	{ #field, offsetof(struct aavs_sysctl, field), false, false, true }

/*
 * ip_vs's registration order, minus the sync daemon's knobs; the lblc and
 * lblcr modules register theirs after ip_vs's.
 */
static const struct aavs_sysctl_knob aavs_sysctl_knobs[] = {
	AAVS_KNOB(amemthresh, false),
	AAVS_KNOB(am_droprate, false),
	AAVS_KNOB(drop_entry, true),
	AAVS_KNOB(drop_packet, true),
	AAVS_KNOB(conntrack, false),
	AAVS_KNOB(secure_tcp, true),
	AAVS_KNOB(snat_reroute, false),
	AAVS_REFUSED(cache_bypass),
	AAVS_KNOB(expire_nodest_conn, false),
	AAVS_KNOB(sloppy_tcp, false),
	AAVS_KNOB(sloppy_sctp, false),
	AAVS_KNOB(expire_quiescent_template, false),
	AAVS_KNOB(nat_icmp_send, false),
	AAVS_KNOB(pmtu_disc, false),
	AAVS_REFUSED(backup_only),
	AAVS_KNOB(conn_reuse_mode, false),
	AAVS_KNOB(schedule_icmp, false),
	AAVS_KNOB(ignore_tunneled, false),
	AAVS_KNOB(run_estimation, false),
	AAVS_KNOB(conn_max, false),
	AAVS_JIFFIES(lblc_expiration),
	AAVS_JIFFIES(lblcr_expiration),
	AAVS_KNOB(fast_path, false),
};

static const struct aavs_sysctl_knob *aavs_sysctl_knob(const char *name)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(aavs_sysctl_knobs); i++)
		if (!strcmp(aavs_sysctl_knobs[i].name, name))
			return &aavs_sysctl_knobs[i];
	return NULL;
}

/* A refused knob: any integer parses, only its default is stored. */
static int aavs_sysctl_refused(AAVS_CTL_TABLE *table, int write, void *buffer,
			       size_t *lenp, loff_t *ppos)
{
	const struct aavs_sysctl_knob *k = aavs_sysctl_knob(table->procname);
	struct ctl_table tmp = *table;
	int val = READ_ONCE(*(int *)table->data);
	int def, ret;

	tmp.data = &val;
	ret = proc_dointvec(&tmp, write, buffer, lenp, ppos);
	if (ret || !write)
		return ret;
	if (!k)
		return -EINVAL;
	def = *(const int *)((const char *)&aavs_sysctl_defaults + k->offset);
	if (val != def) {
		pr_warn_ratelimited("net.ipv4.vs.%s=%d refused: aavs does not implement it, only %d is accepted\n",
				    k->name, val, def);
		return -EINVAL;
	}
	WRITE_ONCE(*(int *)table->data, val);
	return 0;
}

/* fast_path: 0 or 1, and the hooks follow it. */
static int aavs_sysctl_fast_path(AAVS_CTL_TABLE *table, int write,
				 void *buffer, size_t *lenp, loff_t *ppos)
{
	struct aavs_net *an = container_of(table->data, struct aavs_net,
					   sysctl.fast_path);
	struct ctl_table tmp = *table;
	int val = READ_ONCE(an->sysctl.fast_path);
	int ret;

	tmp.data = &val;
	ret = proc_dointvec_minmax(&tmp, write, buffer, lenp, ppos);
	if (ret || !write)
		return ret;
	mutex_lock(&an->config_mutex);
	ret = aavs_fastpath_set(an, val);
	if (!ret)
		WRITE_ONCE(an->sysctl.fast_path, val);
	mutex_unlock(&an->config_mutex);
	return ret;
}

int aavs_sysctl_net_init(struct aavs_net *an)
{
	struct aavs_sysctl *s = &an->sysctl;
	const size_t n = ARRAY_SIZE(aavs_sysctl_knobs);
	struct ctl_table *tbl;
	size_t i;

	*s = aavs_sysctl_defaults;
	/* As in mainline, a new namespace starts from init_net's conn_max. */
	if (!net_eq(an->net, &init_net))
		s->conn_max = READ_ONCE(aavs_net(&init_net)->sysctl.conn_max);
	/* Like ip_vs: no knobs in namespaces owned by an unprivileged user. */
	if (an->net->user_ns != &init_user_ns)
		return 0;

	/* One spare zeroed entry terminates the table for older kernels. */
	tbl = kcalloc(n + 1, sizeof(*tbl), GFP_KERNEL);
	if (!tbl)
		return -ENOMEM;
	for (i = 0; i < n; i++) {
		const struct aavs_sysctl_knob *k = &aavs_sysctl_knobs[i];

		tbl[i].procname = k->name;
		tbl[i].data = (char *)s + k->offset;
		tbl[i].maxlen = sizeof(int);
		tbl[i].mode = 0644;
		tbl[i].proc_handler = proc_dointvec;
		if (k->refused)
			tbl[i].proc_handler = aavs_sysctl_refused;
		if (k->jiffies)
			tbl[i].proc_handler = proc_dointvec_jiffies;
		if (k->mode_0_3) {
			tbl[i].proc_handler = proc_dointvec_minmax;
			tbl[i].extra1 = SYSCTL_ZERO;
			tbl[i].extra2 = SYSCTL_THREE;
		}
	}

	/* conn_max: 0 .. the platform limit; fast_path: 0 or 1. */
	for (i = 0; i < n; i++) {
		if (tbl[i].data == &s->fast_path) {
			tbl[i].proc_handler = aavs_sysctl_fast_path;
			tbl[i].extra1 = SYSCTL_ZERO;
			tbl[i].extra2 = SYSCTL_ONE;
		}
		if (tbl[i].data != &s->conn_max)
			continue;
		tbl[i].proc_handler = proc_dointvec_minmax;
		tbl[i].extra1 = SYSCTL_ZERO;
		tbl[i].extra2 = &aavs_conn_max_limit;
	}

	s->hdr = aavs_register_net_sysctl(an->net, "net/ipv4/vs", tbl, n);
	if (!s->hdr) {
		kfree(tbl);
		return -ENOMEM;
	}
	s->table = tbl;
	return 0;
}

void aavs_sysctl_net_exit(struct aavs_net *an)
{
	struct aavs_sysctl *s = &an->sysctl;

	if (!s->hdr)
		return;
	unregister_net_sysctl_table(s->hdr);
	kfree(s->table);
	s->hdr = NULL;
	s->table = NULL;
}
