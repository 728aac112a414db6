/* jd-store-tx.c — JdStore's transaction guard and change reports: every
 * public call that writes is one `BEGIN IMMEDIATE` transaction held by a
 * JdStoreTx, rolled back when the guard goes out of scope uncommitted. Before
 * a transaction changes a thing (or a job) the store snapshots it; after the
 * commit it compares and emits ::things-changed and ::jobs-events. Inside
 * the worker's group transaction (jd-store-worker.c) the same guard is a
 * SAVEPOINT, released instead of committed; the group's COMMIT makes them
 * durable together.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#define G_LOG_DOMAIN "jd-store"

#include <string.h>

#include "jd-store-private.h"

typedef struct {
  char      *pending_key;
  char      *next_key;
  GPtrArray *executions;   /* every execution of the thing, when events are wanted */
} Snapshot;

void
_jd_store_snapshot_free (gpointer data)
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

static int
compare_strings (gconstpointer a,
                 gconstpointer b)
{
  return strcmp (*(const char *const *) a, *(const char *const *) b);
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
  g_free (change->notify_payload);
  g_free (change->notify_next_payload);
  g_free (change);
}

static gboolean
events_wanted (JdStore *self)
{
  return g_signal_has_handler_pending (self, jd_store_signals[JD_STORE_SIGNAL_JOBS_EVENTS], 0, TRUE);
}

/* Records @job_id's state before the transaction changes it (events only). */
void
_jd_store_touch_job (JdStore    *self,
                     const char *job_id)
{
  JdStoreJob *job;

  g_assert (self->in_tx);
  if (!events_wanted (self) || g_hash_table_contains (self->touched_jobs, job_id))
    return;
  job = _jd_store_find_job (self, job_id, NULL);
  if (job != NULL)
    g_hash_table_insert (self->touched_jobs, g_strdup (job_id), job);
}

/* The pending set as sorted identities, and the identity of `$next`. */
static Snapshot *
take_snapshot (JdStore    *self,
               const char *thing_name)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) pending = _jd_store_pending_of (self, thing_name, FALSE, &error);
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
void
_jd_store_touch (JdStore    *self,
                 const char *thing_name)
{
  Snapshot *snap;

  g_assert (self->in_tx);
  if (g_hash_table_contains (self->touched, thing_name))
    return;

  snap = take_snapshot (self, thing_name);
  if (events_wanted (self))
    {
      snap->executions = _jd_store_executions_of_thing (self, thing_name);
      for (guint i = 0; snap->executions != NULL && i < snap->executions->len; i++)
        _jd_store_touch_job (self, ((JdStoreExecution *) g_ptr_array_index (snap->executions, i))->job_id);
    }
  g_hash_table_insert (self->touched, g_strdup (thing_name), snap);
}

JdStoreTx *
_jd_store_tx_begin (JdStore  *self,
                    GError  **error)
{
  g_assert (!self->in_tx);
  if (!_jd_store_exec_cached (self, self->in_group ? "SAVEPOINT jd_call" : "BEGIN IMMEDIATE", error))
    return NULL;
  self->in_tx = TRUE;
  self->tx.store = self;
  g_hash_table_remove_all (self->touched);
  g_hash_table_remove_all (self->touched_jobs);
  return &self->tx;
}

void
_jd_store_tx_rollback (JdStoreTx *tx)
{
  JdStore *self;

  if (tx == NULL)
    return;
  self = tx->store;
  if (!self->in_tx)
    return;
  /* In a group: this call's changes go, the group's stay (when an error
   * already rolled the whole group back, these fail; the worker sees it). */
  if (self->in_group)
    sqlite3_exec (self->db, "ROLLBACK TO jd_call; RELEASE jd_call", NULL, NULL, NULL);
  else
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
      g_autoptr(JdStoreJob) now = _jd_store_find_job (self, key, NULL);
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
      now = _jd_store_executions_of_thing (self, key);
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

/* Completes the SNAPSHOT jobs whose executions have all ended (and the
 * CONTINUOUS ones whose schedule reached its endTime: README) — looking only
 * at the jobs this transaction created or ended an execution of (the
 * temporary table `ended_jobs`, filled by triggers: jd-store-db.c). */
static gboolean
complete_jobs (JdStore  *self,
               GError  **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;

  stmt = _jd_store_prepare (self,
                            "UPDATE jobs SET status = 'COMPLETED', completed_at = ?1, last_updated_at = ?1, "
                            "rollout_next_ms = 0 "
                            "WHERE job_id IN (SELECT job_id FROM temp.ended_jobs) "
                            "AND status = 'IN_PROGRESS' "
                            "AND (target_selection = 'SNAPSHOT' OR schedule_state = 3) AND NOT EXISTS "
                            "(SELECT 1 FROM executions e WHERE e.job_id = jobs.job_id "
                            " AND e.status IN ('QUEUED', 'IN_PROGRESS')) "
                            "AND NOT EXISTS (SELECT 1 FROM rollout_queue q WHERE q.job_id = jobs.job_id)",
                            error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, jd_store_now (self));
  if (!_jd_store_step_done (self, stmt, error))
    return FALSE;
  return _jd_store_exec_cached (self, "DELETE FROM temp.ended_jobs", error)
         && _jd_store_exec_cached (self, "DELETE FROM temp.failed_executions", error);
}

gboolean
_jd_store_tx_commit_full (JdStoreTx **tx,
                          gboolean    may_end_executions,
                          gboolean    may_move_deadlines,
                          GError    **error)
{
  g_autoptr(JdStoreTx) guard = g_steal_pointer (tx);
  JdStore *self = guard->store;
  g_autoptr(GPtrArray) changes = NULL;
  g_autoptr(GHashTable) before = NULL;
  g_autoptr(GHashTable) before_jobs = NULL;
  g_autoptr(GPtrArray) events = NULL;
  GHashTableIter iter;
  gpointer key, value;

  g_assert (self->in_tx);

  /* A transaction that ended or removed no execution completes no job (nor
   * retries, aborts or releases anything). */
  if (may_end_executions && (!_jd_store_apply_job_rules (self, error) || !complete_jobs (self, error)))
    return FALSE;
  if (!_jd_store_exec_cached (self, self->in_group ? "RELEASE jd_call" : "COMMIT", error))
    return FALSE;
  self->in_tx = FALSE;
  if (!self->in_group)
    self->n_commits++;

  /* Nothing touched (a progress update): nothing to compare or report. */
  if (g_hash_table_size (self->touched) == 0 && g_hash_table_size (self->touched_jobs) == 0)
    {
      if (may_move_deadlines)
        _jd_store_schedule_timer (self);
      return TRUE;
    }

  before = g_steal_pointer (&self->touched);
  self->touched = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, _jd_store_snapshot_free);
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
      _jd_store_snapshot_free (now);

      if (change->pending_changed || change->next_changed)
        g_ptr_array_add (changes, change);
      else
        thing_change_free (change);
    }

  _jd_store_schedule_timer (self);

  if (changes->len > 0)
    {
      g_ptr_array_sort (changes, compare_changes);
      _jd_store_emit (self, JD_STORE_SIGNAL_THINGS_CHANGED, changes);
    }
  if (events != NULL && events->len > 0)
    _jd_store_emit (self, JD_STORE_SIGNAL_JOBS_EVENTS, events);

  return TRUE;
}

gboolean
_jd_store_tx_commit (JdStoreTx **tx,
                     GError    **error)
{
  return _jd_store_tx_commit_full (tx, TRUE, TRUE, error);
}

/* ---- the worker's group transaction ---- */

/* FALSE (no group: each call commits alone) when the write lock cannot be
 * had now; the calls then meet the busy timeout one by one, as before. */
gboolean
_jd_store_group_begin (JdStore *self)
{
  g_autoptr(GError) error = NULL;

  g_assert (!self->in_tx && !self->in_group);
  if (!_jd_store_exec_cached (self, "BEGIN IMMEDIATE", &error))
    {
      g_debug ("no group transaction: %s", error->message);
      return FALSE;
    }
  self->in_group = TRUE;
  return TRUE;
}

/* Whether the group's transaction is still open: some errors (a full disk,
 * I/O) make SQLite roll back the whole transaction, not only the call's
 * savepoint. */
gboolean
_jd_store_group_alive (JdStore *self)
{
  return self->in_group && !self->in_tx && sqlite3_get_autocommit (self->db) == 0;
}

gboolean
_jd_store_group_commit (JdStore *self)
{
  g_autoptr(GError) error = NULL;

  g_assert (self->in_group && !self->in_tx);
  if (!self->commit_fails_for_test && _jd_store_exec_cached (self, "COMMIT", &error))
    {
      self->in_group = FALSE;
      self->n_commits++;
      return TRUE;
    }
  g_debug ("the group transaction did not commit: %s", error != NULL ? error->message : "test hook");
  return FALSE;
}

/* Rolls back what is left of a failed group (nothing if SQLite already
 * did) and leaves group mode. */
void
_jd_store_group_abandon (JdStore *self)
{
  if (sqlite3_get_autocommit (self->db) == 0)
    sqlite3_exec (self->db, "ROLLBACK", NULL, NULL, NULL);
  self->in_group = FALSE;
  self->in_tx = FALSE;
  g_hash_table_remove_all (self->touched);
  g_hash_table_remove_all (self->touched_jobs);
}

void
_jd_store_set_group_for_test (JdStore  *self,
                              gboolean  enabled,
                              gboolean  commit_fails)
{
  JD_STORE_LOCKED (self);
  self->group_disabled_for_test = !enabled;
  self->commit_fails_for_test = commit_fails;
}

guint
_jd_store_get_commits_for_test (JdStore *self)
{
  JD_STORE_LOCKED (self);
  return self->n_commits;
}
