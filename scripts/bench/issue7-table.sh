#!/bin/sh
# Reproduces the docent vs llama.cpp table of docs/PERFORMANCE.md ("Engine
# III"): the qwen2.5-0.5b preset at Q8_0, Q4_K_M and F16, llama-3.2-1b at
# Q4_K_M, and minilm-l6 embeddings, 1 and 2 threads, same machine, same run.
#
#   (cd scripts/bench && npm install --no-save node-llama-cpp@3.21.1)
#   sh scripts/bench/issue7-table.sh [DIR]     # DIR keeps the model files (default /tmp/docent-bench)
#
# Run it on an otherwise idle machine: llama.cpp's worker threads spin while
# they wait, so on a loaded machine its numbers collapse more than docent's.
set -eu
cd "$(dirname "$0")/../.."
dir=${1:-/tmp/docent-bench}
mkdir -p "$dir"
go build -o "$dir/docent" ./cmd/docent
synth() { # preset quant vocab out
	[ -f "$dir/$4" ] || "$dir/docent" model synth "$1" --quant "$2" ${3:+--vocab "$3"} -o "$dir/$4"
}
vocab=../shared/testdata/vocab
q2=""; l3=""
[ -f "$vocab/ggml-vocab-qwen2.gguf" ] && q2="$vocab/ggml-vocab-qwen2.gguf"
[ -f "$vocab/ggml-vocab-llama-bpe.gguf" ] && l3="$vocab/ggml-vocab-llama-bpe.gguf"
synth qwen2.5-0.5b q8_0 "$q2" qwen-q8_0.gguf
synth qwen2.5-0.5b q4_k "$q2" qwen-q4_k.gguf
synth qwen2.5-0.5b f16 "$q2" qwen-f16.gguf
synth llama-3.2-1b q4_k "$l3" llama1b-q4_k.gguf
synth minilm-l6 f16 "" minilm-f16.gguf
uptime
node scripts/bench/compare.mjs --docent "$dir/docent" --threads 1,2 --reps ${REPS:-3} -p 128 -n 64 \
	"$dir/qwen-q8_0.gguf" "$dir/qwen-q4_k.gguf" "$dir/qwen-f16.gguf" "$dir/llama1b-q4_k.gguf"
for t in 1 2; do
	node scripts/bench/embed-compare.mjs --docent "$dir/docent" --threads $t --rounds 3 -p 128 --texts 24 "$dir/minilm-f16.gguf"
done
uptime
