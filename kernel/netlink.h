/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _AAVS_NETLINK_H
#define _AAVS_NETLINK_H

int aavs_netlink_init(void);
void aavs_netlink_exit(void);

#endif /* _AAVS_NETLINK_H */
