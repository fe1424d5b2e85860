#!/bin/sh
# Prepares and runs the GPU checks of llm/cuda.
#
#   sh llm/cuda/gpucheck.sh prepare   # on the development machine (Go, cgo, libcuda
#                                     # from Debian's nvidia-cuda-toolkit): builds .gpu/
#   sh .gpu/run.sh                    # on the GPU machine (no Go, no network needed)
#
# .gpu/ (git-ignored) holds the tagged test binary, the tagged CLI (which
# synthesizes the benchmark models there, so that no model file has to
# travel) and run.sh. run.sh prints nvidia-smi, runs the parity tests
# (llama-tiny and qwen2-tiny in F16, BF16, Q8_0, Q4_K, Q6_K, Q4_0, Q5_0, F32:
# logits within 1e-2 relative L2 of the CPU backend) and the decode speed
# of the qwen2.5-0.5b and llama-3.2-1b presets on the GPU and the CPU.
set -eu
case "${1:-}" in
prepare)
	cd "$(git rev-parse --show-toplevel)"
	mkdir -p .gpu
	go test -c -tags cuda -o .gpu/cuda.test ./llm/cuda
	go build -tags cuda -ldflags='-s -w' -o .gpu/docent ./cmd/docent # stripped: .gpu travels in 64 MiB
	cp llm/cuda/gpucheck.sh .gpu/run.sh
	ls -la .gpu
	;;
*)
	cd "$(dirname "$0")"
	nvidia-smi || true
	./cuda.test -test.v -test.run 'Parity|Errors|OutOfMemory' 2>&1
	models=${TMPDIR:-/tmp}/docent-gpu-models
	mkdir -p "$models"
	for spec in qwen2.5-0.5b:f16 qwen2.5-0.5b:q8_0 qwen2.5-0.5b:q4_k llama-3.2-1b:f16 llama-3.2-1b:q8_0 llama-3.2-1b:q4_k; do
		preset=${spec%%:*}
		quant=${spec##*:}
		f="$models/$preset-$quant.gguf"
		[ -f "$f" ] || ./docent model synth "$preset" -o "$f" --quant "$quant" >/dev/null
		DOCENT_CUDA_BENCH_MODEL="$f" ./cuda.test -test.run DecodeSpeed 2>&1 | grep -E '^decode|FAIL|Error' || true
	done
	;;
esac
