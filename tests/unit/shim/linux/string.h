#ifndef AAVS_SHIM_LINUX_STRING_H
#define AAVS_SHIM_LINUX_STRING_H
#include <string.h>
#endif
