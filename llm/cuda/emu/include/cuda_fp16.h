// Stands in for CUDA's cuda_fp16.h when the kernels are compiled for the
// CPU emulator: the half type and conversions come from emu.h.
#pragma once
#include "../emu.h"
