package qdrant

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"time"

	qc "github.com/qdrant/go-client/qdrant"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/docent-dev/docent/retrieval"
)

// retryPolicy retries transient failures with capped exponential backoff
// and full jitter. Every operation docent sends is idempotent (upserts use
// deterministic point ids, deletes select by id or filter), so a retry
// after an unknown outcome is safe.
type retryPolicy struct {
	Retries int           // extra attempts after the first
	Base    time.Duration // first backoff
	Max     time.Duration // backoff cap
	Timeout time.Duration // per attempt; 0: only the caller's deadline
}

// transient reports whether err is worth retrying: the server is
// unavailable, an attempt timed out (not the caller's context), or the
// server sheds load.
func transient(err error) bool {
	var re *qc.QdrantResourceExhaustedError
	if errors.As(err, &re) {
		return true
	}
	switch status.Code(err) {
	case codes.Unavailable, codes.DeadlineExceeded, codes.ResourceExhausted, codes.Aborted:
		return true
	}
	return false
}

// backoff is the wait before retry n (0-based): full jitter over
// min(Max, Base*2^n); a server's retry-after hint raises it.
func (p retryPolicy) backoff(n int, err error, rnd func(int64) int64) time.Duration {
	d := p.Base
	for i := 0; i < n && d < p.Max; i++ {
		d *= 2
	}
	if d > p.Max {
		d = p.Max
	}
	if d > 0 && rnd != nil {
		d = time.Duration(rnd(int64(d)) + 1)
	}
	var re *qc.QdrantResourceExhaustedError
	if errors.As(err, &re) && re.RetryAfterS > 0 {
		if hint := time.Duration(re.RetryAfterS) * time.Second; hint > d {
			d = hint
		}
	}
	return d
}

// do runs fn until it succeeds, fails permanently, runs out of retries
// or ctx ends. Errors come back wrapped with op and mapped onto the
// retrieval sentinels where one fits.
func (p retryPolicy) do(ctx context.Context, op string, fn func(ctx context.Context) error) error {
	var err error
	for attempt := 0; ; attempt++ {
		actx, cancel := ctx, context.CancelFunc(func() {})
		if p.Timeout > 0 {
			actx, cancel = context.WithTimeout(ctx, p.Timeout)
		}
		err = fn(actx)
		cancel()
		if err == nil {
			return nil
		}
		if ctx.Err() != nil || !transient(err) || attempt >= p.Retries {
			break
		}
		t := time.NewTimer(p.backoff(attempt, err, rand.Int64N))
		select {
		case <-ctx.Done():
			t.Stop()
			return fmt.Errorf("qdrant %s: %w (after %d attempts; last error: %v)", op, ctx.Err(), attempt+1, err)
		case <-t.C:
		}
	}
	return mapError(op, err)
}

// mapError wraps a gRPC error: InvalidArgument becomes ErrInvalid (e.g. a
// vector of the wrong dimension), NotFound ErrNotFound.
func mapError(op string, err error) error {
	switch status.Code(err) {
	case codes.InvalidArgument:
		return fmt.Errorf("qdrant %s: %w: %v", op, retrieval.ErrInvalid, err)
	case codes.NotFound:
		return fmt.Errorf("qdrant %s: %w: %v", op, retrieval.ErrNotFound, err)
	}
	return fmt.Errorf("qdrant %s: %w", op, err)
}
