package loaders

import "context"

func loadCSV(ctx context.Context, data []byte, lim Limits) (*Document, error) {
	return nil, ErrUnsupported
}
