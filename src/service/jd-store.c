/* jd-store.c — JdStore, the object: opening a store, its signals, the
 * records it hands out (executions, jobs, things) and how they are read from
 * rows, the device-API rate limit and the test hooks. The operations live in
 * jd-store-things.c, jd-store-jobs.c and jd-store-executions.c; the
 * connection in jd-store-db.c; transactions in jd-store-tx.c; timers in
 * jd-store-timers.c (see jd-store-private.h).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#define G_LOG_DOMAIN "jd-store"

#include <math.h>
#include <string.h>

#include "jd-store-private.h"

G_DEFINE_FINAL_TYPE (JdStore, jd_store, G_TYPE_OBJECT)

guint jd_store_signals[JD_STORE_N_SIGNALS];

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
  g_free (job->config);
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

/* ---- JSON text ---- */

static int
compare_strings (gconstpointer a,
                 gconstpointer b)
{
  return strcmp (*(const char *const *) a, *(const char *const *) b);
}

/* Serializes a string map with sorted keys, so equal maps give equal text. */
char *
_jd_store_object_to_text (JsonObject *object)
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

JsonObject *
_jd_store_object_from_text (const char *text)
{
  g_autoptr(JsonParser) parser = NULL;
  JsonNode *root;

  /* Most executions have no statusDetails: no parser for those. */
  if (text == NULL)
    return NULL;
  parser = json_parser_new ();
  if (!json_parser_load_from_data (parser, text, -1, NULL))
    return NULL;
  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    return NULL;
  return json_object_ref (json_node_get_object (root));
}

char *
_jd_store_strv_to_text (const char *const *strv)
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

char **
_jd_store_strv_from_text (const char *text)
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

/* ---- rows ---- */

JdStoreExecution *
_jd_store_execution_from_row (JdStore      *self,
                              sqlite3_stmt *stmt)
{
  JdStoreExecution *e = g_new0 (JdStoreExecution, 1);
  g_autofree char *status = _jd_store_column_text (stmt, 2);
  g_autofree char *details = _jd_store_column_text (stmt, 3);
  gint64 step = sqlite3_column_int64 (stmt, 10);
  gint64 progress = sqlite3_column_int64 (stmt, 11);

  e->job_id = _jd_store_column_text (stmt, 0);
  e->thing_name = _jd_store_column_text (stmt, 1);
  if ((e->status = jd_execution_status_from_string (status)) == JD_EXECUTION_STATUS_UNKNOWN)
    e->status = JD_EXECUTION_STATUS_QUEUED;
  e->status_details = _jd_store_object_from_text (details);
  e->queued_at = sqlite3_column_int64 (stmt, 4);
  e->started_at = sqlite3_column_int64 (stmt, 5);
  e->last_updated_at = sqlite3_column_int64 (stmt, 6);
  e->version_number = sqlite3_column_int64 (stmt, 7);
  e->execution_number = sqlite3_column_int64 (stmt, 8);
  e->force_canceled = sqlite3_column_int (stmt, 9) != 0;
  e->retry_attempt = sqlite3_column_int64 (stmt, 12);
  e->job_document = _jd_store_column_text (stmt, 13);
  e->seconds_before_timeout = -1;

  if (e->status == JD_EXECUTION_STATUS_IN_PROGRESS && (step > 0 || progress > 0))
    {
      gint64 deadline = step > 0 && (progress == 0 || step < progress) ? step : progress;
      gint64 left = MAX (0, deadline - _jd_store_deadline_clock_ms (self));

      e->seconds_before_timeout = (gint64) floor ((double) left / 1000.0 / self->time_scale);
    }

  return e;
}

JdStoreJob *
_jd_store_job_from_row (sqlite3_stmt *stmt)
{
  JdStoreJob *job = g_new0 (JdStoreJob, 1);
  g_autofree char *status = _jd_store_column_text (stmt, 1);
  g_autofree char *targets = _jd_store_column_text (stmt, 3);

  job->job_id = _jd_store_column_text (stmt, 0);
  if ((job->status = jd_job_status_from_string (status)) == JD_JOB_STATUS_UNKNOWN)
    job->status = JD_JOB_STATUS_IN_PROGRESS;
  job->target_selection = _jd_store_column_text (stmt, 2);
  job->targets = _jd_store_strv_from_text (targets);
  job->description = _jd_store_column_text (stmt, 4);
  job->document = _jd_store_column_text (stmt, 5);
  job->document_source = _jd_store_column_text (stmt, 6);
  job->force_canceled = sqlite3_column_int (stmt, 7) != 0;
  job->reason_code = _jd_store_column_text (stmt, 8);
  job->comment = _jd_store_column_text (stmt, 9);
  job->created_at = sqlite3_column_int64 (stmt, 10);
  job->last_updated_at = sqlite3_column_int64 (stmt, 11);
  job->completed_at = sqlite3_column_int64 (stmt, 12);
  job->in_progress_timeout_minutes = sqlite3_column_int64 (stmt, 13);
  job->config = _jd_store_column_text (stmt, 14);
  job->n_waiting = sqlite3_column_int64 (stmt, 15);
  return job;
}

JdStoreThing *
_jd_store_thing_from_row (sqlite3_stmt *stmt)
{
  JdStoreThing *thing = g_new0 (JdStoreThing, 1);
  g_autofree char *attributes = _jd_store_column_text (stmt, 3);

  thing->thing_name = _jd_store_column_text (stmt, 0);
  thing->thing_id = _jd_store_column_text (stmt, 1);
  thing->thing_type_name = _jd_store_column_text (stmt, 2);
  thing->attributes = _jd_store_object_from_text (attributes);
  if (thing->attributes == NULL)
    thing->attributes = json_object_new ();
  thing->version = sqlite3_column_int64 (stmt, 4);
  return thing;
}

/* Runs a query of executions with text parameters; NULL on a database error. */
GPtrArray *
_jd_store_query_executions (JdStore            *self,
                            const char         *sql,
                            const char *const  *params,
                            guint               n_params,
                            gint64              limit,
                            GError            **error)
                            {
                            g_autoptr(sqlite3_stmt) stmt = _jd_store_prepare (self, sql, error);
  g_autoptr(GPtrArray) result = g_ptr_array_new_with_free_func ((GDestroyNotify) jd_store_execution_free);
  int rc;

  if (stmt == NULL)
    return NULL;
  for (guint i = 0; i < n_params; i++)
    _jd_store_bind_text (stmt, (int) i + 1, params[i]);
  if (limit >= 0)
    sqlite3_bind_int64 (stmt, (int) n_params + 1, limit);

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_ptr_array_add (result, _jd_store_execution_from_row (self, stmt));
  if (rc != SQLITE_DONE)
    {
      _jd_store_set_db_error (self, rc, error);
      return NULL;
    }

  return g_steal_pointer (&result);
}

GPtrArray *
_jd_store_page (GPtrArray *items,
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

/* ---- GObject ---- */

static void
jd_store_finalize (GObject *object)
{
  JdStore *self = (JdStore *) object;

  _jd_store_worker_stop (self);
  _jd_store_stop_timer (self);
  g_clear_pointer (&self->calls, g_async_queue_unref);
  g_mutex_clear (&self->done_lock);
  g_clear_pointer (&self->context, g_main_context_unref);
  g_clear_pointer (&self->touched, g_hash_table_unref);
  g_clear_pointer (&self->touched_jobs, g_hash_table_unref);
  _jd_store_db_close (self);
  g_free (self->path);
  g_rec_mutex_clear (&self->lock);

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
  jd_store_signals[JD_STORE_SIGNAL_THINGS_CHANGED] =
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
  jd_store_signals[JD_STORE_SIGNAL_JOBS_EVENTS] =
    g_signal_new ("jobs-events",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_PTR_ARRAY);

  /**
   * JdStore::event-configurations-changed:
   * @types: (element-type utf8): the event types whose setting changed
   *
   * Emitted after UpdateEventConfigurations committed a change
   * (jd_store_update_event_configurations()).
   */
  jd_store_signals[JD_STORE_SIGNAL_EVENT_CONFIGURATIONS_CHANGED] =
    g_signal_new ("event-configurations-changed",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_PTR_ARRAY);
}

static void
jd_store_init (JdStore *self)
{
  const char *scale = g_getenv ("JOBDECK_TIME_SCALE");

  g_rec_mutex_init (&self->lock);
  self->calls = g_async_queue_new ();
  g_mutex_init (&self->done_lock);
  g_queue_init (&self->done);
  self->touched = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, _jd_store_snapshot_free);
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

  g_return_val_if_fail (path != NULL, NULL);

  self = g_object_new (JD_TYPE_STORE, NULL);
  self->path = g_strdup (path);
  self->context = g_main_context_ref_thread_default ();
  _jd_store_anchor_clock (self);

  if (!_jd_store_db_open (self, error))
    return NULL;

  _jd_store_schedule_timer (self);

  return g_steal_pointer (&self);
}

static void
open_in_thread (GTask        *task,
                gpointer      source_object,
                gpointer      task_data,
                GCancellable *cancellable)
{
  JdStore *self = task_data;
  GError *error = NULL;

  /* Nobody else sees the store yet: the file, its integrity check and
   * migrations are this thread's alone. */
  if (_jd_store_db_open (self, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

/**
 * jd_store_open_async:
 *
 * Like jd_store_open(), with the file's opening, integrity check and
 * migrations on a worker thread, so that the calling thread's main loop
 * never waits on the disk or on another process's lock. The timers are
 * armed on the calling thread's thread-default main context.
 */
void
jd_store_open_async (const char          *path,
                     GCancellable        *cancellable,
                     GAsyncReadyCallback  callback,
                     gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  JdStore *self;

  g_return_if_fail (path != NULL);

  self = g_object_new (JD_TYPE_STORE, NULL);
  self->path = g_strdup (path);
  self->context = g_main_context_ref_thread_default ();
  _jd_store_anchor_clock (self);

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, jd_store_open_async);
  g_task_set_task_data (task, self, g_object_unref);
  g_task_run_in_thread (task, open_in_thread);
}

/**
 * jd_store_open_finish:
 *
 * Returns: (transfer full): the store, or %NULL with @error
 */
JdStore *
jd_store_open_finish (GAsyncResult  *result,
                      GError       **error)
{
  JdStore *self;

  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);

  if (!g_task_propagate_boolean (G_TASK (result), error))
    return NULL;
  /* The task may outlive this call a little (the thread pool drops its
   * reference last): it lets go of the store now. */
  self = g_object_ref (g_task_get_task_data (G_TASK (result)));
  g_task_set_task_data (G_TASK (result), NULL, NULL);
  _jd_store_schedule_timer (self);
  return self;
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
  JD_STORE_LOCKED (self);
  g_return_val_if_fail (JD_IS_STORE (self), FALSE);

  return _jd_store_exec_sql (self, sql, error);
}

double
jd_store_get_time_scale (JdStore *self)
{
  g_return_val_if_fail (JD_IS_STORE (self), 1.0);

  return self->time_scale;
}
