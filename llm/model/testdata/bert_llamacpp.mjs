// Regenerates bert_llamacpp.json: llama.cpp's embeddings of the texts for the
// models that bert_test.go generates (bertPeerCases).
//
//   DOCENT_BERT_PEER_DIR=/tmp/bp go test ./llm/model -run TestBertWritePeerModels
//   mkdir /tmp/nlc && cd /tmp/nlc && npm init -y && npm install node-llama-cpp@3.21.1 --ignore-scripts
//   cp $REPO/llm/model/testdata/bert_llamacpp.mjs . && node bert_llamacpp.mjs /tmp/bp $REPO/llm/model/testdata/bert_llamacpp.json
import { readFileSync, writeFileSync } from "node:fs";
import { createHash } from "node:crypto";
import { join } from "node:path";
import { getLlama } from "node-llama-cpp";

const [dir, outPath] = process.argv.slice(2);
const plan = JSON.parse(readFileSync(join(dir, "plan.json"), "utf8"));
const llama = await getLlama({ gpu: false, build: "never", logLevel: "error" });
const out = {
  generated_by: "llama.cpp (node-llama-cpp@3.21.1, CPU, 2 threads): LlamaEmbeddingContext.getEmbeddingFor(text) " +
    "with the model's pooling and L2 normalisation, contextSize 96; models are the tests' synth files " +
    "(bertPeerCases), identified by sha256",
  texts: plan.texts,
  models: {},
};
for (const name of plan.models) {
  const path = join(dir, name + ".gguf");
  const sha256 = createHash("sha256").update(readFileSync(path)).digest("hex");
  const model = await llama.loadModel({ modelPath: path });
  const ctx = await model.createEmbeddingContext({ threads: 2, contextSize: 96, batchSize: 96 });
  const vectors = [];
  for (const t of plan.texts) {
    vectors.push(Array.from((await ctx.getEmbeddingFor(t)).vector, (x) => Number(x.toPrecision(7))));
  }
  out.models[name] = { sha256, vectors };
  await ctx.dispose();
  await model.dispose();
}
writeFileSync(outPath, JSON.stringify(out));
process.exit(0);
