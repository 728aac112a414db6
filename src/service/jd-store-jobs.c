/* jd-store-jobs.c — JdStore: jobs (CreateJob, DescribeJob, ListJobs, CancelJob,
 * DeleteJob, AssociateTargetsWithJob) and their process-detail counters.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#define G_LOG_DOMAIN "jd-store"

#include <string.h>

#include "jd-job-config.h"
#include "jd-rules.h"
#include "jd-store-private.h"

static int
compare_names (const void *a,
               const void *b)
{
  return strcmp (*(const char *const *) a, *(const char *const *) b);
}

gboolean
_jd_store_touch_things_of_job (JdStore     *self,
                               const char  *job_id,
                               GError     **error)
{
  g_autoptr(sqlite3_stmt) stmt =
    _jd_store_prepare (self, "SELECT DISTINCT thing_name FROM executions WHERE job_id = ?1 "
                       "AND status IN ('QUEUED', 'IN_PROGRESS')", error);
  int rc;

  if (stmt == NULL)
    return FALSE;
  _jd_store_bind_text (stmt, 1, job_id);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    _jd_store_touch (self, (const char *) sqlite3_column_text (stmt, 0));
  if (rc != SQLITE_DONE)
    return _jd_store_set_db_error (self, rc, error);
  return TRUE;
}

static gboolean
count_job_executions (JdStore     *self,
                      JdStoreJob  *job,
                      GError     **error)
{
  g_autoptr(sqlite3_stmt) stmt =
    _jd_store_prepare (self,
                       "SELECT e.status, COUNT(*) FROM executions e WHERE e.job_id = ?1 "
                       "AND e.execution_number = (SELECT MAX(x.execution_number) FROM executions x "
                       "  WHERE x.job_id = e.job_id AND x.thing_name = e.thing_name) GROUP BY e.status",
                       error);
  int rc;

  if (stmt == NULL)
    return FALSE;
  _jd_store_bind_text (stmt, 1, job->job_id);
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
    return _jd_store_set_db_error (self, rc, error);
  return TRUE;
}

JdStoreJob *
_jd_store_find_job (JdStore     *self,
                    const char  *job_id,
                    GError     **error)
{
  g_autoptr(sqlite3_stmt) stmt = _jd_store_prepare (self, "SELECT " JD_STORE_JOB_COLUMNS "WHERE j.job_id = ?1", error);
  JdStoreJob *job;
  int rc;

  if (stmt == NULL)
    return NULL;
  _jd_store_bind_text (stmt, 1, job_id);
  rc = sqlite3_step (stmt);
  if (rc != SQLITE_ROW)
    {
      if (rc != SQLITE_DONE)
        _jd_store_set_db_error (self, rc, error);
      else
        g_set_error (error, JD_SERVICE_ERROR, JD_SERVICE_ERROR_NOT_FOUND,
                     "Job %s does not exist", job_id);
      return NULL;
    }

  job = _jd_store_job_from_row (stmt);
  if (!count_job_executions (self, job, error))
    {
      jd_store_job_free (job);
      return NULL;
    }
  return job;
}

gboolean
_jd_store_job_exists (JdStore     *self,
                      const char  *job_id,
                      GError     **error)
{
  g_autoptr(sqlite3_stmt) stmt = _jd_store_prepare (self, "SELECT 1 FROM jobs WHERE job_id = ?1", error);
  int rc;

  if (stmt == NULL)
    return FALSE;
  _jd_store_bind_text (stmt, 1, job_id);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    return TRUE;
  if (rc != SQLITE_DONE)
    return _jd_store_set_db_error (self, rc, error);
  g_set_error (error, JD_SERVICE_ERROR, JD_SERVICE_ERROR_NOT_FOUND, "Job %s does not exist", job_id);
  return FALSE;
}

JdStoreJob *
jd_store_create_job (JdStore              *self,
                     const JdStoreJobSpec *spec,
                     GError              **error)
{
  JD_STORE_LOCKED (self);
  g_autoptr(JdStoreTx) tx = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autoptr(sqlite3_stmt) insert_job = NULL;
  g_autoptr(sqlite3_stmt) insert_targets = NULL;
  g_autoptr(sqlite3_stmt) insert_exec = NULL;
  g_autofree char *targets_text = NULL;
  g_autoptr(GHashTable) group_things = NULL;
  g_autofree char **group_list = NULL;
  gboolean rollout = FALSE;
  gboolean scheduled = FALSE;
  gint64 now;

  g_return_val_if_fail (JD_IS_STORE (self), NULL);
  g_return_val_if_fail (spec != NULL && spec->job_id != NULL, NULL);
  g_return_val_if_fail (spec->thing_names != NULL, NULL);

  tx = _jd_store_tx_begin (self, error);
  if (tx == NULL)
    return NULL;

  if (_jd_store_job_exists (self, spec->job_id, &local_error))
    {
      g_set_error (error, JD_SERVICE_ERROR, JD_SERVICE_ERROR_ALREADY_EXISTS,
                   "Job %s already exists", spec->job_id);
      return NULL;
    }
  if (!g_error_matches (local_error, JD_SERVICE_ERROR, JD_SERVICE_ERROR_NOT_FOUND))
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }

  for (guint i = 0; spec->thing_names[i] != NULL; i++)
    {
      g_autoptr(JdStoreThing) thing = _jd_store_find_thing (self, spec->thing_names[i], error);

      if (thing == NULL)
        return NULL;
    }
  for (guint i = 0; spec->group_names != NULL && spec->group_names[i] != NULL; i++)
    if (!_jd_store_group_exists (self, spec->group_names[i], error))
      return NULL;
  group_things = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  if (!_jd_store_expand_groups (self, spec->group_names, group_things, error))
    return NULL;
  /* The things of the groups after the things named, in name order. */
  for (guint i = 0; spec->thing_names[i] != NULL; i++)
    g_hash_table_remove (group_things, spec->thing_names[i]);
  group_list = (char **) g_hash_table_get_keys_as_array (group_things, NULL);
  qsort (group_list, g_strv_length (group_list), sizeof (char *), compare_names);

  if (spec->config != NULL)
    {
      g_autoptr(JdJobConfig) config = jd_job_config_deserialize (spec->config, error);

      if (config == NULL)
        return NULL;
      /* A schedule holds every thing back until it starts. */
      scheduled = config->has_scheduling;
      rollout = config->has_rollout || scheduled;
    }

  now = jd_store_now (self);
  targets_text = _jd_store_strv_to_text (spec->targets != NULL ? spec->targets : spec->thing_names);
  insert_job = _jd_store_prepare (self,
                                  "INSERT INTO jobs (job_id, status, target_selection, description, document, "
                                  "document_source, created_at, last_updated_at, in_progress_timeout, config, "
                                  "schedule_anchor_ms, schedule_state) "
                                  "VALUES (?1, CASE WHEN ?10 THEN 'SCHEDULED' ELSE 'IN_PROGRESS' END, ?2, ?4, ?5, ?6, "
                                  "?7, ?7, ?8, ?9, CASE WHEN ?10 THEN ?11 ELSE 0 END, ?10)",
                                  error);
  if (insert_job == NULL)
    return NULL;
  _jd_store_bind_text (insert_job, 1, spec->job_id);
  _jd_store_bind_text (insert_job, 2, spec->target_selection != NULL ? spec->target_selection : "SNAPSHOT");
  _jd_store_bind_text (insert_job, 3, targets_text);
  _jd_store_bind_text (insert_job, 4, spec->description);
  _jd_store_bind_text (insert_job, 5, spec->document != NULL ? spec->document : "");
  _jd_store_bind_text (insert_job, 6, spec->document_source);
  sqlite3_bind_int64 (insert_job, 7, now);
  sqlite3_bind_int64 (insert_job, 8, MAX (0, spec->in_progress_timeout_minutes));
  _jd_store_bind_text (insert_job, 9, spec->config);
  sqlite3_bind_int (insert_job, 10, scheduled ? JD_STORE_SCHEDULE_WAITING : JD_STORE_SCHEDULE_NONE);
  sqlite3_bind_int64 (insert_job, 11, _jd_store_deadline_clock_ms (self));
  if (!_jd_store_step_done (self, insert_job, error))
    return NULL;

  insert_targets = _jd_store_prepare (self, "INSERT INTO job_targets (job_id, targets) VALUES (?1, ?2)", error);
  if (insert_targets == NULL)
    return NULL;
  _jd_store_bind_text (insert_targets, 1, spec->job_id);
  _jd_store_bind_text (insert_targets, 2, targets_text);
  if (!_jd_store_step_done (self, insert_targets, error))
    return NULL;

  /* With a rollout, the things wait in its queue, in the same order, and
   * the commit releases the first of them (jd-store-rollout.c). */
  if (rollout)
    insert_exec = _jd_store_prepare (self,
                                     "INSERT INTO rollout_queue (job_id, thing_name) "
                                     "SELECT ?1, ?2 WHERE NOT EXISTS "
                                     "(SELECT 1 FROM rollout_queue WHERE job_id = ?1 AND thing_name = ?2)",
                                     error);
  else
    insert_exec = _jd_store_prepare (self,
                                     "INSERT OR IGNORE INTO executions (job_id, thing_name, execution_number, status, "
                                     "queued_at, last_updated_at, version_number) VALUES (?1, ?2, 1, 'QUEUED', ?3, ?3, 1)",
                                     error);
  if (insert_exec == NULL)
    return NULL;
  for (guint pass = 0; pass < 2; pass++)
    {
      const char *const *names = pass == 0 ? spec->thing_names : (const char *const *) group_list;

      for (guint i = 0; names[i] != NULL; i++)
        {
          if (!rollout)
            _jd_store_touch (self, names[i]);
          sqlite3_reset (insert_exec);
          _jd_store_bind_text (insert_exec, 1, spec->job_id);
          _jd_store_bind_text (insert_exec, 2, names[i]);
          if (!rollout)
            sqlite3_bind_int64 (insert_exec, 3, now);
          if (!_jd_store_step_done (self, insert_exec, error))
            return NULL;
        }
    }
  g_clear_pointer (&insert_job, _jd_store_stmt_release);
  g_clear_pointer (&insert_targets, _jd_store_stmt_release);
  g_clear_pointer (&insert_exec, _jd_store_stmt_release);

  if (!_jd_store_record_targets (self, spec->job_id,
                                 g_strcmp0 (spec->target_selection, "CONTINUOUS") == 0,
                                 spec->thing_names, spec->group_names, error))
    return NULL;

  if (!_jd_store_tx_commit (&tx, error))
    return NULL;

  return _jd_store_find_job (self, spec->job_id, error);
}

JdStoreJob *
jd_store_get_job (JdStore     *self,
                  const char  *job_id,
                  GError     **error)
{
  JD_STORE_LOCKED (self);
  g_return_val_if_fail (JD_IS_STORE (self), NULL);
  g_return_val_if_fail (job_id != NULL, NULL);

  return _jd_store_find_job (self, job_id, error);
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
  return jd_store_list_jobs_for_thing_group (self, NULL, NULL, status, target_selection, after, limit, more, error);
}

GPtrArray *
jd_store_list_jobs_for_thing_group (JdStore     *self,
                                    const char  *group_name,
                                    const char  *group_id,
                                    const char  *status,
                                    const char  *target_selection,
                                    const char  *after,
                                    guint        limit,
                                    gboolean    *more,
                                    GError     **error)
{
  JD_STORE_LOCKED (self);
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autoptr(GPtrArray) result = g_ptr_array_new_with_free_func ((GDestroyNotify) jd_store_job_free);
  int rc;

  g_return_val_if_fail (JD_IS_STORE (self), NULL);

  /* ?5 a group name, ?6 a group id: jobs that target that group. */
  stmt = _jd_store_prepare (self,
                            "SELECT " JD_STORE_JOB_SUMMARY_COLUMNS
                            "WHERE (?1 IS NULL OR j.status = ?1) AND (?2 IS NULL OR j.target_selection = ?2) "
                            "AND j.seq > COALESCE((SELECT seq FROM jobs WHERE job_id = ?3), 0) "
                            "AND (?5 IS NULL OR EXISTS (SELECT 1 FROM job_target_names t WHERE t.job_id = j.job_id "
                            "  AND t.kind = 'group' AND t.name = ?5)) "
                            "AND (?6 IS NULL OR EXISTS (SELECT 1 FROM job_target_names t JOIN thing_groups g "
                            "  ON g.name = t.name WHERE t.job_id = j.job_id AND t.kind = 'group' AND g.group_id = ?6)) "
                            "ORDER BY j.seq LIMIT ?4",
                            error);
  if (stmt == NULL)
    return NULL;
  _jd_store_bind_text (stmt, 1, status);
  _jd_store_bind_text (stmt, 2, target_selection);
  _jd_store_bind_text (stmt, 3, after);
  sqlite3_bind_int64 (stmt, 4, (gint64) limit + 1);
  _jd_store_bind_text (stmt, 5, group_name);
  _jd_store_bind_text (stmt, 6, group_id);

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_ptr_array_add (result, _jd_store_job_from_row (stmt));
  if (rc != SQLITE_DONE)
    {
      _jd_store_set_db_error (self, rc, error);
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
  JD_STORE_LOCKED (self);
  g_autoptr(JdStoreTx) tx = NULL;
  g_autoptr(JdStoreJob) job = NULL;
  g_autoptr(sqlite3_stmt) stmt = NULL;

  g_return_val_if_fail (JD_IS_STORE (self), NULL);
  g_return_val_if_fail (job_id != NULL, NULL);

  tx = _jd_store_tx_begin (self, error);
  if (tx == NULL)
    return NULL;

  job = _jd_store_find_job (self, job_id, error);
  if (job == NULL)
    return NULL;
  if (job->status == JD_JOB_STATUS_COMPLETED || job->status == JD_JOB_STATUS_DELETION_IN_PROGRESS)
    {
      g_set_error (error, JD_SERVICE_ERROR, JD_SERVICE_ERROR_INVALID_REQUEST,
                   "Job %s cannot be canceled in the %s state", job_id,
                   jd_job_status_to_string (job->status));
      return NULL;
    }

  _jd_store_touch_job (self, job_id);
  if (!_jd_store_touch_things_of_job (self, job_id, error)
      || !_jd_store_end_pending (self, NULL, job_id, force, JD_EXECUTION_STATUS_CANCELED, force, error))
    return NULL;

  /* What the rollout has not released yet is never released. */
  stmt = _jd_store_prepare (self, "DELETE FROM rollout_queue WHERE job_id = ?1", error);
  if (stmt == NULL)
    return NULL;
  _jd_store_bind_text (stmt, 1, job_id);
  if (!_jd_store_step_done (self, stmt, error))
    return NULL;
  g_clear_pointer (&stmt, _jd_store_stmt_release);

  stmt = _jd_store_prepare (self,
                            "UPDATE jobs SET status = 'CANCELED', force_canceled = (force_canceled OR ?2), rollout_next_ms = 0, "
                            "reason_code = COALESCE(?3, reason_code), comment = COALESCE(?4, comment), "
                            "last_updated_at = ?5, completed_at = CASE WHEN completed_at = 0 THEN ?5 ELSE completed_at END "
                            "WHERE job_id = ?1",
                            error);
  if (stmt == NULL)
    return NULL;
  _jd_store_bind_text (stmt, 1, job_id);
  sqlite3_bind_int (stmt, 2, force);
  _jd_store_bind_text (stmt, 3, reason_code);
  _jd_store_bind_text (stmt, 4, comment);
  sqlite3_bind_int64 (stmt, 5, jd_store_now (self));
  if (!_jd_store_step_done (self, stmt, error))
    return NULL;
  g_clear_pointer (&stmt, _jd_store_stmt_release);

  if (!_jd_store_tx_commit (&tx, error))
    return NULL;

  return _jd_store_find_job (self, job_id, error);
}

gboolean
jd_store_update_job (JdStore     *self,
                     const char  *job_id,
                     const char  *description,
                     JsonObject  *settings,
                     GError     **error)
{
  JD_STORE_LOCKED (self);
  g_autoptr(JdStoreTx) tx = NULL;
  g_autoptr(JdStoreJob) job = NULL;
  g_autoptr(JdJobConfig) config = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autofree char *config_text = NULL;
  gint64 timeout;

  g_return_val_if_fail (JD_IS_STORE (self), FALSE);
  g_return_val_if_fail (job_id != NULL, FALSE);

  tx = _jd_store_tx_begin (self, error);
  if (tx == NULL)
    return FALSE;

  job = _jd_store_find_job (self, job_id, error);
  if (job == NULL)
    return FALSE;
  if (job->status == JD_JOB_STATUS_COMPLETED || job->status == JD_JOB_STATUS_CANCELED
      || job->status == JD_JOB_STATUS_DELETION_IN_PROGRESS)
    {
      g_set_error (error, JD_SERVICE_ERROR, JD_SERVICE_ERROR_INVALID_REQUEST,
                   "Job %s cannot be updated in the %s state", job_id,
                   jd_job_status_to_string (job->status));
      return FALSE;
    }

  config = job->config != NULL ? jd_job_config_deserialize (job->config, error) : jd_job_config_new ();
  if (config == NULL)
    return FALSE;
  timeout = job->in_progress_timeout_minutes;
  if (settings != NULL)
    {
      config->in_progress_timeout = timeout;
      if (!jd_job_config_update (config, settings, &local_error))
        {
          g_set_error_literal (error, JD_SERVICE_ERROR, JD_SERVICE_ERROR_INVALID_REQUEST, local_error->message);
          return FALSE;
        }
      /* The in-progress timeout has its own column. */
      timeout = config->in_progress_timeout;
      config->in_progress_timeout = 0;
    }
  config_text = jd_job_config_serialize (config);

  stmt = _jd_store_prepare (self,
                            "UPDATE jobs SET description = COALESCE(?2, description), config = ?3, "
                            "in_progress_timeout = ?4, last_updated_at = ?5 WHERE job_id = ?1",
                            error);
  if (stmt == NULL)
    return FALSE;
  _jd_store_bind_text (stmt, 1, job_id);
  _jd_store_bind_text (stmt, 2, description);
  _jd_store_bind_text (stmt, 3, config_text);
  sqlite3_bind_int64 (stmt, 4, timeout);
  sqlite3_bind_int64 (stmt, 5, jd_store_now (self));
  if (!_jd_store_step_done (self, stmt, error))
    return FALSE;
  g_clear_pointer (&stmt, _jd_store_stmt_release);

  /* The commit applies the new settings to what is still to be released
   * (a faster rate releases now; a slower one waits longer). */
  stmt = _jd_store_prepare (self, "INSERT OR IGNORE INTO temp.ended_jobs (job_id) VALUES (?1)", error);
  if (stmt == NULL)
    return FALSE;
  _jd_store_bind_text (stmt, 1, job_id);
  if (!_jd_store_step_done (self, stmt, error))
    return FALSE;
  g_clear_pointer (&stmt, _jd_store_stmt_release);

  return _jd_store_tx_commit (&tx, error);
}

gboolean
jd_store_delete_job (JdStore     *self,
                     const char  *job_id,
                     gboolean     force,
                     GError     **error)
{
  JD_STORE_LOCKED (self);
  g_autoptr(JdStoreTx) tx = NULL;
  g_autoptr(JdStoreJob) job = NULL;
  g_autoptr(sqlite3_stmt) del_exec = NULL;
  g_autoptr(sqlite3_stmt) del_job = NULL;
  g_autoptr(sqlite3_stmt) del_targets = NULL;
  g_autoptr(sqlite3_stmt) del_names = NULL;
  g_autoptr(sqlite3_stmt) del_queue = NULL;

  g_return_val_if_fail (JD_IS_STORE (self), FALSE);
  g_return_val_if_fail (job_id != NULL, FALSE);

  tx = _jd_store_tx_begin (self, error);
  if (tx == NULL)
    return FALSE;

  job = _jd_store_find_job (self, job_id, error);
  if (job == NULL)
    return FALSE;
  if ((job->status == JD_JOB_STATUS_IN_PROGRESS || job->status == JD_JOB_STATUS_SCHEDULED) && !force)
    {
      g_set_error (error, JD_SERVICE_ERROR, JD_SERVICE_ERROR_INVALID_STATE_TRANSITION,
                   "Cannot delete job %s in state %s without force", job_id,
                   jd_job_status_to_string (job->status));
      return FALSE;
    }

  _jd_store_touch_job (self, job_id);
  if (!_jd_store_touch_things_of_job (self, job_id, error))
    return FALSE;

  del_exec = _jd_store_prepare (self, "DELETE FROM executions WHERE job_id = ?1", error);
  del_job = _jd_store_prepare (self, "DELETE FROM jobs WHERE job_id = ?1", error);
  del_targets = _jd_store_prepare (self, "DELETE FROM job_targets WHERE job_id = ?1", error);
  del_names = _jd_store_prepare (self, "DELETE FROM job_target_names WHERE job_id = ?1", error);
  del_queue = _jd_store_prepare (self, "DELETE FROM rollout_queue WHERE job_id = ?1", error);
  if (del_exec == NULL || del_job == NULL || del_targets == NULL || del_names == NULL || del_queue == NULL)
    return FALSE;
  _jd_store_bind_text (del_queue, 1, job_id);
  if (!_jd_store_step_done (self, del_queue, error))
    return FALSE;
  g_clear_pointer (&del_queue, _jd_store_stmt_release);
  _jd_store_bind_text (del_exec, 1, job_id);
  _jd_store_bind_text (del_job, 1, job_id);
  _jd_store_bind_text (del_targets, 1, job_id);
  _jd_store_bind_text (del_names, 1, job_id);
  if (!_jd_store_step_done (self, del_exec, error) || !_jd_store_step_done (self, del_job, error)
      || !_jd_store_step_done (self, del_targets, error) || !_jd_store_step_done (self, del_names, error))
    return FALSE;
  g_clear_pointer (&del_exec, _jd_store_stmt_release);
  g_clear_pointer (&del_job, _jd_store_stmt_release);
  g_clear_pointer (&del_targets, _jd_store_stmt_release);
  g_clear_pointer (&del_names, _jd_store_stmt_release);

  return _jd_store_tx_commit (&tx, error);
}


JdStoreJob *
jd_store_associate_targets (JdStore            *self,
                            const char         *job_id,
                            const char *const  *targets,
                            const char *const  *thing_names,
                            const char *const  *group_names,
                            GError            **error)
{
  JD_STORE_LOCKED (self);
  g_autoptr(JdStoreTx) tx = NULL;
  g_autoptr(JdStoreJob) job = NULL;
  g_autoptr(GHashTable) things = NULL;
  g_autoptr(GPtrArray) all_targets = g_ptr_array_new ();
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autofree char **sorted = NULL;
  g_autofree char *targets_text = NULL;

  g_return_val_if_fail (JD_IS_STORE (self), NULL);
  g_return_val_if_fail (job_id != NULL && targets != NULL, NULL);

  tx = _jd_store_tx_begin (self, error);
  if (tx == NULL)
    return NULL;

  job = _jd_store_find_job (self, job_id, error);
  if (job == NULL)
    return NULL;
  if (g_strcmp0 (job->target_selection, "CONTINUOUS") != 0)
    {
      g_set_error (error, JD_SERVICE_ERROR, JD_SERVICE_ERROR_INVALID_REQUEST,
                   "Targets can only be associated with a job whose targetSelection is CONTINUOUS; "
                   "job %s is %s.", job_id, job->target_selection);
      return NULL;
    }
  if (job->status != JD_JOB_STATUS_IN_PROGRESS)
    {
      g_set_error (error, JD_SERVICE_ERROR, JD_SERVICE_ERROR_INVALID_REQUEST,
                   "Targets can only be associated with a job in the IN_PROGRESS state; job %s is %s.",
                   job_id, jd_job_status_to_string (job->status));
      return NULL;
    }
  for (guint i = 0; thing_names != NULL && thing_names[i] != NULL; i++)
    {
      g_autoptr(JdStoreThing) thing = _jd_store_find_thing (self, thing_names[i], error);

      if (thing == NULL)
        return NULL;
    }
  for (guint i = 0; group_names != NULL && group_names[i] != NULL; i++)
    if (!_jd_store_group_exists (self, group_names[i], error))
      return NULL;

  /* The job's targets, then the new ones it does not have yet. */
  for (guint i = 0; job->targets[i] != NULL; i++)
    g_ptr_array_add (all_targets, job->targets[i]);
  for (guint i = 0; targets[i] != NULL; i++)
    if (!g_strv_contains ((const char *const *) job->targets, targets[i])
        && !g_ptr_array_find_with_equal_func (all_targets, targets[i], g_str_equal, NULL))
      g_ptr_array_add (all_targets, (gpointer) targets[i]);
  if (all_targets->len > JD_JOB_TARGETS_MAX)
    {
      g_set_error (error, JD_SERVICE_ERROR, JD_SERVICE_ERROR_LIMIT_EXCEEDED,
                   "A job can have at most %d targets; job %s would have %u.",
                   JD_JOB_TARGETS_MAX, job_id, all_targets->len);
      return NULL;
    }
  g_ptr_array_add (all_targets, NULL);
  targets_text = _jd_store_strv_to_text ((const char *const *) all_targets->pdata);

  _jd_store_touch_job (self, job_id);
  stmt = _jd_store_prepare (self, "UPDATE job_targets SET targets = ?2 WHERE job_id = ?1", error);
  if (stmt == NULL)
    return NULL;
  _jd_store_bind_text (stmt, 1, job_id);
  _jd_store_bind_text (stmt, 2, targets_text);
  if (!_jd_store_step_done (self, stmt, error))
    return NULL;
  g_clear_pointer (&stmt, _jd_store_stmt_release);

  stmt = _jd_store_prepare (self, "UPDATE jobs SET last_updated_at = ?2 WHERE job_id = ?1", error);
  if (stmt == NULL)
    return NULL;
  _jd_store_bind_text (stmt, 1, job_id);
  sqlite3_bind_int64 (stmt, 2, jd_store_now (self));
  if (!_jd_store_step_done (self, stmt, error))
    return NULL;
  g_clear_pointer (&stmt, _jd_store_stmt_release);

  if (!_jd_store_record_targets (self, job_id, TRUE, thing_names, group_names, error))
    return NULL;

  /* The things named, in the order given, then the groups' in name order. */
  for (guint i = 0; thing_names != NULL && thing_names[i] != NULL; i++)
    if (!_jd_store_queue_execution (self, job_id, thing_names[i], error))
      return NULL;
  things = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  if (!_jd_store_expand_groups (self, group_names, things, error))
    return NULL;
  sorted = (char **) g_hash_table_get_keys_as_array (things, NULL);
  qsort (sorted, g_strv_length (sorted), sizeof (char *), compare_names);
  for (guint i = 0; sorted[i] != NULL; i++)
    if (!_jd_store_queue_execution (self, job_id, sorted[i], error))
      return NULL;

  g_clear_pointer (&job, jd_store_job_free);
  if (!_jd_store_tx_commit (&tx, error))
    return NULL;
  return _jd_store_find_job (self, job_id, error);
}
