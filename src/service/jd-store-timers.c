/* jd-store-timers.c — JdStore's clock and the execution timers: the step
 * timeout (UpdateJobExecution / StartNextPendingJobExecution) and the job's
 * in-progress timeout, and the next release of each rollout
 * (jd-store-rollout.c). Deadlines are kept in the executions table as
 * instants of the deadline clock (monotonic, anchored to the wall clock when
 * the store opens); one GSource on the store's main context fires at the
 * earliest and times out every execution whose deadline has passed, in one
 * transaction.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#define G_LOG_DOMAIN "jd-store"

#include <math.h>

#include "jd-store-private.h"

/* The wall clock as the store reads it: the system's, moved by the test
 * hook's offset. */
static gint64
wall_us (JdStore *self)
{
  return g_get_real_time () + self->clock_offset_us;
}

gint64
jd_store_now (JdStore *self)
{
  return wall_us (self) / G_USEC_PER_SEC;
}

/* Captures the wall clock once, when the store opens: the deadline clock
 * runs from it on the monotonic clock. */
void
_jd_store_anchor_clock (JdStore *self)
{
  self->anchor_wall_ms = wall_us (self) / 1000;
  self->anchor_monotonic_us = g_get_monotonic_time ();
}

/* The clock of the deadlines, in milliseconds: the wall-clock time of the
 * store's opening plus the monotonic time since. A deadline is stored as an
 * instant of this clock — a wall-clock instant as of the opening — so the
 * timers keep their length whatever the wall clock does while the store
 * runs (NTP steps, a user setting the date), and are re-armed against the
 * wall clock when the store opens again. */
gint64
_jd_store_deadline_clock_ms (JdStore *self)
{
  return self->anchor_wall_ms + (g_get_monotonic_time () - self->anchor_monotonic_us) / 1000;
}

gint64
_jd_store_minutes_to_ms (JdStore *self,
                         gint64   minutes)
{
  return (gint64) llround ((double) minutes * 60000.0 * self->time_scale);
}

void
_jd_store_stop_timer (JdStore *self)
{
  if (self->timer != NULL)
    {
      g_source_destroy (self->timer);
      g_clear_pointer (&self->timer, g_source_unref);
    }
}

static gboolean timer_fired_cb (gpointer data);

/* Times out every execution whose deadline has passed, in one transaction.
 * The due executions are found through the partial indexes of the set
 * deadlines (schema 2), so the cost is that of the due executions. A
 * deadline is only ever set on an IN_PROGRESS execution; one found on
 * another (which would make the timer fire again and again) is cleared. */
gboolean
_jd_store_time_out_due (JdStore  *self,
                        GError  **error)
{
  JD_STORE_LOCKED (self);
  g_autoptr(JdStoreTx) tx = NULL;
  g_autoptr(sqlite3_stmt) select = NULL;
  g_autoptr(sqlite3_stmt) update = NULL;
  g_autoptr(GArray) due = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(GPtrArray) things = g_ptr_array_new_with_free_func (g_free);
  gint64 now = _jd_store_deadline_clock_ms (self);
  int rc;

  tx = _jd_store_tx_begin (self, error);
  if (tx == NULL)
    return FALSE;

  /* Rollouts that may release more now: the commit releases them. */
  if (!_jd_store_mark_due_rollouts (self, now, error))
    return FALSE;

  select = _jd_store_prepare (self,
                              "SELECT seq, thing_name, status = 'IN_PROGRESS' FROM executions "
                              "WHERE step_deadline_ms > 0 AND step_deadline_ms <= ?1 "
                              "UNION "
                              "SELECT seq, thing_name, status = 'IN_PROGRESS' FROM executions "
                              "WHERE progress_deadline_ms > 0 AND progress_deadline_ms <= ?1",
                              error);
  if (select == NULL)
    return FALSE;
  sqlite3_bind_int64 (select, 1, now);
  while ((rc = sqlite3_step (select)) == SQLITE_ROW)
    {
      gint64 seq = sqlite3_column_int64 (select, 0);

      g_array_append_val (due, seq);
      if (sqlite3_column_int (select, 2))
        g_ptr_array_add (things, _jd_store_column_text (select, 1));
    }
  if (rc != SQLITE_DONE)
    return _jd_store_set_db_error (self, rc, error);
  g_clear_pointer (&select, _jd_store_stmt_release);

  for (guint i = 0; i < things->len; i++)
    _jd_store_touch (self, g_ptr_array_index (things, i));

  update = _jd_store_prepare (self,
                              "UPDATE executions SET "
                              "status = CASE WHEN status = 'IN_PROGRESS' THEN 'TIMED_OUT' ELSE status END, "
                              "version_number = version_number + (status = 'IN_PROGRESS'), "
                              "last_updated_at = CASE WHEN status = 'IN_PROGRESS' THEN ?2 ELSE last_updated_at END, "
                              "step_deadline_ms = 0, progress_deadline_ms = 0 "
                              "WHERE seq = ?1",
                              error);
  if (update == NULL)
    return FALSE;
  for (guint i = 0; i < due->len; i++)
    {
      sqlite3_reset (update);
      sqlite3_bind_int64 (update, 1, g_array_index (due, gint64, i));
      sqlite3_bind_int64 (update, 2, jd_store_now (self));
      if (!_jd_store_step_done (self, update, error))
        return FALSE;
    }
  g_clear_pointer (&update, _jd_store_stmt_release);

  return _jd_store_tx_commit (&tx, error);
}

static gboolean
timer_fired_cb (gpointer data)
{
  JdStore *self = data;
  g_autoptr(GError) error = NULL;

  /* With a worker, the store's work is its: the timer only asks. */
  if (_jd_store_worker_time_out (self))
    return G_SOURCE_REMOVE;

  JD_STORE_LOCKED (self);
  g_clear_pointer (&self->timer, g_source_unref);

  if (!_jd_store_time_out_due (self, &error))
    {
      /* Try again a little later rather than spinning. */
      g_debug ("timing out executions failed: %s", error->message);
      if (self->timer == NULL)
        {
          self->timer = g_timeout_source_new (1000);
          g_source_set_callback (self->timer, timer_fired_cb, self, NULL);
          g_source_attach (self->timer, self->context);
        }
    }
  return G_SOURCE_REMOVE;
}

void
_jd_store_schedule_timer (JdStore *self)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  gint64 deadline;
  gint64 delay;

  _jd_store_stop_timer (self);

  stmt = _jd_store_prepare (self,
                            "SELECT MIN(deadline) FROM ("
                            "  SELECT MIN(step_deadline_ms) AS deadline FROM executions WHERE step_deadline_ms > 0 "
                            "  UNION ALL "
                            "  SELECT MIN(progress_deadline_ms) FROM executions WHERE progress_deadline_ms > 0 "
                            "  UNION ALL "
                            "  SELECT MIN(rollout_next_ms) FROM jobs WHERE rollout_next_ms > 0)",
                            NULL);
  if (stmt == NULL || sqlite3_step (stmt) != SQLITE_ROW || sqlite3_column_type (stmt, 0) == SQLITE_NULL)
    return;

  deadline = sqlite3_column_int64 (stmt, 0);
  delay = MAX (0, deadline - _jd_store_deadline_clock_ms (self));
  self->timer = g_timeout_source_new ((guint) MIN (delay, (gint64) G_MAXUINT / 2));
  g_source_set_callback (self->timer, timer_fired_cb, self, NULL);
  g_source_set_name (self->timer, "[jobdeck] execution timers");
  g_source_attach (self->timer, self->context);
}


void
jd_store_set_clock_offset_for_test (JdStore *self,
                                    gint64   offset_ms)
{
  g_return_if_fail (JD_IS_STORE (self));

  self->clock_offset_us = offset_ms * 1000;
}
