package kernels

// AttnTileKV is the number of keys per tile of the attention kernels
// (ggml's GGML_FA_TILE_KV).
const AttnTileKV = 64

// AttnKernels reports whether AttnScores2 and AttnExpAcc are available
// (AVX-512 or AVX2 with FMA and F16C; not with DOCENT_KERNELS=go).
var AttnKernels bool
