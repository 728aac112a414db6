/* jd-store-rollout.c — JdStore: what a job's settings make the store do on
 * its own (issue 12, items 3–6): releasing a rollout's things at its rate
 * (jobExecutionsRolloutConfig), canceling the job when an abort criterion
 * trips (abortConfig), queuing a new execution after a failure or a
 * timeout (jobExecutionsRetryConfig), and the schedule (schedulingConfig):
 * SCHEDULED until startTime, releases only while a maintenance window is
 * open, endBehavior at endTime. The rules themselves — the rate now,
 * whether a criterion trips, whether a failure is retried — are the core's
 * (src/jobs/jd-job-config.c); this file only counts and writes.
 *
 * All of it runs inside the transaction that caused it, just before its
 * commit (jd-store-tx.c), for the jobs in temp.ended_jobs: the jobs the
 * transaction created, ended an execution of, or whose next release is due
 * (the timer, jd-store-timers.c). A release moves a thing from
 * rollout_queue to a QUEUED execution in that one transaction, so a crash
 * loses or repeats nothing.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#define G_LOG_DOMAIN "jd-store"

#include <math.h>

#include "jd-job-config.h"
#include "jd-store-private.h"

/* What an aborted job says (CancelJob's reasonCode pattern
 * [\p{Upper}\p{Digit}_]+; AWS does not document its own words: README). */
#define ABORT_REASON_CODE "ABORT_CRITERIA_MET"

static gboolean
count_query (JdStore     *self,
             const char  *sql,
             const char  *job_id,
             gint64       arg,
             gint64      *out,
             GError     **error)
{
  g_autoptr(sqlite3_stmt) stmt = _jd_store_prepare (self, sql, error);
  int rc;

  if (stmt == NULL)
    return FALSE;
  _jd_store_bind_text (stmt, 1, job_id);
  sqlite3_bind_int64 (stmt, 2, arg);
  rc = sqlite3_step (stmt);
  if (rc != SQLITE_ROW)
    return _jd_store_set_db_error (self, rc, error);
  *out = sqlite3_column_int64 (stmt, 0);
  return TRUE;
}

gboolean
_jd_store_mark_due_rollouts (JdStore  *self,
                             gint64    now_ms,
                             GError  **error)
{
  g_autoptr(sqlite3_stmt) stmt =
    _jd_store_prepare (self,
                       "INSERT OR IGNORE INTO temp.ended_jobs (job_id) "
                       "SELECT job_id FROM jobs WHERE rollout_next_ms > 0 AND rollout_next_ms <= ?1",
                       error);

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, now_ms);
  return _jd_store_step_done (self, stmt, error);
}

/* ---- retries ---- */

/* For each execution of @job_id that failed or timed out in this
 * transaction and is its thing's latest: a new QUEUED execution, number + 1,
 * when the retry config allows another attempt. Attempts are counted since
 * the thing last (re)joined the job (its latest REMOVED execution), as AWS
 * resets the count on a membership change. */
static gboolean
queue_retries (JdStore           *self,
               const char        *job_id,
               const JdJobConfig *config,
               GError           **error)
{
  g_autoptr(sqlite3_stmt) failed = NULL;
  g_autoptr(sqlite3_stmt) attempts = NULL;
  g_autoptr(sqlite3_stmt) insert = NULL;
  g_autoptr(GPtrArray) things = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) statuses = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GArray) numbers = g_array_new (FALSE, FALSE, sizeof (gint64));
  int rc;

  if (config->retry_criteria->len == 0)
    return TRUE;

  failed = _jd_store_prepare (self,
                              "SELECT e.thing_name, e.status, e.execution_number FROM temp.failed_executions f "
                              "JOIN executions e ON e.seq = f.seq WHERE e.job_id = ?1 "
                              "AND e.status IN ('FAILED', 'TIMED_OUT') AND NOT EXISTS (SELECT 1 FROM executions x "
                              "  WHERE x.job_id = e.job_id AND x.thing_name = e.thing_name "
                              "  AND x.execution_number > e.execution_number) "
                              "ORDER BY e.seq",
                              error);
  if (failed == NULL)
    return FALSE;
  _jd_store_bind_text (failed, 1, job_id);
  while ((rc = sqlite3_step (failed)) == SQLITE_ROW)
    {
      gint64 number = sqlite3_column_int64 (failed, 2);

      g_ptr_array_add (things, _jd_store_column_text (failed, 0));
      g_ptr_array_add (statuses, _jd_store_column_text (failed, 1));
      g_array_append_val (numbers, number);
    }
  if (rc != SQLITE_DONE)
    return _jd_store_set_db_error (self, rc, error);
  g_clear_pointer (&failed, _jd_store_stmt_release);

  for (guint i = 0; i < things->len; i++)
    {
      const char *thing = g_ptr_array_index (things, i);
      gint64 number = g_array_index (numbers, gint64, i);
      int n_failed, n_timed_out;

      attempts = _jd_store_prepare (self,
                                    "SELECT COALESCE(SUM(status = 'FAILED'), 0), COALESCE(SUM(status = 'TIMED_OUT'), 0) "
                                    "FROM executions WHERE job_id = ?1 AND thing_name = ?2 AND execution_number < ?3 "
                                    "AND execution_number > COALESCE((SELECT MAX(execution_number) FROM executions "
                                    "  WHERE job_id = ?1 AND thing_name = ?2 AND status = 'REMOVED'), 0)",
                                    error);
      if (attempts == NULL)
        return FALSE;
      _jd_store_bind_text (attempts, 1, job_id);
      _jd_store_bind_text (attempts, 2, thing);
      sqlite3_bind_int64 (attempts, 3, number);
      rc = sqlite3_step (attempts);
      if (rc != SQLITE_ROW)
        return _jd_store_set_db_error (self, rc, error);
      n_failed = sqlite3_column_int (attempts, 0);
      n_timed_out = sqlite3_column_int (attempts, 1);
      g_clear_pointer (&attempts, _jd_store_stmt_release);

      if (!jd_job_config_should_retry (config, g_ptr_array_index (statuses, i), n_failed, n_timed_out))
        continue;

      _jd_store_touch (self, thing);
      insert = _jd_store_prepare (self,
                                  "INSERT INTO executions (job_id, thing_name, execution_number, status, queued_at, "
                                  "last_updated_at, version_number, retry_attempt) "
                                  "VALUES (?1, ?2, ?3, 'QUEUED', ?4, ?4, 1, ?5)",
                                  error);
      if (insert == NULL)
        return FALSE;
      _jd_store_bind_text (insert, 1, job_id);
      _jd_store_bind_text (insert, 2, thing);
      sqlite3_bind_int64 (insert, 3, number + 1);
      sqlite3_bind_int64 (insert, 4, jd_store_now (self));
      sqlite3_bind_int64 (insert, 5, n_failed + n_timed_out + 1);
      if (!_jd_store_step_done (self, insert, error))
        return FALSE;
      g_clear_pointer (&insert, _jd_store_stmt_release);
    }
  return TRUE;
}

/* ---- abort ---- */

/* Cancels @job_id when one of its abort criteria trips over the job's
 * completed things (each thing's latest execution, as the counters count:
 * a failure that is being retried is not final). Only QUEUED executions
 * are canceled (a retry just queued among them); IN_PROGRESS ones run on. */
static gboolean
check_abort (JdStore           *self,
             const char        *job_id,
             const JdJobConfig *config,
             gboolean          *aborted,
             GError           **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autofree char *comment = NULL;
  JdAbortCounts counts = { 0 };
  const JdAbortCriterion *c;
  gint64 completed;
  gint64 now = jd_store_now (self);
  int tripped;
  int rc;

  *aborted = FALSE;
  if (config->abort_criteria->len == 0)
    return TRUE;

  stmt = _jd_store_prepare (self,
                            "SELECT e.status, COUNT(*) FROM executions e WHERE e.job_id = ?1 "
                            "AND e.status IN ('SUCCEEDED', 'FAILED', 'REJECTED', 'TIMED_OUT') "
                            "AND e.execution_number = (SELECT MAX(x.execution_number) FROM executions x "
                            "  WHERE x.job_id = e.job_id AND x.thing_name = e.thing_name) GROUP BY e.status",
                            error);
  if (stmt == NULL)
    return FALSE;
  _jd_store_bind_text (stmt, 1, job_id);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      const char *status = (const char *) sqlite3_column_text (stmt, 0);
      gint64 n = sqlite3_column_int64 (stmt, 1);

      if (g_strcmp0 (status, "SUCCEEDED") == 0)
        counts.succeeded = n;
      else if (g_strcmp0 (status, "FAILED") == 0)
        counts.failed = n;
      else if (g_strcmp0 (status, "REJECTED") == 0)
        counts.rejected = n;
      else
        counts.timed_out = n;
    }
  if (rc != SQLITE_DONE)
    return _jd_store_set_db_error (self, rc, error);
  g_clear_pointer (&stmt, _jd_store_stmt_release);

  tripped = jd_job_config_abort_check (config, &counts);
  if (tripped < 0)
    return TRUE;

  c = &g_array_index (config->abort_criteria, JdAbortCriterion, tripped);
  completed = counts.succeeded + counts.failed + counts.rejected + counts.timed_out;
  comment = g_strdup_printf ("Job aborted: abort criterion %d met (failureType %s, thresholdPercentage %g, "
                             "minNumberOfExecutedThings %" G_GINT64_FORMAT ") after %" G_GINT64_FORMAT
                             " completed executions",
                             tripped + 1, jd_failure_type_to_string (c->failure_type),
                             c->threshold_percentage, c->min_executed, completed);

  _jd_store_touch_job (self, job_id);
  if (!_jd_store_touch_things_of_job (self, job_id, error)
      || !_jd_store_end_pending (self, NULL, job_id, FALSE, JD_EXECUTION_STATUS_CANCELED, FALSE, error))
    return FALSE;

  stmt = _jd_store_prepare (self, "DELETE FROM rollout_queue WHERE job_id = ?1", error);
  if (stmt == NULL)
    return FALSE;
  _jd_store_bind_text (stmt, 1, job_id);
  if (!_jd_store_step_done (self, stmt, error))
    return FALSE;
  g_clear_pointer (&stmt, _jd_store_stmt_release);

  stmt = _jd_store_prepare (self,
                            "UPDATE jobs SET status = 'CANCELED', reason_code = ?2, comment = ?3, rollout_next_ms = 0, "
                            "last_updated_at = ?4, completed_at = ?4 WHERE job_id = ?1",
                            error);
  if (stmt == NULL)
    return FALSE;
  _jd_store_bind_text (stmt, 1, job_id);
  _jd_store_bind_text (stmt, 2, ABORT_REASON_CODE);
  _jd_store_bind_text (stmt, 3, comment);
  sqlite3_bind_int64 (stmt, 4, now);
  if (!_jd_store_step_done (self, stmt, error))
    return FALSE;

  *aborted = TRUE;
  return TRUE;
}

/* ---- scheduling ---- */

/* A scheduled job's clock: its instants (startTime, endTime, the windows'
 * cron minutes; epoch seconds) run from its creation (@anchor_ms, deadline
 * clock) at the store's time scale, so under JOBDECK_TIME_SCALE the
 * 30 minutes to startTime last 1.8 s as a minute lasts 60 ms. At scale 1
 * both are the wall clock. */
static gint64
schedule_to_ms (JdStore *self,
                gint64   anchor_ms,
                gint64   t)
{
  return anchor_ms + (gint64) llround ((double) (t * 1000 - anchor_ms) * self->time_scale);
}

static gint64
schedule_from_ms (JdStore *self,
                  gint64   anchor_ms,
                  gint64   ms)
{
  return (anchor_ms + (gint64) floor ((double) (ms - anchor_ms) / self->time_scale)) / 1000;
}

static gboolean set_next_ms (JdStore     *self,
                             const char  *job_id,
                             gint64       next_ms,
                             GError     **error);

/* What a scheduled job's state is as the rules read it. */
typedef struct {
  gint64 anchor_ms;
  int    state;       /* JD_STORE_SCHEDULE_* */
} Schedule;

static gboolean
set_job_status (JdStore     *self,
                const char  *job_id,
                const char  *status,
                int          state,
                GError     **error)
{
  g_autoptr(sqlite3_stmt) stmt =
    _jd_store_prepare (self,
                       "UPDATE jobs SET status = ?2, schedule_state = ?3, "
                       "last_updated_at = CASE WHEN status = ?2 THEN last_updated_at ELSE ?4 END WHERE job_id = ?1",
                       error);

  if (stmt == NULL)
    return FALSE;
  _jd_store_touch_job (self, job_id);
  _jd_store_bind_text (stmt, 1, job_id);
  _jd_store_bind_text (stmt, 2, status);
  sqlite3_bind_int (stmt, 3, state);
  sqlite3_bind_int64 (stmt, 4, jd_store_now (self));
  return _jd_store_step_done (self, stmt, error);
}

/* endTime has come: nothing more is released; CANCEL cancels the QUEUED
 * executions and the job, FORCE_CANCEL the IN_PROGRESS ones too, as
 * CancelJob (with force) does; STOP_ROLLOUT (also without endBehavior)
 * leaves what was released to run, and the job completes when it has
 * (README). *canceled says whether the job is gone. */
static gboolean
end_schedule (JdStore           *self,
              const char        *job_id,
              const JdJobConfig *config,
              gboolean          *canceled,
              GError           **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  gboolean force = config->end_behavior == JD_END_BEHAVIOR_FORCE_CANCEL;
  g_autofree char *comment = NULL;

  *canceled = FALSE;
  stmt = _jd_store_prepare (self, "DELETE FROM rollout_queue WHERE job_id = ?1", error);
  if (stmt == NULL)
    return FALSE;
  _jd_store_bind_text (stmt, 1, job_id);
  if (!_jd_store_step_done (self, stmt, error))
    return FALSE;
  g_clear_pointer (&stmt, _jd_store_stmt_release);

  if (config->end_behavior != JD_END_BEHAVIOR_CANCEL && !force)
    return set_job_status (self, job_id, "IN_PROGRESS", JD_STORE_SCHEDULE_ENDED, error)
           && set_next_ms (self, job_id, 0, error);

  _jd_store_touch_job (self, job_id);
  if (!_jd_store_touch_things_of_job (self, job_id, error)
      || !_jd_store_end_pending (self, NULL, job_id, force, JD_EXECUTION_STATUS_CANCELED, force, error))
    return FALSE;

  comment = g_strdup_printf ("Job canceled at its scheduled end time %s (endBehavior %s)",
                             config->end_time_text, jd_end_behavior_to_string (config->end_behavior));
  stmt = _jd_store_prepare (self,
                            "UPDATE jobs SET status = 'CANCELED', force_canceled = ?2, comment = ?3, rollout_next_ms = 0, "
                            "schedule_state = ?5, last_updated_at = ?4, completed_at = ?4 WHERE job_id = ?1",
                            error);
  if (stmt == NULL)
    return FALSE;
  _jd_store_bind_text (stmt, 1, job_id);
  sqlite3_bind_int (stmt, 2, force);
  _jd_store_bind_text (stmt, 3, comment);
  sqlite3_bind_int64 (stmt, 4, jd_store_now (self));
  sqlite3_bind_int (stmt, 5, JD_STORE_SCHEDULE_ENDED);
  if (!_jd_store_step_done (self, stmt, error))
    return FALSE;
  *canceled = TRUE;
  return TRUE;
}

static gboolean
set_next_ms (JdStore     *self,
             const char  *job_id,
             gint64       next_ms,
             GError     **error)
{
  g_autoptr(sqlite3_stmt) update =
    _jd_store_prepare (self, "UPDATE jobs SET rollout_next_ms = ?2 WHERE job_id = ?1 AND rollout_next_ms != ?2", error);

  if (update == NULL)
    return FALSE;
  _jd_store_bind_text (update, 1, job_id);
  sqlite3_bind_int64 (update, 2, next_ms);
  return _jd_store_step_done (self, update, error);
}

/* The earlier of two instants of which 0 means none. */
static gint64
earliest (gint64 a,
          gint64 b)
{
  if (a <= 0)
    return b;
  if (b <= 0)
    return a;
  return MIN (a, b);
}

/* Moves a scheduled job along its schedule at the deadline clock's now:
 * applies endTime once it has come, and starts a SCHEDULED job at
 * startTime — or, with maintenance windows, when one is open at or after
 * it. *hold says the job does nothing more now (still SCHEDULED, or
 * canceled at its end). */
static gboolean
advance_schedule (JdStore           *self,
                  const char        *job_id,
                  const JdJobConfig *config,
                  Schedule          *schedule,
                  gboolean          *hold,
                  GError           **error)
{
  gint64 now_ms = _jd_store_deadline_clock_ms (self);
  gint64 v_now = schedule_from_ms (self, schedule->anchor_ms, now_ms);
  gint64 end_ms = 0;
  gint64 next;

  *hold = FALSE;
  if (!config->has_scheduling || schedule->state == JD_STORE_SCHEDULE_NONE
      || schedule->state == JD_STORE_SCHEDULE_ENDED)
    return TRUE;

  if (config->end_time >= 0)
    {
      if (v_now >= config->end_time)
        {
          gboolean canceled = FALSE;

          if (!end_schedule (self, job_id, config, &canceled, error))
            return FALSE;
          schedule->state = JD_STORE_SCHEDULE_ENDED;
          *hold = canceled;
          return TRUE;
        }
      end_ms = schedule_to_ms (self, schedule->anchor_ms, config->end_time);
    }

  if (schedule->state == JD_STORE_SCHEDULE_STARTED)
    return TRUE;

  if (v_now >= config->start_time && jd_job_config_window_open (config, v_now, NULL))
    {
      schedule->state = JD_STORE_SCHEDULE_STARTED;
      return set_job_status (self, job_id, "IN_PROGRESS", JD_STORE_SCHEDULE_STARTED, error);
    }

  /* Still SCHEDULED: wake at startTime, at the next window, or at endTime. */
  next = v_now < config->start_time ? config->start_time : jd_job_config_next_window (config, v_now);
  *hold = TRUE;
  return set_next_ms (self, job_id,
                      earliest (next >= 0 ? MAX (schedule_to_ms (self, schedule->anchor_ms, next), now_ms + 1) : 0,
                                end_ms),
                      error);
}

/* ---- rollout ---- */

/* Releases as many of @job_id's waiting things as its rate allows now —
 * the rate is "at most N in any minute" (the deadline clock, scaled by
 * JOBDECK_TIME_SCALE), raised by the exponential steps as things are
 * notified or succeed — and sets when the next may go. A thing deleted
 * while it waited is dropped. */
static gboolean
release_rollout (JdStore           *self,
                 const char        *job_id,
                 const JdJobConfig *config,
                 const Schedule    *schedule,
                 GError           **error)
{
  g_autoptr(sqlite3_stmt) next = NULL;
  g_autoptr(sqlite3_stmt) drop = NULL;
  g_autoptr(sqlite3_stmt) insert = NULL;
  g_autoptr(sqlite3_stmt) update = NULL;
  gint64 now_ms = _jd_store_deadline_clock_ms (self);
  gint64 minute_ms = MAX (1, _jd_store_minutes_to_ms (self, 1));
  gint64 recent = 0, notified = 0, succeeded = 0, waiting = 0, oldest = 0;
  gint64 next_ms = 0;
  gint64 end_ms = 0;
  gboolean scheduled = config->has_scheduling && schedule->state == JD_STORE_SCHEDULE_STARTED;
  gboolean open = TRUE;

  if (!config->has_rollout && !scheduled)
    return TRUE;
  /* A started schedule still waits for its endTime. */
  if (scheduled && config->end_time >= 0)
    end_ms = schedule_to_ms (self, schedule->anchor_ms, config->end_time);
  if (!count_query (self, "SELECT COUNT(*) FROM rollout_queue WHERE job_id = ?1 AND ?2 = ?2", job_id, 0,
                    &waiting, error))
    return FALSE;
  if (waiting == 0)
    /* Nothing left: no timer for this job any more (but its end's). */
    return set_next_ms (self, job_id, end_ms, error);

  /* Maintenance windows: releases only while one is open; when none is,
   * the next opening is when to look again. */
  if (scheduled && config->windows->len > 0)
    {
      gint64 v_now = schedule_from_ms (self, schedule->anchor_ms, now_ms);
      gint64 window_end = -1;

      open = jd_job_config_window_open (config, v_now, &window_end);
      if (!open)
        {
          gint64 next = jd_job_config_next_window (config, v_now);

          return set_next_ms (self, job_id,
                              earliest (next >= 0 ? MAX (schedule_to_ms (self, schedule->anchor_ms, next), now_ms + 1) : 0,
                                        end_ms),
                              error);
        }
      /* The window's close is when to look again at the latest. */
      end_ms = earliest (end_ms, MAX (schedule_to_ms (self, schedule->anchor_ms, window_end), now_ms + 1));
    }

  if (!count_query (self, "SELECT COUNT(*) FROM executions WHERE job_id = ?1 AND released_ms > ?2",
                    job_id, now_ms - minute_ms, &recent, error)
      || !count_query (self, "SELECT COUNT(*) FROM executions WHERE job_id = ?1 AND released_ms > ?2",
                       job_id, 0, &notified, error)
      || !count_query (self, "SELECT COUNT(*) FROM executions WHERE job_id = ?1 AND status = 'SUCCEEDED' AND ?2 = ?2",
                       job_id, 0, &succeeded, error))
    return FALSE;

  next = _jd_store_prepare (self, "SELECT seq, thing_name FROM rollout_queue WHERE job_id = ?1 ORDER BY seq LIMIT 1",
                            error);
  drop = _jd_store_prepare (self, "DELETE FROM rollout_queue WHERE seq = ?1", error);
  insert = _jd_store_prepare (self,
                              "INSERT OR IGNORE INTO executions (job_id, thing_name, execution_number, status, "
                              "queued_at, last_updated_at, version_number, released_ms) "
                              "SELECT ?1, ?2, 1, 'QUEUED', ?3, ?3, 1, ?4 WHERE EXISTS (SELECT 1 FROM things WHERE name = ?2)",
                              error);
  if (next == NULL || drop == NULL || insert == NULL)
    return FALSE;

  /* A minute's rate is the rate reached by the things notified before it
   * (notified − recent stays the same while this loop releases), so an
   * exponential step takes effect in the next minute, not within this
   * one's releases (which would cascade through every step at once). */
  while (waiting > 0
         && (!config->has_rollout || jd_job_config_rollout_budget (config, notified - recent, succeeded, recent) > 0))
    {
      g_autofree char *thing = NULL;
      gint64 seq;
      int rc;

      sqlite3_reset (next);
      _jd_store_bind_text (next, 1, job_id);
      rc = sqlite3_step (next);
      if (rc == SQLITE_DONE)
        break;
      if (rc != SQLITE_ROW)
        return _jd_store_set_db_error (self, rc, error);
      seq = sqlite3_column_int64 (next, 0);
      thing = _jd_store_column_text (next, 1);
      sqlite3_reset (next);

      sqlite3_reset (drop);
      sqlite3_bind_int64 (drop, 1, seq);
      if (!_jd_store_step_done (self, drop, error))
        return FALSE;
      waiting--;

      _jd_store_touch (self, thing);
      sqlite3_reset (insert);
      _jd_store_bind_text (insert, 1, job_id);
      _jd_store_bind_text (insert, 2, thing);
      sqlite3_bind_int64 (insert, 3, jd_store_now (self));
      sqlite3_bind_int64 (insert, 4, now_ms);
      if (!_jd_store_step_done (self, insert, error))
        return FALSE;
      if (sqlite3_changes (self->db) > 0)
        {
          recent++;
          notified++;
        }
    }
  g_clear_pointer (&next, _jd_store_stmt_release);
  g_clear_pointer (&drop, _jd_store_stmt_release);
  g_clear_pointer (&insert, _jd_store_stmt_release);

  /* The next release: when the oldest release of the last minute leaves
   * it (never now: a timer must not spin). */
  if (waiting > 0 && config->has_rollout)
    {
      if (!count_query (self, "SELECT COALESCE(MIN(released_ms), 0) FROM executions WHERE job_id = ?1 AND released_ms > ?2",
                        job_id, now_ms - minute_ms, &oldest, error))
        return FALSE;
      next_ms = MAX (oldest + minute_ms, now_ms + 1);
    }
  return set_next_ms (self, job_id, earliest (next_ms, end_ms), error);
}

gboolean
_jd_store_apply_job_rules (JdStore  *self,
                           GError  **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autoptr(GPtrArray) job_ids = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) configs = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GArray) schedules = g_array_new (FALSE, FALSE, sizeof (Schedule));
  int rc;

  /* CROSS JOIN keeps the few touched jobs as the outer loop: the planner,
   * knowing nothing of the temporary table, would scan every job (5 ms a
   * commit at 10,000 jobs: bench-store). */
  stmt = _jd_store_prepare (self,
                            "SELECT j.job_id, j.config, j.schedule_anchor_ms, j.schedule_state "
                            "FROM temp.ended_jobs t CROSS JOIN jobs j ON j.job_id = t.job_id "
                            "WHERE j.config IS NOT NULL AND j.status IN ('IN_PROGRESS', 'SCHEDULED')",
                            error);
  if (stmt == NULL)
    return FALSE;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      Schedule schedule = { sqlite3_column_int64 (stmt, 2), sqlite3_column_int (stmt, 3) };

      g_ptr_array_add (job_ids, _jd_store_column_text (stmt, 0));
      g_ptr_array_add (configs, _jd_store_column_text (stmt, 1));
      g_array_append_val (schedules, schedule);
    }
  if (rc != SQLITE_DONE)
    return _jd_store_set_db_error (self, rc, error);
  g_clear_pointer (&stmt, _jd_store_stmt_release);

  for (guint i = 0; i < job_ids->len; i++)
    {
      const char *job_id = g_ptr_array_index (job_ids, i);
      g_autoptr(GError) local_error = NULL;
      g_autoptr(JdJobConfig) config = jd_job_config_deserialize (g_ptr_array_index (configs, i), &local_error);
      Schedule *schedule = &g_array_index (schedules, Schedule, i);
      gboolean aborted = FALSE;
      gboolean hold = FALSE;

      if (config == NULL)
        {
          /* Written by jd_job_config_serialize(): cannot happen but for a
           * hand-edited file; the job then runs without its settings. */
          g_warning ("The settings of job %s cannot be read: %s", job_id, local_error->message);
          continue;
        }
      /* The schedule first: a job still SCHEDULED (or canceled at its
       * end) has nothing to retry, abort or release. */
      if (!advance_schedule (self, job_id, config, schedule, &hold, error))
        return FALSE;
      if (hold)
        continue;
      /* Retries first, so an abort cancels them with the rest of the
       * queue ("queued retries are not attempted"). */
      if (!queue_retries (self, job_id, config, error)
          || !check_abort (self, job_id, config, &aborted, error))
        return FALSE;
      if (!aborted && !release_rollout (self, job_id, config, schedule, error))
        return FALSE;
    }
  return TRUE;
}
