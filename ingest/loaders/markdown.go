package loaders

import "context"

func loadMarkdown(ctx context.Context, data []byte, lim Limits) (*Document, error) {
	return nil, ErrUnsupported
}
