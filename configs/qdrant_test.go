package configs

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/knadh/koanf/parsers/yaml"
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

// TestComposeFile checks docker-compose.yml and the Dockerfile statically
// (no Docker engine runs in the test environment): valid YAML, a pinned
// Qdrant image whose minor matches the go-client, a Qdrant healthcheck
// docent waits on, and docent started with the config the image ships.
func TestComposeFile(t *testing.T) {
	data, err := os.ReadFile("../docker-compose.yml")
	if err != nil {
		t.Skipf("no docker-compose.yml: %v", err)
	}
	m, err := yaml.Parser().Unmarshal(data)
	if err != nil {
		t.Fatalf("docker-compose.yml: %v", err)
	}
	services, _ := m["services"].(map[string]any)
	q, _ := services["qdrant"].(map[string]any)
	d, _ := services["docent"].(map[string]any)
	if q == nil || d == nil {
		t.Fatalf("services = %v", services)
	}
	image, _ := q["image"].(string)
	if !strings.HasPrefix(image, "qdrant/qdrant:v1.17.") {
		t.Fatalf("qdrant image %q: pin a v1.17.x tag (go-client v1.17.1)", image)
	}
	if hc, _ := q["healthcheck"].(map[string]any); hc == nil || hc["test"] == nil {
		t.Fatal("qdrant has no healthcheck")
	}
	if vols, _ := q["volumes"].([]any); len(vols) == 0 || !strings.Contains(fmt.Sprint(vols[0]), ":/qdrant/storage") {
		t.Fatalf("qdrant storage volume: %v", q["volumes"])
	}
	dep, _ := d["depends_on"].(map[string]any)
	if c, _ := dep["qdrant"].(map[string]any); c == nil || c["condition"] != "service_healthy" {
		t.Fatalf("docent depends_on = %v", d["depends_on"])
	}
	cmd := fmt.Sprint(d["command"])
	df, err := os.ReadFile("../Dockerfile")
	if err != nil {
		t.Fatal(err)
	}
	dockerfile := string(df)
	if !strings.Contains(cmd, "/etc/docent/docker.yaml") || !strings.Contains(dockerfile, "configs/docker.yaml /etc/docent/docker.yaml") {
		t.Fatalf("docent command %s does not use the config the image ships", cmd)
	}
	for _, want := range []string{"CGO_ENABLED=0", "USER 65532", "AS build", "COPY --from=build"} {
		if !strings.Contains(dockerfile, want) {
			t.Errorf("Dockerfile lacks %q", want)
		}
	}
}
