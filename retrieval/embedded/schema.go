package embedded

// schemaVersion is stored in PRAGMA user_version; bump it with a migration.
const schemaVersion = 1

// schema: documents hold one live version each; chunks belong to that
// version. chunks.terms holds the chunk's analyzed term vector (see
// bm25.go), from which the in-memory BM25 index is rebuilt at open; dense
// vectors live in chunks.vector (little-endian float32) when an embedder is
// configured.
const schema = `
CREATE TABLE IF NOT EXISTS collections (
	name       TEXT PRIMARY KEY,
	created_at INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS documents (
	id           TEXT PRIMARY KEY,
	collection   TEXT NOT NULL REFERENCES collections(name),
	source       TEXT NOT NULL,
	title        TEXT NOT NULL,
	format       TEXT NOT NULL DEFAULT '',
	content_hash TEXT NOT NULL,
	version      INTEGER NOT NULL,
	size         INTEGER NOT NULL DEFAULT 0,
	metadata     TEXT NOT NULL DEFAULT '{}',
	chunk_count  INTEGER NOT NULL,
	created_at   INTEGER NOT NULL,
	updated_at   INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS documents_by_collection ON documents(collection, created_at, id);
CREATE INDEX IF NOT EXISTS documents_by_hash ON documents(collection, content_hash);
CREATE TABLE IF NOT EXISTS chunks (
	rowid       INTEGER PRIMARY KEY,
	id          TEXT NOT NULL UNIQUE,
	document_id TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
	version     INTEGER NOT NULL,
	ordinal     INTEGER NOT NULL,
	text        TEXT NOT NULL,
	start_off   INTEGER NOT NULL,
	end_off     INTEGER NOT NULL,
	page        INTEGER NOT NULL DEFAULT 0,
	heading     TEXT NOT NULL DEFAULT '[]',
	terms       BLOB NOT NULL,
	vector      BLOB
);
CREATE INDEX IF NOT EXISTS chunks_by_document ON chunks(document_id, ordinal);
`
