package server

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/docent-dev/docent/agent"
	"github.com/docent-dev/docent/ingest"
	"github.com/docent-dev/docent/ingest/loaders"
	"github.com/docent-dev/docent/retrieval"
)

// decodeJSON reads a JSON body strictly: unknown fields and trailing data
// are errors, so typos surface instead of being ignored.
func decodeJSON(c *gin.Context, v any) error {
	ct, _, _ := mime.ParseMediaType(c.GetHeader("Content-Type"))
	if ct != "application/json" && ct != "" {
		return &unsupportedErr{ct}
	}
	dec := json.NewDecoder(c.Request.Body)
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		if errors.Is(err, io.EOF) {
			return fmt.Errorf("%w: request body is empty", errBadRequest)
		}
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return err
		}
		var syn *json.SyntaxError
		var typ *json.UnmarshalTypeError
		if errors.As(err, &syn) || errors.As(err, &typ) || errors.Is(err, io.ErrUnexpectedEOF) {
			return err
		}
		return fmt.Errorf("%w: %v", errBadRequest, err)
	}
	if dec.More() {
		return fmt.Errorf("%w: trailing data after the JSON object", errBadRequest)
	}
	return nil
}

type unsupportedErr struct{ ct string }

func (e *unsupportedErr) Error() string {
	return "Content-Type " + e.ct + " is not accepted here; send application/json"
}

func failDecode(c *gin.Context, err error) {
	var u *unsupportedErr
	if errors.As(err, &u) {
		abort(c, http.StatusUnsupportedMediaType, "unsupported_type", u.Error())
		return
	}
	fail(c, err)
}

type textDocument struct {
	ID       string         `json:"id"`
	Title    string         `json:"title"`
	Text     string         `json:"text"`
	Source   string         `json:"source"`
	Metadata map[string]any `json:"metadata"`
}

type documentsRequest struct {
	Collection string         `json:"collection"`
	Documents  []textDocument `json:"documents"`
	Async      bool           `json:"async"`
}

type uploadResponse struct {
	Documents []ingest.Result    `json:"documents"`
	Errors    []ingest.ItemError `json:"errors"`
}

// postDocuments ingests multipart files or a JSON batch of texts.
func (s *Server) postDocuments(c *gin.Context) {
	ct, _, _ := mime.ParseMediaType(c.GetHeader("Content-Type"))
	var inputs []ingest.Input
	var size int64
	async := c.Query("async") == "true"
	switch ct {
	case "multipart/form-data":
		var err error
		inputs, size, err = s.readMultipart(c)
		if err != nil {
			fail(c, err)
			return
		}
	case "application/json":
		var req documentsRequest
		if err := decodeJSON(c, &req); err != nil {
			failDecode(c, err)
			return
		}
		if len(req.Documents) == 0 {
			abort(c, http.StatusBadRequest, "invalid_request", `"documents" is empty`)
			return
		}
		for _, d := range req.Documents {
			inputs = append(inputs, ingest.Input{Collection: req.Collection, ID: d.ID, Title: d.Title, Source: d.Source, Metadata: d.Metadata, Text: d.Text})
			size += int64(len(d.Text))
		}
		async = async || req.Async
	default:
		abort(c, http.StatusUnsupportedMediaType, "unsupported_type", "send multipart/form-data (file fields) or application/json")
		return
	}
	if async || (s.Opt.AsyncThresholdBytes > 0 && size > s.Opt.AsyncThresholdBytes) {
		// Detach from the request: the job outlives it.
		id := s.Jobs.Submit(contextWithoutCancel(c), inputs)
		c.Header("Location", "/v1/jobs/"+id)
		c.JSON(http.StatusAccepted, gin.H{"job_id": id, "status_url": "/v1/jobs/" + id, "total": len(inputs)})
		return
	}
	resp := uploadResponse{Documents: []ingest.Result{}, Errors: []ingest.ItemError{}}
	var firstErr error
	for _, in := range inputs {
		res, err := s.Pipeline.Ingest(c.Request.Context(), in)
		if err != nil {
			s.metrics.ingested.WithLabelValues("failed").Inc()
			if firstErr == nil {
				firstErr = err
			}
			e := classify(err)
			if e.Status >= 500 {
				s.Log.Error("ingest failed", "source", in.Source, "err", err)
			}
			resp.Errors = append(resp.Errors, ingest.ItemError{Source: in.Source, Code: e.Code, Message: e.Message})
			continue
		}
		s.metrics.ingested.WithLabelValues(string(res.Status)).Inc()
		resp.Documents = append(resp.Documents, res)
	}
	if len(resp.Documents) == 0 && firstErr != nil {
		fail(c, firstErr)
		return
	}
	status := http.StatusOK
	for _, d := range resp.Documents {
		if d.Status == retrieval.StatusCreated {
			status = http.StatusCreated
		}
	}
	c.JSON(status, resp)
}

// readMultipart streams the parts: "collection", "metadata" (a JSON object
// applied to every file), "id" and "title" (single-file uploads), and any
// number of "file" parts.
func (s *Server) readMultipart(c *gin.Context) ([]ingest.Input, int64, error) {
	mr, err := c.Request.MultipartReader()
	if err != nil {
		return nil, 0, fmt.Errorf("%w: multipart body: %v", errBadRequest, err)
	}
	var (
		files                 []ingest.Input
		collection, id, title string
		meta                  map[string]any
		total                 int64
		maxFile               = s.Pipeline.Limits.MaxBytes
	)
	if maxFile <= 0 {
		maxFile = 64 << 20
	}
	for {
		p, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			var mbe *http.MaxBytesError
			if errors.As(err, &mbe) {
				return nil, 0, err
			}
			return nil, 0, fmt.Errorf("%w: multipart body: %v", errBadRequest, err)
		}
		name := p.FormName()
		if name == "file" || name == "files" || p.FileName() != "" {
			data, err := readPart(p, maxFile)
			if err != nil {
				return nil, 0, err
			}
			fname := filepath.Base(strings.ReplaceAll(p.FileName(), `\`, "/"))
			if fname == "" || fname == "." || fname == "/" {
				return nil, 0, fmt.Errorf("%w: file part without a file name", errBadRequest)
			}
			files = append(files, ingest.Input{Source: fname, Data: data})
			total += int64(len(data))
			continue
		}
		val, err := readPart(p, 1<<20)
		if err != nil {
			return nil, 0, err
		}
		switch name {
		case "collection":
			collection = string(val)
		case "id":
			id = string(val)
		case "title":
			title = string(val)
		case "metadata":
			if err := json.Unmarshal(bytes.TrimSpace(val), &meta); err != nil {
				return nil, 0, fmt.Errorf("%w: metadata must be a JSON object: %v", errBadRequest, err)
			}
		default:
			return nil, 0, fmt.Errorf("%w: unknown form field %q (expected file, collection, metadata, id, title)", errBadRequest, name)
		}
	}
	if len(files) == 0 {
		return nil, 0, fmt.Errorf("%w: no file parts in the upload (use the form field \"file\")", errBadRequest)
	}
	if (id != "" || title != "") && len(files) > 1 {
		return nil, 0, fmt.Errorf("%w: id and title apply to single-file uploads only", errBadRequest)
	}
	for i := range files {
		files[i].Collection, files[i].ID, files[i].Title, files[i].Metadata = collection, id, title, meta
	}
	return files, total, nil
}

// readPart reads at most limit bytes of a part.
func readPart(p *multipart.Part, limit int64) ([]byte, error) {
	data, err := io.ReadAll(io.LimitReader(p, limit+1))
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return nil, err
		}
		return nil, fmt.Errorf("%w: reading upload: %v", errBadRequest, err)
	}
	if int64(len(data)) > limit {
		what := "file " + p.FileName()
		if p.FileName() == "" {
			what = "form field " + p.FormName()
		}
		return nil, fmt.Errorf("%s exceeds the limit of %d bytes: %w", what, limit, loaders.ErrTooLarge)
	}
	return data, nil
}

func (s *Server) listDocuments(c *gin.Context) {
	limit, err1 := intQuery(c, "limit", 50)
	offset, err2 := intQuery(c, "offset", 0)
	if err := errors.Join(err1, err2); err != nil {
		fail(c, err)
		return
	}
	if limit < 1 || limit > 1000 || offset < 0 {
		abort(c, http.StatusBadRequest, "invalid_request", "limit must be 1..1000 and offset >= 0")
		return
	}
	docs, total, err := s.Store.ListDocuments(c.Request.Context(), retrieval.ListOptions{Collection: c.Query("collection"), Limit: limit, Offset: offset})
	if err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusOK, gin.H{"documents": docs, "total": total, "limit": limit, "offset": offset})
}

func intQuery(c *gin.Context, key string, def int) (int, error) {
	v := c.Query(key)
	if v == "" {
		return def, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil {
		return 0, fmt.Errorf("%w: %s must be an integer", errBadRequest, key)
	}
	return n, nil
}

func (s *Server) getDocument(c *gin.Context) {
	d, err := s.Store.GetDocument(c.Request.Context(), c.Param("id"))
	if err != nil {
		fail(c, err)
		return
	}
	resp := gin.H{"document": d}
	if c.Query("chunks") == "true" {
		chunks, err := s.Store.Chunks(c.Request.Context(), d.ID)
		if err != nil {
			fail(c, err)
			return
		}
		resp["chunks"] = chunks
	}
	c.JSON(http.StatusOK, resp)
}

func (s *Server) deleteDocument(c *gin.Context) {
	if err := s.Store.DeleteDocument(c.Request.Context(), c.Param("id")); err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusOK, gin.H{"deleted": c.Param("id")})
}

func (s *Server) getJob(c *gin.Context) {
	j, ok := s.Jobs.Get(c.Param("id"))
	if !ok {
		abort(c, http.StatusNotFound, "not_found", "no job "+c.Param("id")+" (finished jobs are kept for an hour)")
		return
	}
	c.JSON(http.StatusOK, j)
}

type askRequest struct {
	agent.Request
	Stream bool `json:"stream"`
}

// ask answers a question, as JSON or (stream:true) as server-sent events:
// retrieval, token, final (and error).
func (s *Server) ask(c *gin.Context) {
	var req askRequest
	if err := decodeJSON(c, &req); err != nil {
		failDecode(c, err)
		return
	}
	if req.Collection != "" {
		if err := ingest.ValidateCollection(req.Collection); err != nil {
			fail(c, err)
			return
		}
	}
	if !req.Stream {
		ans, err := s.Agent.Ask(c.Request.Context(), req.Request, nil)
		if err != nil {
			fail(c, err)
			return
		}
		s.countAnswer(ans)
		c.JSON(http.StatusOK, ans)
		return
	}
	c.Header("Content-Type", "text/event-stream")
	c.Header("Cache-Control", "no-cache")
	c.Header("X-Accel-Buffering", "no")
	c.Status(http.StatusOK)
	emit := func(ev agent.Event) {
		c.SSEvent(ev.Type, ev.Data)
		c.Writer.Flush()
	}
	ans, err := s.Agent.Ask(c.Request.Context(), req.Request, emit)
	if err != nil {
		e := classify(err)
		emit(agent.Event{Type: "error", Data: gin.H{"error": e}})
		return
	}
	s.countAnswer(ans)
}

func (s *Server) countAnswer(a *agent.Answer) {
	outcome := "answered"
	if a.Refused {
		outcome = "refused"
	}
	s.metrics.answers.WithLabelValues(a.Generator, outcome).Inc()
}
