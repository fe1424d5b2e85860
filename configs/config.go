// Package configs holds docent's configuration: the embedded defaults
// (default.yaml) and the loader that layers a config file, DOCENT_*
// environment variables and flags on top of them.
package configs

import (
	_ "embed"
	"fmt"
	"os"
	"strings"
	"time"

	// koanf: a maintained, small config library that layers providers
	// (embedded defaults, file, env, flags) without global state.
	"github.com/knadh/koanf/parsers/yaml"
	"github.com/knadh/koanf/providers/env"
	"github.com/knadh/koanf/providers/rawbytes"
	"github.com/knadh/koanf/v2"
)

//go:embed default.yaml
var defaultYAML []byte

// DefaultYAML returns the built-in defaults.
func DefaultYAML() []byte { return defaultYAML }

// Config is docent's configuration.
type Config struct {
	DataDir string `koanf:"data_dir"`
	Server  struct {
		Addr                string        `koanf:"addr"`
		APIKeys             []string      `koanf:"api_keys"`
		MaxBodyBytes        int64         `koanf:"max_body_bytes"`
		MaxInFlight         int           `koanf:"max_in_flight"`
		RequestTimeout      time.Duration `koanf:"request_timeout"`
		ShutdownTimeout     time.Duration `koanf:"shutdown_timeout"`
		AsyncThresholdBytes int64         `koanf:"async_threshold_bytes"`
	} `koanf:"server"`
	Store struct {
		Backend     string  `koanf:"backend"`
		TitleWeight float64 `koanf:"title_weight"`
	} `koanf:"store"`
	Qdrant Qdrant `koanf:"qdrant"`
	Ingest struct {
		MaxFileBytes         int64 `koanf:"max_file_bytes"`
		MaxDecompressedBytes int64 `koanf:"max_decompressed_bytes"`
		MaxPages             int   `koanf:"max_pages"`
	} `koanf:"ingest"`
	Chunking struct {
		TargetChars  int `koanf:"target_chars"`
		OverlapChars int `koanf:"overlap_chars"`
		MinChars     int `koanf:"min_chars"`
	} `koanf:"chunking"`
	Agent struct {
		TopK         int     `koanf:"top_k"`
		MinCoverage  float64 `koanf:"min_coverage"`
		MaxSentences int     `koanf:"max_sentences"`
		MaxSteps     int     `koanf:"max_steps"`
		Grounding    string  `koanf:"grounding"`
	} `koanf:"agent"`
	Log struct {
		Level  string `koanf:"level"`
		Format string `koanf:"format"`
	} `koanf:"log"`
	Generator struct {
		Model         string  `koanf:"model"`
		Threads       int     `koanf:"threads"`
		Context       int     `koanf:"context"`
		MaxTokens     int     `koanf:"max_tokens"`
		Temperature   float64 `koanf:"temperature"`
		TopK          int     `koanf:"top_k"`
		TopP          float64 `koanf:"top_p"`
		MinP          float64 `koanf:"min_p"`
		RepeatPenalty float64 `koanf:"repeat_penalty"`
		Seed          uint64  `koanf:"seed"`
	} `koanf:"generator"`
	Embedder struct {
		Model   string `koanf:"model"`
		Threads int    `koanf:"threads"`
	} `koanf:"embedder"`
	Tools struct {
		Timeout time.Duration `koanf:"timeout"`
		HTTPGet struct {
			Allow        []string      `koanf:"allow"`
			MaxBytes     int64         `koanf:"max_bytes"`
			Timeout      time.Duration `koanf:"timeout"`
			MaxRedirects int           `koanf:"max_redirects"`
		} `koanf:"http_get"`
		HTTP []HTTPTool `koanf:"http"`
	} `koanf:"tools"`
}

// Qdrant is the qdrant section: connection and collection settings of the
// Qdrant backend (store.backend: qdrant).
type Qdrant struct {
	Host             string            `koanf:"host"`
	Port             int               `koanf:"port"`
	APIKey           string            `koanf:"api_key"`
	TLS              bool              `koanf:"tls"`
	CollectionPrefix string            `koanf:"collection_prefix"`
	Timeout          time.Duration     `koanf:"timeout"`
	Retries          int               `koanf:"retries"`
	RetryBackoff     time.Duration     `koanf:"retry_backoff"`
	RetryMaxBackoff  time.Duration     `koanf:"retry_max_backoff"`
	VectorSize       int               `koanf:"vector_size"`
	Distance         string            `koanf:"distance"`
	BM25AvgLen       float64           `koanf:"bm25_avg_len"`
	MetadataIndexes  map[string]string `koanf:"metadata_indexes"`
}

// HTTPTool declares an HTTP tool (tools.http in the config). Parameters
// and Body may be YAML maps or JSON text.
type HTTPTool struct {
	Name         string            `koanf:"name"`
	Description  string            `koanf:"description"`
	Parameters   any               `koanf:"parameters"`
	Method       string            `koanf:"method"`
	URL          string            `koanf:"url"`
	Body         any               `koanf:"body"`
	Headers      map[string]string `koanf:"headers"`
	Timeout      time.Duration     `koanf:"timeout"`
	MaxBytes     int64             `koanf:"max_bytes"`
	AllowPrivate bool              `koanf:"allow_private"`
}

// processSwitches are DOCENT_* variables that are not configuration keys but
// are read directly by a part of the program (kernel and thread-pool A/B
// switches, the PDF engine's cache, test fixtures' locations). Load lets them
// through; any other unknown DOCENT_* variable is still an error.
var processSwitches = map[string]bool{
	"DOCENT_KERNELS": true, "DOCENT_GEMM": true, "DOCENT_KTILE": true, "DOCENT_ATTN": true,
	"DOCENT_F16ROWS": true, "DOCENT_SPIN": true, "DOCENT_PF": true,
	"DOCENT_PDFIUM_CACHE": true, "DOCENT_PDFIUM_MODE": true, "DOCENT_CUDA_TRACE": true,
	"DOCENT_SLOW_TESTS": true, "DOCENT_PARITY_STRICT": true, "DOCENT_QDRANT_TEST_ADDR": true,
	"DOCENT_QDRANT_TEST_API_KEY": true,
}

// Load builds the configuration: defaults, then the file at path (if not
// empty), then DOCENT_* environment variables, then overrides (flag values
// keyed by config path, e.g. "server.addr").
func Load(path string, overrides map[string]any) (*Config, error) {
	k := koanf.New(".")
	if err := k.Load(rawbytes.Provider(defaultYAML), yaml.Parser()); err != nil {
		return nil, fmt.Errorf("built-in defaults: %w", err)
	}
	known := map[string]string{} // "SERVER_ADDR" -> "server.addr"
	for _, key := range k.Keys() {
		known[strings.ToUpper(strings.ReplaceAll(key, ".", "_"))] = key
	}
	if path != "" {
		data, err := os.ReadFile(path)
		if err != nil {
			return nil, fmt.Errorf("config file: %w", err)
		}
		if err := k.Load(rawbytes.Provider(data), yaml.Parser()); err != nil {
			return nil, fmt.Errorf("config file %s: %w", path, err)
		}
	}
	var envErr error
	err := k.Load(env.ProviderWithValue("DOCENT_", ".", func(name, value string) (string, any) {
		key, ok := known[strings.TrimPrefix(name, "DOCENT_")]
		if !ok && processSwitches[name] {
			return "", nil // read by the engine or a loader, not configuration
		}
		if !ok {
			if envErr == nil {
				envErr = fmt.Errorf("unknown environment variable %s (see configs/default.yaml for the keys)", name)
			}
			return "", nil
		}
		if key == "server.api_keys" || key == "tools.http_get.allow" {
			return key, strings.Split(value, ",")
		}
		return key, value
	}), nil)
	if err != nil {
		return nil, fmt.Errorf("environment: %w", err)
	}
	if envErr != nil {
		return nil, envErr
	}
	for key, v := range overrides {
		if err := k.Set(key, v); err != nil {
			return nil, fmt.Errorf("flag %s: %w", key, err)
		}
	}
	var c Config
	if err := k.UnmarshalWithConf("", &c, koanf.UnmarshalConf{Tag: "koanf"}); err != nil {
		return nil, fmt.Errorf("config: %w", err)
	}
	return &c, c.Validate()
}

// Validate checks values that would otherwise fail later and obscurely.
func (c *Config) Validate() error {
	switch {
	case c.DataDir == "":
		return fmt.Errorf("config: data_dir is empty")
	case c.Server.MaxBodyBytes <= 0 || c.Ingest.MaxFileBytes <= 0:
		return fmt.Errorf("config: size limits must be positive")
	case c.Store.Backend != "embedded" && c.Store.Backend != "qdrant":
		return fmt.Errorf("config: store.backend %q is not supported (supported: embedded, qdrant)", c.Store.Backend)
	case c.Store.Backend == "qdrant" && (c.Qdrant.Host == "" || c.Qdrant.Port <= 0 || c.Qdrant.Port > 65535):
		return fmt.Errorf("config: qdrant.host and qdrant.port (1-65535) are required with store.backend qdrant")
	case c.Store.Backend == "qdrant" && (c.Qdrant.Retries < 0 || c.Qdrant.Timeout < 0 || c.Qdrant.VectorSize < 0):
		return fmt.Errorf("config: qdrant.retries, qdrant.timeout and qdrant.vector_size must not be negative")
	case c.Chunking.TargetChars < 100:
		return fmt.Errorf("config: chunking.target_chars must be at least 100")
	case c.Chunking.OverlapChars < 0 || c.Chunking.OverlapChars >= c.Chunking.TargetChars:
		return fmt.Errorf("config: chunking.overlap_chars must be in [0, target_chars)")
	case c.Agent.Grounding != "mark" && c.Agent.Grounding != "remove" && c.Agent.Grounding != "keep":
		return fmt.Errorf("config: agent.grounding must be mark, remove or keep")
	case c.Log.Format != "text" && c.Log.Format != "json":
		return fmt.Errorf("config: log.format must be text or json")
	}
	return nil
}
