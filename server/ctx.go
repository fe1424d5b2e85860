package server

import (
	"context"

	"github.com/gin-gonic/gin"
)

// contextWithoutCancel keeps the request's values but not its deadline or
// cancellation, for work (ingestion jobs) that outlives the request.
func contextWithoutCancel(c *gin.Context) context.Context {
	return context.WithoutCancel(c.Request.Context())
}
