package loaders

import (
	"fmt"
)

// Detect returns the format of data. Content decides first; the extension of
// name is only a hint among text formats.
func Detect(name string, data []byte) (Format, error) {
	return "", fmt.Errorf("%s: %w", name, ErrUnsupported)
}
