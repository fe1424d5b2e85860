#pragma once
#include <stdint.h>
#ifdef __cplusplus
extern "C" {
#endif
int emu_kernel(const char *name);
int emu_launch(int k, unsigned grid, unsigned block, unsigned shared, const uint64_t *args);
#ifdef __cplusplus
}
#endif
