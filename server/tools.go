package server

import (
	"encoding/json"
	"errors"
	"net/http"
	"strconv"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/docent-dev/docent/tools"
)

// listTools is GET /v1/tools: every tool with its argument schema.
func (s *Server) listTools(c *gin.Context) {
	list := []tools.Info{}
	if s.Tools != nil {
		list = s.Tools.List()
	}
	c.JSON(http.StatusOK, gin.H{"tools": list})
}

type invokeRequest struct {
	Arguments json.RawMessage `json:"arguments"`
}

// invokeTool is POST /v1/tools/{name}/invoke with {"arguments":{...}}.
func (s *Server) invokeTool(c *gin.Context) {
	name := c.Param("name")
	if s.Tools == nil {
		abort(c, http.StatusNotFound, "unknown_tool", "unknown tool "+strconv.Quote(name)+": no tools are configured")
		return
	}
	if err := s.Tools.Known(name); err != nil {
		failTool(c, err)
		return
	}
	var req invokeRequest
	if err := decodeJSON(c, &req); err != nil {
		failDecode(c, err)
		return
	}
	start := time.Now()
	out, err := s.Tools.Invoke(c.Request.Context(), name, req.Arguments)
	ms := float64(time.Since(start).Microseconds()) / 1000
	if err != nil {
		failTool(c, err)
		return
	}
	c.JSON(http.StatusOK, gin.H{"tool": name, "result": out, "duration_ms": ms})
}

// failTool maps tool errors to statuses: 400 bad arguments, 404 unknown
// tool, 422 input the tool cannot use, 403 refused destination, 502
// upstream failure, 504 timeout.
func failTool(c *gin.Context, err error) {
	var ae *tools.ArgumentError
	switch {
	case errors.As(err, &ae):
		abort(c, http.StatusBadRequest, "invalid_arguments", ae.Message)
	case errors.Is(err, tools.ErrUnknownTool):
		abort(c, http.StatusNotFound, "unknown_tool", err.Error())
	case errors.Is(err, tools.ErrTimeout):
		abort(c, http.StatusGatewayTimeout, "timeout", err.Error())
	case errors.Is(err, tools.ErrForbidden):
		abort(c, http.StatusForbidden, "destination_refused", err.Error())
	case errors.Is(err, tools.ErrUpstream):
		abort(c, http.StatusBadGateway, "upstream_error", err.Error())
	case errors.Is(err, tools.ErrInvalidInput):
		abort(c, http.StatusUnprocessableEntity, "tool_error", err.Error())
	default:
		fail(c, err)
	}
}
