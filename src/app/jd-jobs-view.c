/* jd-jobs-view.c — the Jobs view.
 *
 * The account's jobs from ListJobs (all pages, optionally filtered by status)
 * in a GtkColumnView (data-table), and the selected job's details
 * (DescribeJob with its document, ListJobExecutionsForJob) in an AdwLeaflet
 * that folds the details over the table when the window is narrow.
 *
 * Every request runs with a GCancellable: a newer refresh cancels an older
 * one, selecting another job cancels the details being loaded, and dispose
 * cancels everything. Each request holds a reference on the view until its
 * callback has run, and callbacks of cancelled requests touch nothing.
 * Results and errors reach the user through the "show-message" signal (the
 * window makes toasts of them); a failed first load shows an error page with
 * a Retry button, a failed refresh keeps the rows already shown.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#define G_LOG_DOMAIN "jd-app"

#include <string.h>

#include <glib/gi18n.h>
#include <gtksourceview/gtksource.h>

#include "jd-cancel-job-dialog.h"
#include "jd-delete-job-dialog.h"
#include "jd-format.h"
#include "jd-jobs-view.h"

typedef enum {
  COLUMN_JOB,
  COLUMN_STATUS,
  COLUMN_TARGETS,
  COLUMN_CREATED,
  COLUMN_UPDATED,
} Column;

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

struct _JdJobsView
{
  GtkWidget            parent_instance;

  JdControlPlane      *control_plane;
  JdJobStatus          status_filter;
  GListStore          *store;
  GtkSingleSelection  *selection;
  GHashTable          *bound_time_cells;   /* GtkListItem → Column, for the clock */
  guint                clock_id;

  GCancellable        *refresh_cancellable;
  GCancellable        *details_cancellable;
  GCancellable        *actions_cancellable;
  guint                n_pending;
  gboolean             disposed;
  gboolean             updating_store;
  char                *pending_select;

  JdJob               *details_job;        /* DescribeJob's answer for the selected job */
  GPtrArray           *execution_rows;
  GtkLabel            *count_labels[N_COUNTS];

  /* Template children */
  GtkStack            *main_stack;
  AdwLeaflet          *leaflet;
  GtkDropDown         *status_dropdown;
  GtkLabel            *count_label;
  GtkSpinner          *spinner;
  GtkStack            *list_stack;
  GtkColumnView       *column_view;
  AdwStatusPage       *error_page;
  GtkWidget           *details_page;
  GtkLabel            *job_id_label;
  GtkLabel            *status_label;
  GtkLabel            *description_label;
  AdwActionRow        *reason_row;
  AdwActionRow        *comment_row;
  AdwActionRow        *forced_row;
  AdwActionRow        *selection_row;
  AdwActionRow        *targets_row;
  AdwActionRow        *created_row;
  AdwActionRow        *updated_row;
  AdwActionRow        *completed_row;
  AdwActionRow        *timeout_row;
  GtkFlowBox          *counts_box;
  GtkWidget           *status_group;
  GtkSourceView       *document_view;
  AdwPreferencesGroup *executions_group;
  AdwActionRow        *no_executions_row;
};

G_DEFINE_FINAL_TYPE (JdJobsView, jd_jobs_view, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_CONTROL_PLANE,
  PROP_STATUS_FILTER,
  PROP_LOADING,
  PROP_SELECTED_JOB,
  N_PROPS
};

enum {
  SHOW_MESSAGE,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

/* The filter's rows, in the order of the dropdown's items. */
static const JdJobStatus filter_statuses[] = {
  JD_JOB_STATUS_UNKNOWN,
  JD_JOB_STATUS_IN_PROGRESS,
  JD_JOB_STATUS_SCHEDULED,
  JD_JOB_STATUS_COMPLETED,
  JD_JOB_STATUS_CANCELED,
  JD_JOB_STATUS_DELETION_IN_PROGRESS,
};

/* One request in flight: keeps the view alive until its callback ran. */
typedef struct {
  JdJobsView *self;
  char       *job_id;
} Op;

static void load_details   (JdJobsView *self);
static void update_actions (JdJobsView *self);

static Op *
op_new (JdJobsView *self,
        const char *job_id)
{
  Op *op = g_new0 (Op, 1);

  op->self = g_object_ref (self);
  op->job_id = g_strdup (job_id);
  self->n_pending++;
  if (self->n_pending == 1)
    {
      gtk_widget_set_visible (GTK_WIDGET (self->spinner), TRUE);
      gtk_spinner_set_spinning (self->spinner, TRUE);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LOADING]);
    }

  return op;
}

static void
op_free (Op *op)
{
  JdJobsView *self = op->self;

  g_assert (self->n_pending > 0);
  self->n_pending--;
  if (self->n_pending == 0 && !self->disposed)
    {
      gtk_spinner_set_spinning (self->spinner, FALSE);
      gtk_widget_set_visible (GTK_WIDGET (self->spinner), FALSE);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LOADING]);
    }

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
replace_cancellable (GCancellable **cancellable)
{
  if (*cancellable != NULL)
    g_cancellable_cancel (*cancellable);
  g_clear_object (cancellable);
  *cancellable = g_cancellable_new ();
}

static void
cancel_and_clear (GCancellable **cancellable)
{
  if (*cancellable != NULL)
    g_cancellable_cancel (*cancellable);
  g_clear_object (cancellable);
}

/* What AWS said ("InvalidStateTransitionException: …", HTTP status), or the
 * local error's words. */
static char *
error_details (const GError *error)
{
  const char *aws_type = jd_control_plane_error_get_aws_type (error);

  if (aws_type != NULL)
    {
      const char *message = jd_control_plane_error_get_aws_message (error);
      guint status = jd_control_plane_error_get_http_status (error);

      if (status > 0)
        /* Translators: AWS's error type, its message, then the HTTP status */
        return g_strdup_printf (_("%s: %s\nHTTP status %u"), aws_type,
                                message ? message : error->message, status);
      return g_strdup_printf ("%s: %s", aws_type, message ? message : error->message);
    }

  return g_strdup (error->message);
}

/* The first paragraph of error_details(), for the error page: AWS's
 * signature errors go on with the whole canonical request. */
static char *
error_summary (const GError *error)
{
  g_autofree char *details = error_details (error);
  const char *aws_type = jd_control_plane_error_get_aws_type (error);
  const char *message = jd_control_plane_error_get_aws_message (error);
  const char *end;

  if (aws_type == NULL || message == NULL)
    return g_steal_pointer (&details);

  end = strstr (message, "\n\n");
  return g_strdup_printf ("%s: %.*s", aws_type,
                          (int) (end ? (gsize) (end - message) : strlen (message)), message);
}

static void
show_message (JdJobsView *self,
              const char *title,
              const char *details)
{
  g_signal_emit (self, signals[SHOW_MESSAGE], 0, title, details);
}

static JdJob *
selected_job (JdJobsView *self)
{
  return self->selection ? gtk_single_selection_get_selected_item (self->selection) : NULL;
}

/* The freshest word on the selected job: DescribeJob's answer when it has
 * arrived, else the ListJobs summary. */
static JdJob *
current_job (JdJobsView *self)
{
  JdJob *job = selected_job (self);

  if (job != NULL && self->details_job != NULL &&
      g_strcmp0 (jd_job_get_job_id (job), jd_job_get_job_id (self->details_job)) == 0)
    return self->details_job;

  return job;
}

/* ---- the table ---- */

static void
set_time_label (GtkWidget *label,
                GDateTime *when)
{
  g_autofree char *relative = jd_format_relative_time (when, NULL);
  g_autofree char *exact = jd_format_exact_time (when);

  gtk_label_set_label (GTK_LABEL (label), relative);
  gtk_widget_set_tooltip_text (label, when ? exact : NULL);
}

static void
refresh_cell (GtkListItem *item,
              Column       column)
{
  JdJob *job = gtk_list_item_get_item (item);
  GtkWidget *child = gtk_list_item_get_child (item);

  if (job == NULL || child == NULL)
    return;

  switch (column)
    {
    case COLUMN_JOB:
      gtk_label_set_label (GTK_LABEL (child), jd_job_get_job_id (job));
      gtk_widget_set_tooltip_text (child, jd_job_get_description (job));
      break;

    case COLUMN_STATUS:
      jd_format_job_status_pill (GTK_LABEL (child), jd_job_get_status (job));
      break;

    case COLUMN_TARGETS:
      gtk_label_set_label (GTK_LABEL (child), jd_format_target_selection_label (jd_job_get_target_selection (job)));
      break;

    case COLUMN_CREATED:
      set_time_label (child, jd_job_get_created_at (job));
      break;

    case COLUMN_UPDATED:
      set_time_label (child, jd_job_get_last_updated_at (job));
      break;

    default:
      g_assert_not_reached ();
    }
}

static Column
factory_column (GtkListItemFactory *factory)
{
  return GPOINTER_TO_INT (g_object_get_data (G_OBJECT (factory), "jd-column"));
}

static void
setup_cb (GtkSignalListItemFactory *factory,
          GtkListItem              *item,
          JdJobsView               *self)
{
  GtkWidget *child = gtk_label_new (NULL);

  switch (factory_column (GTK_LIST_ITEM_FACTORY (factory)))
    {
    case COLUMN_JOB:
      gtk_label_set_xalign (GTK_LABEL (child), 0);
      gtk_label_set_ellipsize (GTK_LABEL (child), PANGO_ELLIPSIZE_END);
      gtk_widget_add_css_class (child, "job-id");
      break;

    case COLUMN_STATUS:
      gtk_widget_set_halign (child, GTK_ALIGN_START);
      break;

    case COLUMN_TARGETS:
      gtk_label_set_xalign (GTK_LABEL (child), 0);
      break;

    case COLUMN_CREATED:
    case COLUMN_UPDATED:
    default:
      gtk_label_set_xalign (GTK_LABEL (child), 0);
      gtk_widget_add_css_class (child, "dim-label");
      break;
    }

  gtk_list_item_set_child (item, child);
}

static void
bind_cb (GtkSignalListItemFactory *factory,
         GtkListItem              *item,
         JdJobsView               *self)
{
  Column column = factory_column (GTK_LIST_ITEM_FACTORY (factory));

  if (column == COLUMN_CREATED || column == COLUMN_UPDATED)
    g_hash_table_insert (self->bound_time_cells, item, GINT_TO_POINTER (column));

  refresh_cell (item, column);
}

static void
unbind_cb (GtkSignalListItemFactory *factory,
           GtkListItem              *item,
           JdJobsView               *self)
{
  g_hash_table_remove (self->bound_time_cells, item);
}

static gboolean
clock_tick_cb (gpointer user_data)
{
  JdJobsView *self = user_data;
  GHashTableIter iter;
  gpointer item, column;

  g_hash_table_iter_init (&iter, self->bound_time_cells);
  while (g_hash_table_iter_next (&iter, &item, &column))
    refresh_cell (item, GPOINTER_TO_INT (column));

  return G_SOURCE_CONTINUE;
}

static void
add_column (JdJobsView *self,
            Column      column,
            const char *title,
            gboolean    expand,
            int         fixed_width)
{
  GtkListItemFactory *factory = gtk_signal_list_item_factory_new ();
  GtkColumnViewColumn *col;

  g_object_set_data (G_OBJECT (factory), "jd-column", GINT_TO_POINTER (column));
  g_signal_connect_object (factory, "setup", G_CALLBACK (setup_cb), self, 0);
  g_signal_connect_object (factory, "bind", G_CALLBACK (bind_cb), self, 0);
  g_signal_connect_object (factory, "unbind", G_CALLBACK (unbind_cb), self, 0);

  col = gtk_column_view_column_new (title, factory);
  gtk_column_view_column_set_expand (col, expand);
  gtk_column_view_column_set_resizable (col, TRUE);
  if (fixed_width > 0)
    gtk_column_view_column_set_fixed_width (col, fixed_width);
  gtk_column_view_append_column (self->column_view, col);
  g_object_unref (col);
}

static void
update_count (JdJobsView *self)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->store));
  g_autofree char *text = NULL;

  /* Translators: how many jobs the table shows */
  text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u job", "%u jobs", n), n);
  gtk_label_set_label (self->count_label, text);
}

/* ---- the details ---- */

static void
set_time_row (AdwActionRow *row,
              GDateTime    *when)
{
  g_autofree char *relative = jd_format_relative_time (when, NULL);
  g_autofree char *exact = jd_format_exact_time (when);

  adw_action_row_set_subtitle (row, relative);
  gtk_widget_set_tooltip_text (GTK_WIDGET (row), when ? exact : NULL);
}

static void
set_text_row (AdwActionRow *row,
              const char   *text)
{
  adw_action_row_set_subtitle (row, text != NULL && text[0] != '\0' ? text : "—");
}

static void
clear_executions (JdJobsView *self)
{
  for (guint i = 0; i < self->execution_rows->len; i++)
    adw_preferences_group_remove (self->executions_group, g_ptr_array_index (self->execution_rows, i));
  g_ptr_array_set_size (self->execution_rows, 0);
  gtk_widget_set_visible (GTK_WIDGET (self->no_executions_row), TRUE);
}

static void
show_executions (JdJobsView *self,
                 GPtrArray  *executions)
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
set_document (JdJobsView *self,
              const char *document)
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
show_details (JdJobsView *self)
{
  JdJob *job = current_job (self);
  const JdJobProcessDetails *counts;
  const char *const *targets;
  gint64 timeout;

  if (job == NULL)
    return;

  gtk_label_set_label (self->job_id_label, jd_job_get_job_id (job));
  jd_format_job_status_pill (self->status_label, jd_job_get_status (job));
  gtk_label_set_label (self->description_label, jd_job_get_description (job) ? jd_job_get_description (job) : "");
  gtk_widget_set_visible (GTK_WIDGET (self->description_label),
                          jd_job_get_description (job) != NULL && jd_job_get_description (job)[0] != '\0');

  /* Why and how a job was canceled; nothing to say for the others. */
  {
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
  adw_action_row_set_subtitle (self->selection_row,
                               jd_format_target_selection_label (jd_job_get_target_selection (job)));

  targets = jd_job_get_targets (job);
  if (targets != NULL && targets[0] != NULL)
    {
      g_autoptr(GString) names = g_string_new (NULL);

      for (guint i = 0; targets[i] != NULL; i++)
        {
          g_autofree char *name = jd_format_thing_name_from_arn (targets[i]);

          if (names->len > 0)
            g_string_append (names, ", ");
          g_string_append (names, name);
        }
      adw_action_row_set_subtitle (self->targets_row, names->str);
    }
  else
    set_text_row (self->targets_row, NULL);

  set_time_row (self->created_row, jd_job_get_created_at (job));
  set_time_row (self->updated_row, jd_job_get_last_updated_at (job));
  set_time_row (self->completed_row, jd_job_get_completed_at (job));

  timeout = jd_job_get_in_progress_timeout_minutes (job);
  if (timeout > 0)
    {
      g_autofree char *text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%d minute", "%d minutes", timeout),
                                               (int) timeout);
      adw_action_row_set_subtitle (self->timeout_row, text);
    }
  else
    adw_action_row_set_subtitle (self->timeout_row, _("None"));

  counts = jd_job_get_process_details (job);
  {
    guint values[N_COUNTS] = { 0 };

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
  }

  set_document (self, jd_job_get_document (job));
}

static void
describe_job_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(Op) op = user_data;
  JdJobsView *self = op->self;
  g_autoptr(JdJob) job = NULL;
  g_autoptr(GError) error = NULL;

  job = jd_control_plane_describe_job_finish (JD_CONTROL_PLANE (object), result, &error);
  if (op_cancelled (op, error))
    return;

  if (job == NULL)
    {
      g_autofree char *title = g_strdup_printf (_("Could not load %s"), op->job_id);
      g_autofree char *details = error_details (error);

      set_document (self, "");
      show_message (self, title, details);
      return;
    }

  g_set_object (&self->details_job, job);
  show_details (self);
  update_actions (self);
}

static void
list_executions_cb (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(Op) op = user_data;
  JdJobsView *self = op->self;
  g_autoptr(GPtrArray) executions = NULL;
  g_autoptr(GError) error = NULL;

  executions = jd_control_plane_list_job_executions_for_job_finish (JD_CONTROL_PLANE (object), result, &error);
  if (op_cancelled (op, error))
    return;

  if (executions == NULL)
    {
      g_autofree char *title = g_strdup_printf (_("Could not load the executions of %s"), op->job_id);
      g_autofree char *details = error_details (error);

      show_message (self, title, details);
      return;
    }

  show_executions (self, executions);
}

static void
load_details (JdJobsView *self)
{
  JdJob *job = selected_job (self);
  const char *job_id;

  cancel_and_clear (&self->details_cancellable);
  g_clear_object (&self->details_job);
  clear_executions (self);
  gtk_widget_set_visible (self->details_page, job != NULL);
  update_actions (self);

  if (job == NULL)
    {
      /* Nothing left to show in a folded leaflet's details page. */
      adw_leaflet_set_visible_child_name (self->leaflet, "list");
      return;
    }

  show_details (self);

  if (self->control_plane == NULL)
    return;

  job_id = jd_job_get_job_id (job);
  self->details_cancellable = g_cancellable_new ();
  jd_control_plane_describe_job_async (self->control_plane, job_id, self->details_cancellable,
                                       describe_job_cb, op_new (self, job_id));
  jd_control_plane_list_job_executions_for_job_async (self->control_plane, job_id,
                                                      JD_EXECUTION_STATUS_UNKNOWN,
                                                      self->details_cancellable,
                                                      list_executions_cb, op_new (self, job_id));
}

static void
update_actions (JdJobsView *self)
{
  JdJob *job = current_job (self);
  JdJobStatus status = job ? jd_job_get_status (job) : JD_JOB_STATUS_UNKNOWN;
  gboolean connected = self->control_plane != NULL;

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "jobs.refresh", connected);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "jobs.cancel",
                                 connected && job != NULL &&
                                 (status == JD_JOB_STATUS_IN_PROGRESS || status == JD_JOB_STATUS_SCHEDULED));
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "jobs.delete",
                                 connected && job != NULL && status != JD_JOB_STATUS_DELETION_IN_PROGRESS);
}

/* ---- the list ---- */

static gboolean
select_in_store (JdJobsView *self,
                 const char *job_id)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->store));

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(JdJob) job = g_list_model_get_item (G_LIST_MODEL (self->store), i);

      if (g_strcmp0 (jd_job_get_job_id (job), job_id) == 0)
        {
          gtk_single_selection_set_selected (self->selection, i);
          return TRUE;
        }
    }

  return FALSE;
}

static void
list_jobs_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(Op) op = user_data;
  JdJobsView *self = op->self;
  g_autoptr(GPtrArray) jobs = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *keep_id = NULL;
  guint n_old;

  jobs = jd_control_plane_list_jobs_finish (JD_CONTROL_PLANE (object), result, &error);
  if (op_cancelled (op, error))
    return;

  n_old = g_list_model_get_n_items (G_LIST_MODEL (self->store));

  if (jobs == NULL)
    {
      g_autofree char *details = error_details (error);

      if (n_old > 0)
        {
          /* Keep what is shown; say that it may be stale. */
          show_message (self, _("Could not refresh the jobs"), details);
          gtk_stack_set_visible_child_name (self->list_stack, "list");
        }
      else
        {
          g_autofree char *summary = error_summary (error);

          adw_status_page_set_description (self->error_page, summary);
          gtk_stack_set_visible_child_name (self->list_stack, "error");
          gtk_label_set_label (self->count_label, "");
        }
      return;
    }

  if (self->pending_select != NULL)
    keep_id = g_steal_pointer (&self->pending_select);
  else if (selected_job (self) != NULL)
    keep_id = g_strdup (jd_job_get_job_id (selected_job (self)));

  self->updating_store = TRUE;
  g_list_store_splice (self->store, 0, n_old, jobs->pdata, jobs->len);
  if (keep_id != NULL)
    select_in_store (self, keep_id);
  self->updating_store = FALSE;

  update_count (self);
  gtk_stack_set_visible_child_name (self->list_stack, jobs->len > 0 ? "list" : "empty");

  /* The rows are new objects: the details follow the (re)selected job. */
  load_details (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SELECTED_JOB]);
}

static void
selection_changed_cb (JdJobsView *self)
{
  if (self->updating_store)
    return;

  load_details (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SELECTED_JOB]);
}

static void
activate_cb (GtkColumnView *view,
             guint          position,
             JdJobsView    *self)
{
  gtk_single_selection_set_selected (self->selection, position);
  adw_leaflet_navigate (self->leaflet, ADW_NAVIGATION_DIRECTION_FORWARD);
}

static void
back_clicked_cb (JdJobsView *self)
{
  adw_leaflet_navigate (self->leaflet, ADW_NAVIGATION_DIRECTION_BACK);
}

static void
filter_changed_cb (JdJobsView *self)
{
  guint i = gtk_drop_down_get_selected (self->status_dropdown);
  JdJobStatus status = i < G_N_ELEMENTS (filter_statuses) ? filter_statuses[i] : JD_JOB_STATUS_UNKNOWN;

  jd_jobs_view_set_status_filter (self, status);
}

/* ---- actions ---- */

static void
cancel_job_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(Op) op = user_data;
  JdJobsView *self = op->self;
  g_autoptr(GError) error = NULL;

  if (!jd_control_plane_cancel_job_finish (JD_CONTROL_PLANE (object), result, &error))
    {
      g_autofree char *title = NULL;
      g_autofree char *details = NULL;

      if (op_cancelled (op, error))
        return;

      title = g_strdup_printf (_("Could not cancel %s"), op->job_id);
      details = error_details (error);
      show_message (self, title, details);
      return;
    }

  if (self->disposed)
    return;

  {
    /* Translators: a job was canceled, e.g. "Canceled Job1" */
    g_autofree char *title = g_strdup_printf (_("Canceled %s"), op->job_id);

    show_message (self, title, NULL);
  }
  g_free (self->pending_select);
  self->pending_select = g_strdup (op->job_id);
  jd_jobs_view_refresh (self);
}

static void
cancel_response_cb (JdCancelJobDialog *dialog,
                    const char        *response,
                    JdJobsView        *self)
{
  g_autofree char *reason_code = NULL;
  g_autofree char *comment = NULL;

  if (g_strcmp0 (response, JD_CANCEL_JOB_RESPONSE) != 0 || self->control_plane == NULL)
    return;

  /* The response is disabled while the fields are invalid; a caller that
   * forces it anyway gets the problem in words, not a bad request. */
  if (jd_cancel_job_dialog_get_problem (dialog) != NULL)
    {
      g_autofree char *title = g_strdup_printf (_("Could not cancel %s"),
                                                jd_cancel_job_dialog_get_job_id (dialog));

      show_message (self, title, jd_cancel_job_dialog_get_problem (dialog));
      return;
    }

  reason_code = jd_cancel_job_dialog_dup_reason_code (dialog);
  comment = jd_cancel_job_dialog_dup_comment (dialog);
  jd_control_plane_cancel_job_async (self->control_plane,
                                     jd_cancel_job_dialog_get_job_id (dialog),
                                     jd_cancel_job_dialog_get_force (dialog),
                                     reason_code, comment,
                                     self->actions_cancellable, cancel_job_cb,
                                     op_new (self, jd_cancel_job_dialog_get_job_id (dialog)));
}

static void
cancel_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  JdJobsView *self = JD_JOBS_VIEW (widget);
  JdJob *job = current_job (self);
  JdCancelJobDialog *dialog;

  if (job == NULL || self->control_plane == NULL)
    return;

  dialog = jd_cancel_job_dialog_new (GTK_WINDOW (gtk_widget_get_root (widget)), jd_job_get_job_id (job));
  g_signal_connect_object (dialog, "response", G_CALLBACK (cancel_response_cb), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
delete_job_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(Op) op = user_data;
  JdJobsView *self = op->self;
  g_autoptr(GError) error = NULL;

  if (!jd_control_plane_delete_job_finish (JD_CONTROL_PLANE (object), result, &error))
    {
      g_autofree char *title = NULL;
      g_autofree char *details = NULL;

      if (op_cancelled (op, error))
        return;

      title = g_strdup_printf (_("Could not delete %s"), op->job_id);
      details = error_details (error);
      show_message (self, title, details);
      return;
    }

  if (self->disposed)
    return;

  {
    /* Translators: a job was deleted, e.g. "Deleted Job1" */
    g_autofree char *title = g_strdup_printf (_("Deleted %s"), op->job_id);

    show_message (self, title, NULL);
  }
  jd_jobs_view_refresh (self);
}

static void
delete_response_cb (JdDeleteJobDialog *dialog,
                    const char        *response,
                    JdJobsView        *self)
{
  const char *job_id = jd_delete_job_dialog_get_job_id (dialog);

  if (g_strcmp0 (response, JD_DELETE_JOB_RESPONSE) != 0 || self->control_plane == NULL)
    return;

  jd_control_plane_delete_job_async (self->control_plane, job_id,
                                     jd_delete_job_dialog_get_force (dialog),
                                     self->actions_cancellable, delete_job_cb,
                                     op_new (self, job_id));
}

static void
delete_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  JdJobsView *self = JD_JOBS_VIEW (widget);
  JdJob *job = current_job (self);
  JdDeleteJobDialog *dialog;

  if (job == NULL || self->control_plane == NULL)
    return;

  dialog = jd_delete_job_dialog_new (GTK_WINDOW (gtk_widget_get_root (widget)),
                                     jd_job_get_job_id (job), jd_job_get_status (job));
  g_signal_connect_object (dialog, "response", G_CALLBACK (delete_response_cb), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
refresh_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  jd_jobs_view_refresh (JD_JOBS_VIEW (widget));
}

/* ---- the document's colours ---- */

static void
setup_source_view (JdJobsView *self)
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
dark_changed_cb (JdJobsView *self)
{
  setup_source_view (self);
}

/* ---- GObject ---- */

static void
jd_jobs_view_get_property (GObject    *object,
                           guint       prop_id,
                           GValue     *value,
                           GParamSpec *pspec)
{
  JdJobsView *self = JD_JOBS_VIEW (object);

  switch (prop_id)
    {
    case PROP_CONTROL_PLANE:
      g_value_set_object (value, self->control_plane);
      break;

    case PROP_STATUS_FILTER:
      g_value_set_enum (value, self->status_filter);
      break;

    case PROP_LOADING:
      g_value_set_boolean (value, self->n_pending > 0);
      break;

    case PROP_SELECTED_JOB:
      g_value_set_object (value, selected_job (self));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
jd_jobs_view_set_property (GObject      *object,
                           guint         prop_id,
                           const GValue *value,
                           GParamSpec   *pspec)
{
  JdJobsView *self = JD_JOBS_VIEW (object);

  switch (prop_id)
    {
    case PROP_CONTROL_PLANE:
      jd_jobs_view_set_control_plane (self, g_value_get_object (value));
      break;

    case PROP_STATUS_FILTER:
      jd_jobs_view_set_status_filter (self, g_value_get_enum (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
jd_jobs_view_dispose (GObject *object)
{
  JdJobsView *self = JD_JOBS_VIEW (object);
  GtkWidget *child;

  self->disposed = TRUE;
  cancel_and_clear (&self->refresh_cancellable);
  cancel_and_clear (&self->details_cancellable);
  cancel_and_clear (&self->actions_cancellable);
  g_clear_handle_id (&self->clock_id, g_source_remove);

  if (self->selection != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->selection, self);
      gtk_column_view_set_model (self->column_view, NULL);
    }
  g_clear_object (&self->selection);
  g_clear_object (&self->store);
  g_clear_object (&self->details_job);
  g_clear_object (&self->control_plane);

  gtk_widget_dispose_template (GTK_WIDGET (object), JD_TYPE_JOBS_VIEW);
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);

  G_OBJECT_CLASS (jd_jobs_view_parent_class)->dispose (object);
}

static void
jd_jobs_view_finalize (GObject *object)
{
  JdJobsView *self = JD_JOBS_VIEW (object);

  g_clear_pointer (&self->bound_time_cells, g_hash_table_unref);
  g_clear_pointer (&self->execution_rows, g_ptr_array_unref);
  g_clear_pointer (&self->pending_select, g_free);

  G_OBJECT_CLASS (jd_jobs_view_parent_class)->finalize (object);
}

static void
jd_jobs_view_class_init (JdJobsViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = jd_jobs_view_dispose;
  object_class->finalize = jd_jobs_view_finalize;
  object_class->get_property = jd_jobs_view_get_property;
  object_class->set_property = jd_jobs_view_set_property;

  properties[PROP_CONTROL_PLANE] =
    g_param_spec_object ("control-plane", NULL, NULL,
                         JD_TYPE_CONTROL_PLANE,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_STATUS_FILTER] =
    g_param_spec_enum ("status-filter", NULL, NULL,
                       JD_TYPE_JOB_STATUS, JD_JOB_STATUS_UNKNOWN,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_LOADING] =
    g_param_spec_boolean ("loading", NULL, NULL,
                          FALSE,
                          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_SELECTED_JOB] =
    g_param_spec_object ("selected-job", NULL, NULL,
                         JD_TYPE_JOB,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * JdJobsView::show-message:
   * @title: what happened, for a toast
   * @details: (nullable): AWS's error type and message, for a Details button
   */
  signals[SHOW_MESSAGE] =
    g_signal_new ("show-message",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 2, G_TYPE_STRING, G_TYPE_STRING);

  gtk_source_init ();

  gtk_widget_class_install_action (widget_class, "jobs.refresh", NULL, refresh_action);
  gtk_widget_class_install_action (widget_class, "jobs.cancel", NULL, cancel_action);
  gtk_widget_class_install_action (widget_class, "jobs.delete", NULL, delete_action);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PREFIX "/jd-jobs-view.ui");
  gtk_widget_class_bind_template_child (widget_class, JdJobsView, main_stack);
  gtk_widget_class_bind_template_child (widget_class, JdJobsView, leaflet);
  gtk_widget_class_bind_template_child (widget_class, JdJobsView, status_dropdown);
  gtk_widget_class_bind_template_child (widget_class, JdJobsView, count_label);
  gtk_widget_class_bind_template_child (widget_class, JdJobsView, spinner);
  gtk_widget_class_bind_template_child (widget_class, JdJobsView, list_stack);
  gtk_widget_class_bind_template_child (widget_class, JdJobsView, column_view);
  gtk_widget_class_bind_template_child (widget_class, JdJobsView, error_page);
  gtk_widget_class_bind_template_child (widget_class, JdJobsView, details_page);
  gtk_widget_class_bind_template_child (widget_class, JdJobsView, job_id_label);
  gtk_widget_class_bind_template_child (widget_class, JdJobsView, status_label);
  gtk_widget_class_bind_template_child (widget_class, JdJobsView, description_label);
  gtk_widget_class_bind_template_child (widget_class, JdJobsView, reason_row);
  gtk_widget_class_bind_template_child (widget_class, JdJobsView, comment_row);
  gtk_widget_class_bind_template_child (widget_class, JdJobsView, forced_row);
  gtk_widget_class_bind_template_child (widget_class, JdJobsView, selection_row);
  gtk_widget_class_bind_template_child (widget_class, JdJobsView, targets_row);
  gtk_widget_class_bind_template_child (widget_class, JdJobsView, created_row);
  gtk_widget_class_bind_template_child (widget_class, JdJobsView, updated_row);
  gtk_widget_class_bind_template_child (widget_class, JdJobsView, completed_row);
  gtk_widget_class_bind_template_child (widget_class, JdJobsView, timeout_row);
  gtk_widget_class_bind_template_child (widget_class, JdJobsView, counts_box);
  gtk_widget_class_bind_template_child (widget_class, JdJobsView, status_group);
  gtk_widget_class_bind_template_child (widget_class, JdJobsView, document_view);
  gtk_widget_class_bind_template_child (widget_class, JdJobsView, executions_group);
  gtk_widget_class_bind_template_child (widget_class, JdJobsView, no_executions_row);
  gtk_widget_class_bind_template_callback (widget_class, activate_cb);
  gtk_widget_class_bind_template_callback (widget_class, back_clicked_cb);
}

static void
add_count (JdJobsView *self,
           Count       count,
           const char *title,
           const char *name)
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
jd_jobs_view_init (JdJobsView *self)
{
  GtkEventController *shortcuts;

  self->bound_time_cells = g_hash_table_new (NULL, NULL);
  self->execution_rows = g_ptr_array_new ();
  self->actions_cancellable = g_cancellable_new ();

  gtk_widget_init_template (GTK_WIDGET (self));

  add_column (self, COLUMN_JOB, _("Job ID"), TRUE, 180);
  add_column (self, COLUMN_STATUS, _("Status"), FALSE, 110);
  add_column (self, COLUMN_TARGETS, _("Targets"), FALSE, 100);
  add_column (self, COLUMN_CREATED, _("Created"), FALSE, 100);
  add_column (self, COLUMN_UPDATED, _("Updated"), FALSE, 100);

  add_count (self, COUNT_QUEUED, _("Queued"), "count-queued");
  add_count (self, COUNT_IN_PROGRESS, _("In Progress"), "count-in-progress");
  add_count (self, COUNT_SUCCEEDED, _("Succeeded"), "count-succeeded");
  add_count (self, COUNT_FAILED, _("Failed"), "count-failed");
  add_count (self, COUNT_REJECTED, _("Rejected"), "count-rejected");
  add_count (self, COUNT_TIMED_OUT, _("Timed Out"), "count-timed-out");
  add_count (self, COUNT_CANCELED, _("Canceled"), "count-canceled");
  add_count (self, COUNT_REMOVED, _("Removed"), "count-removed");

  self->store = g_list_store_new (JD_TYPE_JOB);
  self->selection = gtk_single_selection_new (G_LIST_MODEL (g_object_ref (self->store)));
  gtk_single_selection_set_autoselect (self->selection, TRUE);
  gtk_single_selection_set_can_unselect (self->selection, FALSE);
  g_signal_connect_object (self->selection, "notify::selected-item",
                           G_CALLBACK (selection_changed_cb), self, G_CONNECT_SWAPPED);
  gtk_column_view_set_model (self->column_view, GTK_SELECTION_MODEL (self->selection));

  /* Delete deletes the selected job while the table has the focus. */
  shortcuts = gtk_shortcut_controller_new ();
  gtk_shortcut_controller_add_shortcut (GTK_SHORTCUT_CONTROLLER (shortcuts),
                                        gtk_shortcut_new (gtk_keyval_trigger_new (GDK_KEY_Delete, 0),
                                                          gtk_named_action_new ("jobs.delete")));
  gtk_shortcut_controller_add_shortcut (GTK_SHORTCUT_CONTROLLER (shortcuts),
                                        gtk_shortcut_new (gtk_keyval_trigger_new (GDK_KEY_KP_Delete, 0),
                                                          gtk_named_action_new ("jobs.delete")));
  gtk_widget_add_controller (GTK_WIDGET (self->column_view), shortcuts);

  g_signal_connect_object (self->status_dropdown, "notify::selected",
                           G_CALLBACK (filter_changed_cb), self, G_CONNECT_SWAPPED);

  setup_source_view (self);
  g_signal_connect_object (adw_style_manager_get_default (), "notify::dark",
                           G_CALLBACK (dark_changed_cb), self, G_CONNECT_SWAPPED);

  self->clock_id = g_timeout_add_seconds (30, clock_tick_cb, self);

  update_count (self);
  gtk_widget_set_visible (self->details_page, FALSE);
  gtk_stack_set_visible_child_name (self->main_stack, "disconnected");
  gtk_stack_set_visible_child_name (self->list_stack, "empty");
  update_actions (self);
}

/* ---- public API ---- */

GtkWidget *
jd_jobs_view_new (void)
{
  return g_object_new (JD_TYPE_JOBS_VIEW, NULL);
}

/**
 * jd_jobs_view_get_control_plane:
 *
 * Returns: (transfer none) (nullable): the control plane the jobs come from
 */
JdControlPlane *
jd_jobs_view_get_control_plane (JdJobsView *self)
{
  g_return_val_if_fail (JD_IS_JOBS_VIEW (self), NULL);

  return self->control_plane;
}

/**
 * jd_jobs_view_set_control_plane:
 * @control_plane: (nullable): where the jobs come from; %NULL shows
 *   "Not Connected"
 *
 * Drops what came from the previous control plane (cancelling its requests)
 * and loads the jobs of the new one.
 */
void
jd_jobs_view_set_control_plane (JdJobsView     *self,
                                JdControlPlane *control_plane)
{
  g_return_if_fail (JD_IS_JOBS_VIEW (self));
  g_return_if_fail (control_plane == NULL || JD_IS_CONTROL_PLANE (control_plane));

  if (self->control_plane == control_plane)
    return;

  cancel_and_clear (&self->refresh_cancellable);
  cancel_and_clear (&self->details_cancellable);
  replace_cancellable (&self->actions_cancellable);
  g_set_object (&self->control_plane, control_plane);
  g_clear_pointer (&self->pending_select, g_free);
  g_list_store_remove_all (self->store);
  update_count (self);

  gtk_stack_set_visible_child_name (self->main_stack, control_plane ? "connected" : "disconnected");
  update_actions (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CONTROL_PLANE]);

  if (control_plane != NULL)
    jd_jobs_view_refresh (self);
}

JdJobStatus
jd_jobs_view_get_status_filter (JdJobsView *self)
{
  g_return_val_if_fail (JD_IS_JOBS_VIEW (self), JD_JOB_STATUS_UNKNOWN);

  return self->status_filter;
}

/**
 * jd_jobs_view_set_status_filter:
 * @status: the status ListJobs asks for, or %JD_JOB_STATUS_UNKNOWN for all
 *
 * Refreshes the list when the filter changes.
 */
void
jd_jobs_view_set_status_filter (JdJobsView  *self,
                                JdJobStatus  status)
{
  g_return_if_fail (JD_IS_JOBS_VIEW (self));

  if (self->status_filter == status)
    return;

  self->status_filter = status;
  for (guint i = 0; i < G_N_ELEMENTS (filter_statuses); i++)
    if (filter_statuses[i] == status && gtk_drop_down_get_selected (self->status_dropdown) != i)
      gtk_drop_down_set_selected (self->status_dropdown, i);

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATUS_FILTER]);
  jd_jobs_view_refresh (self);
}

/**
 * jd_jobs_view_refresh:
 *
 * Lists the jobs again (all pages); a refresh still running is cancelled.
 * Does nothing without a control plane.
 */
void
jd_jobs_view_refresh (JdJobsView *self)
{
  g_return_if_fail (JD_IS_JOBS_VIEW (self));

  if (self->control_plane == NULL || self->disposed)
    return;

  replace_cancellable (&self->refresh_cancellable);
  if (g_list_model_get_n_items (G_LIST_MODEL (self->store)) == 0)
    gtk_stack_set_visible_child_name (self->list_stack, "loading");

  jd_control_plane_list_jobs_async (self->control_plane, self->status_filter,
                                    self->refresh_cancellable, list_jobs_cb,
                                    op_new (self, NULL));
}

/**
 * jd_jobs_view_get_loading:
 *
 * Returns: whether a request of the view is still running
 */
gboolean
jd_jobs_view_get_loading (JdJobsView *self)
{
  g_return_val_if_fail (JD_IS_JOBS_VIEW (self), FALSE);

  return self->n_pending > 0;
}

/**
 * jd_jobs_view_get_jobs:
 *
 * Returns: (transfer none): the #JdJob summaries shown, in ListJobs' order
 */
GListModel *
jd_jobs_view_get_jobs (JdJobsView *self)
{
  g_return_val_if_fail (JD_IS_JOBS_VIEW (self), NULL);

  return G_LIST_MODEL (self->store);
}

/**
 * jd_jobs_view_get_selected_job:
 *
 * Returns: (transfer none) (nullable): the selected row's job (a ListJobs
 *   summary)
 */
JdJob *
jd_jobs_view_get_selected_job (JdJobsView *self)
{
  g_return_val_if_fail (JD_IS_JOBS_VIEW (self), NULL);

  return selected_job (self);
}

/**
 * jd_jobs_view_select_job:
 *
 * Selects @job_id's row. When it is not shown yet (a job just created), the
 * next refresh that brings it selects it.
 *
 * Returns: whether @job_id is shown and now selected
 */
gboolean
jd_jobs_view_select_job (JdJobsView *self,
                         const char *job_id)
{
  g_return_val_if_fail (JD_IS_JOBS_VIEW (self), FALSE);
  g_return_val_if_fail (job_id != NULL, FALSE);

  if (select_in_store (self, job_id))
    {
      g_clear_pointer (&self->pending_select, g_free);
      return TRUE;
    }

  g_free (self->pending_select);
  self->pending_select = g_strdup (job_id);
  return FALSE;
}
