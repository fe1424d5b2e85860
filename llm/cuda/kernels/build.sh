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
# The CPU emulator (llm/cuda/emu, build tag cudaemu) compiles these sources
# through #include, which Go's build cache does not track: a stamp of their
# hash in a Go file of that package makes it rebuild when they change.
[ -d ../emu ] || exit 0
sum=$(cat *.cu *.cuh | sha256sum | cut -c1-64)
cat > ../emu/stamp.go <<EOS
//go:build cudaemu

package emu

// KernelsSHA256 is the SHA-256 of llm/cuda/kernels/*.cu then *.cuh as
// compiled into the emulator (written by kernels/build.sh).
const KernelsSHA256 = "$sum"
EOS
