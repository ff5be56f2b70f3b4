/* Userspace stand-in for <asm/byteorder.h>: ntohl() and friends. */
#ifndef AAVS_SHIM_ASM_BYTEORDER_H
#define AAVS_SHIM_ASM_BYTEORDER_H
#include <arpa/inet.h>
#endif
