/* jd-job-details.c — one job's details in the Jobs view.
 *
 * The job object comes from JdJobList, which keeps its status and counters
 * current; the details redraw on its `notify`. They load the rest
 * themselves: DescribeJob with the document (merged into the same object)
 * and ListJobExecutionsForJob, again whenever the job's counters or status
 * move. Every request runs with a GCancellable that a new job or dispose
 * cancels, and holds a reference on the widget until its callback has run.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#define G_LOG_DOMAIN "jd-app"

#include <glib/gi18n.h>
#include <gtksourceview/gtksource.h>

#include "jd-aws-error.h"
#include "jd-cells.h"
#include "jd-format.h"
#include "jd-job-cells.h"
#include "jd-job-details.h"
#include "jd-job-template.h"

typedef enum {
  COUNT_QUEUED,
  COUNT_IN_PROGRESS,
  COUNT_SUCCEEDED,
  COUNT_FAILED,
  COUNT_REJECTED,
  COUNT_TIMED_OUT,
  COUNT_CANCELED,
  COUNT_REMOVED,
  N_COUNTS
} Count;

struct _JdJobDetails
{
  GtkWidget            parent_instance;

  JdControlPlane      *control_plane;
  JdJob               *job;
  GCancellable        *cancellable;        /* this job's loads */
  guint                n_pending;
  gboolean             executions_loading;
  gboolean             executions_stale;   /* the job moved while they loaded */
  gboolean             disposed;
  GPtrArray           *execution_rows;
  GtkLabel            *count_labels[N_COUNTS];

  /* Template children */
  GtkScrolledWindow   *scroller;
  GtkLabel            *job_id_label;
  GtkLabel            *status_label;
  GtkLabel            *description_label;
  AdwActionRow        *reason_row;
  AdwActionRow        *comment_row;
  AdwActionRow        *forced_row;
  AdwActionRow        *selection_row;
  AdwActionRow        *targets_row;
  AdwActionRow        *template_row;
  AdwActionRow        *created_row;
  AdwActionRow        *updated_row;
  AdwActionRow        *completed_row;
  AdwActionRow        *timeout_row;
  AdwPreferencesGroup *fleet_group;
  /* DescribeJob's answer about the job: its fleet settings (the listed
   * summary has none, and jd_job_update() does not carry them over). */
  JdJob               *described;
  AdwActionRow        *rollout_row;
  AdwActionRow        *abort_row;
  AdwActionRow        *retry_row;
  AdwActionRow        *schedule_row;
  GtkFlowBox          *counts_box;
  GtkProgressBar      *progress_bar;
  GtkWidget           *status_group;
  GtkSourceView       *document_view;
  AdwPreferencesGroup *executions_group;
  AdwActionRow        *no_executions_row;
};

G_DEFINE_FINAL_TYPE (JdJobDetails, jd_job_details, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_JOB,
  PROP_LOADING,
  N_PROPS
};

enum {
  SHOW_MESSAGE,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

static void load_executions (JdJobDetails *self);

/* One request in flight for @job_id. */
typedef struct {
  JdJobDetails *self;
  char         *job_id;
} Op;

static Op *
op_new (JdJobDetails *self)
{
  Op *op = g_new0 (Op, 1);

  op->self = g_object_ref (self);
  op->job_id = g_strdup (jd_job_get_job_id (self->job));
  if (self->n_pending++ == 0)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LOADING]);
  return op;
}

static void
op_free (Op *op)
{
  JdJobDetails *self = op->self;

  if (--self->n_pending == 0 && !self->disposed)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LOADING]);
  g_free (op->job_id);
  g_object_unref (op->self);
  g_free (op);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Op, op_free)

static gboolean
op_cancelled (Op           *op,
              const GError *error)
{
  return op->self->disposed || g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
}

static void
show_message (JdJobDetails *self,
              const char   *title,
              const GError *error)
{
  g_autofree char *details = jd_aws_error_details (error);

  g_signal_emit (self, signals[SHOW_MESSAGE], 0, title, details);
}

static void
set_time_row (AdwActionRow *row,
              GDateTime    *when)
{
  g_autofree char *relative = jd_format_relative_time (when, NULL);
  g_autofree char *exact = jd_format_exact_time (when);

  adw_action_row_set_subtitle (row, relative);
  jd_cells_set_tooltip (GTK_WIDGET (row), when ? exact : NULL);
}

static void
set_text_row (AdwActionRow *row,
              const char   *text)
{
  adw_action_row_set_subtitle (row, text != NULL && text[0] != '\0' ? text : "—");
}

static void
clear_executions (JdJobDetails *self)
{
  for (guint i = 0; i < self->execution_rows->len; i++)
    adw_preferences_group_remove (self->executions_group, g_ptr_array_index (self->execution_rows, i));
  g_ptr_array_set_size (self->execution_rows, 0);
  gtk_widget_set_visible (GTK_WIDGET (self->no_executions_row), TRUE);
}

static void
show_executions (JdJobDetails *self,
                 GPtrArray    *executions)
{
  clear_executions (self);

  for (guint i = 0; i < executions->len; i++)
    {
      JdJobExecutionInfo *info = g_ptr_array_index (executions, i);
      GDateTime *updated = jd_job_execution_info_get_last_updated_at (info);
      g_autofree char *relative = jd_format_relative_time (updated, NULL);
      g_autofree char *exact = jd_format_exact_time (updated);
      g_autofree char *subtitle = NULL;
      const char *thing = jd_job_execution_info_get_thing_name (info);
      g_autofree char *thing_from_arn = jd_format_thing_name_from_arn (jd_job_execution_info_get_thing_arn (info));
      GtkWidget *row = adw_action_row_new ();
      GtkWidget *pill = gtk_label_new (NULL);

      /* Translators: when a job execution last changed, e.g. "Updated 2 min ago" */
      subtitle = g_strdup_printf (_("Updated %s"), relative);
      adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), thing ? thing : thing_from_arn);
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
      gtk_widget_set_tooltip_text (row, exact);
      gtk_widget_set_valign (pill, GTK_ALIGN_CENTER);
      jd_format_status_pill (GTK_LABEL (pill), jd_job_execution_info_get_status (info));
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), pill);
      adw_preferences_group_add (self->executions_group, row);
      g_ptr_array_add (self->execution_rows, row);
    }

  gtk_widget_set_visible (GTK_WIDGET (self->no_executions_row), executions->len == 0);
}

static void
set_document (JdJobDetails *self,
              const char   *document)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (GTK_TEXT_VIEW (self->document_view));
  g_autoptr(JsonNode) node = NULL;
  g_autofree char *pretty = NULL;

  if (document == NULL)
    {
      gtk_text_buffer_set_text (buffer, _("Loading…"), -1);
      return;
    }

  /* Indent it for reading; a document that is not JSON is shown as it is. */
  node = json_from_string (document, NULL);
  pretty = node != NULL ? jd_format_json_pretty (node) : g_strdup (document);
  gtk_text_buffer_set_text (buffer, pretty, -1);
}

static void
show_cancellation (JdJobDetails *self)
{
  JdJob *job = self->job;
  const char *reason = jd_job_get_reason_code (job);
  const char *comment = jd_job_get_comment (job);
  gboolean has_reason = reason != NULL && reason[0] != '\0';
  gboolean has_comment = comment != NULL && comment[0] != '\0';
  gboolean canceled = jd_job_get_status (job) == JD_JOB_STATUS_CANCELED || jd_job_get_force_canceled (job);

  set_text_row (self->reason_row, reason);
  set_text_row (self->comment_row, comment);
  adw_action_row_set_subtitle (self->forced_row,
                               jd_job_get_force_canceled (job)
                               ? _("Yes, executions in progress were canceled too")
                               : _("No"));
  gtk_widget_set_visible (GTK_WIDGET (self->reason_row), has_reason);
  gtk_widget_set_visible (GTK_WIDGET (self->comment_row), has_comment);
  gtk_widget_set_visible (GTK_WIDGET (self->forced_row), canceled);
  gtk_widget_set_visible (self->status_group, has_reason || has_comment || canceled);
}

static void
show_counts (JdJobDetails *self)
{
  const JdJobProcessDetails *counts = jd_job_get_process_details (self->job);
  guint values[N_COUNTS] = { 0 };
  g_autofree char *progress_text = NULL;
  double fraction;

  if (counts != NULL)
    {
      values[COUNT_QUEUED] = counts->queued;
      values[COUNT_IN_PROGRESS] = counts->in_progress;
      values[COUNT_SUCCEEDED] = counts->succeeded;
      values[COUNT_FAILED] = counts->failed;
      values[COUNT_REJECTED] = counts->rejected;
      values[COUNT_TIMED_OUT] = counts->timed_out;
      values[COUNT_CANCELED] = counts->canceled;
      values[COUNT_REMOVED] = counts->removed;
    }

  for (guint i = 0; i < N_COUNTS; i++)
    {
      g_autofree char *text = counts != NULL ? g_strdup_printf ("%u", values[i]) : g_strdup ("—");

      gtk_label_set_label (self->count_labels[i], text);
      if (counts != NULL && values[i] == 0)
        gtk_widget_add_css_class (GTK_WIDGET (self->count_labels[i]), "dim-label");
      else
        gtk_widget_remove_css_class (GTK_WIDGET (self->count_labels[i]), "dim-label");
    }

  fraction = jd_job_cells_progress (self->job, &progress_text);
  gtk_progress_bar_set_fraction (self->progress_bar, MAX (fraction, 0));
  gtk_progress_bar_set_text (self->progress_bar, progress_text);
  gtk_widget_set_visible (GTK_WIDGET (self->progress_bar), fraction >= 0);
}

/* What a failure type counts, as the end of "… of executed things …". */
static const char *
failure_words (JdFailureType type)
{
  switch (type)
    {
    case JD_FAILURE_TYPE_FAILED:
      return _("failed");
    case JD_FAILURE_TYPE_REJECTED:
      return _("were rejected");
    case JD_FAILURE_TYPE_TIMED_OUT:
      return _("timed out");
    case JD_FAILURE_TYPE_ALL:
    default:
      return _("failed, were rejected or timed out");
    }
}

/* A number of the settings as people write it: "12.5", "20". */
static char *
format_number (double value)
{
  return g_strdup_printf ("%g", value);
}

/**
 * jd_job_details_rollout_words:
 *
 * Returns: (transfer full) (nullable): @config's rollout in words, or %NULL
 */
char *
jd_job_details_rollout_words (const JdJobConfig *config)
{
  GString *words;

  if (!config->has_rollout)
    return NULL;
  words = g_string_new (NULL);
  if (config->has_exponential)
    {
      g_autofree char *factor = format_number (config->increment_factor);
      gint64 step = config->notified_threshold > 0 ? config->notified_threshold : config->succeeded_threshold;

      if (config->notified_threshold > 0)
        /* Translators: an increasing rollout, e.g. "10 things per minute at first, ×2 after every 50 notified" */
        g_string_append_printf (words, _("%d things per minute at first, ×%s after every %d notified"),
                                (int) config->base_rate_per_minute, factor, (int) step);
      else
        /* Translators: an increasing rollout, e.g. "10 things per minute at first, ×2 after every 50 succeeded" */
        g_string_append_printf (words, _("%d things per minute at first, ×%s after every %d succeeded"),
                                (int) config->base_rate_per_minute, factor, (int) step);
      if (config->maximum_per_minute > 0)
        {
          g_string_append (words, "\n");
          g_string_append_printf (words, _("At most %d per minute"), (int) config->maximum_per_minute);
        }
    }
  else if (config->maximum_per_minute > 0)
    g_string_append_printf (words, _("Up to %d things per minute"), (int) config->maximum_per_minute);
  return g_string_free (words, FALSE);
}

/**
 * jd_job_details_abort_words:
 *
 * Returns: (transfer full) (nullable): @config's abort criteria, one a line
 */
char *
jd_job_details_abort_words (const JdJobConfig *config)
{
  GString *words;

  if (config->abort_criteria->len == 0)
    return NULL;
  words = g_string_new (NULL);
  for (guint i = 0; i < config->abort_criteria->len; i++)
    {
      const JdAbortCriterion *c = &g_array_index (config->abort_criteria, JdAbortCriterion, i);
      g_autofree char *threshold = format_number (c->threshold_percentage);

      if (i > 0)
        g_string_append (words, "\n");
      /* Translators: an abort criterion, e.g. "Cancel when 20 % of at least 10 executed things failed" */
      g_string_append_printf (words, _("Cancel when %s %% of at least %d executed things %s"),
                              threshold, (int) c->min_executed, failure_words (c->failure_type));
    }
  return g_string_free (words, FALSE);
}

/**
 * jd_job_details_retry_words:
 *
 * Returns: (transfer full) (nullable): @config's retry criteria, one a line
 */
char *
jd_job_details_retry_words (const JdJobConfig *config)
{
  GString *words;

  if (config->retry_criteria->len == 0)
    return NULL;
  words = g_string_new (NULL);
  for (guint i = 0; i < config->retry_criteria->len; i++)
    {
      const JdRetryCriterion *c = &g_array_index (config->retry_criteria, JdRetryCriterion, i);

      if (i > 0)
        g_string_append (words, "\n");
      /* Translators: a retry criterion, e.g. "Failed: up to 2 retries" */
      g_string_append_printf (words, g_dngettext (GETTEXT_PACKAGE, "%s: up to %d retry", "%s: up to %d retries",
                                                  c->retries),
                              c->failure_type == JD_FAILURE_TYPE_FAILED ? _("Failed")
                              : c->failure_type == JD_FAILURE_TYPE_TIMED_OUT ? _("Timed out")
                              : _("Any failure"), c->retries);
    }
  return g_string_free (words, FALSE);
}

/**
 * jd_job_details_schedule_words:
 *
 * Returns: (transfer full) (nullable): @config's scheduling, or %NULL
 */
char *
jd_job_details_schedule_words (const JdJobConfig *config)
{
  GString *words;

  if (!config->has_scheduling || (config->start_time < 0 && config->end_time < 0))
    return NULL;
  words = g_string_new (NULL);
  if (config->start_time >= 0)
    {
      g_autoptr(GDateTime) start = g_date_time_new_from_unix_utc (config->start_time);
      g_autofree char *text = g_date_time_format (start, "%Y-%m-%d %H:%M UTC");

      /* Translators: %s is a date and time */
      g_string_append_printf (words, _("Starts %s"), text);
    }
  if (config->end_time >= 0)
    {
      g_autoptr(GDateTime) end = g_date_time_new_from_unix_utc (config->end_time);
      g_autofree char *text = g_date_time_format (end, "%Y-%m-%d %H:%M UTC");
      const char *then;

      switch (config->end_behavior)
        {
        case JD_END_BEHAVIOR_CANCEL:
          then = _("then the job is canceled");
          break;
        case JD_END_BEHAVIOR_FORCE_CANCEL:
          then = _("then the job is force-canceled");
          break;
        case JD_END_BEHAVIOR_STOP_ROLLOUT:
        case JD_END_BEHAVIOR_NONE:
        default:
          then = _("then the rollout stops");
          break;
        }
      if (words->len > 0)
        g_string_append (words, "\n");
      /* Translators: a date and time, and what happens then */
      g_string_append_printf (words, _("Ends %s, %s"), text, then);
    }
  return g_string_free (words, FALSE);
}

static gboolean
set_fleet_row (AdwActionRow *row,
               char         *words)
{
  g_autofree char *owned = words;

  gtk_widget_set_visible (GTK_WIDGET (row), owned != NULL);
  adw_action_row_set_subtitle (row, owned ? owned : "");
  return owned != NULL;
}

static void
show_fleet_settings (JdJobDetails *self)
{
  const JdJobConfig *config;
  gboolean any = FALSE;

  if (self->described != NULL && g_strcmp0 (jd_job_get_job_id (self->described), jd_job_get_job_id (self->job)) == 0)
    config = jd_job_get_config (self->described);
  else
    config = jd_job_get_config (self->job);

  any |= set_fleet_row (self->rollout_row, jd_job_details_rollout_words (config));
  any |= set_fleet_row (self->abort_row, jd_job_details_abort_words (config));
  any |= set_fleet_row (self->retry_row, jd_job_details_retry_words (config));
  any |= set_fleet_row (self->schedule_row, jd_job_details_schedule_words (config));
  gtk_widget_set_visible (GTK_WIDGET (self->fleet_group), any);
}

/* The template the job was made from: a managed one by its name and
 * version, the account's by its id; the ARN in the tooltip. */
static void
show_template (JdJobDetails *self)
{
  const char *arn = jd_job_get_template_arn (self->job);
  g_autofree char *region = NULL;
  g_autofree char *account_id = NULL;
  g_autofree char *name = NULL;
  g_autofree char *version = NULL;
  g_autofree char *words = NULL;

  gtk_widget_set_visible (GTK_WIDGET (self->template_row), arn != NULL && arn[0] != '\0');
  if (arn == NULL || arn[0] == '\0')
    return;
  if (!jd_job_template_parse_arn (arn, &region, &account_id, &name, &version, NULL))
    words = g_strdup (arn);
  else if (account_id == NULL && version != NULL)
    /* Translators: a job's template: AWS's managed one, its name and version. */
    words = g_strdup_printf (_("%s %s, managed by AWS"), name, version);
  else if (account_id == NULL)
    /* Translators: a job's template: AWS's managed one, its name. */
    words = g_strdup_printf (_("%s, managed by AWS"), name);
  else
    words = g_strdup (name);
  adw_action_row_set_subtitle (self->template_row, words);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->template_row), arn);
}

static void
show_details (JdJobDetails *self)
{
  JdJob *job = self->job;
  const char *description;
  g_autofree char *targets = NULL;
  gint64 timeout;

  if (job == NULL)
    return;

  description = jd_job_get_description (job);
  gtk_label_set_label (self->job_id_label, jd_job_get_job_id (job));
  jd_job_cells_status_pill (self->status_label, job);
  gtk_label_set_label (self->description_label, description ? description : "");
  gtk_widget_set_visible (GTK_WIDGET (self->description_label), description != NULL && description[0] != '\0');

  show_cancellation (self);
  adw_action_row_set_subtitle (self->selection_row,
                               jd_format_target_selection_label (jd_job_get_target_selection (job)));
  targets = jd_job_cells_targets_text (job);
  set_text_row (self->targets_row, targets);
  show_template (self);

  jd_job_details_tick (self);

  timeout = jd_job_get_in_progress_timeout_minutes (job);
  if (timeout > 0)
    {
      g_autofree char *text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%d minute", "%d minutes", timeout),
                                               (int) timeout);
      adw_action_row_set_subtitle (self->timeout_row, text);
    }
  else
    adw_action_row_set_subtitle (self->timeout_row, _("None"));

  show_fleet_settings (self);
  show_counts (self);
  set_document (self, jd_job_get_document (job));
}

static void
describe_job_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(Op) op = user_data;
  JdJobDetails *self = op->self;
  g_autoptr(JdJob) job = NULL;
  g_autoptr(GError) error = NULL;

  job = jd_control_plane_describe_job_finish (JD_CONTROL_PLANE (object), result, &error);
  if (op_cancelled (op, error))
    return;

  if (job == NULL)
    {
      g_autofree char *title = g_strdup_printf (_("Could not load %s"), op->job_id);

      set_document (self, "");
      show_message (self, title, error);
      return;
    }

  /* Into the listed object: the table's row learns the counters too. */
  jd_job_update (self->job, job);
  g_set_object (&self->described, job);
  show_details (self);
}

static void
list_executions_cb (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(Op) op = user_data;
  JdJobDetails *self = op->self;
  g_autoptr(GPtrArray) executions = NULL;
  g_autoptr(GError) error = NULL;

  executions = jd_control_plane_list_job_executions_for_job_finish (JD_CONTROL_PLANE (object), result, &error);
  if (op_cancelled (op, error))
    return;

  self->executions_loading = FALSE;
  if (executions == NULL)
    {
      g_autofree char *title = g_strdup_printf (_("Could not load the executions of %s"), op->job_id);

      show_message (self, title, error);
      return;
    }

  show_executions (self, executions);
  if (self->executions_stale)
    load_executions (self);
}

static void
load_executions (JdJobDetails *self)
{
  self->executions_stale = FALSE;
  if (self->executions_loading)
    {
      self->executions_stale = TRUE;
      return;
    }
  self->executions_loading = TRUE;
  jd_control_plane_list_job_executions_for_job_async (self->control_plane, jd_job_get_job_id (self->job),
                                                      JD_EXECUTION_STATUS_UNKNOWN, self->cancellable,
                                                      list_executions_cb, op_new (self));
}

static void
job_notify_cb (JdJobDetails *self,
               GParamSpec   *pspec)
{
  show_details (self);

  /* The counters or status moved: so did some execution. */
  if (self->control_plane != NULL &&
      (g_strcmp0 (pspec->name, "process-details") == 0 || g_strcmp0 (pspec->name, "status") == 0))
    load_executions (self);
}

static void
setup_source_view (JdJobDetails *self)
{
  GtkSourceBuffer *buffer = GTK_SOURCE_BUFFER (gtk_text_view_get_buffer (GTK_TEXT_VIEW (self->document_view)));
  const char *scheme = adw_style_manager_get_dark (adw_style_manager_get_default ()) ? "Adwaita-dark" : "Adwaita";

  gtk_source_buffer_set_language (buffer,
                                  gtk_source_language_manager_get_language (gtk_source_language_manager_get_default (),
                                                                            "json"));
  gtk_source_buffer_set_style_scheme (buffer,
                                      gtk_source_style_scheme_manager_get_scheme (gtk_source_style_scheme_manager_get_default (),
                                                                                  scheme));
}

static void
add_count (JdJobDetails *self,
           Count         count,
           const char   *title,
           const char   *name)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 2);
  GtkWidget *number = gtk_label_new ("—");
  GtkWidget *caption = gtk_label_new (title);

  gtk_widget_add_css_class (number, "title-3");
  gtk_widget_add_css_class (number, "numeric");
  gtk_widget_set_name (number, name);
  gtk_widget_add_css_class (caption, "caption");
  gtk_widget_add_css_class (caption, "dim-label");
  gtk_label_set_ellipsize (GTK_LABEL (caption), PANGO_ELLIPSIZE_END);
  gtk_widget_set_margin_top (box, 6);
  gtk_widget_set_margin_bottom (box, 6);
  gtk_box_append (GTK_BOX (box), number);
  gtk_box_append (GTK_BOX (box), caption);
  gtk_flow_box_append (self->counts_box, box);
  gtk_widget_set_focusable (gtk_widget_get_parent (box), FALSE);
  self->count_labels[count] = GTK_LABEL (number);
}

static void
cancel_loads (JdJobDetails *self)
{
  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->executions_loading = FALSE;
  self->executions_stale = FALSE;
}

static void
jd_job_details_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  JdJobDetails *self = JD_JOB_DETAILS (object);

  switch (prop_id)
    {
    case PROP_JOB:
      g_value_set_object (value, self->job);
      break;
    case PROP_LOADING:
      g_value_set_boolean (value, self->n_pending > 0);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
jd_job_details_dispose (GObject *object)
{
  JdJobDetails *self = JD_JOB_DETAILS (object);

  self->disposed = TRUE;
  cancel_loads (self);
  if (self->job != NULL)
    g_signal_handlers_disconnect_by_data (self->job, self);
  g_clear_object (&self->job);
  g_clear_object (&self->described);
  g_clear_object (&self->control_plane);
  gtk_widget_dispose_template (GTK_WIDGET (object), JD_TYPE_JOB_DETAILS);

  G_OBJECT_CLASS (jd_job_details_parent_class)->dispose (object);
}

static void
jd_job_details_finalize (GObject *object)
{
  JdJobDetails *self = JD_JOB_DETAILS (object);

  g_clear_pointer (&self->execution_rows, g_ptr_array_unref);

  G_OBJECT_CLASS (jd_job_details_parent_class)->finalize (object);
}

static void
jd_job_details_class_init (JdJobDetailsClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = jd_job_details_dispose;
  object_class->finalize = jd_job_details_finalize;
  object_class->get_property = jd_job_details_get_property;

  properties[PROP_JOB] =
    g_param_spec_object ("job", NULL, NULL, JD_TYPE_JOB,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_LOADING] =
    g_param_spec_boolean ("loading", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * JdJobDetails::show-message:
   * @title: what happened, for a toast
   * @details: (nullable): AWS's error type and message
   */
  signals[SHOW_MESSAGE] =
    g_signal_new ("show-message", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 2, G_TYPE_STRING, G_TYPE_STRING);

  gtk_source_init ();

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PREFIX "/jd-job-details.ui");
  gtk_widget_class_bind_template_child (widget_class, JdJobDetails, scroller);
  gtk_widget_class_bind_template_child (widget_class, JdJobDetails, job_id_label);
  gtk_widget_class_bind_template_child (widget_class, JdJobDetails, fleet_group);
  gtk_widget_class_bind_template_child (widget_class, JdJobDetails, rollout_row);
  gtk_widget_class_bind_template_child (widget_class, JdJobDetails, abort_row);
  gtk_widget_class_bind_template_child (widget_class, JdJobDetails, retry_row);
  gtk_widget_class_bind_template_child (widget_class, JdJobDetails, schedule_row);
  gtk_widget_class_bind_template_child (widget_class, JdJobDetails, status_label);
  gtk_widget_class_bind_template_child (widget_class, JdJobDetails, description_label);
  gtk_widget_class_bind_template_child (widget_class, JdJobDetails, reason_row);
  gtk_widget_class_bind_template_child (widget_class, JdJobDetails, comment_row);
  gtk_widget_class_bind_template_child (widget_class, JdJobDetails, forced_row);
  gtk_widget_class_bind_template_child (widget_class, JdJobDetails, selection_row);
  gtk_widget_class_bind_template_child (widget_class, JdJobDetails, targets_row);
  gtk_widget_class_bind_template_child (widget_class, JdJobDetails, template_row);
  gtk_widget_class_bind_template_child (widget_class, JdJobDetails, created_row);
  gtk_widget_class_bind_template_child (widget_class, JdJobDetails, updated_row);
  gtk_widget_class_bind_template_child (widget_class, JdJobDetails, completed_row);
  gtk_widget_class_bind_template_child (widget_class, JdJobDetails, timeout_row);
  gtk_widget_class_bind_template_child (widget_class, JdJobDetails, counts_box);
  gtk_widget_class_bind_template_child (widget_class, JdJobDetails, progress_bar);
  gtk_widget_class_bind_template_child (widget_class, JdJobDetails, status_group);
  gtk_widget_class_bind_template_child (widget_class, JdJobDetails, document_view);
  gtk_widget_class_bind_template_child (widget_class, JdJobDetails, executions_group);
  gtk_widget_class_bind_template_child (widget_class, JdJobDetails, no_executions_row);
}

static void
jd_job_details_init (JdJobDetails *self)
{
  self->execution_rows = g_ptr_array_new ();

  gtk_widget_init_template (GTK_WIDGET (self));

  add_count (self, COUNT_QUEUED, _("Queued"), "count-queued");
  add_count (self, COUNT_IN_PROGRESS, _("In Progress"), "count-in-progress");
  add_count (self, COUNT_SUCCEEDED, _("Succeeded"), "count-succeeded");
  add_count (self, COUNT_FAILED, _("Failed"), "count-failed");
  add_count (self, COUNT_REJECTED, _("Rejected"), "count-rejected");
  add_count (self, COUNT_TIMED_OUT, _("Timed Out"), "count-timed-out");
  add_count (self, COUNT_CANCELED, _("Canceled"), "count-canceled");
  add_count (self, COUNT_REMOVED, _("Removed"), "count-removed");

  setup_source_view (self);
  g_signal_connect_object (adw_style_manager_get_default (), "notify::dark",
                           G_CALLBACK (setup_source_view), self, G_CONNECT_SWAPPED);
}

GtkWidget *
jd_job_details_new (void)
{
  return g_object_new (JD_TYPE_JOB_DETAILS, NULL);
}

/**
 * jd_job_details_get_job:
 *
 * Returns: (transfer none) (nullable): the job shown
 */
JdJob *
jd_job_details_get_job (JdJobDetails *self)
{
  g_return_val_if_fail (JD_IS_JOB_DETAILS (self), NULL);
  return self->job;
}

void
jd_job_details_set_job (JdJobDetails   *self,
                        JdControlPlane *control_plane,
                        JdJob          *job)
{
  g_return_if_fail (JD_IS_JOB_DETAILS (self));
  g_return_if_fail (control_plane == NULL || JD_IS_CONTROL_PLANE (control_plane));
  g_return_if_fail (job == NULL || JD_IS_JOB (job));

  if (self->job == job && self->control_plane == control_plane)
    return;

  cancel_loads (self);
  if (self->job != NULL)
    g_signal_handlers_disconnect_by_data (self->job, self);
  g_set_object (&self->job, job);
  g_set_object (&self->control_plane, control_plane);
  g_clear_object (&self->described);
  clear_executions (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_JOB]);

  if (job == NULL)
    return;

  g_signal_connect_object (job, "notify", G_CALLBACK (job_notify_cb), self, G_CONNECT_SWAPPED);
  /* A new job starts at the top, not where the last one was scrolled to. */
  gtk_adjustment_set_value (gtk_scrolled_window_get_vadjustment (self->scroller), 0);
  show_details (self);

  if (control_plane == NULL)
    return;

  self->cancellable = g_cancellable_new ();
  jd_control_plane_describe_job_async (control_plane, jd_job_get_job_id (job), self->cancellable,
                                       describe_job_cb, op_new (self));
  load_executions (self);
}

gboolean
jd_job_details_get_loading (JdJobDetails *self)
{
  g_return_val_if_fail (JD_IS_JOB_DETAILS (self), FALSE);
  return self->n_pending > 0;
}

void
jd_job_details_tick (JdJobDetails *self)
{
  g_return_if_fail (JD_IS_JOB_DETAILS (self));

  if (self->job == NULL)
    return;
  set_time_row (self->created_row, jd_job_get_created_at (self->job));
  set_time_row (self->updated_row, jd_job_get_last_updated_at (self->job));
  set_time_row (self->completed_row, jd_job_get_completed_at (self->job));
}
