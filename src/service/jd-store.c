/* jd-store.c — JdStore: things, jobs and executions in SQLite, with the
 * execution state machine, timers and change reports.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#define G_LOG_DOMAIN "jd-store"

#include <math.h>
#include <sqlite3.h>
#include <string.h>

#include "jd-store.h"
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

static void stmt_release (sqlite3_stmt *stmt);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (sqlite3_stmt, stmt_release)

G_LOCK_DEFINE_STATIC (stores);
static GHashTable *stores;   /* sqlite3 * → JdStore * (not owned) */

struct _JdStore
{
  GObject       parent_instance;

  sqlite3      *db;
  char         *path;
  double        time_scale;     /* JOBDECK_TIME_SCALE; 1.0 in production */
  GMainContext *context;
  GSource      *timer;

  /* Per transaction: thing name → "before" snapshot (pending key, next key). */
  GHashTable   *touched;
  /* Per transaction, only while someone listens to ::jobs-events: job id →
   * the job before the transaction. */
  GHashTable   *touched_jobs;
  gboolean      in_tx;

  /* Idle prepared statements: the caller's SQL text (its address, not
   * owned) → sqlite3_stmt (owned); and the key of each statement in use. */
  GHashTable   *stmts;
  GHashTable   *stmt_keys;

  /* Token buckets of the device-API rate limit. */
  guint         request_rate;
  double        tokens[4];
  gint64        refilled_at[4];
};

G_DEFINE_FINAL_TYPE (JdStore, jd_store, G_TYPE_OBJECT)

enum {
  THINGS_CHANGED,
  JOBS_EVENTS,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

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
};

#define EXEC_COLUMNS \
  "e.job_id, e.thing_name, e.status, e.status_details, e.queued_at, e.started_at, " \
  "e.last_updated_at, e.version_number, e.execution_number, e.force_canceled, " \
  "e.step_deadline_ms, e.progress_deadline_ms, j.document "
#define EXEC_FROM " FROM executions e JOIN jobs j ON j.job_id = e.job_id "
#define PENDING_ORDER " ORDER BY (e.status = 'IN_PROGRESS') DESC, e.seq "

#define JOB_COLUMNS \
  "job_id, status, target_selection, targets, description, document, document_source, " \
  "force_canceled, reason_code, comment, created_at, last_updated_at, completed_at, " \
  "in_progress_timeout "

/* ---- enums ---- */

/* ---- records ---- */

void
jd_store_execution_free (JdStoreExecution *execution)
{
  if (execution == NULL)
    return;
  g_free (execution->job_id);
  g_free (execution->thing_name);
  g_clear_pointer (&execution->status_details, json_object_unref);
  g_free (execution->job_document);
  g_free (execution);
}

JdStoreExecution *
jd_store_execution_copy (const JdStoreExecution *execution)
{
  JdStoreExecution *copy;

  g_return_val_if_fail (execution != NULL, NULL);

  copy = g_memdup2 (execution, sizeof *execution);
  copy->job_id = g_strdup (execution->job_id);
  copy->thing_name = g_strdup (execution->thing_name);
  copy->status_details = execution->status_details != NULL ? json_object_ref (execution->status_details) : NULL;
  copy->job_document = g_strdup (execution->job_document);
  return copy;
}

void
jd_store_job_free (JdStoreJob *job)
{
  if (job == NULL)
    return;
  g_free (job->job_id);
  g_free (job->target_selection);
  g_strfreev (job->targets);
  g_free (job->description);
  g_free (job->document);
  g_free (job->document_source);
  g_free (job->reason_code);
  g_free (job->comment);
  g_free (job);
}

void
jd_store_thing_free (JdStoreThing *thing)
{
  if (thing == NULL)
    return;
  g_free (thing->thing_name);
  g_free (thing->thing_id);
  g_free (thing->thing_type_name);
  g_clear_pointer (&thing->attributes, json_object_unref);
  g_free (thing);
}

static int
compare_changes (gconstpointer a,
                 gconstpointer b)
{
  const JdStoreThingChange *ca = *(const JdStoreThingChange *const *) a;
  const JdStoreThingChange *cb = *(const JdStoreThingChange *const *) b;

  return strcmp (ca->thing_name, cb->thing_name);
}

static void
thing_change_free (gpointer data)
{
  JdStoreThingChange *change = data;

  g_free (change->thing_name);
  g_free (change);
}

/* ---- JSON text helpers ---- */

static int
compare_strings (gconstpointer a,
                 gconstpointer b)
{
  return strcmp (*(const char *const *) a, *(const char *const *) b);
}

/* Serializes a string map with sorted keys, so equal maps give equal text. */
static char *
object_to_text (JsonObject *object)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GList) members = NULL;
  g_autoptr(GPtrArray) names = g_ptr_array_new ();

  json_builder_begin_object (builder);
  if (object != NULL)
    {
      members = json_object_get_members (object);
      for (GList *l = members; l != NULL; l = l->next)
        g_ptr_array_add (names, l->data);
      g_ptr_array_sort (names, compare_strings);
      for (guint i = 0; i < names->len; i++)
        {
          const char *name = g_ptr_array_index (names, i);

          json_builder_set_member_name (builder, name);
          json_builder_add_value (builder, json_node_copy (json_object_get_member (object, name)));
        }
    }
  json_builder_end_object (builder);

  root = json_builder_get_root (builder);
  json_generator_set_root (generator, root);
  return json_generator_to_data (generator, NULL);
}

static JsonObject *
object_from_text (const char *text)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonNode *root;

  if (text == NULL || !json_parser_load_from_data (parser, text, -1, NULL))
    return NULL;
  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    return NULL;
  return json_object_ref (json_node_get_object (root));
}

static char *
strv_to_text (const char *const *strv)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonNode) root = NULL;

  json_builder_begin_array (builder);
  for (guint i = 0; strv != NULL && strv[i] != NULL; i++)
    json_builder_add_string_value (builder, strv[i]);
  json_builder_end_array (builder);
  root = json_builder_get_root (builder);
  json_generator_set_root (generator, root);
  return json_generator_to_data (generator, NULL);
}

static char **
strv_from_text (const char *text)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  JsonNode *root;

  if (text != NULL && json_parser_load_from_data (parser, text, -1, NULL)
      && (root = json_parser_get_root (parser)) != NULL && JSON_NODE_HOLDS_ARRAY (root))
    {
      JsonArray *array = json_node_get_array (root);

      for (guint i = 0; i < json_array_get_length (array); i++)
        {
          const char *s = json_array_get_string_element (array, i);

          if (s != NULL)
            g_strv_builder_add (builder, s);
        }
    }

  return g_strv_builder_end (builder);
}

/* ---- SQLite helpers ---- */

static gboolean
set_db_error (JdStore  *self,
              int       rc,
              GError  **error)
{
  switch (rc & 0xff)
    {
    case SQLITE_READONLY:
      g_set_error (error, JD_SERVICE_ERROR, JD_SERVICE_ERROR_STORAGE,
                   "The jobs database %s is read-only; nothing was changed.", self->path);
      break;
    case SQLITE_FULL:
      g_set_error (error, JD_SERVICE_ERROR, JD_SERVICE_ERROR_STORAGE,
                   "The disk holding the jobs database %s is full; nothing was changed.", self->path);
      break;
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      g_set_error (error, JD_SERVICE_ERROR, JD_SERVICE_ERROR_STORAGE,
                   "The jobs database %s is locked by another process; nothing was changed.", self->path);
      break;
    default:
      g_set_error (error, JD_SERVICE_ERROR, JD_SERVICE_ERROR_STORAGE,
                   "The jobs database %s failed: %s.", self->path,
                   self->db != NULL ? sqlite3_errmsg (self->db) : sqlite3_errstr (rc));
      break;
    }
  return FALSE;
}

static void
stmt_release (sqlite3_stmt *stmt)
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

static sqlite3_stmt *
prepare (JdStore     *self,
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
      set_db_error (self, rc, error);
      return NULL;
    }
  g_hash_table_insert (self->stmt_keys, stmt, (gpointer) sql);
  return stmt;
}

static gboolean
exec_sql (JdStore     *self,
          const char  *sql,
          GError     **error)
{
  int rc = sqlite3_exec (self->db, sql, NULL, NULL, NULL);

  if (rc != SQLITE_OK)
    return set_db_error (self, rc, error);
  return TRUE;
}

static gboolean
step_done (JdStore       *self,
           sqlite3_stmt  *stmt,
           GError       **error)
{
  int rc = sqlite3_step (stmt);

  if (rc != SQLITE_DONE && rc != SQLITE_ROW)
    return set_db_error (self, rc, error);
  return TRUE;
}

/* Runs one statement without rows (BEGIN, COMMIT) from the statement cache:
 * sqlite3_exec() would parse it again on every transaction. */
static gboolean
exec_cached (JdStore     *self,
             const char  *sql,
             GError     **error)
{
  g_autoptr(sqlite3_stmt) stmt = prepare (self, sql, error);

  return stmt != NULL && step_done (self, stmt, error);
}

static void
bind_text (sqlite3_stmt *stmt,
           int           index,
           const char   *text)
{
  if (text != NULL)
    sqlite3_bind_text (stmt, index, text, -1, SQLITE_TRANSIENT);
  else
    sqlite3_bind_null (stmt, index);
}

static char *
column_text (sqlite3_stmt *stmt,
             int           column)
{
  const unsigned char *text = sqlite3_column_text (stmt, column);

  return text != NULL ? g_strdup ((const char *) text) : NULL;
}

/* ---- time ---- */

gint64
jd_store_now (JdStore *self)
{
  return g_get_real_time () / G_USEC_PER_SEC;
}

static gint64
now_ms (void)
{
  return g_get_real_time () / 1000;
}

static gint64
minutes_to_ms (JdStore *self,
               gint64   minutes)
{
  return (gint64) llround ((double) minutes * 60000.0 * self->time_scale);
}

/* ---- rows ---- */

static JdStoreExecution *
execution_from_row (JdStore      *self,
                    sqlite3_stmt *stmt)
{
  JdStoreExecution *e = g_new0 (JdStoreExecution, 1);
  g_autofree char *status = column_text (stmt, 2);
  g_autofree char *details = column_text (stmt, 3);
  gint64 step = sqlite3_column_int64 (stmt, 10);
  gint64 progress = sqlite3_column_int64 (stmt, 11);

  e->job_id = column_text (stmt, 0);
  e->thing_name = column_text (stmt, 1);
  if ((e->status = jd_execution_status_from_string (status)) == JD_EXECUTION_STATUS_UNKNOWN)
    e->status = JD_EXECUTION_STATUS_QUEUED;
  e->status_details = object_from_text (details);
  e->queued_at = sqlite3_column_int64 (stmt, 4);
  e->started_at = sqlite3_column_int64 (stmt, 5);
  e->last_updated_at = sqlite3_column_int64 (stmt, 6);
  e->version_number = sqlite3_column_int64 (stmt, 7);
  e->execution_number = sqlite3_column_int64 (stmt, 8);
  e->force_canceled = sqlite3_column_int (stmt, 9) != 0;
  e->job_document = column_text (stmt, 12);
  e->seconds_before_timeout = -1;

  if (e->status == JD_EXECUTION_STATUS_IN_PROGRESS && (step > 0 || progress > 0))
    {
      gint64 deadline = step > 0 && (progress == 0 || step < progress) ? step : progress;
      gint64 left = MAX (0, deadline - now_ms ());

      e->seconds_before_timeout = (gint64) floor ((double) left / 1000.0 / self->time_scale);
    }

  return e;
}

static JdStoreJob *
job_from_row (sqlite3_stmt *stmt)
{
  JdStoreJob *job = g_new0 (JdStoreJob, 1);
  g_autofree char *status = column_text (stmt, 1);
  g_autofree char *targets = column_text (stmt, 3);

  job->job_id = column_text (stmt, 0);
  if ((job->status = jd_job_status_from_string (status)) == JD_JOB_STATUS_UNKNOWN)
    job->status = JD_JOB_STATUS_IN_PROGRESS;
  job->target_selection = column_text (stmt, 2);
  job->targets = strv_from_text (targets);
  job->description = column_text (stmt, 4);
  job->document = column_text (stmt, 5);
  job->document_source = column_text (stmt, 6);
  job->force_canceled = sqlite3_column_int (stmt, 7) != 0;
  job->reason_code = column_text (stmt, 8);
  job->comment = column_text (stmt, 9);
  job->created_at = sqlite3_column_int64 (stmt, 10);
  job->last_updated_at = sqlite3_column_int64 (stmt, 11);
  job->completed_at = sqlite3_column_int64 (stmt, 12);
  job->in_progress_timeout_minutes = sqlite3_column_int64 (stmt, 13);
  return job;
}

static JdStoreThing *
thing_from_row (sqlite3_stmt *stmt)
{
  JdStoreThing *thing = g_new0 (JdStoreThing, 1);
  g_autofree char *attributes = column_text (stmt, 3);

  thing->thing_name = column_text (stmt, 0);
  thing->thing_id = column_text (stmt, 1);
  thing->thing_type_name = column_text (stmt, 2);
  thing->attributes = object_from_text (attributes);
  if (thing->attributes == NULL)
    thing->attributes = json_object_new ();
  thing->version = sqlite3_column_int64 (stmt, 4);
  return thing;
}

/* Runs a query of executions with text parameters; NULL on a database error. */
static GPtrArray *
query_executions (JdStore            *self,
                  const char         *sql,
                  const char *const  *params,
                  guint               n_params,
                  gint64              limit,
                  GError            **error)
{
  g_autoptr(sqlite3_stmt) stmt = prepare (self, sql, error);
  g_autoptr(GPtrArray) result = g_ptr_array_new_with_free_func ((GDestroyNotify) jd_store_execution_free);
  int rc;

  if (stmt == NULL)
    return NULL;
  for (guint i = 0; i < n_params; i++)
    bind_text (stmt, (int) i + 1, params[i]);
  if (limit >= 0)
    sqlite3_bind_int64 (stmt, (int) n_params + 1, limit);

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_ptr_array_add (result, execution_from_row (self, stmt));
  if (rc != SQLITE_DONE)
    {
      set_db_error (self, rc, error);
      return NULL;
    }

  return g_steal_pointer (&result);
}

static GPtrArray *
pending_of (JdStore     *self,
            const char  *thing_name,
            GError     **error)
{
  const char *params[] = { thing_name };

  return query_executions (self,
                           "SELECT " EXEC_COLUMNS EXEC_FROM
                           "WHERE e.thing_name = ?1 AND e.status IN ('QUEUED', 'IN_PROGRESS')"
                           PENDING_ORDER,
                           params, 1, -1, error);
}

/* The latest execution of @job_id on @thing_name (or number @number). */
static JdStoreExecution *
find_execution (JdStore     *self,
                const char  *thing_name,
                const char  *job_id,
                gint64       number,
                GError     **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  int rc;

  stmt = prepare (self,
                  "SELECT " EXEC_COLUMNS EXEC_FROM
                  "WHERE e.thing_name = ?1 AND e.job_id = ?2 AND (?3 < 0 OR e.execution_number = ?3) "
                  "ORDER BY e.execution_number DESC LIMIT 1",
                  error);
  if (stmt == NULL)
    return NULL;
  bind_text (stmt, 1, thing_name);
  bind_text (stmt, 2, job_id);
  sqlite3_bind_int64 (stmt, 3, number);

  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    return execution_from_row (self, stmt);
  if (rc != SQLITE_DONE)
    {
      set_db_error (self, rc, error);
      return NULL;
    }

  if (number >= 0)
    g_set_error (error, JD_SERVICE_ERROR, JD_SERVICE_ERROR_NOT_FOUND,
                 "Job execution number %" G_GINT64_FORMAT " of job %s on thing %s not found",
                 number, job_id, thing_name);
  else
    g_set_error (error, JD_SERVICE_ERROR, JD_SERVICE_ERROR_NOT_FOUND,
                 "No job execution of job %s exists on thing %s", job_id, thing_name);
  return NULL;
}

/* ---- transactions and change reports ---- */

typedef struct {
  char      *pending_key;
  char      *next_key;
  GPtrArray *executions;   /* every execution of the thing, when events are wanted */
} Snapshot;

static void
snapshot_free (gpointer data)
{
  Snapshot *snap = data;

  g_free (snap->pending_key);
  g_free (snap->next_key);
  g_clear_pointer (&snap->executions, g_ptr_array_unref);
  g_free (snap);
}

static void
event_free (gpointer data)
{
  JdStoreEvent *event = data;

  g_clear_pointer (&event->job, jd_store_job_free);
  g_clear_pointer (&event->execution, jd_store_execution_free);
  g_free (event);
}

static gboolean
events_wanted (JdStore *self)
{
  return g_signal_has_handler_pending (self, signals[JOBS_EVENTS], 0, TRUE);
}

static GPtrArray *
executions_of_thing (JdStore    *self,
                     const char *thing_name)
{
  const char *params[] = { thing_name };

  return query_executions (self, "SELECT " EXEC_COLUMNS EXEC_FROM "WHERE e.thing_name = ?1 ORDER BY e.seq",
                           params, 1, -1, NULL);
}

static JdStoreJob *find_job (JdStore     *self,
                             const char  *job_id,
                             GError     **error);

/* Records @job_id's state before the transaction changes it (events only). */
static void
touch_job (JdStore    *self,
           const char *job_id)
{
  JdStoreJob *job;

  g_assert (self->in_tx);
  if (!events_wanted (self) || g_hash_table_contains (self->touched_jobs, job_id))
    return;
  job = find_job (self, job_id, NULL);
  if (job != NULL)
    g_hash_table_insert (self->touched_jobs, g_strdup (job_id), job);
}

/* The pending set as sorted identities, and the identity of `$next`. */
static Snapshot *
take_snapshot (JdStore    *self,
               const char *thing_name)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) pending = pending_of (self, thing_name, &error);
  g_autoptr(GPtrArray) keys = g_ptr_array_new_with_free_func (g_free);
  Snapshot *snap = g_new0 (Snapshot, 1);
  GString *joined = g_string_new (NULL);

  if (pending == NULL)
    {
      g_debug ("cannot read the pending set of %s: %s", thing_name, error->message);
      pending = g_ptr_array_new_with_free_func ((GDestroyNotify) jd_store_execution_free);
    }

  for (guint i = 0; i < pending->len; i++)
    {
      JdStoreExecution *e = g_ptr_array_index (pending, i);

      g_ptr_array_add (keys, g_strdup_printf ("%s#%" G_GINT64_FORMAT, e->job_id, e->execution_number));
    }
  if (keys->len > 0)
    snap->next_key = g_strdup (g_ptr_array_index (keys, 0));
  g_ptr_array_sort (keys, compare_strings);
  for (guint i = 0; i < keys->len; i++)
    {
      g_string_append (joined, g_ptr_array_index (keys, i));
      g_string_append_c (joined, '\n');
    }
  snap->pending_key = g_string_free (joined, FALSE);
  return snap;
}

/* Records @thing_name's state before the transaction changes it. */
static void
touch (JdStore    *self,
       const char *thing_name)
{
  Snapshot *snap;

  g_assert (self->in_tx);
  if (g_hash_table_contains (self->touched, thing_name))
    return;

  snap = take_snapshot (self, thing_name);
  if (events_wanted (self))
    {
      snap->executions = executions_of_thing (self, thing_name);
      for (guint i = 0; snap->executions != NULL && i < snap->executions->len; i++)
        touch_job (self, ((JdStoreExecution *) g_ptr_array_index (snap->executions, i))->job_id);
    }
  g_hash_table_insert (self->touched, g_strdup (thing_name), snap);
}

static gboolean
tx_begin (JdStore  *self,
          GError  **error)
{
  g_assert (!self->in_tx);
  if (!exec_cached (self, "BEGIN IMMEDIATE", error))
    return FALSE;
  self->in_tx = TRUE;
  g_hash_table_remove_all (self->touched);
  g_hash_table_remove_all (self->touched_jobs);
  return TRUE;
}

static void
tx_rollback (JdStore *self)
{
  if (!self->in_tx)
    return;
  sqlite3_exec (self->db, "ROLLBACK", NULL, NULL, NULL);
  self->in_tx = FALSE;
  g_hash_table_remove_all (self->touched);
  g_hash_table_remove_all (self->touched_jobs);
}

static const char *
execution_operation (JdExecutionStatus status)
{
  switch (status)
    {
    case JD_EXECUTION_STATUS_SUCCEEDED: return "succeeded";
    case JD_EXECUTION_STATUS_FAILED: return "failed";
    case JD_EXECUTION_STATUS_REJECTED: return "rejected";
    case JD_EXECUTION_STATUS_CANCELED: return "canceled";
    case JD_EXECUTION_STATUS_TIMED_OUT: return "timed_out";
    case JD_EXECUTION_STATUS_REMOVED: return "removed";
    case JD_EXECUTION_STATUS_QUEUED:
    case JD_EXECUTION_STATUS_IN_PROGRESS:
    default:
      return NULL;
    }
}

/* The fleet events of the committed transaction: executions that reached a
 * terminal status or were deleted, then jobs that completed, were canceled
 * or were deleted. */
static GPtrArray *
collect_events (JdStore    *self,
                GHashTable *before_things,
                GHashTable *before_jobs)
{
  GPtrArray *events = g_ptr_array_new_with_free_func (event_free);
  g_autoptr(GHashTable) deleted_jobs = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GPtrArray) job_events = g_ptr_array_new_with_free_func (event_free);
  GHashTableIter iter;
  gpointer key, value;

  g_hash_table_iter_init (&iter, before_jobs);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      JdStoreJob *old = value;
      g_autoptr(JdStoreJob) now = find_job (self, key, NULL);
      JdStoreEvent *event = NULL;

      if (now == NULL)
        {
          event = g_new0 (JdStoreEvent, 1);
          event->operation = "deleted";
          event->job = g_steal_pointer (&old);
          g_hash_table_iter_steal (&iter);
          g_hash_table_add (deleted_jobs, event->job->job_id);
          g_free (key);
        }
      else if (now->status != old->status
               && (now->status == JD_JOB_STATUS_COMPLETED || now->status == JD_JOB_STATUS_CANCELED))
        {
          event = g_new0 (JdStoreEvent, 1);
          event->operation = now->status == JD_JOB_STATUS_COMPLETED ? "completed" : "canceled";
          event->job = g_steal_pointer (&now);
        }
      if (event != NULL)
        {
          event->kind = JD_STORE_EVENT_JOB;
          g_ptr_array_add (job_events, event);
        }
    }

  g_hash_table_iter_init (&iter, before_things);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      Snapshot *old = value;
      g_autoptr(GPtrArray) now = NULL;

      if (old->executions == NULL)
        continue;
      now = executions_of_thing (self, key);
      for (guint i = 0; now != NULL && i < old->executions->len; i++)
        {
          JdStoreExecution *before = g_ptr_array_index (old->executions, i);
          JdStoreExecution *after = NULL;
          JdStoreEvent *event;

          for (guint j = 0; j < now->len && after == NULL; j++)
            {
              JdStoreExecution *candidate = g_ptr_array_index (now, j);

              if (strcmp (candidate->job_id, before->job_id) == 0
                  && candidate->execution_number == before->execution_number)
                after = candidate;
            }

          if (after == NULL && !g_hash_table_contains (deleted_jobs, before->job_id))
            {
              event = g_new0 (JdStoreEvent, 1);
              event->operation = "deleted";
              event->execution = jd_store_execution_copy (before);
            }
          else if (after != NULL && after->status != before->status && execution_operation (after->status) != NULL)
            {
              event = g_new0 (JdStoreEvent, 1);
              event->operation = execution_operation (after->status);
              event->execution = jd_store_execution_copy (after);
            }
          else
            continue;

          event->kind = JD_STORE_EVENT_JOB_EXECUTION;
          g_ptr_array_add (events, event);
        }
    }

  g_ptr_array_extend_and_steal (events, g_steal_pointer (&job_events));
  return events;
}

static void schedule_timer (JdStore *self);

/* Completes SNAPSHOT jobs whose executions are all terminal, commits, and
 * reports what changed for each touched thing. */
static gboolean
tx_commit_full (JdStore   *self,
                gboolean   may_end_executions,
                gboolean   may_move_deadlines,
                GError   **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autoptr(GPtrArray) changes = NULL;
  g_autoptr(GHashTable) before = NULL;
  g_autoptr(GHashTable) before_jobs = NULL;
  g_autoptr(GPtrArray) events = NULL;
  GHashTableIter iter;
  gpointer key, value;

  g_assert (self->in_tx);

  /* A transaction that ended or removed no execution completes no job. */
  if (may_end_executions)
    {
      stmt = prepare (self,
                      "UPDATE jobs SET status = 'COMPLETED', completed_at = ?1, last_updated_at = ?1 "
                      "WHERE status = 'IN_PROGRESS' AND target_selection = 'SNAPSHOT' AND NOT EXISTS "
                      "(SELECT 1 FROM executions e WHERE e.job_id = jobs.job_id "
                      " AND e.status IN ('QUEUED', 'IN_PROGRESS'))",
                      error);
      if (stmt == NULL)
        {
          tx_rollback (self);
          return FALSE;
        }
      sqlite3_bind_int64 (stmt, 1, jd_store_now (self));
      if (!step_done (self, stmt, error))
        {
          tx_rollback (self);
          return FALSE;
        }
    }

  if (!exec_cached (self, "COMMIT", error))
    {
      tx_rollback (self);
      return FALSE;
    }
  self->in_tx = FALSE;

  /* Nothing touched (a progress update): nothing to compare or report. */
  if (g_hash_table_size (self->touched) == 0 && g_hash_table_size (self->touched_jobs) == 0)
    {
      if (may_move_deadlines)
        schedule_timer (self);
      return TRUE;
    }

  before = g_steal_pointer (&self->touched);
  self->touched = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, snapshot_free);
  before_jobs = g_steal_pointer (&self->touched_jobs);
  self->touched_jobs = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                              (GDestroyNotify) jd_store_job_free);
  if (g_hash_table_size (before_jobs) > 0 || events_wanted (self))
    events = collect_events (self, before, before_jobs);

  changes = g_ptr_array_new_with_free_func (thing_change_free);
  g_hash_table_iter_init (&iter, before);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      Snapshot *old = value;
      Snapshot *now = take_snapshot (self, key);
      JdStoreThingChange *change;

      change = g_new0 (JdStoreThingChange, 1);
      change->thing_name = g_strdup (key);
      change->pending_changed = g_strcmp0 (old->pending_key, now->pending_key) != 0;
      change->next_changed = g_strcmp0 (old->next_key, now->next_key) != 0;
      snapshot_free (now);

      if (change->pending_changed || change->next_changed)
        g_ptr_array_add (changes, change);
      else
        thing_change_free (change);
    }

  schedule_timer (self);

  if (changes->len > 0)
    {
      g_ptr_array_sort (changes, compare_changes);
      g_signal_emit (self, signals[THINGS_CHANGED], 0, changes);
    }
  if (events != NULL && events->len > 0)
    g_signal_emit (self, signals[JOBS_EVENTS], 0, events);

  return TRUE;
}

static gboolean
tx_commit (JdStore  *self,
           GError  **error)
{
  return tx_commit_full (self, TRUE, TRUE, error);
}

/* ---- timers ---- */

static gboolean
timer_fired_cb (gpointer data)
{
  JdStore *self = data;
  g_autoptr(GError) error = NULL;
  g_autoptr(sqlite3_stmt) select = NULL;
  g_autoptr(sqlite3_stmt) update = NULL;
  gint64 now = now_ms ();
  int rc;

  g_clear_pointer (&self->timer, g_source_unref);

  if (!tx_begin (self, &error))
    goto out;

  select = prepare (self,
                    "SELECT DISTINCT thing_name FROM executions WHERE status = 'IN_PROGRESS' AND "
                    "((step_deadline_ms > 0 AND step_deadline_ms <= ?1) OR "
                    " (progress_deadline_ms > 0 AND progress_deadline_ms <= ?1))",
                    &error);
  if (select == NULL)
    goto fail;
  sqlite3_bind_int64 (select, 1, now);
  while ((rc = sqlite3_step (select)) == SQLITE_ROW)
    touch (self, (const char *) sqlite3_column_text (select, 0));

  update = prepare (self,
                    "UPDATE executions SET status = 'TIMED_OUT', version_number = version_number + 1, "
                    "last_updated_at = ?2, step_deadline_ms = 0, progress_deadline_ms = 0 "
                    "WHERE status = 'IN_PROGRESS' AND "
                    "((step_deadline_ms > 0 AND step_deadline_ms <= ?1) OR "
                    " (progress_deadline_ms > 0 AND progress_deadline_ms <= ?1))",
                    &error);
  if (update == NULL)
    goto fail;
  sqlite3_bind_int64 (update, 1, now);
  sqlite3_bind_int64 (update, 2, jd_store_now (self));
  if (!step_done (self, update, &error))
    goto fail;

  g_clear_pointer (&select, stmt_release);
  g_clear_pointer (&update, stmt_release);
  if (!tx_commit (self, &error))
    goto out;
  return G_SOURCE_REMOVE;

fail:
  tx_rollback (self);
out:
  /* Try again a little later rather than spinning. */
  g_debug ("timing out executions failed: %s", error != NULL ? error->message : "?");
  if (self->timer == NULL)
    {
      self->timer = g_timeout_source_new (1000);
      g_source_set_callback (self->timer, timer_fired_cb, self, NULL);
      g_source_attach (self->timer, self->context);
    }
  return G_SOURCE_REMOVE;
}

static void
schedule_timer (JdStore *self)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  gint64 deadline;
  gint64 delay;

  if (self->timer != NULL)
    {
      g_source_destroy (self->timer);
      g_clear_pointer (&self->timer, g_source_unref);
    }

  stmt = prepare (self,
                  "SELECT MIN(CASE WHEN step_deadline_ms > 0 AND "
                  "  (progress_deadline_ms = 0 OR step_deadline_ms < progress_deadline_ms) "
                  "  THEN step_deadline_ms ELSE progress_deadline_ms END) "
                  "FROM executions WHERE status = 'IN_PROGRESS' AND "
                  "(step_deadline_ms > 0 OR progress_deadline_ms > 0)",
                  NULL);
  if (stmt == NULL || sqlite3_step (stmt) != SQLITE_ROW || sqlite3_column_type (stmt, 0) == SQLITE_NULL)
    return;

  deadline = sqlite3_column_int64 (stmt, 0);
  delay = MAX (0, deadline - now_ms ());
  self->timer = g_timeout_source_new ((guint) MIN (delay, (gint64) G_MAXUINT / 2));
  g_source_set_callback (self->timer, timer_fired_cb, self, NULL);
  g_source_set_name (self->timer, "[jobdeck] execution timers");
  g_source_attach (self->timer, self->context);
}

/* ---- GObject ---- */

static void
jd_store_finalize (GObject *object)
{
  JdStore *self = (JdStore *) object;

  if (self->timer != NULL)
    {
      g_source_destroy (self->timer);
      g_clear_pointer (&self->timer, g_source_unref);
    }
  g_clear_pointer (&self->context, g_main_context_unref);
  g_clear_pointer (&self->touched, g_hash_table_unref);
  g_clear_pointer (&self->touched_jobs, g_hash_table_unref);
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
    }
  g_free (self->path);

  G_OBJECT_CLASS (jd_store_parent_class)->finalize (object);
}

static void
jd_store_class_init (JdStoreClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = jd_store_finalize;

  /**
   * JdStore::things-changed:
   * @changes: (element-type JdStoreThingChange): one entry per thing whose
   *   pending set or `$next` execution changed, sorted by thing name
   *
   * Emitted after a transaction commits.
   */
  signals[THINGS_CHANGED] =
    g_signal_new ("things-changed",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_PTR_ARRAY);

  /**
   * JdStore::jobs-events:
   * @events: (element-type JdStoreEvent): the fleet events of one commit,
   *   execution events first
   *
   * Emitted after a transaction commits, after ::things-changed, when
   * executions reached a terminal status or were deleted, or jobs completed,
   * were canceled or deleted. Only computed while a handler is connected.
   */
  signals[JOBS_EVENTS] =
    g_signal_new ("jobs-events",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_PTR_ARRAY);
}

static void
jd_store_init (JdStore *self)
{
  const char *scale = g_getenv ("JOBDECK_TIME_SCALE");

  self->touched = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, snapshot_free);
  self->touched_jobs = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                              (GDestroyNotify) jd_store_job_free);
  self->stmts = g_hash_table_new_full (NULL, NULL, NULL, (GDestroyNotify) sqlite3_finalize);
  self->stmt_keys = g_hash_table_new (NULL, NULL);
  self->time_scale = 1.0;
  self->request_rate = JD_STORE_DEFAULT_REQUEST_RATE;
  for (guint i = 0; i < G_N_ELEMENTS (self->tokens); i++)
    self->tokens[i] = self->request_rate;
  if (scale != NULL)
    {
      double value = g_ascii_strtod (scale, NULL);

      if (value > 0.0 && isfinite (value))
        self->time_scale = value;
    }
}

static gboolean
migrate (JdStore  *self,
         GError  **error)
{
  g_autoptr(sqlite3_stmt) stmt = prepare (self, "PRAGMA user_version", error);
  gint64 version;

  if (stmt == NULL || sqlite3_step (stmt) != SQLITE_ROW)
    return stmt == NULL ? FALSE : set_db_error (self, sqlite3_errcode (self->db), error);
  version = sqlite3_column_int64 (stmt, 0);
  g_clear_pointer (&stmt, stmt_release);

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

      if (!exec_sql (self, "BEGIN IMMEDIATE", error))
        return FALSE;
      if (!exec_sql (self, migrations[v], error) || !exec_sql (self, bump, error)
          || !exec_sql (self, "COMMIT", error))
        {
          sqlite3_exec (self->db, "ROLLBACK", NULL, NULL, NULL);
          return FALSE;
        }
    }

  return TRUE;
}

/**
 * jd_store_open:
 * @path: a database file (created if missing) or ":memory:"
 * @error: return location for a #JD_SERVICE_ERROR
 *
 * Opens the store, migrating its schema to the current version, and arms the
 * timers of running executions on the thread-default main context.
 *
 * Returns: (transfer full): the store, or %NULL
 */
JdStore *
jd_store_open (const char  *path,
               GError     **error)
{
  g_autoptr(JdStore) self = NULL;
  int rc;

  g_return_val_if_fail (path != NULL, NULL);

  self = g_object_new (JD_TYPE_STORE, NULL);
  self->path = g_strdup (path);
  self->context = g_main_context_ref_thread_default ();

  rc = sqlite3_open_v2 (path, &self->db,
                        SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX, NULL);
  if (rc != SQLITE_OK)
    {
      g_set_error (error, JD_SERVICE_ERROR, JD_SERVICE_ERROR_STORAGE,
                   "Cannot open the jobs database %s: %s.", path,
                   self->db != NULL ? sqlite3_errmsg (self->db) : sqlite3_errstr (rc));
      return NULL;
    }

  G_LOCK (stores);
  if (stores == NULL)
    stores = g_hash_table_new (NULL, NULL);
  g_hash_table_insert (stores, self->db, self);
  G_UNLOCK (stores);

  sqlite3_busy_timeout (self->db, 5000);
  if (strcmp (path, ":memory:") != 0 && !exec_sql (self, "PRAGMA journal_mode = WAL", error))
    return NULL;
  if (!exec_sql (self, "PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON", error))
    return NULL;
  if (!migrate (self, error))
    return NULL;

  schedule_timer (self);

  return g_steal_pointer (&self);
}

/* ---- things ---- */

static JdStoreThing *
find_thing (JdStore     *self,
            const char  *thing_name,
            GError     **error)
{
  g_autoptr(sqlite3_stmt) stmt =
    prepare (self, "SELECT name, thing_id, thing_type, attributes, version FROM things WHERE name = ?1", error);
  int rc;

  if (stmt == NULL)
    return NULL;
  bind_text (stmt, 1, thing_name);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    return thing_from_row (stmt);
  if (rc != SQLITE_DONE)
    set_db_error (self, rc, error);
  else
    g_set_error (error, JD_SERVICE_ERROR, JD_SERVICE_ERROR_NOT_FOUND,
                 "Thing %s cannot be found.", thing_name);
  return NULL;
}

JdStoreThing *
jd_store_create_thing (JdStore     *self,
                       const char  *thing_name,
                       const char  *thing_type_name,
                       JsonObject  *attributes,
                       gboolean    *created,
                       GError     **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autofree char *attributes_text = NULL;
  g_autofree char *thing_id = NULL;
  g_autoptr(sqlite3_stmt) stmt = NULL;
  JdStoreThing *existing;

  g_return_val_if_fail (JD_IS_STORE (self), NULL);
  g_return_val_if_fail (thing_name != NULL, NULL);

  if (created != NULL)
    *created = FALSE;

  attributes_text = object_to_text (attributes);

  if (!tx_begin (self, error))
    return NULL;

  existing = find_thing (self, thing_name, &local_error);
  if (existing != NULL)
    {
      g_autofree char *existing_text = object_to_text (existing->attributes);

      tx_rollback (self);
      if (g_strcmp0 (existing->thing_type_name, thing_type_name) == 0
          && strcmp (existing_text, attributes_text) == 0)
        return existing;

      jd_store_thing_free (existing);
      g_set_error (error, JD_SERVICE_ERROR, JD_SERVICE_ERROR_ALREADY_EXISTS,
                   "Thing %s already exists in account with different attributes", thing_name);
      return NULL;
    }
  if (!g_error_matches (local_error, JD_SERVICE_ERROR, JD_SERVICE_ERROR_NOT_FOUND))
    {
      tx_rollback (self);
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }

  thing_id = g_uuid_string_random ();
  stmt = prepare (self,
                  "INSERT INTO things (name, thing_id, thing_type, attributes, version, created_at) "
                  "VALUES (?1, ?2, ?3, ?4, 1, ?5)",
                  error);
  if (stmt == NULL)
    {
      tx_rollback (self);
      return NULL;
    }
  bind_text (stmt, 1, thing_name);
  bind_text (stmt, 2, thing_id);
  bind_text (stmt, 3, thing_type_name);
  bind_text (stmt, 4, attributes_text);
  sqlite3_bind_int64 (stmt, 5, jd_store_now (self));
  if (!step_done (self, stmt, error))
    {
      tx_rollback (self);
      return NULL;
    }
  g_clear_pointer (&stmt, stmt_release);

  if (!tx_commit (self, error))
    return NULL;

  if (created != NULL)
    *created = TRUE;
  return jd_store_get_thing (self, thing_name, error);
}

JdStoreThing *
jd_store_get_thing (JdStore     *self,
                    const char  *thing_name,
                    GError     **error)
{
  g_return_val_if_fail (JD_IS_STORE (self), NULL);
  g_return_val_if_fail (thing_name != NULL, NULL);

  return find_thing (self, thing_name, error);
}

GPtrArray *
jd_store_list_things (JdStore     *self,
                      const char  *after,
                      guint        limit,
                      const char  *attribute_name,
                      const char  *attribute_value,
                      const char  *thing_type_name,
                      gboolean    *more,
                      GError     **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autoptr(GPtrArray) result = g_ptr_array_new_with_free_func ((GDestroyNotify) jd_store_thing_free);
  int rc;

  g_return_val_if_fail (JD_IS_STORE (self), NULL);

  stmt = prepare (self,
                  "SELECT name, thing_id, thing_type, attributes, version FROM things "
                  "WHERE (?1 IS NULL OR name > ?1) AND (?2 IS NULL OR thing_type = ?2) "
                  "AND (?3 IS NULL OR json_extract(attributes, '$.\"' || ?3 || '\"') IS NOT NULL) "
                  "AND (?4 IS NULL OR json_extract(attributes, '$.\"' || ?3 || '\"') = ?4) "
                  "ORDER BY name LIMIT ?5",
                  error);
  if (stmt == NULL)
    return NULL;
  bind_text (stmt, 1, after);
  bind_text (stmt, 2, thing_type_name);
  bind_text (stmt, 3, attribute_name);
  bind_text (stmt, 4, attribute_name != NULL ? attribute_value : NULL);
  sqlite3_bind_int64 (stmt, 5, (gint64) limit + 1);

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_ptr_array_add (result, thing_from_row (stmt));
  if (rc != SQLITE_DONE)
    {
      set_db_error (self, rc, error);
      return NULL;
    }

  if (more != NULL)
    *more = result->len > limit;
  if (result->len > limit)
    g_ptr_array_set_size (result, limit);
  return g_steal_pointer (&result);
}

/* Moves @thing_name's pending executions (or only those of @job_id) to
 * @status, bumping their versions and stopping their timers. */
static gboolean
end_pending (JdStore      *self,
             const char   *thing_name,
             const char   *job_id,
             gboolean      include_in_progress,
             JdExecutionStatus  status,
             gboolean      force_canceled,
             GError      **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;

  stmt = prepare (self,
                  "UPDATE executions SET status = ?1, version_number = version_number + 1, "
                  "last_updated_at = ?2, step_deadline_ms = 0, progress_deadline_ms = 0, "
                  "force_canceled = (force_canceled OR (?6 AND status = 'IN_PROGRESS')) "
                  "WHERE (?3 IS NULL OR thing_name = ?3) AND (?4 IS NULL OR job_id = ?4) "
                  "AND (status = 'QUEUED' OR (?5 AND status = 'IN_PROGRESS'))",
                  error);
  if (stmt == NULL)
    return FALSE;
  bind_text (stmt, 1, jd_execution_status_to_string (status));
  sqlite3_bind_int64 (stmt, 2, jd_store_now (self));
  bind_text (stmt, 3, thing_name);
  bind_text (stmt, 4, job_id);
  sqlite3_bind_int (stmt, 5, include_in_progress);
  sqlite3_bind_int (stmt, 6, force_canceled);
  return step_done (self, stmt, error);
}

/* Touches every thing with a pending execution of @job_id. */
static gboolean
touch_things_of_job (JdStore     *self,
                     const char  *job_id,
                     GError     **error)
{
  g_autoptr(sqlite3_stmt) stmt =
    prepare (self, "SELECT DISTINCT thing_name FROM executions WHERE job_id = ?1 "
                   "AND status IN ('QUEUED', 'IN_PROGRESS')", error);
  int rc;

  if (stmt == NULL)
    return FALSE;
  bind_text (stmt, 1, job_id);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    touch (self, (const char *) sqlite3_column_text (stmt, 0));
  if (rc != SQLITE_DONE)
    return set_db_error (self, rc, error);
  return TRUE;
}

gboolean
jd_store_delete_thing (JdStore     *self,
                       const char  *thing_name,
                       gint64       expected_version,
                       GError     **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autoptr(sqlite3_stmt) stmt = NULL;
  JdStoreThing *thing;

  g_return_val_if_fail (JD_IS_STORE (self), FALSE);
  g_return_val_if_fail (thing_name != NULL, FALSE);

  if (!tx_begin (self, error))
    return FALSE;

  thing = find_thing (self, thing_name, &local_error);
  if (thing == NULL)
    {
      tx_rollback (self);
      if (g_error_matches (local_error, JD_SERVICE_ERROR, JD_SERVICE_ERROR_NOT_FOUND))
        return TRUE;
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  if (expected_version >= 0 && expected_version != thing->version)
    {
      g_set_error (error, JD_SERVICE_ERROR, JD_SERVICE_ERROR_VERSION_CONFLICT,
                   "The expected version %" G_GINT64_FORMAT " of thing %s does not match its version %" G_GINT64_FORMAT,
                   expected_version, thing_name, thing->version);
      jd_store_thing_free (thing);
      tx_rollback (self);
      return FALSE;
    }
  jd_store_thing_free (thing);

  touch (self, thing_name);
  if (!end_pending (self, thing_name, NULL, TRUE, JD_EXECUTION_STATUS_REMOVED, FALSE, error))
    {
      tx_rollback (self);
      return FALSE;
    }

  stmt = prepare (self, "DELETE FROM things WHERE name = ?1", error);
  if (stmt == NULL)
    {
      tx_rollback (self);
      return FALSE;
    }
  bind_text (stmt, 1, thing_name);
  if (!step_done (self, stmt, error))
    {
      tx_rollback (self);
      return FALSE;
    }
  g_clear_pointer (&stmt, stmt_release);

  return tx_commit (self, error);
}

/* ---- jobs ---- */

static gboolean
count_job_executions (JdStore     *self,
                      JdStoreJob  *job,
                      GError     **error)
{
  g_autoptr(sqlite3_stmt) stmt =
    prepare (self, "SELECT status, COUNT(*) FROM executions WHERE job_id = ?1 GROUP BY status", error);
  int rc;

  if (stmt == NULL)
    return FALSE;
  bind_text (stmt, 1, job->job_id);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      JdExecutionStatus status;
      gint64 n = sqlite3_column_int64 (stmt, 1);

      if ((status = jd_execution_status_from_string ((const char *) sqlite3_column_text (stmt, 0))) == JD_EXECUTION_STATUS_UNKNOWN)
        continue;
      switch (status)
        {
        case JD_EXECUTION_STATUS_QUEUED: job->n_queued = n; break;
        case JD_EXECUTION_STATUS_IN_PROGRESS: job->n_in_progress = n; break;
        case JD_EXECUTION_STATUS_SUCCEEDED: job->n_succeeded = n; break;
        case JD_EXECUTION_STATUS_FAILED: job->n_failed = n; break;
        case JD_EXECUTION_STATUS_TIMED_OUT: job->n_timed_out = n; break;
        case JD_EXECUTION_STATUS_REJECTED: job->n_rejected = n; break;
        case JD_EXECUTION_STATUS_REMOVED: job->n_removed = n; break;
        case JD_EXECUTION_STATUS_CANCELED: job->n_canceled = n; break;
        default: break;
        }
    }
  if (rc != SQLITE_DONE)
    return set_db_error (self, rc, error);
  return TRUE;
}

static JdStoreJob *
find_job (JdStore     *self,
          const char  *job_id,
          GError     **error)
{
  g_autoptr(sqlite3_stmt) stmt = prepare (self, "SELECT " JOB_COLUMNS "FROM jobs WHERE job_id = ?1", error);
  JdStoreJob *job;
  int rc;

  if (stmt == NULL)
    return NULL;
  bind_text (stmt, 1, job_id);
  rc = sqlite3_step (stmt);
  if (rc != SQLITE_ROW)
    {
      if (rc != SQLITE_DONE)
        set_db_error (self, rc, error);
      else
        g_set_error (error, JD_SERVICE_ERROR, JD_SERVICE_ERROR_NOT_FOUND,
                     "Job %s does not exist", job_id);
      return NULL;
    }

  job = job_from_row (stmt);
  if (!count_job_executions (self, job, error))
    {
      jd_store_job_free (job);
      return NULL;
    }
  return job;
}

JdStoreJob *
jd_store_create_job (JdStore              *self,
                     const JdStoreJobSpec *spec,
                     GError              **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autoptr(sqlite3_stmt) insert_job = NULL;
  g_autoptr(sqlite3_stmt) insert_exec = NULL;
  g_autofree char *targets_text = NULL;
  g_autoptr(JdStoreJob) existing = NULL;
  gint64 now;

  g_return_val_if_fail (JD_IS_STORE (self), NULL);
  g_return_val_if_fail (spec != NULL && spec->job_id != NULL, NULL);
  g_return_val_if_fail (spec->thing_names != NULL, NULL);

  if (!tx_begin (self, error))
    return NULL;

  existing = find_job (self, spec->job_id, &local_error);
  if (existing != NULL)
    {
      tx_rollback (self);
      g_set_error (error, JD_SERVICE_ERROR, JD_SERVICE_ERROR_ALREADY_EXISTS,
                   "Job %s already exists", spec->job_id);
      return NULL;
    }
  if (!g_error_matches (local_error, JD_SERVICE_ERROR, JD_SERVICE_ERROR_NOT_FOUND))
    {
      tx_rollback (self);
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }

  for (guint i = 0; spec->thing_names[i] != NULL; i++)
    {
      g_autoptr(JdStoreThing) thing = find_thing (self, spec->thing_names[i], error);

      if (thing == NULL)
        {
          tx_rollback (self);
          return NULL;
        }
    }

  now = jd_store_now (self);
  targets_text = strv_to_text (spec->targets != NULL ? spec->targets : spec->thing_names);
  insert_job = prepare (self,
                        "INSERT INTO jobs (job_id, status, target_selection, targets, description, document, "
                        "document_source, created_at, last_updated_at, in_progress_timeout) "
                        "VALUES (?1, 'IN_PROGRESS', ?2, ?3, ?4, ?5, ?6, ?7, ?7, ?8)",
                        error);
  if (insert_job == NULL)
    {
      tx_rollback (self);
      return NULL;
    }
  bind_text (insert_job, 1, spec->job_id);
  bind_text (insert_job, 2, spec->target_selection != NULL ? spec->target_selection : "SNAPSHOT");
  bind_text (insert_job, 3, targets_text);
  bind_text (insert_job, 4, spec->description);
  bind_text (insert_job, 5, spec->document != NULL ? spec->document : "");
  bind_text (insert_job, 6, spec->document_source);
  sqlite3_bind_int64 (insert_job, 7, now);
  sqlite3_bind_int64 (insert_job, 8, MAX (0, spec->in_progress_timeout_minutes));
  if (!step_done (self, insert_job, error))
    {
      tx_rollback (self);
      return NULL;
    }

  insert_exec = prepare (self,
                         "INSERT OR IGNORE INTO executions (job_id, thing_name, execution_number, status, "
                         "queued_at, last_updated_at, version_number) VALUES (?1, ?2, 1, 'QUEUED', ?3, ?3, 1)",
                         error);
  if (insert_exec == NULL)
    {
      tx_rollback (self);
      return NULL;
    }
  for (guint i = 0; spec->thing_names[i] != NULL; i++)
    {
      touch (self, spec->thing_names[i]);
      sqlite3_reset (insert_exec);
      bind_text (insert_exec, 1, spec->job_id);
      bind_text (insert_exec, 2, spec->thing_names[i]);
      sqlite3_bind_int64 (insert_exec, 3, now);
      if (!step_done (self, insert_exec, error))
        {
          tx_rollback (self);
          return NULL;
        }
    }
  g_clear_pointer (&insert_job, stmt_release);
  g_clear_pointer (&insert_exec, stmt_release);

  if (!tx_commit (self, error))
    return NULL;

  return find_job (self, spec->job_id, error);
}

JdStoreJob *
jd_store_get_job (JdStore     *self,
                  const char  *job_id,
                  GError     **error)
{
  g_return_val_if_fail (JD_IS_STORE (self), NULL);
  g_return_val_if_fail (job_id != NULL, NULL);

  return find_job (self, job_id, error);
}

GPtrArray *
jd_store_list_jobs (JdStore     *self,
                    const char  *status,
                    const char  *target_selection,
                    const char  *after,
                    guint        limit,
                    gboolean    *more,
                    GError     **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autoptr(GPtrArray) result = g_ptr_array_new_with_free_func ((GDestroyNotify) jd_store_job_free);
  int rc;

  g_return_val_if_fail (JD_IS_STORE (self), NULL);

  stmt = prepare (self,
                  "SELECT " JOB_COLUMNS "FROM jobs "
                  "WHERE (?1 IS NULL OR status = ?1) AND (?2 IS NULL OR target_selection = ?2) "
                  "AND seq > COALESCE((SELECT seq FROM jobs WHERE job_id = ?3), 0) "
                  "ORDER BY seq LIMIT ?4",
                  error);
  if (stmt == NULL)
    return NULL;
  bind_text (stmt, 1, status);
  bind_text (stmt, 2, target_selection);
  bind_text (stmt, 3, after);
  sqlite3_bind_int64 (stmt, 4, (gint64) limit + 1);

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_ptr_array_add (result, job_from_row (stmt));
  if (rc != SQLITE_DONE)
    {
      set_db_error (self, rc, error);
      return NULL;
    }

  if (more != NULL)
    *more = result->len > limit;
  if (result->len > limit)
    g_ptr_array_set_size (result, limit);
  return g_steal_pointer (&result);
}

JdStoreJob *
jd_store_cancel_job (JdStore     *self,
                     const char  *job_id,
                     gboolean     force,
                     const char  *reason_code,
                     const char  *comment,
                     GError     **error)
{
  g_autoptr(JdStoreJob) job = NULL;
  g_autoptr(sqlite3_stmt) stmt = NULL;

  g_return_val_if_fail (JD_IS_STORE (self), NULL);
  g_return_val_if_fail (job_id != NULL, NULL);

  if (!tx_begin (self, error))
    return NULL;

  job = find_job (self, job_id, error);
  if (job == NULL)
    {
      tx_rollback (self);
      return NULL;
    }
  if (job->status == JD_JOB_STATUS_COMPLETED || job->status == JD_JOB_STATUS_DELETION_IN_PROGRESS)
    {
      tx_rollback (self);
      g_set_error (error, JD_SERVICE_ERROR, JD_SERVICE_ERROR_INVALID_REQUEST,
                   "Job %s cannot be canceled in the %s state", job_id,
                   jd_job_status_to_string (job->status));
      return NULL;
    }

  touch_job (self, job_id);
  if (!touch_things_of_job (self, job_id, error)
      || !end_pending (self, NULL, job_id, force, JD_EXECUTION_STATUS_CANCELED, force, error))
    {
      tx_rollback (self);
      return NULL;
    }

  stmt = prepare (self,
                  "UPDATE jobs SET status = 'CANCELED', force_canceled = (force_canceled OR ?2), "
                  "reason_code = COALESCE(?3, reason_code), comment = COALESCE(?4, comment), "
                  "last_updated_at = ?5, completed_at = CASE WHEN completed_at = 0 THEN ?5 ELSE completed_at END "
                  "WHERE job_id = ?1",
                  error);
  if (stmt == NULL)
    {
      tx_rollback (self);
      return NULL;
    }
  bind_text (stmt, 1, job_id);
  sqlite3_bind_int (stmt, 2, force);
  bind_text (stmt, 3, reason_code);
  bind_text (stmt, 4, comment);
  sqlite3_bind_int64 (stmt, 5, jd_store_now (self));
  if (!step_done (self, stmt, error))
    {
      tx_rollback (self);
      return NULL;
    }
  g_clear_pointer (&stmt, stmt_release);

  if (!tx_commit (self, error))
    return NULL;

  return find_job (self, job_id, error);
}

gboolean
jd_store_delete_job (JdStore     *self,
                     const char  *job_id,
                     gboolean     force,
                     GError     **error)
{
  g_autoptr(JdStoreJob) job = NULL;
  g_autoptr(sqlite3_stmt) del_exec = NULL;
  g_autoptr(sqlite3_stmt) del_job = NULL;

  g_return_val_if_fail (JD_IS_STORE (self), FALSE);
  g_return_val_if_fail (job_id != NULL, FALSE);

  if (!tx_begin (self, error))
    return FALSE;

  job = find_job (self, job_id, error);
  if (job == NULL)
    {
      tx_rollback (self);
      return FALSE;
    }
  if ((job->status == JD_JOB_STATUS_IN_PROGRESS || job->status == JD_JOB_STATUS_SCHEDULED) && !force)
    {
      tx_rollback (self);
      g_set_error (error, JD_SERVICE_ERROR, JD_SERVICE_ERROR_INVALID_STATE_TRANSITION,
                   "Cannot delete job %s in state %s without force", job_id,
                   jd_job_status_to_string (job->status));
      return FALSE;
    }

  touch_job (self, job_id);
  if (!touch_things_of_job (self, job_id, error))
    {
      tx_rollback (self);
      return FALSE;
    }

  del_exec = prepare (self, "DELETE FROM executions WHERE job_id = ?1", error);
  del_job = prepare (self, "DELETE FROM jobs WHERE job_id = ?1", error);
  if (del_exec == NULL || del_job == NULL)
    {
      tx_rollback (self);
      return FALSE;
    }
  bind_text (del_exec, 1, job_id);
  bind_text (del_job, 1, job_id);
  if (!step_done (self, del_exec, error) || !step_done (self, del_job, error))
    {
      tx_rollback (self);
      return FALSE;
    }
  g_clear_pointer (&del_exec, stmt_release);
  g_clear_pointer (&del_job, stmt_release);

  return tx_commit (self, error);
}

/* ---- executions, control plane ---- */

JdStoreExecution *
jd_store_get_execution (JdStore     *self,
                        const char  *thing_name,
                        const char  *job_id,
                        gint64       execution_number,
                        GError     **error)
{
  g_return_val_if_fail (JD_IS_STORE (self), NULL);
  g_return_val_if_fail (thing_name != NULL && job_id != NULL, NULL);

  return find_execution (self, thing_name, job_id, execution_number, error);
}

static GPtrArray *
page (GPtrArray *items,
      guint      limit,
      gboolean  *more)
{
  if (items == NULL)
    return NULL;
  if (more != NULL)
    *more = items->len > limit;
  if (items->len > limit)
    g_ptr_array_set_size (items, limit);
  return items;
}

GPtrArray *
jd_store_list_executions_for_job (JdStore     *self,
                                  const char  *job_id,
                                  const char  *status,
                                  const char  *after,
                                  guint        limit,
                                  gboolean    *more,
                                  GError     **error)
{
  g_autoptr(JdStoreJob) job = NULL;
  const char *params[] = { job_id, status, after };

  g_return_val_if_fail (JD_IS_STORE (self), NULL);
  g_return_val_if_fail (job_id != NULL, NULL);

  job = find_job (self, job_id, error);
  if (job == NULL)
    return NULL;

  return page (query_executions (self,
                                 "SELECT " EXEC_COLUMNS EXEC_FROM
                                 "WHERE e.job_id = ?1 AND (?2 IS NULL OR e.status = ?2) "
                                 "AND (?3 IS NULL OR e.thing_name > ?3) "
                                 "ORDER BY e.thing_name, e.execution_number LIMIT ?4",
                                 params, 3, (gint64) limit + 1, error),
               limit, more);
}

GPtrArray *
jd_store_list_executions_for_thing (JdStore     *self,
                                    const char  *thing_name,
                                    const char  *status,
                                    const char  *job_id,
                                    const char  *after,
                                    guint        limit,
                                    gboolean    *more,
                                    GError     **error)
{
  const char *params[] = { thing_name, status, job_id, after };

  g_return_val_if_fail (JD_IS_STORE (self), NULL);
  g_return_val_if_fail (thing_name != NULL, NULL);

  return page (query_executions (self,
                                 "SELECT " EXEC_COLUMNS EXEC_FROM
                                 "WHERE e.thing_name = ?1 AND (?2 IS NULL OR e.status = ?2) "
                                 "AND (?3 IS NULL OR e.job_id = ?3) "
                                 "AND e.seq > COALESCE((SELECT MAX(seq) FROM executions "
                                 "  WHERE thing_name = ?1 AND job_id = ?4), 0) "
                                 "ORDER BY e.seq LIMIT ?5",
                                 params, 4, (gint64) limit + 1, error),
               limit, more);
}

/* Writes the mutable columns of @e back. */
static gboolean
save_execution (JdStore          *self,
                JdStoreExecution *e,
                gint64            step_deadline_ms,
                gint64            progress_deadline_ms,
                GError          **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autofree char *details = e->status_details != NULL ? object_to_text (e->status_details) : NULL;

  stmt = prepare (self,
                  "UPDATE executions SET status = ?4, status_details = ?5, started_at = ?6, "
                  "last_updated_at = ?7, version_number = ?8, force_canceled = ?9, "
                  "step_deadline_ms = CASE WHEN ?10 < 0 THEN step_deadline_ms ELSE ?10 END, "
                  "progress_deadline_ms = CASE WHEN ?11 < 0 THEN progress_deadline_ms ELSE ?11 END "
                  "WHERE thing_name = ?1 AND job_id = ?2 AND execution_number = ?3",
                  error);
  if (stmt == NULL)
    return FALSE;
  bind_text (stmt, 1, e->thing_name);
  bind_text (stmt, 2, e->job_id);
  sqlite3_bind_int64 (stmt, 3, e->execution_number);
  bind_text (stmt, 4, jd_execution_status_to_string (e->status));
  bind_text (stmt, 5, details);
  sqlite3_bind_int64 (stmt, 6, e->started_at);
  sqlite3_bind_int64 (stmt, 7, e->last_updated_at);
  sqlite3_bind_int64 (stmt, 8, e->version_number);
  sqlite3_bind_int (stmt, 9, e->force_canceled);
  sqlite3_bind_int64 (stmt, 10, step_deadline_ms);
  sqlite3_bind_int64 (stmt, 11, progress_deadline_ms);
  return step_done (self, stmt, error);
}

gboolean
jd_store_cancel_execution (JdStore     *self,
                           const char  *thing_name,
                           const char  *job_id,
                           gboolean     force,
                           gint64       expected_version,
                           JsonObject  *status_details,
                           GError     **error)
{
  g_autoptr(JdStoreExecution) e = NULL;

  g_return_val_if_fail (JD_IS_STORE (self), FALSE);
  g_return_val_if_fail (thing_name != NULL && job_id != NULL, FALSE);

  if (!tx_begin (self, error))
    return FALSE;

  e = find_execution (self, thing_name, job_id, -1, error);
  if (e == NULL)
    {
      tx_rollback (self);
      return FALSE;
    }
  if (expected_version >= 0 && expected_version != e->version_number)
    {
      tx_rollback (self);
      g_set_error (error, JD_SERVICE_ERROR, JD_SERVICE_ERROR_VERSION_CONFLICT,
                   "The expected version %" G_GINT64_FORMAT " does not match the job execution's version %" G_GINT64_FORMAT,
                   expected_version, e->version_number);
      return FALSE;
    }
  if (jd_execution_status_is_terminal (e->status) || (e->status == JD_EXECUTION_STATUS_IN_PROGRESS && !force))
    {
      tx_rollback (self);
      g_set_error (error, JD_SERVICE_ERROR, JD_SERVICE_ERROR_INVALID_STATE_TRANSITION,
                   "Cannot cancel the job execution of job %s on thing %s in state %s%s",
                   job_id, thing_name, jd_execution_status_to_string (e->status),
                   e->status == JD_EXECUTION_STATUS_IN_PROGRESS ? " without force" : "");
      return FALSE;
    }

  touch (self, thing_name);
  e->force_canceled = e->status == JD_EXECUTION_STATUS_IN_PROGRESS;
  e->status = JD_EXECUTION_STATUS_CANCELED;
  e->version_number++;
  e->last_updated_at = jd_store_now (self);
  if (status_details != NULL)
    {
      g_clear_pointer (&e->status_details, json_object_unref);
      e->status_details = json_object_ref (status_details);
    }
  if (!save_execution (self, e, 0, 0, error))
    {
      tx_rollback (self);
      return FALSE;
    }

  return tx_commit (self, error);
}

gboolean
jd_store_delete_execution (JdStore     *self,
                           const char  *thing_name,
                           const char  *job_id,
                           gint64       execution_number,
                           gboolean     force,
                           GError     **error)
{
  g_autoptr(JdStoreExecution) e = NULL;
  g_autoptr(sqlite3_stmt) stmt = NULL;

  g_return_val_if_fail (JD_IS_STORE (self), FALSE);
  g_return_val_if_fail (thing_name != NULL && job_id != NULL, FALSE);

  if (!tx_begin (self, error))
    return FALSE;

  e = find_execution (self, thing_name, job_id, execution_number, error);
  if (e == NULL)
    {
      tx_rollback (self);
      return FALSE;
    }
  if (!jd_execution_status_is_terminal (e->status) && !force)
    {
      tx_rollback (self);
      g_set_error (error, JD_SERVICE_ERROR, JD_SERVICE_ERROR_INVALID_STATE_TRANSITION,
                   "Cannot delete the job execution of job %s on thing %s in state %s without force",
                   job_id, thing_name, jd_execution_status_to_string (e->status));
      return FALSE;
    }

  touch (self, thing_name);
  stmt = prepare (self, "DELETE FROM executions WHERE thing_name = ?1 AND job_id = ?2 AND execution_number = ?3",
                  error);
  if (stmt == NULL)
    {
      tx_rollback (self);
      return FALSE;
    }
  bind_text (stmt, 1, thing_name);
  bind_text (stmt, 2, job_id);
  sqlite3_bind_int64 (stmt, 3, e->execution_number);
  if (!step_done (self, stmt, error))
    {
      tx_rollback (self);
      return FALSE;
    }
  g_clear_pointer (&stmt, stmt_release);

  return tx_commit (self, error);
}

/* ---- the device side ---- */

gboolean
jd_store_get_pending (JdStore     *self,
                      const char  *thing_name,
                      GPtrArray  **in_progress,
                      GPtrArray  **queued,
                      GError     **error)
{
  g_autoptr(GPtrArray) pending = NULL;
  g_autoptr(GPtrArray) running = g_ptr_array_new_with_free_func ((GDestroyNotify) jd_store_execution_free);
  g_autoptr(GPtrArray) waiting = g_ptr_array_new_with_free_func ((GDestroyNotify) jd_store_execution_free);

  g_return_val_if_fail (JD_IS_STORE (self), FALSE);
  g_return_val_if_fail (thing_name != NULL, FALSE);

  pending = pending_of (self, thing_name, error);
  if (pending == NULL)
    return FALSE;

  for (guint i = 0; i < pending->len; i++)
    {
      JdStoreExecution *e = g_ptr_array_index (pending, i);

      g_ptr_array_add (e->status == JD_EXECUTION_STATUS_IN_PROGRESS ? running : waiting, jd_store_execution_copy (e));
    }

  if (in_progress != NULL)
    *in_progress = g_steal_pointer (&running);
  if (queued != NULL)
    *queued = g_steal_pointer (&waiting);
  return TRUE;
}

JdStoreExecution *
jd_store_get_next (JdStore     *self,
                   const char  *thing_name,
                   GError     **error)
{
  g_autoptr(GPtrArray) pending = NULL;

  g_return_val_if_fail (JD_IS_STORE (self), NULL);
  g_return_val_if_fail (thing_name != NULL, NULL);

  pending = pending_of (self, thing_name, error);
  if (pending == NULL || pending->len == 0)
    return NULL;
  return g_ptr_array_steal_index (pending, 0);
}

/* Moves a QUEUED execution to IN_PROGRESS (start-next or an update). */
static void
begin_progress (JdStore          *self,
                JdStoreExecution *e,
                gint64           *progress_deadline_ms)
{
  g_autoptr(sqlite3_stmt) stmt =
    prepare (self, "SELECT in_progress_timeout FROM jobs WHERE job_id = ?1", NULL);

  e->status = JD_EXECUTION_STATUS_IN_PROGRESS;
  if (e->started_at == 0)
    e->started_at = jd_store_now (self);

  if (stmt != NULL)
    {
      bind_text (stmt, 1, e->job_id);
      if (sqlite3_step (stmt) == SQLITE_ROW && sqlite3_column_int64 (stmt, 0) > 0)
        *progress_deadline_ms = now_ms () + minutes_to_ms (self, sqlite3_column_int64 (stmt, 0));
    }
}

gboolean
jd_store_start_next (JdStore           *self,
                     const char        *thing_name,
                     JsonObject        *status_details,
                     gint64             step_timeout_minutes,
                     JdStoreExecution **execution,
                     GError           **error)
{
  g_autoptr(GPtrArray) pending = NULL;
  g_autoptr(GError) local_error = NULL;
  JdStoreExecution *e;
  gint64 step_deadline = -1;
  gint64 progress_deadline = -1;

  g_return_val_if_fail (JD_IS_STORE (self), FALSE);
  g_return_val_if_fail (thing_name != NULL, FALSE);
  g_return_val_if_fail (execution != NULL, FALSE);

  *execution = NULL;

  if (!tx_begin (self, error))
    return FALSE;

  touch (self, thing_name);
  pending = pending_of (self, thing_name, error);
  if (pending == NULL)
    {
      tx_rollback (self);
      return FALSE;
    }
  if (pending->len == 0)
    {
      tx_rollback (self);
      return TRUE;
    }

  e = g_ptr_array_index (pending, 0);
  if (e->status == JD_EXECUTION_STATUS_QUEUED)
    {
      begin_progress (self, e, &progress_deadline);
      e->version_number++;
      e->last_updated_at = jd_store_now (self);
      if (status_details != NULL)
        {
          g_clear_pointer (&e->status_details, json_object_unref);
          e->status_details = json_object_ref (status_details);
        }
      if (step_timeout_minutes > 0)
        step_deadline = now_ms () + minutes_to_ms (self, step_timeout_minutes);

      if (!save_execution (self, e, step_deadline, progress_deadline, error))
        {
          tx_rollback (self);
          return FALSE;
        }
    }

  if (!tx_commit (self, error))
    return FALSE;

  *execution = find_execution (self, thing_name, e->job_id, e->execution_number, &local_error);
  if (*execution == NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  return TRUE;
}

JdStoreExecution *
jd_store_update_execution (JdStore             *self,
                           const char          *thing_name,
                           const char          *job_id,
                           const JdStoreUpdate *update,
                           JdStoreExecution   **current,
                           GError             **error)
{
  g_autoptr(JdStoreExecution) e = NULL;
  gint64 step_deadline = -1;
  gint64 progress_deadline = -1;
  gboolean progress_only;

  g_return_val_if_fail (JD_IS_STORE (self), NULL);
  g_return_val_if_fail (thing_name != NULL && job_id != NULL && update != NULL, NULL);

  if (current != NULL)
    *current = NULL;

  if (update->status != JD_EXECUTION_STATUS_QUEUED && update->status != JD_EXECUTION_STATUS_IN_PROGRESS
      && update->status != JD_EXECUTION_STATUS_SUCCEEDED && update->status != JD_EXECUTION_STATUS_FAILED
      && update->status != JD_EXECUTION_STATUS_REJECTED)
    {
      g_set_error (error, JD_SERVICE_ERROR, JD_SERVICE_ERROR_INVALID_REQUEST,
                   "A device cannot set the status %s", jd_execution_status_to_string (update->status));
      return NULL;
    }

  if (!tx_begin (self, error))
    return NULL;

  e = find_execution (self, thing_name, job_id, update->execution_number, error);
  if (e == NULL)
    {
      tx_rollback (self);
      return NULL;
    }

  if (jd_execution_status_is_terminal (e->status) || update->status == JD_EXECUTION_STATUS_QUEUED)
    {
      tx_rollback (self);
      g_set_error (error, JD_SERVICE_ERROR, JD_SERVICE_ERROR_INVALID_STATE_TRANSITION,
                   "The job execution of job %s on thing %s cannot change from %s to %s",
                   job_id, thing_name, jd_execution_status_to_string (e->status),
                   jd_execution_status_to_string (update->status));
      if (current != NULL)
        *current = g_steal_pointer (&e);
      return NULL;
    }

  if (update->expected_version >= 0 && update->expected_version != e->version_number)
    {
      tx_rollback (self);
      g_set_error (error, JD_SERVICE_ERROR, JD_SERVICE_ERROR_VERSION_CONFLICT,
                   "The expected version %" G_GINT64_FORMAT " does not match the job execution's version %" G_GINT64_FORMAT,
                   update->expected_version, e->version_number);
      if (current != NULL)
        *current = g_steal_pointer (&e);
      return NULL;
    }

  /* A progress report (IN_PROGRESS → IN_PROGRESS) keeps the execution's
   * status and place (seq): the pending set and `$next` stay as they are,
   * and no execution ends, so there is no notify, no fleet event and no job
   * to complete; the snapshots before and after are skipped. */
  progress_only = e->status == JD_EXECUTION_STATUS_IN_PROGRESS
                  && update->status == JD_EXECUTION_STATUS_IN_PROGRESS;
  if (!progress_only)
    touch (self, thing_name);

  if (update->status == JD_EXECUTION_STATUS_IN_PROGRESS)
    {
      if (e->status == JD_EXECUTION_STATUS_QUEUED)
        begin_progress (self, e, &progress_deadline);
      if (update->step_timeout_minutes > 0)
        step_deadline = now_ms () + minutes_to_ms (self, update->step_timeout_minutes);
      else if (update->step_timeout_minutes < 0)
        step_deadline = 0;
    }
  else
    {
      e->status = update->status;
      step_deadline = 0;
      progress_deadline = 0;
    }

  e->version_number++;
  e->last_updated_at = jd_store_now (self);
  if (update->status_details != NULL)
    {
      g_clear_pointer (&e->status_details, json_object_unref);
      e->status_details = json_object_ref (update->status_details);
    }

  if (!save_execution (self, e, step_deadline, progress_deadline, error))
    {
      tx_rollback (self);
      return NULL;
    }

  /* Without a new step timeout, a progress report moves no deadline. */
  if (!tx_commit_full (self, !progress_only, !progress_only || step_deadline >= 0, error))
    return NULL;

  /* A progress report that moved no deadline changed only what @e already
   * holds (version, time, details; its timeout was read in this
   * transaction): no need to read the row back. */
  if (progress_only && step_deadline < 0)
    return g_steal_pointer (&e);

  return find_execution (self, thing_name, job_id, e->execution_number, error);
}

/* ---- rate limit ---- */

void
jd_store_set_request_rate (JdStore *self,
                           guint    per_second)
{
  g_return_if_fail (JD_IS_STORE (self));

  self->request_rate = per_second;
  for (guint i = 0; i < G_N_ELEMENTS (self->tokens); i++)
    {
      self->tokens[i] = per_second;
      self->refilled_at[i] = g_get_monotonic_time ();
    }
}

gboolean
jd_store_admit_request (JdStore *self,
                        guint    operation)
{
  gint64 now = g_get_monotonic_time ();
  double *tokens;

  g_return_val_if_fail (JD_IS_STORE (self), FALSE);
  g_return_val_if_fail (operation < G_N_ELEMENTS (self->tokens), FALSE);

  if (self->request_rate == 0)
    return TRUE;

  tokens = &self->tokens[operation];
  if (self->refilled_at[operation] != 0)
    *tokens = MIN ((double) self->request_rate,
                   *tokens + (double) (now - self->refilled_at[operation]) / G_USEC_PER_SEC * self->request_rate);
  self->refilled_at[operation] = now;

  if (*tokens < 1.0)
    return FALSE;
  *tokens -= 1.0;
  return TRUE;
}

/* ---- private (tests) ---- */

gboolean
jd_store_exec_for_test (JdStore     *self,
                        const char  *sql,
                        GError     **error)
{
  g_return_val_if_fail (JD_IS_STORE (self), FALSE);

  return exec_sql (self, sql, error);
}

double
jd_store_get_time_scale (JdStore *self)
{
  g_return_val_if_fail (JD_IS_STORE (self), 1.0);

  return self->time_scale;
}
