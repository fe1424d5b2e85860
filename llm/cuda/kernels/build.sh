#!/bin/sh
# Compiles the kernels to PTX for sm_80 (Ampere) and sm_90 (Hopper) with
# nvcc (CUDA 11.8, Debian's nvidia-cuda-toolkit). Run through
# `go generate -tags cuda ./llm/cuda`; the .ptx files are committed, so
# building the tagged package needs no nvcc.
set -eu
cd "$(dirname "$0")"
NVCC=${NVCC:-nvcc}
for src in *.cu; do
	name=${src%.cu}
	for arch in 80 90; do
		"$NVCC" -ptx -O3 -std=c++14 --gpu-architecture=compute_$arch -o "${name}_sm$arch.ptx" "$src"
	done
done
