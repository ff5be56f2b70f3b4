/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _AAVS_SOCKOPT_H
#define _AAVS_SOCKOPT_H

int aavs_sockopt_init(void);
void aavs_sockopt_exit(void);

#endif /* _AAVS_SOCKOPT_H */
