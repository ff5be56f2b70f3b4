/*
 * Userspace stand-in for <linux/errno.h>: the UAPI one.  Not <errno.h>:
 * glibc reaches its errno values through <linux/errno.h>, i.e. this file.
 */
#ifndef AAVS_SHIM_LINUX_ERRNO_H
#define AAVS_SHIM_LINUX_ERRNO_H
#include_next <linux/errno.h>
#endif
