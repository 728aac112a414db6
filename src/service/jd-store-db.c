/* jd-store-db.c — JdStore's SQLite connection: opening it (WAL, busy
 * timeout, synchronous mode), schema migrations, the prepared-statement cache
 * and the small helpers every query uses.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#define G_LOG_DOMAIN "jd-store"

#include <string.h>

#include "jd-store-private.h"

/* Prepared statements are cached per store: parsing the SQL again on every
 * request took most of an update's time (bench/bench-roundtrip). The cache is
 * keyed by the address of the caller's SQL text (a literal, in practice), so
 * a look-up hashes a pointer, not a few hundred characters; a hit is checked
 * against the statement's own text, so SQL built at run time whose address
 * is reused for other text cannot get the wrong statement. prepare() takes a
 * statement out of the cache and remembers its key; stmt_release() — the
 * g_autoptr cleanup — resets it and puts it back, or finalizes it when the
 * cache already holds one for that key or is full. The store of a statement
 * is found from its connection in `stores`. */
#define STMT_CACHE_MAX 96

G_LOCK_DEFINE_STATIC (stores);
static GHashTable *stores;   /* sqlite3 * → JdStore * (not owned) */

/* Schema migrations: entry i takes user_version i to i + 1. */
static const char *const migrations[] = {
  "CREATE TABLE things ("
  "  name TEXT PRIMARY KEY,"
  "  thing_id TEXT NOT NULL,"
  "  thing_type TEXT,"
  "  attributes TEXT NOT NULL DEFAULT '{}',"
  "  version INTEGER NOT NULL DEFAULT 1,"
  "  created_at INTEGER NOT NULL);"
  "CREATE TABLE jobs ("
  "  seq INTEGER PRIMARY KEY AUTOINCREMENT,"
  "  job_id TEXT NOT NULL UNIQUE,"
  "  status TEXT NOT NULL,"
  "  target_selection TEXT NOT NULL,"
  "  targets TEXT NOT NULL,"
  "  description TEXT,"
  "  document TEXT NOT NULL,"
  "  document_source TEXT,"
  "  force_canceled INTEGER NOT NULL DEFAULT 0,"
  "  reason_code TEXT,"
  "  comment TEXT,"
  "  created_at INTEGER NOT NULL,"
  "  last_updated_at INTEGER NOT NULL,"
  "  completed_at INTEGER NOT NULL DEFAULT 0,"
  "  in_progress_timeout INTEGER NOT NULL DEFAULT 0);"
  "CREATE TABLE executions ("
  "  seq INTEGER PRIMARY KEY AUTOINCREMENT,"
  "  job_id TEXT NOT NULL,"
  "  thing_name TEXT NOT NULL,"
  "  execution_number INTEGER NOT NULL,"
  "  status TEXT NOT NULL,"
  "  status_details TEXT,"
  "  queued_at INTEGER NOT NULL,"
  "  started_at INTEGER NOT NULL DEFAULT 0,"
  "  last_updated_at INTEGER NOT NULL,"
  "  version_number INTEGER NOT NULL DEFAULT 1,"
  "  force_canceled INTEGER NOT NULL DEFAULT 0,"
  "  step_deadline_ms INTEGER NOT NULL DEFAULT 0,"
  "  progress_deadline_ms INTEGER NOT NULL DEFAULT 0,"
  "  UNIQUE (job_id, thing_name, execution_number));"
  "CREATE INDEX executions_by_thing ON executions (thing_name, status);",

  /* 2: a request costs what it touches, not the size of the store. The
   * target list (600 KB for 10,000 things) moves out of `jobs`, so a row of
   * `jobs` is read without it; job completion looks up a job's pending
   * executions by (job_id, status); the timers find the earliest deadline
   * and the due executions through partial indexes of the set deadlines. */
  "CREATE TABLE job_targets ("
  "  job_id TEXT PRIMARY KEY,"
  "  targets TEXT NOT NULL);"
  "INSERT INTO job_targets (job_id, targets) SELECT job_id, targets FROM jobs;"
  "ALTER TABLE jobs DROP COLUMN targets;"
  "CREATE INDEX executions_by_job_status ON executions (job_id, status);"
  "CREATE INDEX executions_by_step_deadline ON executions (step_deadline_ms) WHERE step_deadline_ms > 0;"
  "CREATE INDEX executions_by_progress_deadline ON executions (progress_deadline_ms) "
  "  WHERE progress_deadline_ms > 0;",

  /* 3: static thing groups (jd-store-groups.c): the groups with their
   * parent, the direct memberships, and what each job targets by name —
   * its groups (every job), and its things (CONTINUOUS jobs only: whether a
   * thing that leaves a group is still a target) — so membership changes
   * find the continuous jobs they concern by index. */
  "CREATE TABLE thing_groups ("
  "  name TEXT PRIMARY KEY,"
  "  group_id TEXT NOT NULL,"
  "  parent TEXT,"
  "  description TEXT,"
  "  attributes TEXT NOT NULL DEFAULT '{}',"
  "  version INTEGER NOT NULL DEFAULT 1,"
  "  created_at INTEGER NOT NULL);"
  "CREATE INDEX thing_groups_by_parent ON thing_groups (parent) WHERE parent IS NOT NULL;"
  "CREATE TABLE thing_group_members ("
  "  group_name TEXT NOT NULL,"
  "  thing_name TEXT NOT NULL,"
  "  PRIMARY KEY (group_name, thing_name)) WITHOUT ROWID;"
  "CREATE INDEX thing_group_members_by_thing ON thing_group_members (thing_name);"
  "CREATE TABLE job_target_names ("
  "  job_id TEXT NOT NULL,"
  "  kind TEXT NOT NULL,"
  "  name TEXT NOT NULL,"
  "  PRIMARY KEY (job_id, kind, name)) WITHOUT ROWID;"
  "CREATE INDEX job_target_names_by_name ON job_target_names (kind, name);",

  /* 4: rollout, abort and retries (jd-store-rollout.c). A job's settings
   * (jd_job_config_serialize(): rollout, abort, retry, presigned URLs) in
   * `jobs.config`; the things a rollout has not released yet in
   * `rollout_queue`, in release order — a release moves a thing from there
   * to a QUEUED execution in one transaction, so a restart never releases
   * one twice; when the next may go (`jobs.rollout_next_ms`, deadline
   * clock); when each execution was released (`executions.released_ms`,
   * 0 for executions no rollout released), which gives the last minute's
   * count; and which retry an execution is (`executions.retry_attempt`). */
  "ALTER TABLE jobs ADD COLUMN config TEXT;"
  "ALTER TABLE jobs ADD COLUMN rollout_next_ms INTEGER NOT NULL DEFAULT 0;"
  "ALTER TABLE executions ADD COLUMN released_ms INTEGER NOT NULL DEFAULT 0;"
  "ALTER TABLE executions ADD COLUMN retry_attempt INTEGER NOT NULL DEFAULT 0;"
  "CREATE TABLE rollout_queue ("
  "  seq INTEGER PRIMARY KEY AUTOINCREMENT,"
  "  job_id TEXT NOT NULL,"
  "  thing_name TEXT NOT NULL);"
  "CREATE INDEX rollout_queue_by_job ON rollout_queue (job_id, seq);"
  "CREATE INDEX jobs_by_rollout_next ON jobs (rollout_next_ms) WHERE rollout_next_ms > 0;"
  "CREATE INDEX executions_by_release ON executions (job_id, released_ms) WHERE released_ms > 0;",

  /* 5: job templates and event configurations (jd-store-templates.c).
   * The custom templates; for each job made from a template (custom or
   * managed), the template's ARN, the documentParameters and the document
   * before substitution (`job_template_uses`, written in CreateJob's own
   * transaction by the connection's trigger `job_from_template`, gone with
   * the job); the account's event configurations, one row per type that
   * was ever set, and when they were created and last changed. */
  "CREATE TABLE job_templates ("
  "  seq INTEGER PRIMARY KEY AUTOINCREMENT,"
  "  template_id TEXT NOT NULL UNIQUE,"
  "  description TEXT NOT NULL,"
  "  document TEXT,"
  "  document_source TEXT,"
  "  config TEXT,"
  "  maintenance_windows TEXT,"
  "  destination_package_versions TEXT,"
  "  created_at INTEGER NOT NULL);"
  "CREATE TABLE job_template_uses ("
  "  job_id TEXT PRIMARY KEY,"
  "  template_arn TEXT NOT NULL,"
  "  document_parameters TEXT,"
  "  document_before TEXT) WITHOUT ROWID;"
  "CREATE TRIGGER job_template_uses_gone AFTER DELETE ON jobs "
  "  BEGIN DELETE FROM job_template_uses WHERE job_id = OLD.job_id; END;"
  "CREATE TABLE event_configurations ("
  "  type TEXT PRIMARY KEY,"
  "  enabled INTEGER NOT NULL) WITHOUT ROWID;"
  "CREATE TABLE event_configuration_dates ("
  "  id INTEGER PRIMARY KEY CHECK (id = 1),"
  "  created_at INTEGER NOT NULL,"
  "  last_modified_at INTEGER NOT NULL);"
  "INSERT INTO event_configuration_dates (id, created_at, last_modified_at) "
  "  VALUES (1, CAST(strftime('%s', 'now') AS INTEGER), CAST(strftime('%s', 'now') AS INTEGER));",

  /* 6: scheduling (jd-store-rollout.c). `jobs.schedule_anchor_ms` is the
   * deadline clock at the job's creation, the origin of its scaled clock
   * (JOBDECK_TIME_SCALE shortens the wait for startTime, endTime and the
   * maintenance windows from there); `jobs.schedule_state` is where the
   * schedule is: 0 none, 1 waiting for startTime, 2 started, 3 endTime
   * applied — so a restart neither starts nor ends a job twice. The next
   * thing a scheduled job waits for (start, a window, the end) is its
   * `rollout_next_ms`, so the one timer serves it. */
  ("ALTER TABLE jobs ADD COLUMN schedule_anchor_ms INTEGER NOT NULL DEFAULT 0;"
   "ALTER TABLE jobs ADD COLUMN schedule_state INTEGER NOT NULL DEFAULT 0;"),
};

/* Per connection: the jobs whose executions the open transaction ended,
 * removed, or that it created — the only jobs a commit may complete
 * (jd-store-tx.c). Temporary, so nothing of it reaches the file; rolled back
 * with the transaction. */
static const char connection_setup[] =
  "PRAGMA temp_store = MEMORY;"
  "CREATE TEMP TABLE ended_jobs (job_id TEXT PRIMARY KEY) WITHOUT ROWID;"
  "CREATE TEMP TRIGGER execution_ended AFTER UPDATE OF status ON executions "
  "  WHEN OLD.status IN ('QUEUED', 'IN_PROGRESS') AND NEW.status NOT IN ('QUEUED', 'IN_PROGRESS') "
  "  BEGIN INSERT OR IGNORE INTO ended_jobs (job_id) VALUES (NEW.job_id); END;"
  "CREATE TEMP TRIGGER execution_removed AFTER DELETE ON executions "
  "  WHEN OLD.status IN ('QUEUED', 'IN_PROGRESS') "
  "  BEGIN INSERT OR IGNORE INTO ended_jobs (job_id) VALUES (OLD.job_id); END;"
  "CREATE TEMP TRIGGER job_created AFTER INSERT ON jobs "
  "  BEGIN INSERT OR IGNORE INTO ended_jobs (job_id) VALUES (NEW.job_id); END;"
  /* The executions that failed or timed out in the open transaction: the
   * ones a retry may follow (jd-store-rollout.c). */
  "CREATE TEMP TABLE failed_executions (seq INTEGER PRIMARY KEY);"
  "CREATE TEMP TRIGGER execution_failed AFTER UPDATE OF status ON executions "
  "  WHEN OLD.status IN ('QUEUED', 'IN_PROGRESS') AND NEW.status IN ('FAILED', 'TIMED_OUT') "
  "  BEGIN INSERT OR IGNORE INTO failed_executions (seq) VALUES (NEW.seq); END;"
  /* A job made from a template: jd_store_create_job_from_template() puts
   * what to remember here before CreateJob's transaction, and the job's
   * insertion copies it into job_template_uses inside that transaction. */
  "CREATE TEMP TABLE template_pending (job_id TEXT PRIMARY KEY, template_arn TEXT NOT NULL, "
  "  document_parameters TEXT, document_before TEXT) WITHOUT ROWID;"
  "CREATE TEMP TRIGGER job_from_template AFTER INSERT ON jobs "
  "  BEGIN INSERT INTO job_template_uses (job_id, template_arn, document_parameters, document_before) "
  "    SELECT job_id, template_arn, document_parameters, document_before FROM template_pending "
  "    WHERE job_id = NEW.job_id; END;";

gboolean
_jd_store_set_db_error (JdStore  *self,
                        int       rc,
                        GError  **error)
{
  /* These go to devices and operators in replies: no filesystem path in
   * them (issue 16.5). The log of the process that owns the folder says
   * which file. */
  g_message ("The jobs database %s: %s", self->path,
             self->db != NULL ? sqlite3_errmsg (self->db) : sqlite3_errstr (rc));
  switch (rc & 0xff)
    {
    case SQLITE_READONLY:
      g_set_error (error, JD_SERVICE_ERROR, JD_SERVICE_ERROR_STORAGE,
                   "The jobs database is read-only; nothing was changed.");
      break;
    case SQLITE_FULL:
      g_set_error (error, JD_SERVICE_ERROR, JD_SERVICE_ERROR_STORAGE,
                   "The disk holding the jobs database is full; nothing was changed.");
      break;
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      g_set_error (error, JD_SERVICE_ERROR, JD_SERVICE_ERROR_STORAGE,
                   "The jobs database is locked by another process; nothing was changed.");
      break;
    default:
      g_set_error (error, JD_SERVICE_ERROR, JD_SERVICE_ERROR_STORAGE,
                   "The jobs database failed: %s.", sqlite3_errstr (rc));
      break;
    }
  return FALSE;
}

void
_jd_store_stmt_release (sqlite3_stmt *stmt)
{
  JdStore *self;

  if (stmt == NULL)
    return;
  sqlite3_reset (stmt);
  sqlite3_clear_bindings (stmt);
  G_LOCK (stores);
  self = stores != NULL ? g_hash_table_lookup (stores, sqlite3_db_handle (stmt)) : NULL;
  G_UNLOCK (stores);
  if (self != NULL && self->stmts != NULL)
    {
      gpointer key = NULL;

      if (g_hash_table_steal_extended (self->stmt_keys, stmt, NULL, &key)
          && g_hash_table_size (self->stmts) < STMT_CACHE_MAX
          && !g_hash_table_contains (self->stmts, key))
        {
          g_hash_table_insert (self->stmts, key, stmt);
          return;
        }
    }
  sqlite3_finalize (stmt);
}

sqlite3_stmt *
_jd_store_prepare (JdStore     *self,
                   const char  *sql,
                   GError     **error)
                   {
                   sqlite3_stmt *stmt = NULL;
  int rc;

  if (g_hash_table_steal_extended (self->stmts, sql, NULL, (gpointer *) &stmt))
    {
      if (strcmp (sqlite3_sql (stmt), sql) == 0)
        {
          g_hash_table_insert (self->stmt_keys, stmt, (gpointer) sql);
          return stmt;
        }
      sqlite3_finalize (stmt);
      stmt = NULL;
    }
  rc = sqlite3_prepare_v3 (self->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &stmt, NULL);
  if (rc != SQLITE_OK)
    {
      _jd_store_set_db_error (self, rc, error);
      return NULL;
    }
  g_hash_table_insert (self->stmt_keys, stmt, (gpointer) sql);
  return stmt;
}

gboolean
_jd_store_exec_sql (JdStore     *self,
                    const char  *sql,
                    GError     **error)
{
  int rc = sqlite3_exec (self->db, sql, NULL, NULL, NULL);

  if (rc != SQLITE_OK)
    return _jd_store_set_db_error (self, rc, error);
  return TRUE;
}

gboolean
_jd_store_step_done (JdStore       *self,
                     sqlite3_stmt  *stmt,
                     GError       **error)
{
  int rc = sqlite3_step (stmt);

  if (rc != SQLITE_DONE && rc != SQLITE_ROW)
    return _jd_store_set_db_error (self, rc, error);
  return TRUE;
}

/* Runs one statement without rows (BEGIN, COMMIT) from the statement cache:
 * sqlite3_exec() would parse it again on every transaction. */
gboolean
_jd_store_exec_cached (JdStore     *self,
                       const char  *sql,
                       GError     **error)
{
  g_autoptr(sqlite3_stmt) stmt = _jd_store_prepare (self, sql, error);

  return stmt != NULL && _jd_store_step_done (self, stmt, error);
}

void
_jd_store_bind_text (sqlite3_stmt *stmt,
                     int           index,
                     const char   *text)
{
  if (text != NULL)
    sqlite3_bind_text (stmt, index, text, -1, SQLITE_TRANSIENT);
  else
    sqlite3_bind_null (stmt, index);
}

char *
_jd_store_column_text (sqlite3_stmt *stmt,
                       int           column)
{
  const unsigned char *text = sqlite3_column_text (stmt, column);

  return text != NULL ? g_strdup ((const char *) text) : NULL;
}

static gboolean
migrate (JdStore  *self,
         GError  **error)
{
  g_autoptr(sqlite3_stmt) stmt = _jd_store_prepare (self, "PRAGMA user_version", error);
  gint64 version;

  if (stmt == NULL || sqlite3_step (stmt) != SQLITE_ROW)
    return stmt == NULL ? FALSE : _jd_store_set_db_error (self, sqlite3_errcode (self->db), error);
  version = sqlite3_column_int64 (stmt, 0);
  g_clear_pointer (&stmt, _jd_store_stmt_release);

  if (version > (gint64) G_N_ELEMENTS (migrations))
    {
      g_set_error (error, JD_SERVICE_ERROR, JD_SERVICE_ERROR_STORAGE,
                   "The jobs database %s was written by a newer Jobdeck (schema %" G_GINT64_FORMAT ").",
                   self->path, version);
      return FALSE;
    }

  for (gint64 v = version; v < (gint64) G_N_ELEMENTS (migrations); v++)
    {
      g_autofree char *bump = g_strdup_printf ("PRAGMA user_version = %" G_GINT64_FORMAT, v + 1);

      if (!_jd_store_exec_sql (self, "BEGIN IMMEDIATE", error))
        return FALSE;
      if (!_jd_store_exec_sql (self, migrations[v], error) || !_jd_store_exec_sql (self, bump, error)
          || !_jd_store_exec_sql (self, "COMMIT", error))
        {
          sqlite3_exec (self->db, "ROLLBACK", NULL, NULL, NULL);
          return FALSE;
        }
    }

  return TRUE;
}

/* How long the check at opening may spend in PRAGMA quick_check; a larger
 * database is checked no further than that (and said so in the debug log). */
#define QUICK_CHECK_BUDGET_MS 1500

/* The first 100 bytes of an existing, non-empty file must be SQLite's
 * header: the magic string and a page size that is a power of two from 512
 * to 65536. Anything else is not a jobs database (or a damaged one), and
 * SQLite would only say so at the first query. */
static gboolean
check_header (JdStore  *self,
              GError  **error)
{
  static const char magic[16] = "SQLite format 3";
  g_autoptr(GMappedFile) mapped = NULL;
  g_autoptr(GError) local_error = NULL;
  const guint8 *bytes;
  guint page_size;

  if (strcmp (self->path, ":memory:") == 0 || !g_file_test (self->path, G_FILE_TEST_EXISTS))
    return TRUE;
  mapped = g_mapped_file_new (self->path, FALSE, &local_error);
  if (mapped == NULL)
    {
      g_set_error (error, JD_SERVICE_ERROR, JD_SERVICE_ERROR_STORAGE,
                   "Cannot read the jobs database %s: %s.", self->path, local_error->message);
      return FALSE;
    }
  if (g_mapped_file_get_length (mapped) == 0)
    return TRUE;

  bytes = (const guint8 *) g_mapped_file_get_contents (mapped);
  page_size = g_mapped_file_get_length (mapped) >= 100 ? (guint) (bytes[16] << 8 | bytes[17]) : 0;
  if (page_size == 1)
    page_size = 65536;
  if (g_mapped_file_get_length (mapped) < 100 || memcmp (bytes, magic, sizeof magic) != 0
      || page_size < 512 || page_size > 65536 || (page_size & (page_size - 1)) != 0)
    {
      g_set_error (error, JD_SERVICE_ERROR, JD_SERVICE_ERROR_STORAGE,
                   "The jobs database %s is damaged or is not a jobs database (its header is not "
                   "SQLite's). Move it away to start with an empty store.", self->path);
      return FALSE;
    }
  return TRUE;
}

static int
budget_cb (void *data)
{
  return g_get_monotonic_time () > *(gint64 *) data;
}

/* PRAGMA quick_check within QUICK_CHECK_BUDGET_MS: a damaged page is found
 * at start, with a clear message, rather than by the requests that meet it. */
static gboolean
quick_check (JdStore  *self,
             GError  **error)
{
  gint64 deadline = g_get_monotonic_time () + QUICK_CHECK_BUDGET_MS * 1000;
  g_autoptr(GString) problems = g_string_new (NULL);
  sqlite3_stmt *stmt = NULL;
  int rc;

  rc = sqlite3_prepare_v2 (self->db, "PRAGMA quick_check(3)", -1, &stmt, NULL);
  if (rc == SQLITE_OK)
    {
      sqlite3_progress_handler (self->db, 1000, budget_cb, &deadline);
      while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
        {
          const char *line = (const char *) sqlite3_column_text (stmt, 0);

          if (g_strcmp0 (line, "ok") != 0)
            g_string_append_printf (problems, "%s%s", problems->len > 0 ? "; " : "", line);
        }
      sqlite3_progress_handler (self->db, 0, NULL, NULL);
    }
  sqlite3_finalize (stmt);

  if (rc == SQLITE_INTERRUPT)
    {
      g_debug ("PRAGMA quick_check of %s stopped after %d ms", self->path, QUICK_CHECK_BUDGET_MS);
      return TRUE;
    }
  if (rc == SQLITE_CORRUPT || rc == SQLITE_NOTADB || problems->len > 0)
    {
      g_set_error (error, JD_SERVICE_ERROR, JD_SERVICE_ERROR_STORAGE,
                   "The jobs database %s is damaged (%s). Move it away to start with an empty store.",
                   self->path, problems->len > 0 ? problems->str : sqlite3_errstr (rc));
      return FALSE;
    }
  if (rc != SQLITE_DONE)
    return _jd_store_set_db_error (self, rc, error);
  return TRUE;
}

/* Opens self->path, registers the connection for the statement cache and
 * brings the schema up to date. */
gboolean
_jd_store_db_open (JdStore  *self,
                   GError  **error)
{
  int rc;

  if (!check_header (self, error))
    return FALSE;

  rc = sqlite3_open_v2 (self->path, &self->db,
                        SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX, NULL);
  if (rc != SQLITE_OK)
    {
      g_set_error (error, JD_SERVICE_ERROR, JD_SERVICE_ERROR_STORAGE,
                   "Cannot open the jobs database %s: %s.", self->path,
                   self->db != NULL ? sqlite3_errmsg (self->db) : sqlite3_errstr (rc));
      return FALSE;
    }

  G_LOCK (stores);
  if (stores == NULL)
    stores = g_hash_table_new (NULL, NULL);
  g_hash_table_insert (stores, self->db, self);
  G_UNLOCK (stores);

  sqlite3_busy_timeout (self->db, 5000);
  if (strcmp (self->path, ":memory:") != 0 && !_jd_store_exec_sql (self, "PRAGMA journal_mode = WAL", error))
    return FALSE;
  if (!_jd_store_exec_sql (self, "PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON", error))
    return FALSE;
  if (!quick_check (self, error) || !migrate (self, error))
    return FALSE;
  return _jd_store_exec_sql (self, connection_setup, error)
         && _jd_store_load_event_flags (self, error);
}

void
_jd_store_db_close (JdStore *self)
{
  /* Statements first: a connection with live statements does not close. */
  g_clear_pointer (&self->stmts, g_hash_table_unref);
  g_clear_pointer (&self->stmt_keys, g_hash_table_unref);
  if (self->db != NULL)
    {
      G_LOCK (stores);
      if (stores != NULL)
        g_hash_table_remove (stores, self->db);
      G_UNLOCK (stores);
      sqlite3_close (self->db);
      self->db = NULL;
    }
}
