/* jd-job-watch.c — the jobs the user watches, described with a backing-off
 * interval until each ends, with a desktop notification when one ends or
 * passes an abort threshold while the main window is not the active one.
 *
 * One timer for all watched jobs: each round describes every one of them
 * (DescribeJob, async); the next round comes after the shortest interval
 * when something changed (a status or any jobProcessDetails counter), else
 * after twice the last, up to the longest.
 * Errors (the network, throttling) back off the same way. Nothing watched:
 * no timer at all.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#define G_LOG_DOMAIN "jd-app"

#include <string.h>

#include "jd-fleet-window.h"
#include "jd-job-notification.h"
#include "jd-job-watch.h"
#include "jd-jobs-error.h"

#define DEFAULT_MIN_MS  2000
#define DEFAULT_MAX_MS 60000

typedef struct {
  char          *job_id;
  JdJobStatus    status;     /* when last described */
  JdJobProcessDetails details;   /* every counter: any change means activity */
  gboolean       tripped;    /* an abort threshold was passed */
} Watched;

typedef struct {
  JdJobWatch *self;          /* not a reference: the round is cancelled in dispose */
  char       *job_id;
} Request;

struct _JdJobWatch
{
  GObject          parent_instance;

  GtkWindow       *window;         /* weak */
  JdControlPlane  *control_plane;
  GPtrArray       *jobs;           /* of Watched */
  GCancellable    *cancellable;
  guint            timer_id;
  guint            in_flight;      /* DescribeJob requests of this round */
  gboolean         changed;        /* in this round */
  guint            interval_ms;
  guint            min_ms;
  guint            max_ms;
  guint            n_sent;
  guint            n_rounds;
};

G_DEFINE_FINAL_TYPE (JdJobWatch, jd_job_watch, G_TYPE_OBJECT)

static void schedule (JdJobWatch *self);

static void
watched_free (Watched *w)
{
  g_free (w->job_id);
  g_free (w);
}

static Watched *
find_watched (JdJobWatch *self,
              const char *job_id,
              guint      *index)
{
  for (guint i = 0; i < self->jobs->len; i++)
    {
      Watched *w = g_ptr_array_index (self->jobs, i);

      if (g_str_equal (w->job_id, job_id))
        {
          if (index != NULL)
            *index = i;
          return w;
        }
    }
  return NULL;
}

static void
forget (JdJobWatch *self,
        const char *job_id)
{
  guint index;

  if (find_watched (self, job_id, &index) != NULL)
    g_ptr_array_remove_index (self->jobs, index);
}

/* Only while the user looks elsewhere, and not for a job whose fleet view
 * is open: that view sends the same notification itself (same id), so one
 * job never gets two. */
static void
maybe_notify (JdJobWatch *self,
              const char *job_id,
              const char *title,
              const char *body)
{
  GtkApplication *application;

  if (self->window == NULL)
    return;
  application = gtk_window_get_application (self->window);
  if (application == NULL || gtk_window_is_active (self->window) ||
      jd_fleet_window_find (application, job_id) != NULL)
    return;
  jd_job_notification_send (G_APPLICATION (application), job_id, title, body);
  self->n_sent++;
}

static void
job_described (JdJobWatch *self,
               Watched    *w,
               JdJob      *job)
{
  JdJobStatus now = jd_job_get_status (job);
  const JdJobProcessDetails *details = jd_job_get_process_details (job);
  JdJobProcessDetails now_details = { 0 };
  JdAbortCounts counts;
  g_autofree char *title = NULL;
  g_autofree char *body = NULL;
  int criterion = -1;
  gboolean tripped;

  jd_job_notification_get_counts (job, &counts);
  tripped = jd_job_notification_tripped (job, &counts, &criterion);
  if (details != NULL)
    now_details = *details;
  if (now != w->status || memcmp (&now_details, &w->details, sizeof now_details) != 0)
    self->changed = TRUE;

  if (jd_job_notification_for_status (w->status, job, NULL, &title, &body))
    maybe_notify (self, w->job_id, title, body);
  else if (tripped && !w->tripped && now == JD_JOB_STATUS_IN_PROGRESS)
    {
      const JdJobConfig *config = jd_job_get_config (job);

      title = jd_job_notification_threshold_title (w->job_id);
      body = jd_job_notification_describe_criterion (&g_array_index (config->abort_criteria, JdAbortCriterion,
                                                                     criterion), &counts);
      maybe_notify (self, w->job_id, title, body);
    }

  w->status = now;
  w->details = now_details;
  w->tripped = tripped;
  if (now == JD_JOB_STATUS_COMPLETED || now == JD_JOB_STATUS_CANCELED ||
      now == JD_JOB_STATUS_DELETION_IN_PROGRESS)
    forget (self, w->job_id);
}

static void
described_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  Request *request = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(JdJob) job = jd_control_plane_describe_job_only_finish (JD_CONTROL_PLANE (source), result, &error);
  JdJobWatch *self = request->self;
  Watched *w;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    goto out;

  g_assert (self->in_flight > 0);
  self->in_flight--;
  w = find_watched (self, request->job_id, NULL);
  if (w != NULL && job != NULL)
    job_described (self, w, job);
  else if (w != NULL && g_error_matches (error, JD_JOBS_ERROR, JD_JOBS_ERROR_RESOURCE_NOT_FOUND_EXCEPTION))
    forget (self, request->job_id);   /* deleted: nothing more to tell */
  else if (error != NULL)
    g_debug ("DescribeJob %s: %s", request->job_id, error->message);

  if (self->in_flight == 0)
    {
      /* Fast again after a change, else (and after errors) slower. */
      if (self->changed)
        self->interval_ms = self->min_ms;
      else
        self->interval_ms = MIN ((guint64) self->interval_ms * 2, self->max_ms);
      schedule (self);
    }

out:
  g_free (request->job_id);
  g_free (request);
}

static gboolean
round_cb (gpointer user_data)
{
  JdJobWatch *self = user_data;

  self->timer_id = 0;
  self->changed = FALSE;
  self->n_rounds++;
  for (guint i = 0; i < self->jobs->len; i++)
    {
      Watched *w = g_ptr_array_index (self->jobs, i);
      Request *request = g_new0 (Request, 1);

      request->self = self;
      request->job_id = g_strdup (w->job_id);
      self->in_flight++;
      jd_control_plane_describe_job_only_async (self->control_plane, w->job_id, self->cancellable,
                                                described_cb, request);
    }
  return G_SOURCE_REMOVE;
}

/* The next round, unless one is under way or nothing is watched. */
static void
schedule (JdJobWatch *self)
{
  if (self->timer_id != 0 || self->in_flight > 0 || self->jobs->len == 0)
    return;
  self->timer_id = g_timeout_add (self->interval_ms, round_cb, self);
  g_source_set_name_by_id (self->timer_id, "[jobdeck] job watch");
}

static void
jd_job_watch_dispose (GObject *object)
{
  JdJobWatch *self = JD_JOB_WATCH (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_handle_id (&self->timer_id, g_source_remove);
  if (self->window != NULL)
    g_object_remove_weak_pointer (G_OBJECT (self->window), (gpointer *) &self->window);
  self->window = NULL;
  g_ptr_array_set_size (self->jobs, 0);

  G_OBJECT_CLASS (jd_job_watch_parent_class)->dispose (object);
}

static void
jd_job_watch_finalize (GObject *object)
{
  JdJobWatch *self = JD_JOB_WATCH (object);

  g_clear_object (&self->control_plane);
  g_clear_object (&self->cancellable);
  g_ptr_array_unref (self->jobs);

  G_OBJECT_CLASS (jd_job_watch_parent_class)->finalize (object);
}

static void
jd_job_watch_class_init (JdJobWatchClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = jd_job_watch_dispose;
  object_class->finalize = jd_job_watch_finalize;
}

static void
jd_job_watch_init (JdJobWatch *self)
{
  self->jobs = g_ptr_array_new_with_free_func ((GDestroyNotify) watched_free);
  self->cancellable = g_cancellable_new ();
  self->min_ms = DEFAULT_MIN_MS;
  self->max_ms = DEFAULT_MAX_MS;
  self->interval_ms = DEFAULT_MIN_MS;
}

JdJobWatch *
jd_job_watch_new (GtkWindow      *window,
                  JdControlPlane *control_plane)
{
  JdJobWatch *self;

  g_return_val_if_fail (GTK_IS_WINDOW (window), NULL);
  g_return_val_if_fail (JD_IS_CONTROL_PLANE (control_plane), NULL);

  self = g_object_new (JD_TYPE_JOB_WATCH, NULL);
  self->window = window;
  g_object_add_weak_pointer (G_OBJECT (window), (gpointer *) &self->window);
  self->control_plane = g_object_ref (control_plane);
  return self;
}

/**
 * jd_job_watch_add:
 * @job_id: a job just created
 *
 * Watches @job_id until it ends or is gone. Its status is taken as
 * IN_PROGRESS until the first DescribeJob, so a job that ends before that
 * still gets its notification.
 */
void
jd_job_watch_add (JdJobWatch *self,
                  const char *job_id)
{
  Watched *w;

  g_return_if_fail (JD_IS_JOB_WATCH (self));
  g_return_if_fail (job_id != NULL);

  if (find_watched (self, job_id, NULL) != NULL)
    return;
  w = g_new0 (Watched, 1);
  w->job_id = g_strdup (job_id);
  w->status = JD_JOB_STATUS_IN_PROGRESS;
  g_ptr_array_add (self->jobs, w);

  /* A new job changes fast at first. */
  self->interval_ms = self->min_ms;
  if (self->timer_id != 0)
    {
      g_clear_handle_id (&self->timer_id, g_source_remove);
      schedule (self);
    }
  else if (self->in_flight == 0)
    schedule (self);
  else
    self->changed = TRUE;
}

guint
jd_job_watch_get_n_watched (JdJobWatch *self)
{
  g_return_val_if_fail (JD_IS_JOB_WATCH (self), 0);

  return self->jobs->len;
}

gboolean
jd_job_watch_get_busy (JdJobWatch *self)
{
  g_return_val_if_fail (JD_IS_JOB_WATCH (self), FALSE);

  return self->timer_id != 0 || self->in_flight > 0;
}

guint
jd_job_watch_get_n_sent (JdJobWatch *self)
{
  g_return_val_if_fail (JD_IS_JOB_WATCH (self), 0);

  return self->n_sent;
}

guint
jd_job_watch_get_n_rounds (JdJobWatch *self)
{
  g_return_val_if_fail (JD_IS_JOB_WATCH (self), 0);

  return self->n_rounds;
}

guint
jd_job_watch_get_interval (JdJobWatch *self)
{
  g_return_val_if_fail (JD_IS_JOB_WATCH (self), 0);

  return self->interval_ms;
}

void
jd_job_watch_set_interval_bounds (JdJobWatch *self,
                                  guint       min_ms,
                                  guint       max_ms)
{
  g_return_if_fail (JD_IS_JOB_WATCH (self));
  g_return_if_fail (min_ms > 0 && min_ms <= max_ms);

  self->min_ms = min_ms;
  self->max_ms = max_ms;
  self->interval_ms = CLAMP (self->interval_ms, min_ms, max_ms);
  if (self->timer_id != 0)
    {
      g_clear_handle_id (&self->timer_id, g_source_remove);
      schedule (self);
    }
}
