package server

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/docent-dev/docent/agent"
	"github.com/docent-dev/docent/ingest"
	"github.com/docent-dev/docent/ingest/loaders"
	"github.com/docent-dev/docent/retrieval"
)

// apiError is the body of every error: {"error":{"code","message"}}.
type apiError struct {
	Status  int    `json:"-"`
	Code    string `json:"code"`
	Message string `json:"message"`
}

func abort(c *gin.Context, status int, code, msg string) {
	c.AbortWithStatusJSON(status, gin.H{"error": apiError{Code: code, Message: msg}, "request_id": c.GetString("request_id")})
}

func fail(c *gin.Context, err error) {
	e := classify(err)
	abort(c, e.Status, e.Code, e.Message)
}

// classify maps domain errors to HTTP statuses; anything unknown is a bug
// (500).
func classify(err error) apiError {
	var mbe *http.MaxBytesError
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	msg := err.Error()
	switch {
	case errors.As(err, &mbe):
		return apiError{http.StatusRequestEntityTooLarge, "too_large", "request body exceeds the limit of " + itoa(mbe.Limit) + " bytes"}
	case errors.Is(err, loaders.ErrTooLarge):
		return apiError{http.StatusRequestEntityTooLarge, "too_large", msg}
	case errors.Is(err, loaders.ErrUnsupported):
		return apiError{http.StatusUnsupportedMediaType, "unsupported_type", msg}
	case errors.Is(err, loaders.ErrEmpty):
		return apiError{http.StatusUnprocessableEntity, "empty_document", msg}
	case errors.Is(err, loaders.ErrCorrupt):
		return apiError{http.StatusUnprocessableEntity, "corrupt_document", msg}
	case errors.As(err, &syn), errors.As(err, &typ), errors.Is(err, io.ErrUnexpectedEOF):
		return apiError{http.StatusBadRequest, "invalid_json", "invalid JSON: " + msg}
	case errors.Is(err, ingest.ErrInvalid), errors.Is(err, retrieval.ErrInvalid), errors.Is(err, agent.ErrInvalid), errors.Is(err, errBadRequest):
		return apiError{http.StatusBadRequest, "invalid_request", msg}
	case errors.Is(err, agent.ErrContextOverflow):
		return apiError{http.StatusUnprocessableEntity, "context_overflow", msg + " (raise generator.context or lower chunking.target_chars)"}
	case errors.Is(err, retrieval.ErrNotFound):
		return apiError{http.StatusNotFound, "not_found", msg}
	case errors.Is(err, retrieval.ErrConflict):
		return apiError{http.StatusConflict, "conflict", msg}
	case errors.Is(err, context.DeadlineExceeded):
		return apiError{http.StatusGatewayTimeout, "timeout", "request timed out"}
	case errors.Is(err, context.Canceled):
		return apiError{499, "canceled", "request canceled"}
	}
	return apiError{http.StatusInternalServerError, "internal", msg}
}

var errBadRequest = errors.New("bad request")

func itoa(n int64) string {
	b, _ := json.Marshal(n)
	return string(b)
}
