/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _AAVS_SYSCTL_H
#define _AAVS_SYSCTL_H

struct aavs_net;
struct ctl_table;
struct ctl_table_header;

/*
 * net.ipv4.vs.* of one namespace, with ip_vs's names and defaults.  The
 * datapath reads them with READ_ONCE(an->sysctl.name).
 */
struct aavs_sysctl {
	int amemthresh;
	int am_droprate;
	int drop_entry;
	int drop_packet;
	int conntrack;
	int secure_tcp;
	int snat_reroute;
	int cache_bypass;
	int expire_nodest_conn;
	int sloppy_tcp;
	int sloppy_sctp;
	int expire_quiescent_template;
	int nat_icmp_send;
	int pmtu_disc;
	int backup_only;
	int conn_reuse_mode;
	int schedule_icmp;
	int ignore_tunneled;
	int run_estimation;
	int conn_max;
	int lblc_expiration;	/* jiffies, shown in seconds */
	int lblcr_expiration;
	int fast_path;		/* aavs's own: fastpath.c */

	struct ctl_table *table;
	struct ctl_table_header *hdr;
};

/* conn_max's ceiling and default, mainline's platform limit. */
#define AAVS_CONN_MAX_LIMIT	(BITS_PER_LONG == 64 ? 1 << 30 : 1 << 24)

int aavs_sysctl_net_init(struct aavs_net *an);
void aavs_sysctl_net_exit(struct aavs_net *an);

#endif /* _AAVS_SYSCTL_H */
