/*
 * Userspace stand-in for <linux/types.h>: the UAPI header (libc includes it
 * too) plus the kernel-internal short type names aavs uses.
 */
#ifndef AAVS_SHIM_LINUX_TYPES_H
#define AAVS_SHIM_LINUX_TYPES_H

#include_next <linux/types.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef uint8_t u8;
typedef uint16_t u16;
typedef uint32_t u32;
typedef uint64_t u64;
typedef int32_t s32;
typedef int64_t s64;

#endif
