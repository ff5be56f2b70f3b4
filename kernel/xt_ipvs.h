/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _AAVS_XT_IPVS_H
#define _AAVS_XT_IPVS_H

/* The iptables "ipvs" match, for as long as aavs is loaded. */
int aavs_xt_ipvs_init(void);
void aavs_xt_ipvs_exit(void);

#endif /* _AAVS_XT_IPVS_H */
