package loaders

import "context"

func loadJSON(ctx context.Context, data []byte, lim Limits) (*Document, error) {
	return nil, ErrUnsupported
}

func loadJSONL(ctx context.Context, data []byte, lim Limits) (*Document, error) {
	return nil, ErrUnsupported
}
