package main

import (
	"fmt"
	"sync"
	"time"

	"github.com/docent-dev/docent/llm/gguf"
)

// readBandwidth measures how fast threads goroutines can stream memory
// (bytes/s): each sums its share of a 256 MiB buffer, best of 3 passes.
// Decode speed is bounded by it: every weight is read once per token.
func readBandwidth(threads int) float64 {
	if threads < 1 {
		threads = 1
	}
	buf := make([]uint64, 32<<20) // 256 MiB
	for i := range buf {
		buf[i] = uint64(i)
	}
	best := 0.0
	sums := make([]uint64, threads)
	for pass := 0; pass < 3; pass++ {
		var wg sync.WaitGroup
		t0 := time.Now()
		part := len(buf) / threads
		for w := 0; w < threads; w++ {
			wg.Add(1)
			go func(w int) {
				defer wg.Done()
				var s0, s1, s2, s3 uint64
				b := buf[w*part : (w+1)*part]
				for i := 0; i+4 <= len(b); i += 4 {
					s0 += b[i]
					s1 += b[i+1]
					s2 += b[i+2]
					s3 += b[i+3]
				}
				sums[w] = s0 + s1 + s2 + s3
			}(w)
		}
		wg.Wait()
		if bw := float64(part*threads*8) / time.Since(t0).Seconds(); bw > best {
			best = bw
		}
	}
	return best
}

// decodeBytesPerToken is the weight bytes one decoded token reads: every
// tensor except the token embedding table (one row is read), plus that
// table when the output head is tied to it.
func decodeBytesPerToken(path string, tied bool) (int64, error) {
	f, err := gguf.Open(path)
	if err != nil {
		return 0, err
	}
	defer f.Close()
	var total int64
	for _, t := range f.Tensors {
		if len(t.Dims) == 0 {
			continue
		}
		rb, err := t.Type.RowBytes(t.Dims[0])
		if err != nil {
			return 0, fmt.Errorf("%s: %w", t.Name, err)
		}
		n := int64(rb)
		for _, d := range t.Dims[1:] {
			n *= int64(d)
		}
		if t.Name == "token_embd.weight" && !tied {
			continue
		}
		total += n
	}
	if total <= 0 {
		return 0, fmt.Errorf("%s: no weight tensors", path)
	}
	return total, nil
}
