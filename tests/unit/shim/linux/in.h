/*
 * Userspace stand-in for <linux/in.h>: libc's IPPROTO_* names (the UAPI
 * header would clash with <netinet/in.h> the tests include).
 */
#ifndef AAVS_SHIM_LINUX_IN_H
#define AAVS_SHIM_LINUX_IN_H

#include <netinet/in.h>

#endif
