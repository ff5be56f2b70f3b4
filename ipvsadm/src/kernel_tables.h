/* The kernel's sh/mh table and digest code (kernel/sched_*_table.c,
 * kernel/sched_digest.c, built unchanged into the aavs-kernel-tables library)
 * behind plain C types, so that the C++ tool never includes kernel headers.
 * kernel_tables.c is the glue; the same code runs in the module.
 */
#ifndef AAVS_IPVSADM_KERNEL_TABLES_H
#define AAVS_IPVSADM_KERNEL_TABLES_H

#include <stdint.h>  // NOLINT(modernize-deprecated-headers): also included from C

#ifdef __cplusplus
extern "C" {
#endif

/* One real server, as aavs_hsched_member() describes a dest to the tables. */
struct aavs_table_server {  // NOLINT(readability-identifier-naming): a C type
  uint8_t addr[16];         /* network order, IPv4 in the first 4 bytes (all 16 as dumped) */
  uint16_t port;            /* host order */
  uint8_t v6;               /* the server's address is IPv6 */
  int32_t weight;           /* current weight */
  int32_t last_weight;      /* last non-zero weight */
};

enum aavs_table_kind {
  AAVS_TABLE_SH = 0,
  AAVS_TABLE_MH = 1,
  AAVS_TABLE_DH = 2,
};

/* Builds the table of kind @kind (ip_vs's, or with @stable the flag-3 one;
 * dh has only ip_vs's)
 * from @n servers in dest-list order for a service whose address family is
 * IPv6 when @svc_v6, and stores the digest with scheduler name "sh"/"mh"/"dh" and
 * the IP_VS_SVC_F_SCHED* bits of @svc_flags.  Returns 0, or a negative errno
 * (-ENOMEM, -EINVAL for too many servers).
 */
int aavs_table_digest(enum aavs_table_kind kind, int stable, int svc_v6,
                      const struct aavs_table_server* servers, unsigned int n, uint32_t svc_flags,
                      uint64_t* digest);

#ifdef __cplusplus
}
#endif

#endif
