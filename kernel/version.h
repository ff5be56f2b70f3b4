/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _AAVS_VERSION_H
#define _AAVS_VERSION_H

#define AAVS_VERSION "0.1.0"

/* The git revision built (Kbuild defines it); modinfo shows both. */
#ifndef AAVS_REVISION
#define AAVS_REVISION "unknown"
#endif
#define AAVS_FULL_VERSION AAVS_VERSION "+" AAVS_REVISION

/* What ip_vs reports as its protocol version; clients check it. */
#define AAVS_IPVS_VERSION_CODE 0x010201

/* Connection hash table size reported to clients (ip_vs: 1 << 12 on Debian). */
#define AAVS_CONN_TAB_SIZE 4096

#endif /* _AAVS_VERSION_H */
