/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The one place where differences between the kernels aavs builds against
 * (Debian's 6.1 and 6.12) are smoothed over.  Sources never test
 * LINUX_VERSION_CODE themselves; Kbuild.include probes the headers and this
 * file maps each probe to a single spelling.
 */
#ifndef _AAVS_COMPAT_H
#define _AAVS_COMPAT_H

#include <linux/version.h>

#ifdef AAVS_HAVE_REGISTER_NET_SYSCTL_SZ
#define aavs_register_net_sysctl(net, path, table, count) \
	register_net_sysctl_sz(net, path, table, count)
#else
#define aavs_register_net_sysctl(net, path, table, count) \
	register_net_sysctl(net, path, table)
#endif

/* The table a proc handler is given: const since 6.11. */
#ifdef AAVS_HAVE_CONST_CTL_TABLE
#define AAVS_CTL_TABLE const struct ctl_table
#else
#define AAVS_CTL_TABLE struct ctl_table
#endif

/* The GSO helpers: in skbuff.h before 6.6, net/gso.h since. */
#ifdef AAVS_HAVE_NET_GSO_H
#include <net/gso.h>
#else
#include <linux/skbuff.h>
#endif

/* IP_NODEFRAG on a socket: a bit field before 6.6, an inet flag since. */
#ifdef AAVS_HAVE_INET_FLAGS_NODEFRAG
#define aavs_inet_nodefrag(sk) inet_test_bit(NODEFRAG, sk)
#else
#define aavs_inet_nodefrag(sk) (inet_sk(sk)->nodefrag)
#endif

#endif /* _AAVS_COMPAT_H */
