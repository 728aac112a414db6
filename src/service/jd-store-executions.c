/* jd-store-executions.c — JdStore: job executions — the control plane's
 * (DescribeJobExecution, ListJobExecutionsForJob / ForThing, CancelJobExecution,
 * DeleteJobExecution) and the device side (GetPendingJobExecutions,
 * StartNextPendingJobExecution, UpdateJobExecution), with the execution
 * state machine, version numbers, the `$next` order and the timers' deadlines.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#define G_LOG_DOMAIN "jd-store"

#include <string.h>

#include "jd-store-private.h"

GPtrArray *
_jd_store_pending_of (JdStore     *self,
                      const char  *thing_name,
                      gboolean     with_document,
                      GError     **error)
{
  const char *params[] = { thing_name };

  if (with_document)
    return _jd_store_query_executions (self,
                                       "SELECT " JD_STORE_EXEC_DOC_COLUMNS
                                       "WHERE e.thing_name = ?1 AND e.status IN ('QUEUED', 'IN_PROGRESS')"
                                       JD_STORE_PENDING_ORDER,
                                       params, 1, -1, error);
  return _jd_store_query_executions (self,
                                     "SELECT " JD_STORE_EXEC_COLUMNS
                                     "WHERE e.thing_name = ?1 AND e.status IN ('QUEUED', 'IN_PROGRESS')"
                                     JD_STORE_PENDING_ORDER,
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

  stmt = _jd_store_prepare (self,
                            "SELECT " JD_STORE_EXEC_DOC_COLUMNS
                            "WHERE e.thing_name = ?1 AND e.job_id = ?2 AND (?3 < 0 OR e.execution_number = ?3) "
                            "ORDER BY e.execution_number DESC LIMIT 1",
                            error);
  if (stmt == NULL)
    return NULL;
  _jd_store_bind_text (stmt, 1, thing_name);
  _jd_store_bind_text (stmt, 2, job_id);
  sqlite3_bind_int64 (stmt, 3, number);

  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    return _jd_store_execution_from_row (self, stmt);
  if (rc != SQLITE_DONE)
    {
      _jd_store_set_db_error (self, rc, error);
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

GPtrArray *
_jd_store_executions_of_thing (JdStore    *self,
                               const char *thing_name)
{
  const char *params[] = { thing_name };

  return _jd_store_query_executions (self, "SELECT " JD_STORE_EXEC_COLUMNS "WHERE e.thing_name = ?1 ORDER BY e.seq",
                                     params, 1, -1, NULL);
}

/* Moves @thing_name's pending executions (or only those of @job_id) to
 * @status, bumping their versions and stopping their timers. */
gboolean
_jd_store_end_pending (JdStore      *self,
                       const char   *thing_name,
                       const char   *job_id,
                       gboolean      include_in_progress,
                       JdExecutionStatus  status,
                       gboolean      force_canceled,
                       GError      **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;

  stmt = _jd_store_prepare (self,
                            "UPDATE executions SET status = ?1, version_number = version_number + 1, "
                            "last_updated_at = ?2, step_deadline_ms = 0, progress_deadline_ms = 0, "
                            "force_canceled = (force_canceled OR (?6 AND status = 'IN_PROGRESS')) "
                            "WHERE (?3 IS NULL OR thing_name = ?3) AND (?4 IS NULL OR job_id = ?4) "
                            "AND (status = 'QUEUED' OR (?5 AND status = 'IN_PROGRESS'))",
                            error);
  if (stmt == NULL)
    return FALSE;
  _jd_store_bind_text (stmt, 1, jd_execution_status_to_string (status));
  sqlite3_bind_int64 (stmt, 2, jd_store_now (self));
  _jd_store_bind_text (stmt, 3, thing_name);
  _jd_store_bind_text (stmt, 4, job_id);
  sqlite3_bind_int (stmt, 5, include_in_progress);
  sqlite3_bind_int (stmt, 6, force_canceled);
  return _jd_store_step_done (self, stmt, error);
}

JdStoreExecution *
jd_store_get_execution (JdStore     *self,
                        const char  *thing_name,
                        const char  *job_id,
                        gint64       execution_number,
                        GError     **error)
{
  JD_STORE_LOCKED (self);
  g_return_val_if_fail (JD_IS_STORE (self), NULL);
  g_return_val_if_fail (thing_name != NULL && job_id != NULL, NULL);

  return find_execution (self, thing_name, job_id, execution_number, error);
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
  JD_STORE_LOCKED (self);
  const char *params[] = { job_id, status, after };

  g_return_val_if_fail (JD_IS_STORE (self), NULL);
  g_return_val_if_fail (job_id != NULL, NULL);

  /* Only whether the job exists: its targets and counters are not read. */
  if (!_jd_store_job_exists (self, job_id, error))
    return NULL;

  return _jd_store_page (_jd_store_query_executions (self,
                                                     "SELECT " JD_STORE_EXEC_COLUMNS
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
  JD_STORE_LOCKED (self);
  const char *params[] = { thing_name, status, job_id, after };

  g_return_val_if_fail (JD_IS_STORE (self), NULL);
  g_return_val_if_fail (thing_name != NULL, NULL);

  return _jd_store_page (_jd_store_query_executions (self,
                                                     "SELECT " JD_STORE_EXEC_COLUMNS
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
  g_autofree char *details = e->status_details != NULL ? _jd_store_object_to_text (e->status_details) : NULL;

  stmt = _jd_store_prepare (self,
                            "UPDATE executions SET status = ?4, status_details = ?5, started_at = ?6, "
                            "last_updated_at = ?7, version_number = ?8, force_canceled = ?9, "
                            "step_deadline_ms = CASE WHEN ?10 < 0 THEN step_deadline_ms ELSE ?10 END, "
                            "progress_deadline_ms = CASE WHEN ?11 < 0 THEN progress_deadline_ms ELSE ?11 END "
                            "WHERE thing_name = ?1 AND job_id = ?2 AND execution_number = ?3",
                            error);
  if (stmt == NULL)
    return FALSE;
  _jd_store_bind_text (stmt, 1, e->thing_name);
  _jd_store_bind_text (stmt, 2, e->job_id);
  sqlite3_bind_int64 (stmt, 3, e->execution_number);
  _jd_store_bind_text (stmt, 4, jd_execution_status_to_string (e->status));
  _jd_store_bind_text (stmt, 5, details);
  sqlite3_bind_int64 (stmt, 6, e->started_at);
  sqlite3_bind_int64 (stmt, 7, e->last_updated_at);
  sqlite3_bind_int64 (stmt, 8, e->version_number);
  sqlite3_bind_int (stmt, 9, e->force_canceled);
  sqlite3_bind_int64 (stmt, 10, step_deadline_ms);
  sqlite3_bind_int64 (stmt, 11, progress_deadline_ms);
  return _jd_store_step_done (self, stmt, error);
}

/* A progress report's write (IN_PROGRESS → IN_PROGRESS): only the columns
 * it changes, none indexed and not `status`, so SQLite touches no index
 * and runs no trigger (save_execution() sets every column and rewrites the
 * entries of four indexes); the step deadline only when it moves. */
static gboolean
save_progress (JdStore          *self,
               JdStoreExecution *e,
               gint64            step_deadline_ms,
               GError          **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autofree char *details = e->status_details != NULL ? _jd_store_object_to_text (e->status_details) : NULL;

  if (step_deadline_ms < 0)
    stmt = _jd_store_prepare (self,
                              "UPDATE executions SET status_details = ?4, last_updated_at = ?5, version_number = ?6 "
                              "WHERE thing_name = ?1 AND job_id = ?2 AND execution_number = ?3",
                              error);
  else
    stmt = _jd_store_prepare (self,
                              "UPDATE executions SET status_details = ?4, last_updated_at = ?5, version_number = ?6, "
                              "step_deadline_ms = ?7 "
                              "WHERE thing_name = ?1 AND job_id = ?2 AND execution_number = ?3",
                              error);
  if (stmt == NULL)
    return FALSE;
  _jd_store_bind_text (stmt, 1, e->thing_name);
  _jd_store_bind_text (stmt, 2, e->job_id);
  sqlite3_bind_int64 (stmt, 3, e->execution_number);
  _jd_store_bind_text (stmt, 4, details);
  sqlite3_bind_int64 (stmt, 5, e->last_updated_at);
  sqlite3_bind_int64 (stmt, 6, e->version_number);
  if (step_deadline_ms >= 0)
    sqlite3_bind_int64 (stmt, 7, step_deadline_ms);
  return _jd_store_step_done (self, stmt, error);
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
  JD_STORE_LOCKED (self);
  g_autoptr(JdStoreTx) tx = NULL;
  g_autoptr(JdStoreExecution) e = NULL;

  g_return_val_if_fail (JD_IS_STORE (self), FALSE);
  g_return_val_if_fail (thing_name != NULL && job_id != NULL, FALSE);

  tx = _jd_store_tx_begin (self, error);
  if (tx == NULL)
    return FALSE;

  e = find_execution (self, thing_name, job_id, -1, error);
  if (e == NULL)
    return FALSE;
  if (expected_version >= 0 && expected_version != e->version_number)
    {
      g_set_error (error, JD_SERVICE_ERROR, JD_SERVICE_ERROR_VERSION_CONFLICT,
                   "The expected version %" G_GINT64_FORMAT " does not match the job execution's version %" G_GINT64_FORMAT,
                   expected_version, e->version_number);
      return FALSE;
    }
  if (jd_execution_status_is_terminal (e->status) || (e->status == JD_EXECUTION_STATUS_IN_PROGRESS && !force))
    {
      g_set_error (error, JD_SERVICE_ERROR, JD_SERVICE_ERROR_INVALID_STATE_TRANSITION,
                   "Cannot cancel the job execution of job %s on thing %s in state %s%s",
                   job_id, thing_name, jd_execution_status_to_string (e->status),
                   e->status == JD_EXECUTION_STATUS_IN_PROGRESS ? " without force" : "");
      return FALSE;
    }

  _jd_store_touch (self, thing_name);
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
    return FALSE;

  return _jd_store_tx_commit (&tx, error);
}

gboolean
jd_store_delete_execution (JdStore     *self,
                           const char  *thing_name,
                           const char  *job_id,
                           gint64       execution_number,
                           gboolean     force,
                           GError     **error)
{
  JD_STORE_LOCKED (self);
  g_autoptr(JdStoreTx) tx = NULL;
  g_autoptr(JdStoreExecution) e = NULL;
  g_autoptr(sqlite3_stmt) stmt = NULL;

  g_return_val_if_fail (JD_IS_STORE (self), FALSE);
  g_return_val_if_fail (thing_name != NULL && job_id != NULL, FALSE);

  tx = _jd_store_tx_begin (self, error);
  if (tx == NULL)
    return FALSE;

  e = find_execution (self, thing_name, job_id, execution_number, error);
  if (e == NULL)
    return FALSE;
  if (!jd_execution_status_is_terminal (e->status) && !force)
    {
      g_set_error (error, JD_SERVICE_ERROR, JD_SERVICE_ERROR_INVALID_STATE_TRANSITION,
                   "Cannot delete the job execution of job %s on thing %s in state %s without force",
                   job_id, thing_name, jd_execution_status_to_string (e->status));
      return FALSE;
    }

  _jd_store_touch (self, thing_name);
  stmt = _jd_store_prepare (self, "DELETE FROM executions WHERE thing_name = ?1 AND job_id = ?2 AND execution_number = ?3",
                            error);
  if (stmt == NULL)
    return FALSE;
  _jd_store_bind_text (stmt, 1, thing_name);
  _jd_store_bind_text (stmt, 2, job_id);
  sqlite3_bind_int64 (stmt, 3, e->execution_number);
  if (!_jd_store_step_done (self, stmt, error))
    return FALSE;
  g_clear_pointer (&stmt, _jd_store_stmt_release);

  return _jd_store_tx_commit (&tx, error);
}

/* ---- the device side ---- */

gboolean
jd_store_get_pending (JdStore     *self,
                      const char  *thing_name,
                      GPtrArray  **in_progress,
                      GPtrArray  **queued,
                      GError     **error)
{
  return jd_store_get_pending_and_next (self, thing_name, in_progress, queued, NULL, error);
}

/* One query for what a thing's notify and notify-next both need: the
 * pending set (IN_PROGRESS, then QUEUED, each in queue order) and, when
 * @next is asked, the `$next` execution with its document (NULL when
 * nothing is pending). */
gboolean
jd_store_get_pending_and_next (JdStore           *self,
                               const char        *thing_name,
                               GPtrArray        **in_progress,
                               GPtrArray        **queued,
                               JdStoreExecution **next,
                               GError           **error)
{
  JD_STORE_LOCKED (self);
  g_autoptr(GPtrArray) pending = NULL;
  g_autoptr(GPtrArray) running = g_ptr_array_new_with_free_func ((GDestroyNotify) jd_store_execution_free);
  g_autoptr(GPtrArray) waiting = g_ptr_array_new_with_free_func ((GDestroyNotify) jd_store_execution_free);

  g_return_val_if_fail (JD_IS_STORE (self), FALSE);
  g_return_val_if_fail (thing_name != NULL, FALSE);

  if (next != NULL)
    *next = NULL;
  pending = _jd_store_pending_of (self, thing_name, next != NULL, error);
  if (pending == NULL)
    return FALSE;
  if (next != NULL && pending->len > 0)
    *next = jd_store_execution_copy (g_ptr_array_index (pending, 0));

  /* Moved, not copied: @pending is ours. */
  g_ptr_array_set_free_func (pending, NULL);
  for (guint i = 0; i < pending->len; i++)
    {
      JdStoreExecution *e = g_ptr_array_index (pending, i);

      g_ptr_array_add (e->status == JD_EXECUTION_STATUS_IN_PROGRESS ? running : waiting, e);
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
  JD_STORE_LOCKED (self);
  g_autoptr(GPtrArray) pending = NULL;

  g_return_val_if_fail (JD_IS_STORE (self), NULL);
  g_return_val_if_fail (thing_name != NULL, NULL);

  pending = _jd_store_pending_of (self, thing_name, TRUE, error);
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
    _jd_store_prepare (self, "SELECT in_progress_timeout FROM jobs WHERE job_id = ?1", NULL);

  e->status = JD_EXECUTION_STATUS_IN_PROGRESS;
  if (e->started_at == 0)
    e->started_at = jd_store_now (self);

  if (stmt != NULL)
    {
      _jd_store_bind_text (stmt, 1, e->job_id);
      if (sqlite3_step (stmt) == SQLITE_ROW && sqlite3_column_int64 (stmt, 0) > 0)
        *progress_deadline_ms = _jd_store_deadline_clock_ms (self) + _jd_store_minutes_to_ms (self, sqlite3_column_int64 (stmt, 0));
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
  JD_STORE_LOCKED (self);
  g_autoptr(JdStoreTx) tx = NULL;
  g_autoptr(GPtrArray) pending = NULL;
  g_autoptr(GError) local_error = NULL;
  JdStoreExecution *e;
  gint64 step_deadline = -1;
  gint64 progress_deadline = -1;

  g_return_val_if_fail (JD_IS_STORE (self), FALSE);
  g_return_val_if_fail (thing_name != NULL, FALSE);
  g_return_val_if_fail (execution != NULL, FALSE);

  *execution = NULL;

  tx = _jd_store_tx_begin (self, error);
  if (tx == NULL)
    return FALSE;

  _jd_store_touch (self, thing_name);
  pending = _jd_store_pending_of (self, thing_name, FALSE, error);
  if (pending == NULL)
    return FALSE;
  if (pending->len == 0)
    return TRUE;

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
        step_deadline = _jd_store_deadline_clock_ms (self) + _jd_store_minutes_to_ms (self, step_timeout_minutes);

      if (!save_execution (self, e, step_deadline, progress_deadline, error))
        return FALSE;
    }

  if (!_jd_store_tx_commit (&tx, error))
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
  JD_STORE_LOCKED (self);
  g_autoptr(JdStoreTx) tx = NULL;
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

  tx = _jd_store_tx_begin (self, error);
  if (tx == NULL)
    return NULL;

  e = find_execution (self, thing_name, job_id, update->execution_number, error);
  if (e == NULL)
    return NULL;

  if (jd_execution_status_is_terminal (e->status) || update->status == JD_EXECUTION_STATUS_QUEUED)
    {
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
    _jd_store_touch (self, thing_name);

  if (update->status == JD_EXECUTION_STATUS_IN_PROGRESS)
    {
      if (e->status == JD_EXECUTION_STATUS_QUEUED)
        begin_progress (self, e, &progress_deadline);
      if (update->step_timeout_minutes > 0)
        step_deadline = _jd_store_deadline_clock_ms (self) + _jd_store_minutes_to_ms (self, update->step_timeout_minutes);
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

  if (progress_only ? !save_progress (self, e, step_deadline, error)
                    : !save_execution (self, e, step_deadline, progress_deadline, error))
    return NULL;

  /* Without a new step timeout, a progress report moves no deadline. */
  if (!_jd_store_tx_commit_full (&tx, !progress_only, !progress_only || step_deadline >= 0, error))
    return NULL;

  /* A progress report that moved no deadline changed only what @e already
   * holds (version, time, details; its timeout was read in this
   * transaction): no need to read the row back. */
  if (progress_only && step_deadline < 0)
    return g_steal_pointer (&e);

  return find_execution (self, thing_name, job_id, e->execution_number, error);
}

