package tokenizer_test

import (
	"fmt"

	"github.com/docent-dev/docent/llm/gguf"
	"github.com/docent-dev/docent/llm/tokenizer"
)

func Example() {
	f, err := gguf.Open("../../testdata/vocab/ggml-vocab-llama-spm.gguf")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer f.Close()
	tok, err := tokenizer.FromGGUF(f)
	if err != nil {
		fmt.Println(err)
		return
	}
	ids := tok.Encode("Hello world", tokenizer.EncodeOptions{AddSpecial: true})
	fmt.Println(tok.Kind(), ids)
	fmt.Printf("%q\n", tok.Decode(ids))
	for _, id := range ids {
		fmt.Printf("%q ", tok.PieceSpecial(id))
	}
	fmt.Println()
	// Output:
	// llama [1 15043 3186]
	// " Hello world"
	// "<s>" " Hello" " world"
}
