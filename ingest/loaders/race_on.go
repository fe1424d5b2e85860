//go:build race

package loaders

// raceEnabled: under the race detector wazero's compiler (instrumented Go)
// takes minutes on PDFium, so the PDF engine uses wazero's interpreter.
const raceEnabled = true
