package server

import (
	_ "embed"
	"net/http"

	"github.com/gin-gonic/gin"
)

//go:embed ui.html
var uiHTML []byte

// ui serves a one-page web client (upload, list, ask) over the same API.
func (s *Server) ui(c *gin.Context) {
	c.Header("Content-Security-Policy", "default-src 'self'; script-src 'unsafe-inline' 'self'; style-src 'unsafe-inline' 'self'")
	c.Data(http.StatusOK, "text/html; charset=utf-8", uiHTML)
}
