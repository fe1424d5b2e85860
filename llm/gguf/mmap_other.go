//go:build !unix

package gguf

import (
	"io"
	"os"
)

// Without mmap the file is read into memory.
func mmapFile(f *os.File, size int) ([]byte, error) {
	b := make([]byte, size)
	_, err := io.ReadFull(f, b)
	return b, err
}

func munmap([]byte) error { return nil }
