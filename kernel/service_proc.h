/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _AAVS_SERVICE_PROC_H
#define _AAVS_SERVICE_PROC_H

struct aavs_net;

int aavs_service_proc_net_init(struct aavs_net *an);
void aavs_service_proc_net_exit(struct aavs_net *an);

#endif /* _AAVS_SERVICE_PROC_H */
