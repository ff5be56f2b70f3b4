/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _AAVS_NETNS_H
#define _AAVS_NETNS_H

/* aavs in every network namespace, present and future (netns.c). */
int aavs_netns_init(void);
void aavs_netns_exit(void);

#endif /* _AAVS_NETNS_H */
