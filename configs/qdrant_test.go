package configs

import (
	"os"
	"path/filepath"
	"testing"
	"time"
)

func TestQdrantSection(t *testing.T) {
	c, err := Load("", nil)
	if err != nil {
		t.Fatal(err)
	}
	q := c.Qdrant
	if c.Store.Backend != "embedded" || q.Host != "localhost" || q.Port != 6334 || q.CollectionPrefix != "docent_" ||
		q.Timeout != 10*time.Second || q.Retries != 3 || q.Distance != "cosine" || q.TLS {
		t.Fatalf("defaults = %+v", q)
	}
	t.Setenv("DOCENT_STORE_BACKEND", "qdrant")
	t.Setenv("DOCENT_QDRANT_HOST", "qdrant")
	t.Setenv("DOCENT_QDRANT_API_KEY", "secret")
	t.Setenv("DOCENT_QDRANT_TLS", "true")
	f := filepath.Join(t.TempDir(), "c.yaml")
	os.WriteFile(f, []byte("qdrant:\n  vector_size: 384\n  metadata_indexes: {lang: keyword, year: integer}\n"), 0o600)
	c, err = Load(f, nil)
	if err != nil {
		t.Fatal(err)
	}
	q = c.Qdrant
	if c.Store.Backend != "qdrant" || q.Host != "qdrant" || q.APIKey != "secret" || !q.TLS || q.VectorSize != 384 || q.MetadataIndexes["year"] != "integer" {
		t.Fatalf("layered = %+v", q)
	}
	t.Setenv("DOCENT_QDRANT_PORT", "0")
	if _, err := Load("", nil); err == nil {
		t.Fatal("port 0 accepted")
	}
}

// TestDockerConfig: configs/docker.yaml loads and selects Qdrant.
func TestDockerConfig(t *testing.T) {
	c, err := Load("docker.yaml", nil)
	if err != nil {
		t.Fatal(err)
	}
	if c.Store.Backend != "qdrant" || c.Qdrant.Host != "qdrant" || c.Server.Addr != "0.0.0.0:8080" {
		t.Fatalf("docker.yaml = backend %q host %q addr %q", c.Store.Backend, c.Qdrant.Host, c.Server.Addr)
	}
}
