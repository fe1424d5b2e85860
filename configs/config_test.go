package configs

import (
	"os"
	"path/filepath"
	"testing"
)

func TestLoadLayers(t *testing.T) {
	c, err := Load("", nil)
	if err != nil {
		t.Fatal(err)
	}
	if c.Server.Addr != "127.0.0.1:8080" || c.Ingest.MaxFileBytes != 64<<20 || c.Server.RequestTimeout.Seconds() != 120 {
		t.Fatalf("defaults = %+v", c)
	}
	f := filepath.Join(t.TempDir(), "c.yaml")
	os.WriteFile(f, []byte("server:\n  addr: 0.0.0.0:9000\nagent:\n  top_k: 4\n"), 0o600)
	t.Setenv("DOCENT_AGENT_TOP_K", "6")
	t.Setenv("DOCENT_SERVER_API_KEYS", "a,b")
	c, err = Load(f, map[string]any{"data_dir": "/tmp/x"})
	if err != nil {
		t.Fatal(err)
	}
	if c.Server.Addr != "0.0.0.0:9000" || c.Agent.TopK != 6 || c.DataDir != "/tmp/x" || len(c.Server.APIKeys) != 2 {
		t.Fatalf("layered = %+v", c)
	}
	// Engine switches are not configuration but must not be refused.
	t.Setenv("DOCENT_KERNELS", "go")
	t.Setenv("DOCENT_SPIN", "0")
	t.Setenv("DOCENT_PDFIUM_CACHE", "off")
	if _, err := Load("", nil); err != nil {
		t.Fatalf("engine switch refused: %v", err)
	}
	t.Setenv("DOCENT_NOPE", "1")
	if _, err := Load("", nil); err == nil {
		t.Fatal("unknown env var accepted")
	}
}
