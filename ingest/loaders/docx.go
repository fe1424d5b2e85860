package loaders

import "context"

func loadDOCX(ctx context.Context, data []byte, lim Limits) (*Document, error) {
	return nil, ErrUnsupported
}
