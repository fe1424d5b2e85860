package loaders

import "context"

func loadHTML(ctx context.Context, data []byte, lim Limits) (*Document, error) {
	return nil, ErrUnsupported
}
