/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _AAVS_PROC_H
#define _AAVS_PROC_H

#include <linux/types.h>

struct aavs_net;

int aavs_proc_net_init(struct aavs_net *an);
void aavs_proc_net_exit(struct aavs_net *an);

/* ip_vs's names for forwarding methods and protocols in /proc text. */
const char *aavs_fwd_name(u32 conn_flags);
const char *aavs_proto_name(u16 protocol, char *buf, size_t len);

#endif /* _AAVS_PROC_H */
