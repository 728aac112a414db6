/* jd-device-agent.c — one simulated device running jobs as the AWS IoT
 * Device Client does (shared/reference/fleet-jobs-api.md §11.2).
 *
 * Per job: start-next makes the execution IN_PROGRESS; each step reports
 * statusDetails {step, progress} and then takes its simulated time; the end
 * is SUCCEEDED (with the stdout tail when includeStdOut is "true") or FAILED
 * with the Device Client's `reason` and a stderr tail. Which job fails, goes
 * offline or hangs is drawn from the device's own GRand, so a seed repeats a
 * run. A next execution that changes under a running job means it was
 * canceled or removed: the device drops it, as the Device Client does.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#define G_LOG_DOMAIN "jd-device-agent"

#include "jd-device-agent.h"
#include "jd-device-program.h"
#include "jd-jobs-error.h"

#define TAIL_MAX 1024
#define RETRY_MS 2000

struct _JdDeviceAgent
{
  GObject             parent_instance;

  JdMqttConnection   *connection;
  JdJobsClient       *client;
  char               *thing_name;
  JdDeviceBehavior    behavior;
  GRand              *rand;
  gboolean            running;

  JdDeviceAgentState  state;
  GCancellable       *job_cancellable;   /* the current job's requests */
  char               *job_id;
  JdDeviceProgram    *program;
  guint               step;
  int                 fail_at;           /* step that fails, or -1 */
  int                 stick_at;          /* step where it hangs, or -1 */
  int                 offline_at;        /* step where it goes offline, or -1 */
  char               *went_offline_in;   /* job that already had its offline spell */
  GString            *out;
  GString            *err;
  char               *next_job_id;       /* what notify-next said last */
  guint               next_serial;       /* counts notify-next messages */
  guint               asked_at_serial;   /* next_serial when start-next was sent */
  guint               timer_id;
  guint               retry_id;

  guint               n_succeeded;
  guint               n_failed;
  guint               n_rejected;
  guint               n_interrupted;
};

G_DEFINE_FINAL_TYPE (JdDeviceAgent, jd_device_agent, G_TYPE_OBJECT)

G_DEFINE_ENUM_TYPE (JdDeviceAgentState, jd_device_agent_state,
  G_DEFINE_ENUM_VALUE (JD_DEVICE_AGENT_OFFLINE, "offline"),
  G_DEFINE_ENUM_VALUE (JD_DEVICE_AGENT_IDLE, "idle"),
  G_DEFINE_ENUM_VALUE (JD_DEVICE_AGENT_STARTING, "starting"),
  G_DEFINE_ENUM_VALUE (JD_DEVICE_AGENT_WORKING, "working"),
  G_DEFINE_ENUM_VALUE (JD_DEVICE_AGENT_STUCK, "stuck"),
  G_DEFINE_ENUM_VALUE (JD_DEVICE_AGENT_REPORTING, "reporting"))

enum {
  PROP_0,
  PROP_STATE,
  PROP_JOB_ID,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum {
  JOB_FINISHED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void request_next (JdDeviceAgent *self);
static void run_step     (JdDeviceAgent *self);

/* ---- helpers ---- */

static void
set_state (JdDeviceAgent      *self,
           JdDeviceAgentState  state)
{
  if (self->state == state)
    return;
  self->state = state;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE]);
}

static guint
draw_ms (JdDeviceAgent *self,
         guint          min,
         guint          max)
{
  if (max <= min)
    return min;
  return (guint) g_rand_int_range (self->rand, (gint32) min, (gint32) max + 1);
}

static gboolean
draw_chance (JdDeviceAgent *self,
             double         chance)
{
  /* Always draw, so one device's sequence does not depend on the others'
   * settings. */
  double x = g_rand_double (self->rand);

  return x < chance;
}

/* Forgets the current job (its requests are cancelled). */
static void
drop_job (JdDeviceAgent *self)
{
  g_clear_handle_id (&self->timer_id, g_source_remove);
  if (self->job_cancellable != NULL)
    {
      g_cancellable_cancel (self->job_cancellable);
      g_clear_object (&self->job_cancellable);
    }
  g_clear_pointer (&self->program, jd_device_program_free);
  if (self->job_id != NULL)
    {
      g_clear_pointer (&self->job_id, g_free);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_JOB_ID]);
    }
  g_string_truncate (self->out, 0);
  g_string_truncate (self->err, 0);
}

static gboolean retry_cb (gpointer user_data);

/* Drops the job and waits; with `pick_up`, takes on work that arrived
 * meanwhile. */
static void
settle (JdDeviceAgent *self,
        gboolean       pick_up)
{
  drop_job (self);
  set_state (self, self->running && jd_jobs_client_get_synced (self->client)
                   ? JD_DEVICE_AGENT_IDLE : JD_DEVICE_AGENT_OFFLINE);
  if (pick_up && self->state == JD_DEVICE_AGENT_IDLE && self->next_job_id != NULL)
    request_next (self);
  else if (self->state == JD_DEVICE_AGENT_IDLE && self->retry_id == 0 && self->behavior.idle_recheck_ms > 0)
    /* A notification lost on the way (the broker's queue, a reconnect)
     * must not leave a device idle beside a queued job for good: it asks
     * again now and then. The spread is not from the seeded generator:
     * when to ask is not an outcome. */
    self->retry_id = g_timeout_add (self->behavior.idle_recheck_ms / 2 +
                                    (guint) g_random_int_range (0, (gint32) MAX (self->behavior.idle_recheck_ms, 1u)),
                                    retry_cb, self);
}

static void
become_idle (JdDeviceAgent *self)
{
  settle (self, TRUE);
}

static GHashTable *
details_new (JdDeviceAgent *self)
{
  GHashTable *details = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  JdDeviceStep *step;
  guint n = self->program->steps->len;

  if (self->step < n)
    {
      step = g_ptr_array_index (self->program->steps, self->step);
      g_hash_table_insert (details, g_strdup ("step"), g_strdup (step->name));
    }
  g_hash_table_insert (details, g_strdup ("progress"),
                       g_strdup_printf ("%u/%u", MIN (self->step, n), n));
  return details;
}

/* ---- reporting ---- */

typedef struct {
  JdDeviceAgent    *self;
  JdExecutionStatus status;
  char             *reason;
  gboolean          borrowed;   /* held by the agent's own timer: no reference (no cycle) */
} FinishData;

static void
finish_data_free (gpointer user_data)
{
  FinishData *data = user_data;

  if (!data->borrowed)
    g_object_unref (data->self);
  g_free (data->reason);
  g_free (data);
}

static void finish (JdDeviceAgent *self, JdExecutionStatus status, const char *reason);

/* AWS's RequestThrottled: try again later, nothing is wrong with the request. */
static gboolean
is_throttled (const GError *error)
{
  return error != NULL && g_strcmp0 (jd_jobs_error_get_aws_code (error), "RequestThrottled") == 0;
}

static gboolean
retry_finish_cb (gpointer user_data)
{
  FinishData *data = user_data;

  data->self->timer_id = 0;
  finish (data->self, data->status, data->reason);
  return G_SOURCE_REMOVE;
}

static void
finish_done_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  FinishData *data = user_data;
  g_autoptr(JdDeviceAgent) self = g_object_ref (data->self);
  JdExecutionStatus status = data->status;
  g_autoptr(GError) error = NULL;
  g_autoptr(JdExecution) execution = NULL;
  g_autofree char *job_id = NULL;

  execution = jd_jobs_client_update_finish (JD_JOBS_CLIENT (source), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      finish_data_free (data);
      return;
    }

  if (error != NULL && (jd_jobs_error_get_aws_code (error) == NULL || is_throttled (error)) &&
      self->running && jd_jobs_client_get_synced (self->client))
    {
      /* No answer in time, or throttled (AWS's data-plane quota: a big
       * fleet finishing at once exceeds it): not a refusal of the outcome,
       * which must still be told, as a device's agent retries its final
       * update. The wait is spread (not from the seeded generator: when to
       * retry is not an outcome) so that retries do not all come back at
       * once into the same quota. */
      g_debug ("%s: final update of %s not taken (%s); trying again", self->thing_name, self->job_id,
               error->message);
      /* The timer is the agent's (drop_job() and dispose remove it): it
       * must not keep the agent alive, or neither would ever go. */
      g_object_unref (data->self);
      data->borrowed = TRUE;
      self->timer_id = g_timeout_add_full (G_PRIORITY_DEFAULT, RETRY_MS / 2 + g_random_int_range (0, RETRY_MS),
                                           retry_finish_cb, data, finish_data_free);
      return;
    }
  finish_data_free (data);

  /* A retried update refused because the first one did arrive: the
   * execution is where we wanted it. */
  if (error != NULL && jd_jobs_error_get_execution_state (error) != NULL &&
      g_strcmp0 (json_object_get_string_member_with_default (jd_jobs_error_get_execution_state (error),
                                                             "status", NULL),
                 jd_execution_status_to_string (status)) == 0)
    g_clear_error (&error);

  job_id = g_strdup (self->job_id);
  if (error != NULL)
    {
      g_debug ("%s: final update of %s refused: %s", self->thing_name, job_id, error->message);
      self->n_interrupted++;
    }
  else
    {
      if (status == JD_EXECUTION_STATUS_SUCCEEDED)
        self->n_succeeded++;
      else if (status == JD_EXECUTION_STATUS_FAILED)
        self->n_failed++;
      else
        self->n_rejected++;
      g_signal_emit (self, signals[JOB_FINISHED], 0, job_id,
                     jd_execution_status_to_string (status));
    }
  /* notify-next for the finished job may have come first: that job is
   * no longer next. */
  if (g_strcmp0 (self->next_job_id, job_id) == 0)
    g_clear_pointer (&self->next_job_id, g_free);
  become_idle (self);
}

static void
finish (JdDeviceAgent     *self,
        JdExecutionStatus  status,
        const char        *reason)
{
  JdUpdateOptions options = JD_UPDATE_OPTIONS_INIT;
  g_autoptr(GHashTable) details = NULL;
  FinishData *data;

  g_clear_handle_id (&self->timer_id, g_source_remove);
  set_state (self, JD_DEVICE_AGENT_REPORTING);

  if (self->program != NULL)
    details = details_new (self);
  else
    details = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  if (reason != NULL)
    g_hash_table_insert (details, g_strdup ("reason"), jd_device_program_tail (reason, TAIL_MAX));
  if (self->err->len > 0)
    g_hash_table_insert (details, g_strdup ("stderr"), jd_device_program_tail (self->err->str, TAIL_MAX));
  if (self->program != NULL && self->program->include_stdout && self->out->len > 0)
    g_hash_table_insert (details, g_strdup ("stdout"), jd_device_program_tail (self->out->str, TAIL_MAX));
  options.status_details = details;

  data = g_new0 (FinishData, 1);
  data->self = g_object_ref (self);
  data->status = status;
  data->reason = g_strdup (reason);
  jd_jobs_client_update_async (self->client, self->job_id, status, &options,
                               self->job_cancellable, finish_done_cb, data);
}

static void
progress_done_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(JdDeviceAgent) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(JdExecution) execution = NULL;

  execution = jd_jobs_client_update_finish (JD_JOBS_CLIENT (source), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (is_throttled (error))
    {
      /* A progress report lost to the quota: the next report (or the final
       * one) carries all of statusDetails again, so the job goes on. */
      g_debug ("%s: progress of %s throttled", self->thing_name, self->job_id);
      return;
    }
  if (error != NULL)
    {
      /* Canceled or removed under us (TerminalStateReached,
       * InvalidStateTransition), or the connection went: drop the job; a
       * reconnect's start-next picks it up again if it is still ours. */
      g_debug ("%s: progress of %s refused: %s", self->thing_name, self->job_id, error->message);
      self->n_interrupted++;
      become_idle (self);
    }
}

/* ---- steps ---- */

static gboolean
step_timer_cb (gpointer user_data)
{
  JdDeviceAgent *self = user_data;
  JdDeviceStep *step = g_ptr_array_index (self->program->steps, self->step);

  self->timer_id = 0;

  if ((int) self->step == self->fail_at)
    {
      g_string_append_printf (self->err, "%s: exited with status 1 (simulated failure)\n",
                              step->command_line);
      if (!step->ignore_failure)
        {
          finish (self, JD_EXECUTION_STATUS_FAILED, "Job exited with status: 1");
          return G_SOURCE_REMOVE;
        }
    }
  else
    g_string_append_printf (self->out, "%s: done (simulated)\n", step->command_line);

  self->step++;
  run_step (self);
  return G_SOURCE_REMOVE;
}

static gboolean
back_online_cb (gpointer user_data)
{
  JdDeviceAgent *self = user_data;

  self->timer_id = 0;
  if (self->running)
    jd_mqtt_connection_connect (self->connection);
  return G_SOURCE_REMOVE;
}

static void
run_step (JdDeviceAgent *self)
{
  JdUpdateOptions options = JD_UPDATE_OPTIONS_INIT;
  g_autoptr(GHashTable) details = NULL;
  guint n = self->program->steps->len;

  if (self->step >= n)
    {
      finish (self, JD_EXECUTION_STATUS_SUCCEEDED, NULL);
      return;
    }

  if ((int) self->step == self->stick_at)
    {
      /* A hung job: nothing more is reported until the service times it
       * out (or cancels it), which notify-next shows. */
      set_state (self, JD_DEVICE_AGENT_STUCK);
      return;
    }

  if ((int) self->step == self->offline_at)
    {
      g_free (self->went_offline_in);
      self->went_offline_in = g_strdup (self->job_id);
      drop_job (self);
      set_state (self, JD_DEVICE_AGENT_OFFLINE);
      jd_mqtt_connection_disconnect (self->connection);
      self->timer_id = g_timeout_add (draw_ms (self, self->behavior.offline_min_ms,
                                               self->behavior.offline_max_ms),
                                      back_online_cb, self);
      return;
    }

  details = details_new (self);
  options.status_details = details;
  jd_jobs_client_update_async (self->client, self->job_id, JD_EXECUTION_STATUS_IN_PROGRESS,
                               &options, self->job_cancellable, progress_done_cb,
                               g_object_ref (self));
  self->timer_id = g_timeout_add (draw_ms (self, self->behavior.step_min_ms, self->behavior.step_max_ms),
                                  step_timer_cb, self);
}

static void
begin_job (JdDeviceAgent *self,
           JdExecution   *execution)
{
  g_autofree char *problem = NULL;
  guint n;

  self->job_id = g_strdup (jd_execution_get_job_id (execution));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_JOB_ID]);
  self->program = jd_device_program_parse (jd_execution_get_job_document (execution), &problem);
  self->step = 0;

  if (self->program == NULL)
    {
      g_debug ("%s: rejecting %s: %s", self->thing_name, self->job_id, problem);
      finish (self, JD_EXECUTION_STATUS_REJECTED, JD_DEVICE_PROGRAM_INVALID_REASON);
      return;
    }

  n = self->program->steps->len;
  self->fail_at = draw_chance (self, 1.0 - self->behavior.success_rate)
                  ? g_rand_int_range (self->rand, 0, (gint32) n) : -1;
  self->stick_at = draw_chance (self, self->behavior.timeout_chance)
                   ? g_rand_int_range (self->rand, 0, (gint32) n) : -1;
  self->offline_at = draw_chance (self, self->behavior.offline_chance) &&
                     g_strcmp0 (self->went_offline_in, self->job_id) != 0
                     ? g_rand_int_range (self->rand, 0, (gint32) n) : -1;
  set_state (self, JD_DEVICE_AGENT_WORKING);
  run_step (self);
}

/* ---- start-next ---- */

static gboolean
retry_cb (gpointer user_data)
{
  JdDeviceAgent *self = user_data;

  self->retry_id = 0;
  if (self->state == JD_DEVICE_AGENT_IDLE)
    request_next (self);
  return G_SOURCE_REMOVE;
}

static void
start_next_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(JdDeviceAgent) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(JdExecution) execution = NULL;

  execution = jd_jobs_client_start_next_finish (JD_JOBS_CLIENT (source), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  if (error != NULL)
    {
      g_debug ("%s: start-next failed: %s", self->thing_name, error->message);
      settle (self, FALSE);
      /* Throttled, an internal error or no answer: try again soon, as the
       * Device Client does (with a shorter wait than its 10 s), not at the
       * idle re-check settle() may have set. */
      if (self->state == JD_DEVICE_AGENT_IDLE)
        {
          g_clear_handle_id (&self->retry_id, g_source_remove);
          self->retry_id = g_timeout_add (RETRY_MS, retry_cb, self);
        }
      return;
    }

  if (execution == NULL)
    {
      /* Nothing was pending when the service answered. A notify-next that
       * arrived after we asked may name a job created since (the answer
       * and the notification can cross): keep it, and ask again. */
      if (self->next_serial == self->asked_at_serial)
        g_clear_pointer (&self->next_job_id, g_free);
      become_idle (self);
      return;
    }

  begin_job (self, execution);
}

static void
request_next (JdDeviceAgent *self)
{
  drop_job (self);
  set_state (self, JD_DEVICE_AGENT_STARTING);
  self->asked_at_serial = self->next_serial;
  self->job_cancellable = g_cancellable_new ();
  jd_jobs_client_start_next_async (self->client, NULL, JD_JOBS_STEP_TIMEOUT_UNSET,
                                   self->job_cancellable, start_next_cb, g_object_ref (self));
}

/* ---- signals ---- */

static void
next_changed_cb (JdJobsClient  *client,
                 JdExecution   *execution,
                 JdDeviceAgent *self)
{
  const char *job_id = execution != NULL ? jd_execution_get_job_id (execution) : NULL;

  g_free (self->next_job_id);
  self->next_job_id = g_strdup (job_id);
  self->next_serial++;

  switch (self->state)
    {
    case JD_DEVICE_AGENT_WORKING:
    case JD_DEVICE_AGENT_STUCK:
      /* An IN_PROGRESS execution stays next while it runs: when next is
       * something else, ours was canceled, removed or timed out. */
      if (g_strcmp0 (job_id, self->job_id) != 0)
        {
          g_debug ("%s: %s ended under us", self->thing_name, self->job_id);
          self->n_interrupted++;
          become_idle (self);
        }
      break;

    case JD_DEVICE_AGENT_IDLE:
      if (job_id != NULL)
        request_next (self);
      break;

    case JD_DEVICE_AGENT_OFFLINE:
    case JD_DEVICE_AGENT_STARTING:
    case JD_DEVICE_AGENT_REPORTING:
    default:
      break;
    }
}

/* notify: the pending list changed. An idle device with something pending
 * asks for it even when no notify-next told it (one can cross a start-next
 * answer, and a device that only waits for notify-next would wait forever). */
static void
executions_changed_cb (JdJobsClient  *client,
                       GListModel    *executions,
                       JdDeviceAgent *self)
{
  if (self->state == JD_DEVICE_AGENT_IDLE && self->running && self->retry_id == 0 &&
      executions != NULL && g_list_model_get_n_items (executions) > 0)
    request_next (self);
}

static void
synced_changed_cb (JdJobsClient  *client,
                   GParamSpec    *pspec,
                   JdDeviceAgent *self)
{
  if (jd_jobs_client_get_synced (client))
    {
      if (self->state == JD_DEVICE_AGENT_OFFLINE && self->running)
        {
          /* On connect the Device Client publishes start-next. */
          set_state (self, JD_DEVICE_AGENT_IDLE);
          request_next (self);
        }
    }
  else if (self->state != JD_DEVICE_AGENT_OFFLINE)
    {
      /* The connection went: the job's requests fail; start over on
       * reconnect (start-next returns the IN_PROGRESS execution). */
      drop_job (self);
      set_state (self, JD_DEVICE_AGENT_OFFLINE);
    }
}

/* ---- GObject ---- */

static void
jd_device_agent_dispose (GObject *object)
{
  JdDeviceAgent *self = JD_DEVICE_AGENT (object);

  jd_device_agent_stop (self);
  if (self->client != NULL)
    g_signal_handlers_disconnect_by_data (self->client, self);
  g_clear_object (&self->client);
  g_clear_object (&self->connection);

  G_OBJECT_CLASS (jd_device_agent_parent_class)->dispose (object);
}

static void
jd_device_agent_finalize (GObject *object)
{
  JdDeviceAgent *self = JD_DEVICE_AGENT (object);

  g_free (self->thing_name);
  g_free (self->went_offline_in);
  g_free (self->next_job_id);
  g_clear_pointer (&self->rand, g_rand_free);
  g_string_free (self->out, TRUE);
  g_string_free (self->err, TRUE);

  G_OBJECT_CLASS (jd_device_agent_parent_class)->finalize (object);
}

static void
jd_device_agent_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  JdDeviceAgent *self = JD_DEVICE_AGENT (object);

  switch (prop_id)
    {
    case PROP_STATE:
      g_value_set_enum (value, self->state);
      break;
    case PROP_JOB_ID:
      g_value_set_string (value, self->job_id);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
jd_device_agent_class_init (JdDeviceAgentClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = jd_device_agent_dispose;
  object_class->finalize = jd_device_agent_finalize;
  object_class->get_property = jd_device_agent_get_property;

  properties[PROP_STATE] =
    g_param_spec_enum ("state", NULL, NULL, JD_TYPE_DEVICE_AGENT_STATE, JD_DEVICE_AGENT_OFFLINE,
                       G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_JOB_ID] =
    g_param_spec_string ("job-id", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * JdDeviceAgent::job-finished:
   * @job_id: the job
   * @status: what the device reported: "SUCCEEDED", "FAILED" or "REJECTED"
   */
  signals[JOB_FINISHED] =
    g_signal_new ("job-finished", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 2, G_TYPE_STRING, G_TYPE_STRING);
}

static void
jd_device_agent_init (JdDeviceAgent *self)
{
  JdDeviceBehavior defaults = JD_DEVICE_BEHAVIOR_INIT;

  self->behavior = defaults;
  self->out = g_string_new (NULL);
  self->err = g_string_new (NULL);
  self->fail_at = self->stick_at = self->offline_at = -1;
}

/* ---- public API ---- */

JdDeviceAgent *
jd_device_agent_new (JdMqttConnection       *connection,
                     const char             *thing_name,
                     const JdDeviceBehavior *behavior,
                     guint32                 seed)
{
  JdDeviceAgent *self;

  g_return_val_if_fail (JD_IS_MQTT_CONNECTION (connection), NULL);
  g_return_val_if_fail (thing_name != NULL, NULL);

  self = g_object_new (JD_TYPE_DEVICE_AGENT, NULL);
  self->connection = g_object_ref (connection);
  self->thing_name = g_strdup (thing_name);
  self->client = jd_jobs_client_new (connection, thing_name);
  self->rand = g_rand_new_with_seed (seed);
  if (behavior != NULL)
    self->behavior = *behavior;

  g_signal_connect (self->client, "next-job-execution-changed", G_CALLBACK (next_changed_cb), self);
  g_signal_connect (self->client, "job-executions-changed", G_CALLBACK (executions_changed_cb), self);
  g_signal_connect (self->client, "notify::synced", G_CALLBACK (synced_changed_cb), self);
  return self;
}

void
jd_device_agent_start (JdDeviceAgent *self)
{
  g_return_if_fail (JD_IS_DEVICE_AGENT (self));

  if (self->running)
    return;
  self->running = TRUE;
  jd_mqtt_connection_connect (self->connection);
}

void
jd_device_agent_stop (JdDeviceAgent *self)
{
  g_return_if_fail (JD_IS_DEVICE_AGENT (self));

  self->running = FALSE;
  g_clear_handle_id (&self->retry_id, g_source_remove);
  drop_job (self);
  if (self->connection != NULL)
    jd_mqtt_connection_disconnect (self->connection);
  set_state (self, JD_DEVICE_AGENT_OFFLINE);
}

void
jd_device_agent_set_behavior (JdDeviceAgent          *self,
                              const JdDeviceBehavior *behavior)
{
  g_return_if_fail (JD_IS_DEVICE_AGENT (self));
  g_return_if_fail (behavior != NULL);

  self->behavior = *behavior;
}

const JdDeviceBehavior *
jd_device_agent_get_behavior (JdDeviceAgent *self)
{
  g_return_val_if_fail (JD_IS_DEVICE_AGENT (self), NULL);
  return &self->behavior;
}

const char *
jd_device_agent_get_thing_name (JdDeviceAgent *self)
{
  g_return_val_if_fail (JD_IS_DEVICE_AGENT (self), NULL);
  return self->thing_name;
}

JdJobsClient *
jd_device_agent_get_client (JdDeviceAgent *self)
{
  g_return_val_if_fail (JD_IS_DEVICE_AGENT (self), NULL);
  return self->client;
}

JdDeviceAgentState
jd_device_agent_get_state (JdDeviceAgent *self)
{
  g_return_val_if_fail (JD_IS_DEVICE_AGENT (self), JD_DEVICE_AGENT_OFFLINE);
  return self->state;
}

const char *
jd_device_agent_get_job_id (JdDeviceAgent *self)
{
  g_return_val_if_fail (JD_IS_DEVICE_AGENT (self), NULL);
  return self->job_id;
}

guint
jd_device_agent_get_n_succeeded (JdDeviceAgent *self)
{
  g_return_val_if_fail (JD_IS_DEVICE_AGENT (self), 0);
  return self->n_succeeded;
}

guint
jd_device_agent_get_n_failed (JdDeviceAgent *self)
{
  g_return_val_if_fail (JD_IS_DEVICE_AGENT (self), 0);
  return self->n_failed;
}

guint
jd_device_agent_get_n_rejected (JdDeviceAgent *self)
{
  g_return_val_if_fail (JD_IS_DEVICE_AGENT (self), 0);
  return self->n_rejected;
}

guint
jd_device_agent_get_n_interrupted (JdDeviceAgent *self)
{
  g_return_val_if_fail (JD_IS_DEVICE_AGENT (self), 0);
  return self->n_interrupted;
}
