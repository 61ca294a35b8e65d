/**
 * Versioned schema migrations. Each runs once, in a transaction, in order; the
 * applied versions live in `schema_migrations`. Never edit a released migration:
 * add the next one.
 */
export interface Migration {
  version: number;
  name: string;
  sql: string;
}

export const migrations: Migration[] = [
  {
    version: 1,
    name: "corpora, documents, parts, search indexes, API keys",
    sql: `
      CREATE TABLE corpora (
        id INTEGER PRIMARY KEY,
        key TEXT NOT NULL UNIQUE,
        name TEXT NOT NULL,
        description TEXT NOT NULL DEFAULT '',
        enabled INTEGER NOT NULL DEFAULT 1,
        save_history INTEGER NOT NULL DEFAULT 0,
        queries_are_answers INTEGER NOT NULL DEFAULT 0,
        documents_are_questions INTEGER NOT NULL DEFAULT 0,
        encoder_name TEXT NOT NULL DEFAULT 'parley-lexical',
        filter_attributes TEXT NOT NULL DEFAULT '[]',
        custom_dimensions TEXT NOT NULL DEFAULT '[]',
        created_at TEXT NOT NULL
      );

      CREATE TABLE documents (
        id INTEGER PRIMARY KEY,
        corpus_id INTEGER NOT NULL REFERENCES corpora(id) ON DELETE CASCADE,
        doc_id TEXT NOT NULL,
        metadata TEXT NOT NULL DEFAULT '{}',
        tables TEXT,
        created_at TEXT NOT NULL,
        UNIQUE (corpus_id, doc_id)
      );

      -- A section is a heading and the text under it; parts are cut from sections.
      CREATE TABLE sections (
        id INTEGER PRIMARY KEY,
        document_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
        ordinal INTEGER NOT NULL,
        section_key INTEGER,
        title TEXT,
        text TEXT NOT NULL DEFAULT ''
      );
      CREATE INDEX sections_document ON sections(document_id);

      CREATE TABLE parts (
        id INTEGER PRIMARY KEY,
        document_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
        corpus_id INTEGER NOT NULL REFERENCES corpora(id) ON DELETE CASCADE,
        section_id INTEGER REFERENCES sections(id) ON DELETE CASCADE,
        ordinal INTEGER NOT NULL,
        text TEXT NOT NULL,
        metadata TEXT NOT NULL DEFAULT '{}',
        context TEXT,
        custom_dimensions TEXT,
        is_title INTEGER,
        lang TEXT NOT NULL DEFAULT 'eng',
        offset INTEGER NOT NULL DEFAULT 0,
        len INTEGER NOT NULL DEFAULT 0
      );
      CREATE INDEX parts_document ON parts(document_id, ordinal);
      CREATE INDEX parts_corpus ON parts(corpus_id);

      -- Lexical index over parts: rowid = parts.id. Title and heading are their own
      -- columns so they can be weighted.
      CREATE VIRTUAL TABLE parts_fts USING fts5(
        title, heading, text,
        content = '', contentless_delete = 1,
        tokenize = 'porter unicode61 remove_diacritics 2'
      );
      -- Character trigrams of the same text, fused with the word run.
      CREATE VIRTUAL TABLE parts_tri USING fts5(
        text,
        content = '', contentless_delete = 1,
        tokenize = 'trigram remove_diacritics 1'
      );
      -- Whole sections (rowid = sections.id): a section's match lifts every part cut
      -- from it, so a sentence-sized part is ranked with its paragraph's evidence.
      CREATE VIRTUAL TABLE sections_fts USING fts5(
        title, heading, text,
        content = '', contentless_delete = 1,
        tokenize = 'porter unicode61 remove_diacritics 2'
      );
      -- Document frequencies, read to keep a query's candidate set bounded.
      CREATE VIRTUAL TABLE parts_fts_vocab USING fts5vocab(parts_fts, 'row');
      CREATE VIRTUAL TABLE parts_tri_vocab USING fts5vocab(parts_tri, 'row');

      -- Optional semantic vectors (only with an embeddings endpoint).
      CREATE TABLE part_vectors (
        part_id INTEGER PRIMARY KEY REFERENCES parts(id) ON DELETE CASCADE,
        model TEXT NOT NULL,
        dim INTEGER NOT NULL,
        vector BLOB NOT NULL
      );

      CREATE TABLE api_keys (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        hash TEXT NOT NULL UNIQUE,
        role TEXT NOT NULL CHECK (role IN ('serving', 'serving_and_indexing', 'personal')),
        corpus_keys TEXT,
        enabled INTEGER NOT NULL DEFAULT 1,
        created_at TEXT NOT NULL
      );
    `,
  },
  {
    version: 2,
    name: "chats and turns",
    sql: `
      -- seq orders chats newest first and backs the list cursor; id is the wire id (cht_…).
      -- first_query/first_answer/enabled mirror the first turn so listing never joins.
      CREATE TABLE chats (
        seq INTEGER PRIMARY KEY,
        id TEXT NOT NULL UNIQUE,
        first_query TEXT NOT NULL,
        first_answer TEXT NOT NULL,
        enabled INTEGER NOT NULL DEFAULT 1,
        -- JSON list of every corpus the chat's turns searched: a key scoped to some
        -- corpora sees only chats within its scope.
        corpus_keys TEXT NOT NULL DEFAULT '[]',
        created_at TEXT NOT NULL
      );

      -- A turn is written once, complete, when its answer is done; never half-written.
      CREATE TABLE turns (
        seq INTEGER PRIMARY KEY,
        id TEXT NOT NULL UNIQUE,
        chat_id TEXT NOT NULL REFERENCES chats(id) ON DELETE CASCADE,
        ordinal INTEGER NOT NULL,
        query TEXT NOT NULL,
        answer TEXT NOT NULL,
        rephrased_query TEXT NOT NULL,
        rendered_prompt TEXT,
        factual_consistency_score REAL,
        enabled INTEGER NOT NULL DEFAULT 1,
        created_at TEXT NOT NULL,
        UNIQUE (chat_id, ordinal)
      );
    `,
  },
  {
    version: 3,
    name: "OAuth app clients and access tokens",
    sql: `
      -- seq orders the list and backs its cursor; id is the wire id (app_…), client_id
      -- the OAuth identifier. Secrets and tokens are stored as SHA-256 hashes only.
      CREATE TABLE app_clients (
        seq INTEGER PRIMARY KEY,
        id TEXT NOT NULL UNIQUE,
        name TEXT NOT NULL,
        description TEXT NOT NULL DEFAULT '',
        client_id TEXT NOT NULL UNIQUE,
        secret_hash TEXT NOT NULL,
        role TEXT NOT NULL CHECK (role IN ('serving', 'serving_and_indexing', 'personal')),
        corpus_keys TEXT,
        enabled INTEGER NOT NULL DEFAULT 1,
        created_at TEXT NOT NULL
      );

      -- An issued access token: the grant (role, scope) as it was at issue time. Changing a
      -- client's role or scope, or disabling it, deletes its tokens; deleting it cascades.
      CREATE TABLE oauth_tokens (
        hash TEXT PRIMARY KEY,
        app_client_id TEXT NOT NULL REFERENCES app_clients(id) ON DELETE CASCADE,
        role TEXT NOT NULL CHECK (role IN ('serving', 'serving_and_indexing', 'personal')),
        corpus_keys TEXT,
        expires_at INTEGER NOT NULL
      );
      CREATE INDEX oauth_tokens_client ON oauth_tokens(app_client_id, expires_at);
      CREATE INDEX oauth_tokens_expiry ON oauth_tokens(expires_at);
    `,
  },
  {
    version: 4,
    name: "document-level index, turn sources",
    sql: `
      -- One row per document (rowid = documents.id): its title, its description (a
      -- structured document's description, or metadata description/summary), the
      -- headings of its sections, and the text of every part. Ranked with column
      -- weights (BM25F-style), it is the page-level evidence of retrieval: which page
      -- is about the question, whatever its length.
      -- A structured document's stated description, kept so that re-indexing the
      -- document (after a title change) can write the same row again.
      ALTER TABLE documents ADD COLUMN description TEXT NOT NULL DEFAULT '';
      -- Retrieval reads the parts of its best sections (their id range).
      CREATE INDEX parts_section ON parts(section_id);
      -- The documents a turn's answer came from ([{corpus_key, document_id}], best first):
      -- a follow-up's retrieval favours them.
      ALTER TABLE turns ADD COLUMN sources TEXT NOT NULL DEFAULT '[]';
      CREATE VIRTUAL TABLE docs_fts USING fts5(
        title, description, headings, body,
        content = '', contentless_delete = 1,
        tokenize = 'porter unicode61 remove_diacritics 2'
      );
      -- Per-term counts of documents and sections, to keep those runs' cost bounded.
      CREATE VIRTUAL TABLE docs_fts_vocab USING fts5vocab(docs_fts, 'row');
      CREATE VIRTUAL TABLE sections_fts_vocab USING fts5vocab(sections_fts, 'row');
      -- (json_valid: metadata nested past SQLite's 1000 levels would fail the migration;
      -- it reads as having no fields. Every row the unguarded text could read reads the same.)
      INSERT INTO docs_fts (rowid, title, description, headings, body)
      SELECT d.id,
        CASE WHEN NOT json_valid(d.metadata) THEN ''
             WHEN json_type(d.metadata, '$.title') = 'text' THEN json_extract(d.metadata, '$.title') ELSE '' END,
        trim(
          CASE WHEN NOT json_valid(d.metadata) THEN ''
               WHEN json_type(d.metadata, '$.description') = 'text' THEN json_extract(d.metadata, '$.description') ELSE '' END
          || ' ' ||
          CASE WHEN NOT json_valid(d.metadata) THEN ''
               WHEN json_type(d.metadata, '$.summary') = 'text' THEN json_extract(d.metadata, '$.summary') ELSE '' END),
        COALESCE((SELECT group_concat(s.title, char(10)) FROM sections s
                  WHERE s.document_id = d.id AND s.title IS NOT NULL), ''),
        COALESCE((SELECT group_concat(p.text, char(10)) FROM parts p
                  WHERE p.document_id = d.id AND p.is_title IS NOT 1), '')
      FROM documents d;
    `,
  },
  {
    version: 5,
    name: "typed filter attribute values, per-corpus counts",
    sql: `
      -- Per-corpus counts, kept by the triggers below instead of counted per query, and a
      -- generation that changes whenever the corpus's documents, parts, their metadata or
      -- its filter attributes change (so in-memory caches can tell they are stale, also
      -- when another connection wrote).
      ALTER TABLE corpora ADD COLUMN document_count INTEGER NOT NULL DEFAULT 0;
      ALTER TABLE corpora ADD COLUMN part_count INTEGER NOT NULL DEFAULT 0;
      ALTER TABLE corpora ADD COLUMN generation INTEGER NOT NULL DEFAULT 0;
      UPDATE corpora SET
        document_count = (SELECT COUNT(*) FROM documents d WHERE d.corpus_id = corpora.id),
        part_count = (SELECT COUNT(*) FROM parts p WHERE p.corpus_id = corpora.id);

      -- The values of declared filter attributes (corpora.filter_attributes), one row
      -- per document (or part) and attribute, typed as SQLite's JSON functions read
      -- them: type is json_type() of the top-level key, value is json_extract() (NULL
      -- for an array). A list's elements follow as rows seq = 1 + index (integer, real
      -- and text elements only: no other kind can match a filter). Filters read these
      -- rows by primary key instead of parsing metadata; the declared type is checked
      -- at query time against type, exactly as it was against json_type(). Kept by
      -- triggers, so every writer keeps them right.
      CREATE TABLE doc_attrs (
        doc_rowid INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
        name TEXT NOT NULL,
        seq INTEGER NOT NULL,
        type TEXT NOT NULL,
        value,
        PRIMARY KEY (doc_rowid, name, seq)
      ) WITHOUT ROWID;
      CREATE TABLE part_attrs (
        part_rowid INTEGER NOT NULL REFERENCES parts(id) ON DELETE CASCADE,
        name TEXT NOT NULL,
        seq INTEGER NOT NULL,
        type TEXT NOT NULL,
        value,
        PRIMARY KEY (part_rowid, name, seq)
      ) WITHOUT ROWID;
      -- By value, for filters that pick documents by one attribute's range or value.
      CREATE INDEX doc_attrs_value ON doc_attrs(name, value);

      -- Each corpus's declared attributes with their JSON path ($."name", with " and \\
      -- escaped, as core/filter/sql.ts#jsonPath writes it).
      CREATE VIEW corpus_filter_attributes AS
        SELECT c.id AS corpus_id,
               json_extract(fa.value, '$.level') AS level,
               json_extract(fa.value, '$.name') AS name,
               '$."' || replace(replace(json_extract(fa.value, '$.name'), '\\', '\\\\'), '"', '\\"') || '"' AS path
        FROM corpora c, json_each(CASE WHEN json_valid(c.filter_attributes) THEN c.filter_attributes ELSE '[]' END) fa
        WHERE json_type(fa.value, '$.name') = 'text';

      -- Metadata SQLite cannot read (nested past its JSON depth, stored before the engine
      -- limited depth) has no readable keys: CASE keeps json_type and json_each from it.
      CREATE TRIGGER documents_after_insert AFTER INSERT ON documents BEGIN
        UPDATE corpora SET document_count = document_count + 1, generation = generation + 1
        WHERE id = NEW.corpus_id;
        INSERT OR IGNORE INTO doc_attrs (doc_rowid, name, seq, type, value)
        SELECT NEW.id, a.name, 0, json_type(NEW.metadata, a.path),
               CASE WHEN json_type(NEW.metadata, a.path) <> 'array' THEN json_extract(NEW.metadata, a.path) END
        FROM corpus_filter_attributes a
        WHERE a.corpus_id = NEW.corpus_id AND a.level = 'document'
          AND (CASE WHEN json_valid(NEW.metadata) THEN json_type(NEW.metadata, a.path) END)
              IN ('integer', 'real', 'text', 'true', 'false', 'array');
        INSERT OR IGNORE INTO doc_attrs (doc_rowid, name, seq, type, value)
        SELECT NEW.id, a.name, 1 + je.key, je.type, je.value
        FROM corpus_filter_attributes a,
             json_each(CASE WHEN json_valid(NEW.metadata) THEN NEW.metadata ELSE '{}' END, a.path) je
        WHERE a.corpus_id = NEW.corpus_id AND a.level = 'document'
          AND (CASE WHEN json_valid(NEW.metadata) THEN json_type(NEW.metadata, a.path) END) = 'array'
          AND je.type IN ('integer', 'real', 'text');
      END;
      CREATE TRIGGER documents_after_update_metadata AFTER UPDATE OF metadata ON documents BEGIN
        UPDATE corpora SET generation = generation + 1 WHERE id = NEW.corpus_id;
        DELETE FROM doc_attrs WHERE doc_rowid = NEW.id;
        INSERT OR IGNORE INTO doc_attrs (doc_rowid, name, seq, type, value)
        SELECT NEW.id, a.name, 0, json_type(NEW.metadata, a.path),
               CASE WHEN json_type(NEW.metadata, a.path) <> 'array' THEN json_extract(NEW.metadata, a.path) END
        FROM corpus_filter_attributes a
        WHERE a.corpus_id = NEW.corpus_id AND a.level = 'document'
          AND (CASE WHEN json_valid(NEW.metadata) THEN json_type(NEW.metadata, a.path) END)
              IN ('integer', 'real', 'text', 'true', 'false', 'array');
        INSERT OR IGNORE INTO doc_attrs (doc_rowid, name, seq, type, value)
        SELECT NEW.id, a.name, 1 + je.key, je.type, je.value
        FROM corpus_filter_attributes a,
             json_each(CASE WHEN json_valid(NEW.metadata) THEN NEW.metadata ELSE '{}' END, a.path) je
        WHERE a.corpus_id = NEW.corpus_id AND a.level = 'document'
          AND (CASE WHEN json_valid(NEW.metadata) THEN json_type(NEW.metadata, a.path) END) = 'array'
          AND je.type IN ('integer', 'real', 'text');
      END;
      CREATE TRIGGER documents_after_delete AFTER DELETE ON documents BEGIN
        UPDATE corpora SET document_count = document_count - 1, generation = generation + 1
        WHERE id = OLD.corpus_id;
      END;
      CREATE TRIGGER parts_after_insert AFTER INSERT ON parts BEGIN
        UPDATE corpora SET part_count = part_count + 1, generation = generation + 1
        WHERE id = NEW.corpus_id;
        INSERT OR IGNORE INTO part_attrs (part_rowid, name, seq, type, value)
        SELECT NEW.id, a.name, 0, json_type(NEW.metadata, a.path),
               CASE WHEN json_type(NEW.metadata, a.path) <> 'array' THEN json_extract(NEW.metadata, a.path) END
        FROM corpus_filter_attributes a
        WHERE a.corpus_id = NEW.corpus_id AND a.level = 'part'
          AND (CASE WHEN json_valid(NEW.metadata) THEN json_type(NEW.metadata, a.path) END)
              IN ('integer', 'real', 'text', 'true', 'false', 'array');
        INSERT OR IGNORE INTO part_attrs (part_rowid, name, seq, type, value)
        SELECT NEW.id, a.name, 1 + je.key, je.type, je.value
        FROM corpus_filter_attributes a,
             json_each(CASE WHEN json_valid(NEW.metadata) THEN NEW.metadata ELSE '{}' END, a.path) je
        WHERE a.corpus_id = NEW.corpus_id AND a.level = 'part'
          AND (CASE WHEN json_valid(NEW.metadata) THEN json_type(NEW.metadata, a.path) END) = 'array'
          AND je.type IN ('integer', 'real', 'text');
      END;
      CREATE TRIGGER parts_after_update_metadata AFTER UPDATE OF metadata ON parts BEGIN
        UPDATE corpora SET generation = generation + 1 WHERE id = NEW.corpus_id;
        DELETE FROM part_attrs WHERE part_rowid = NEW.id;
        INSERT OR IGNORE INTO part_attrs (part_rowid, name, seq, type, value)
        SELECT NEW.id, a.name, 0, json_type(NEW.metadata, a.path),
               CASE WHEN json_type(NEW.metadata, a.path) <> 'array' THEN json_extract(NEW.metadata, a.path) END
        FROM corpus_filter_attributes a
        WHERE a.corpus_id = NEW.corpus_id AND a.level = 'part'
          AND (CASE WHEN json_valid(NEW.metadata) THEN json_type(NEW.metadata, a.path) END)
              IN ('integer', 'real', 'text', 'true', 'false', 'array');
        INSERT OR IGNORE INTO part_attrs (part_rowid, name, seq, type, value)
        SELECT NEW.id, a.name, 1 + je.key, je.type, je.value
        FROM corpus_filter_attributes a,
             json_each(CASE WHEN json_valid(NEW.metadata) THEN NEW.metadata ELSE '{}' END, a.path) je
        WHERE a.corpus_id = NEW.corpus_id AND a.level = 'part'
          AND (CASE WHEN json_valid(NEW.metadata) THEN json_type(NEW.metadata, a.path) END) = 'array'
          AND je.type IN ('integer', 'real', 'text');
      END;
      CREATE TRIGGER parts_after_delete AFTER DELETE ON parts BEGIN
        UPDATE corpora SET part_count = part_count - 1, generation = generation + 1
        WHERE id = OLD.corpus_id;
      END;
      -- replace_filter_attributes: the corpus's typed rows are rebuilt in the same statement.
      CREATE TRIGGER corpora_after_update_filter_attributes AFTER UPDATE OF filter_attributes ON corpora
      WHEN OLD.filter_attributes IS NOT NEW.filter_attributes BEGIN
        UPDATE corpora SET generation = generation + 1 WHERE id = NEW.id;
        DELETE FROM doc_attrs WHERE doc_rowid IN (SELECT id FROM documents WHERE corpus_id = NEW.id);
        DELETE FROM part_attrs WHERE part_rowid IN (SELECT id FROM parts WHERE corpus_id = NEW.id);
        INSERT OR IGNORE INTO doc_attrs (doc_rowid, name, seq, type, value)
        SELECT d.id, a.name, 0, json_type(d.metadata, a.path),
               CASE WHEN json_type(d.metadata, a.path) <> 'array' THEN json_extract(d.metadata, a.path) END
        FROM corpus_filter_attributes a CROSS JOIN documents d ON d.corpus_id = a.corpus_id
        WHERE a.corpus_id = NEW.id AND a.level = 'document'
          AND (CASE WHEN json_valid(d.metadata) THEN json_type(d.metadata, a.path) END)
              IN ('integer', 'real', 'text', 'true', 'false', 'array');
        INSERT OR IGNORE INTO doc_attrs (doc_rowid, name, seq, type, value)
        SELECT d.id, a.name, 1 + je.key, je.type, je.value
        FROM corpus_filter_attributes a CROSS JOIN documents d ON d.corpus_id = a.corpus_id,
             json_each(CASE WHEN json_valid(d.metadata) THEN d.metadata ELSE '{}' END, a.path) je
        WHERE a.corpus_id = NEW.id AND a.level = 'document'
          AND (CASE WHEN json_valid(d.metadata) THEN json_type(d.metadata, a.path) END) = 'array'
          AND je.type IN ('integer', 'real', 'text');
        INSERT OR IGNORE INTO part_attrs (part_rowid, name, seq, type, value)
        SELECT p.id, a.name, 0, json_type(p.metadata, a.path),
               CASE WHEN json_type(p.metadata, a.path) <> 'array' THEN json_extract(p.metadata, a.path) END
        FROM corpus_filter_attributes a CROSS JOIN parts p ON p.corpus_id = a.corpus_id
        WHERE a.corpus_id = NEW.id AND a.level = 'part'
          AND (CASE WHEN json_valid(p.metadata) THEN json_type(p.metadata, a.path) END)
              IN ('integer', 'real', 'text', 'true', 'false', 'array');
        INSERT OR IGNORE INTO part_attrs (part_rowid, name, seq, type, value)
        SELECT p.id, a.name, 1 + je.key, je.type, je.value
        FROM corpus_filter_attributes a CROSS JOIN parts p ON p.corpus_id = a.corpus_id,
             json_each(CASE WHEN json_valid(p.metadata) THEN p.metadata ELSE '{}' END, a.path) je
        WHERE a.corpus_id = NEW.id AND a.level = 'part'
          AND (CASE WHEN json_valid(p.metadata) THEN json_type(p.metadata, a.path) END) = 'array'
          AND je.type IN ('integer', 'real', 'text');
      END;

      -- Backfill: every existing corpus's rows, as the trigger above writes them.
      INSERT OR IGNORE INTO doc_attrs (doc_rowid, name, seq, type, value)
      SELECT d.id, a.name, 0, json_type(d.metadata, a.path),
             CASE WHEN json_type(d.metadata, a.path) <> 'array' THEN json_extract(d.metadata, a.path) END
      FROM corpus_filter_attributes a CROSS JOIN documents d ON d.corpus_id = a.corpus_id
      WHERE a.level = 'document'
        AND (CASE WHEN json_valid(d.metadata) THEN json_type(d.metadata, a.path) END)
            IN ('integer', 'real', 'text', 'true', 'false', 'array');
      INSERT OR IGNORE INTO doc_attrs (doc_rowid, name, seq, type, value)
      SELECT d.id, a.name, 1 + je.key, je.type, je.value
      FROM corpus_filter_attributes a CROSS JOIN documents d ON d.corpus_id = a.corpus_id,
           json_each(CASE WHEN json_valid(d.metadata) THEN d.metadata ELSE '{}' END, a.path) je
      WHERE a.level = 'document'
        AND (CASE WHEN json_valid(d.metadata) THEN json_type(d.metadata, a.path) END) = 'array'
        AND je.type IN ('integer', 'real', 'text');
      INSERT OR IGNORE INTO part_attrs (part_rowid, name, seq, type, value)
      SELECT p.id, a.name, 0, json_type(p.metadata, a.path),
             CASE WHEN json_type(p.metadata, a.path) <> 'array' THEN json_extract(p.metadata, a.path) END
      FROM corpus_filter_attributes a CROSS JOIN parts p ON p.corpus_id = a.corpus_id
      WHERE a.level = 'part'
        AND (CASE WHEN json_valid(p.metadata) THEN json_type(p.metadata, a.path) END)
            IN ('integer', 'real', 'text', 'true', 'false', 'array');
      INSERT OR IGNORE INTO part_attrs (part_rowid, name, seq, type, value)
      SELECT p.id, a.name, 1 + je.key, je.type, je.value
      FROM corpus_filter_attributes a CROSS JOIN parts p ON p.corpus_id = a.corpus_id,
           json_each(CASE WHEN json_valid(p.metadata) THEN p.metadata ELSE '{}' END, a.path) je
      WHERE a.level = 'part'
        AND (CASE WHEN json_valid(p.metadata) THEN json_type(p.metadata, a.path) END) = 'array'
        AND je.type IN ('integer', 'real', 'text');
    `,
  },
  {
    version: 6,
    name: "query history, jobs",
    sql: `
      -- Query history (GET /v2/queries): one row per query, streamed query or chat turn
      -- recorded under save_history. corpus_keys is a JSON array (the key's corpus scope
      -- is checked against it when listing); request, spans and search_results are the
      -- JSON the API returns. Bounded by a retention setting (docs/engine.md).
      CREATE TABLE query_history (
        id TEXT PRIMARY KEY,
        query TEXT NOT NULL,
        corpus_keys TEXT NOT NULL DEFAULT '[]',
        chat_id TEXT,
        turn_id TEXT,
        request TEXT NOT NULL DEFAULT '{}',
        spans TEXT NOT NULL DEFAULT '[]',
        generation TEXT,
        factual_consistency_score REAL,
        started_at TEXT NOT NULL,
        latency_millis INTEGER NOT NULL DEFAULT 0
      );
      CREATE INDEX query_history_started ON query_history(started_at DESC, id DESC);
      CREATE INDEX query_history_chat ON query_history(chat_id, started_at DESC);

      -- Jobs (GET /v2/jobs): operations Vectara runs in the background, such as
      -- replace_filter_attributes. corpus_keys is a JSON array; times are ISO strings.
      CREATE TABLE jobs (
        id TEXT PRIMARY KEY,
        type TEXT NOT NULL,
        corpus_keys TEXT NOT NULL DEFAULT '[]',
        state TEXT NOT NULL,
        created_at TEXT NOT NULL,
        started_at TEXT,
        completed_at TEXT,
        created_by_username TEXT
      );
      CREATE INDEX jobs_created ON jobs(created_at DESC, id DESC);
    `,
  },
];
