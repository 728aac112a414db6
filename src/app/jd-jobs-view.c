/* jd-jobs-view.c — the Jobs view: the account's jobs in a GtkColumnView
 * (data-table) bound to a JdJobList, a status filter, how fresh the list is,
 * and the selected job's details (JdJobDetails) in an AdwLeaflet that folds
 * them over the table when the window is narrow.
 *
 * The list follows changes by itself while the view is mapped (JdJobList
 * polls, backing off while nothing changes; the header says when it last
 * looked and how often it looks). Rows are bound to the list's job objects
 * and redraw on their `notify`. Results and errors reach the user through
 * "show-message" (the window makes toasts of them); a failed first load
 * shows an error page with a Retry button, a failed refresh keeps the rows.
 * The actions are in jd-jobs-view-actions.c.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#define G_LOG_DOMAIN "jd-app"

#include <glib/gi18n.h>

#include "jd-aws-error.h"
#include "jd-cells.h"
#include "jd-format.h"
#include "jd-job-cells.h"
#include "jd-jobs-view-private.h"

typedef enum {
  COLUMN_JOB,
  COLUMN_STATUS,
  COLUMN_TARGETS,
  COLUMN_PROGRESS,
  COLUMN_CREATED,
  COLUMN_UPDATED,
} Column;


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

/* ---- shared with the actions ---- */

void
_jd_jobs_view_show_message (JdJobsView *self,
                            const char *title,
                            const char *details)
{
  g_signal_emit (self, signals[SHOW_MESSAGE], 0, title, details);
}

JdJob *
_jd_jobs_view_selected_job (JdJobsView *self)
{
  return self->selection ? gtk_single_selection_get_selected_item (self->selection) : NULL;
}

void
_jd_jobs_view_update_loading (JdJobsView *self)
{
  /* The list's background polls show no spinner: one that comes and goes
   * every few seconds says nothing and redraws the window each time. The
   * first load, a refresh asked for and the view's own actions show it. */
  gboolean shown = self->n_actions > 0 ||
                   (self->details != NULL && jd_job_details_get_loading (self->details)) ||
                   (jd_job_list_get_loading (self->jobs) && (self->refresh_asked || !self->loaded_once));

  /* A spinning spinner animates even on a page that is not shown: each
   * one spins only while it is meant to, so that idle means idle. */
  gtk_widget_set_visible (GTK_WIDGET (self->spinner), shown);
  gtk_spinner_set_spinning (self->spinner, shown);
  gtk_spinner_set_spinning (self->loading_spinner, shown);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LOADING]);
}

/* ---- the table ---- */

static void
set_time_label (GtkWidget *label,
                GDateTime *when)
{
  g_autofree char *relative = jd_format_relative_time (when, NULL);
  g_autofree char *exact = jd_format_exact_time (when);

  gtk_label_set_label (GTK_LABEL (label), relative);
  jd_cells_set_tooltip (label, when ? exact : NULL);
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
      jd_cells_set_tooltip (child, jd_job_get_description (job));
      break;

    case COLUMN_STATUS:
      jd_job_cells_status_pill (GTK_LABEL (child), job);
      break;

    case COLUMN_TARGETS:
      {
        g_autofree char *targets = jd_job_cells_targets_text (job);

        gtk_label_set_label (GTK_LABEL (child),
                             targets ? targets
                                     : jd_format_target_selection_label (jd_job_get_target_selection (job)));
        jd_cells_set_tooltip (child, targets);
      }
      break;

    case COLUMN_PROGRESS:
      {
        GtkWidget *bar = gtk_widget_get_first_child (child);
        GtkWidget *label = gtk_widget_get_next_sibling (bar);
        g_autofree char *text = NULL;
        double fraction = jd_job_cells_progress (job, &text);

        gtk_progress_bar_set_fraction (GTK_PROGRESS_BAR (bar), MAX (fraction, 0));
        gtk_widget_set_visible (bar, fraction >= 0);
        gtk_label_set_label (GTK_LABEL (label), text);
      }
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

static void
cell_job_notify_cb (GtkListItem *item)
{
  refresh_cell (item, GPOINTER_TO_INT (g_object_get_data (G_OBJECT (item), "jd-column")));
}

static void
setup_cb (GtkSignalListItemFactory *factory,
          GtkListItem              *item,
          JdJobsView               *self)
{
  Column column = jd_format_column_of (GTK_LIST_ITEM_FACTORY (factory));
  GtkWidget *child;

  if (column == COLUMN_PROGRESS)
    {
      GtkWidget *bar = gtk_progress_bar_new ();
      GtkWidget *label = gtk_label_new (NULL);

      child = gtk_box_new (GTK_ORIENTATION_VERTICAL, 2);
      gtk_widget_set_valign (child, GTK_ALIGN_CENTER);
      gtk_label_set_xalign (GTK_LABEL (label), 0);
      gtk_widget_add_css_class (label, "caption");
      gtk_widget_add_css_class (label, "numeric");
      gtk_box_append (GTK_BOX (child), bar);
      gtk_box_append (GTK_BOX (child), label);
    }
  else
    {
      child = gtk_label_new (NULL);
      gtk_label_set_xalign (GTK_LABEL (child), 0);
      gtk_label_set_ellipsize (GTK_LABEL (child), PANGO_ELLIPSIZE_END);
      if (column == COLUMN_JOB)
        gtk_widget_add_css_class (child, "job-id");
      else if (column == COLUMN_STATUS)
        gtk_widget_set_halign (child, GTK_ALIGN_START);
      else if (column == COLUMN_CREATED || column == COLUMN_UPDATED)
        gtk_widget_add_css_class (child, "dim-label");
    }

  g_object_set_data (G_OBJECT (item), "jd-column", GINT_TO_POINTER (column));
  gtk_list_item_set_child (item, child);
}

static void
bind_cb (GtkSignalListItemFactory *factory,
         GtkListItem              *item,
         JdJobsView               *self)
{
  Column column = jd_format_column_of (GTK_LIST_ITEM_FACTORY (factory));
  JdJob *job = gtk_list_item_get_item (item);

  if (column == COLUMN_CREATED || column == COLUMN_UPDATED)
    g_hash_table_insert (self->bound_time_cells, item, GINT_TO_POINTER (column));
  if (job != NULL)
    g_signal_connect_object (job, "notify", G_CALLBACK (cell_job_notify_cb), item, G_CONNECT_SWAPPED);

  refresh_cell (item, column);
}

static void
unbind_cb (GtkSignalListItemFactory *factory,
           GtkListItem              *item,
           JdJobsView               *self)
{
  JdJob *job = gtk_list_item_get_item (item);

  g_hash_table_remove (self->bound_time_cells, item);
  if (job != NULL)
    g_signal_handlers_disconnect_by_func (job, cell_job_notify_cb, item);
}

/* ---- how fresh the list is ---- */

static void
update_sync_label (JdJobsView *self)
{
  GDateTime *when = jd_job_list_get_last_refreshed (self->jobs);
  guint interval = jd_job_list_get_poll_interval (self->jobs);
  g_autofree char *updated = NULL;
  g_autofree char *text = NULL;

  if (self->failing)
    {
      g_autofree char *failed = interval > 0
        /* Translators: the job list could not be fetched; it tries again every N seconds */
        ? g_strdup_printf (_("Could not refresh · retrying every %u s"), interval)
        : g_strdup (_("Could not refresh"));

      gtk_label_set_label (self->sync_label, failed);
      return;
    }
  if (when == NULL)
    {
      gtk_label_set_label (self->sync_label, "");
      return;
    }

  {
    /* Minutes, not seconds: a label that changes every second repaints
     * the window every second, and idle must mean idle. */
    g_autofree char *relative = jd_format_relative_time (when, NULL);

    /* Translators: when the job list was fetched, e.g. "Updated 5 min ago" */
    updated = g_strdup_printf (_("Updated %s"), relative);
  }

  if (interval > 0)
    /* Translators: when the list was fetched, then how often it is, e.g.
     * "Updated 5 s ago · every 10 s" */
    text = g_strdup_printf (_("%s · every %u s"), updated, interval);
  else
    text = g_steal_pointer (&updated);

  gtk_label_set_label (self->sync_label, text);
  jd_cells_set_tooltip (GTK_WIDGET (self->sync_label),
                        interval > 0
                        ? _("The list refreshes by itself, less often while nothing changes")
                        : NULL);
}

/* The app's one clock (jd-cells.c), at minute resolution: "just now",
 * "5 min ago". */
static void
clock_tick_cb (gpointer user_data)
{
  JdJobsView *self = user_data;
  GHashTableIter iter;
  gpointer item, column;

  update_sync_label (self);
  g_hash_table_iter_init (&iter, self->bound_time_cells);
  while (g_hash_table_iter_next (&iter, &item, &column))
    refresh_cell (item, GPOINTER_TO_INT (column));
  jd_job_details_tick (self->details);
}

static void
update_count (JdJobsView *self)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->jobs));
  g_autofree char *text = NULL;

  /* Translators: how many jobs the table shows */
  text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u job", "%u jobs", n), n);
  gtk_label_set_label (self->count_label, self->loaded_once ? text : "");
}

/* ---- the list ---- */

static gboolean
select_job (JdJobsView *self,
            const char *job_id)
{
  JdJob *job = jd_job_list_lookup (self->jobs, job_id);
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->jobs));

  for (guint i = 0; job != NULL && i < n; i++)
    {
      g_autoptr(JdJob) item = g_list_model_get_item (G_LIST_MODEL (self->jobs), i);

      if (item == job)
        {
          gtk_single_selection_set_selected (self->selection, i);
          return TRUE;
        }
    }

  return FALSE;
}

static void
list_refreshed_cb (JdJobsView   *self,
                   const GError *error)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->jobs));
  gboolean asked = self->refresh_asked;

  self->refresh_asked = FALSE;
  if (error != NULL)
    {
      g_autofree char *details = jd_aws_error_details (error);

      if (n > 0)
        {
          /* Keep what is shown; say that it may be stale (once, not at every poll). */
          if (asked || !self->failing)
            _jd_jobs_view_show_message (self, _("Could not refresh the jobs"), details);
          gtk_stack_set_visible_child_name (self->list_stack, "list");
        }
      else
        {
          g_autofree char *summary = jd_aws_error_summary (error);

          adw_status_page_set_description (self->error_page, summary);
          gtk_stack_set_visible_child_name (self->list_stack, "error");
          gtk_label_set_label (self->count_label, "");
        }
      self->failing = TRUE;
      update_sync_label (self);
      gtk_widget_set_tooltip_text (GTK_WIDGET (self->sync_label), details);
      return;
    }

  self->failing = FALSE;
  self->loaded_once = TRUE;
  if (self->pending_select != NULL && select_job (self, self->pending_select))
    g_clear_pointer (&self->pending_select, g_free);
  update_count (self);
  update_sync_label (self);
  gtk_stack_set_visible_child_name (self->list_stack, n > 0 ? "list" : "empty");
}

static void
n_items_changed_cb (JdJobsView *self)
{
  update_count (self);
  if (self->loaded_once)
    gtk_stack_set_visible_child_name (self->list_stack,
                                      g_list_model_get_n_items (G_LIST_MODEL (self->jobs)) > 0 ? "list" : "empty");
}

static void
selected_job_notify_cb (JdJobsView *self)
{
  _jd_jobs_view_update_actions (self);
}

static void
selection_changed_cb (JdJobsView *self)
{
  JdJob *job = _jd_jobs_view_selected_job (self);
  JdJob *old = jd_job_details_get_job (self->details);

  if (old != NULL)
    g_signal_handlers_disconnect_by_func (old, selected_job_notify_cb, self);
  if (job != NULL)
    g_signal_connect_object (job, "notify::status", G_CALLBACK (selected_job_notify_cb), self, G_CONNECT_SWAPPED);

  jd_job_details_set_job (self->details, jd_job_list_get_control_plane (self->jobs), job);
  gtk_widget_set_visible (self->details_page, job != NULL);
  if (job == NULL)
    /* Nothing left to show in a folded leaflet's details page. */
    adw_leaflet_set_visible_child_name (self->leaflet, "list");

  _jd_jobs_view_update_actions (self);
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

static void
details_message_cb (JdJobsView *self,
                    const char *title,
                    const char *details)
{
  _jd_jobs_view_show_message (self, title, details);
}

/* ---- GObject ---- */

static void
jd_jobs_view_map (GtkWidget *widget)
{
  JdJobsView *self = JD_JOBS_VIEW (widget);
  GDateTime *last = jd_job_list_get_last_refreshed (self->jobs);

  GTK_WIDGET_CLASS (jd_jobs_view_parent_class)->map (widget);

  /* Follow only while seen; catch up at once after a long absence. */
  jd_job_list_set_following (self->jobs, TRUE);
  if (last != NULL && !jd_job_list_get_loading (self->jobs))
    {
      g_autoptr(GDateTime) now = g_date_time_new_now_utc ();

      if (g_date_time_difference (now, last) > JD_JOB_LIST_POLL_MIN_SECONDS * G_TIME_SPAN_SECOND)
        jd_job_list_refresh (self->jobs);
    }
  if (self->clock_id == 0)
    self->clock_id = jd_clock_watch (jd_clock_get_default (), JD_CLOCK_MINUTES, clock_tick_cb, self);
  update_sync_label (self);
}

static void
jd_jobs_view_unmap (GtkWidget *widget)
{
  JdJobsView *self = JD_JOBS_VIEW (widget);

  jd_job_list_set_following (self->jobs, FALSE);
  if (self->clock_id != 0)
    jd_clock_unwatch (jd_clock_get_default (), self->clock_id);
  self->clock_id = 0;

  GTK_WIDGET_CLASS (jd_jobs_view_parent_class)->unmap (widget);
}

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
      g_value_set_object (value, jd_job_list_get_control_plane (self->jobs));
      break;
    case PROP_STATUS_FILTER:
      g_value_set_enum (value, jd_job_list_get_status_filter (self->jobs));
      break;
    case PROP_LOADING:
      g_value_set_boolean (value, jd_jobs_view_get_loading (self));
      break;
    case PROP_SELECTED_JOB:
      g_value_set_object (value, _jd_jobs_view_selected_job (self));
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
  if (self->actions_cancellable != NULL)
    g_cancellable_cancel (self->actions_cancellable);
  g_clear_object (&self->actions_cancellable);
  if (self->clock_id != 0)
    jd_clock_unwatch (jd_clock_get_default (), self->clock_id);
  self->clock_id = 0;

  if (self->selection != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->selection, self);
      gtk_column_view_set_model (self->column_view, NULL);
    }
  if (self->jobs != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->jobs, self);
      jd_job_list_set_control_plane (self->jobs, NULL);
    }
  if (self->details != NULL)
    {
      JdJob *job = jd_job_details_get_job (self->details);

      if (job != NULL)
        g_signal_handlers_disconnect_by_data (job, self);
      jd_job_details_set_job (self->details, NULL, NULL);
    }
  g_clear_object (&self->selection);
  g_clear_object (&self->jobs);

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
  widget_class->map = jd_jobs_view_map;
  widget_class->unmap = jd_jobs_view_unmap;

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

  _jd_jobs_view_class_add_actions (widget_class);

  g_type_ensure (JD_TYPE_JOB_DETAILS);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PREFIX "/jd-jobs-view.ui");
  gtk_widget_class_bind_template_child (widget_class, JdJobsView, main_stack);
  gtk_widget_class_bind_template_child (widget_class, JdJobsView, leaflet);
  gtk_widget_class_bind_template_child (widget_class, JdJobsView, status_dropdown);
  gtk_widget_class_bind_template_child (widget_class, JdJobsView, count_label);
  gtk_widget_class_bind_template_child (widget_class, JdJobsView, sync_label);
  gtk_widget_class_bind_template_child (widget_class, JdJobsView, spinner);
  gtk_widget_class_bind_template_child (widget_class, JdJobsView, loading_spinner);
  gtk_widget_class_bind_template_child (widget_class, JdJobsView, list_stack);
  gtk_widget_class_bind_template_child (widget_class, JdJobsView, column_view);
  gtk_widget_class_bind_template_child (widget_class, JdJobsView, error_page);
  gtk_widget_class_bind_template_child (widget_class, JdJobsView, details_page);
  gtk_widget_class_bind_template_child (widget_class, JdJobsView, details);
  gtk_widget_class_bind_template_callback (widget_class, activate_cb);
  gtk_widget_class_bind_template_callback (widget_class, back_clicked_cb);
}

static void
jd_jobs_view_init (JdJobsView *self)
{
  static const JdColumnCallbacks callbacks = {
    G_CALLBACK (setup_cb), G_CALLBACK (bind_cb), G_CALLBACK (unbind_cb),
  };
  GtkEventController *shortcuts;

  self->bound_time_cells = g_hash_table_new (NULL, NULL);
  self->actions_cancellable = g_cancellable_new ();

  gtk_widget_init_template (GTK_WIDGET (self));

  jd_format_add_column (self->column_view, _("Job ID"), COLUMN_JOB, TRUE, 160, &callbacks, self);
  jd_format_add_column (self->column_view, _("Status"), COLUMN_STATUS, FALSE, 170, &callbacks, self);
  jd_format_add_column (self->column_view, _("Targets"), COLUMN_TARGETS, FALSE, 120, &callbacks, self);
  jd_format_add_column (self->column_view, _("Progress"), COLUMN_PROGRESS, FALSE, 130, &callbacks, self);
  jd_format_add_column (self->column_view, _("Created"), COLUMN_CREATED, FALSE, 100, &callbacks, self);
  jd_format_add_column (self->column_view, _("Updated"), COLUMN_UPDATED, FALSE, 100, &callbacks, self);

  self->jobs = jd_job_list_new ();
  g_signal_connect_object (self->jobs, "refreshed", G_CALLBACK (list_refreshed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->jobs, "notify::n-items", G_CALLBACK (n_items_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->jobs, "notify::loading", G_CALLBACK (_jd_jobs_view_update_loading), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->jobs, "notify::poll-interval", G_CALLBACK (update_sync_label), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->details, "notify::loading", G_CALLBACK (_jd_jobs_view_update_loading), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->details, "show-message", G_CALLBACK (details_message_cb), self,
                           G_CONNECT_SWAPPED);

  self->selection = gtk_single_selection_new (G_LIST_MODEL (g_object_ref (self->jobs)));
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

  update_count (self);
  gtk_widget_set_visible (self->details_page, FALSE);
  gtk_stack_set_visible_child_name (self->main_stack, "disconnected");
  gtk_stack_set_visible_child_name (self->list_stack, "empty");
  _jd_jobs_view_update_actions (self);
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

  return jd_job_list_get_control_plane (self->jobs);
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

  if (jd_job_list_get_control_plane (self->jobs) == control_plane)
    return;

  g_cancellable_cancel (self->actions_cancellable);
  g_clear_object (&self->actions_cancellable);
  self->actions_cancellable = g_cancellable_new ();
  g_clear_pointer (&self->pending_select, g_free);
  self->loaded_once = FALSE;
  self->failing = FALSE;
  jd_job_details_set_job (self->details, NULL, NULL);

  if (control_plane != NULL)
    gtk_stack_set_visible_child_name (self->list_stack, "loading");
  jd_job_list_set_control_plane (self->jobs, control_plane);
  update_count (self);
  update_sync_label (self);

  gtk_stack_set_visible_child_name (self->main_stack, control_plane ? "connected" : "disconnected");
  _jd_jobs_view_update_actions (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CONTROL_PLANE]);
}

JdJobStatus
jd_jobs_view_get_status_filter (JdJobsView *self)
{
  g_return_val_if_fail (JD_IS_JOBS_VIEW (self), JD_JOB_STATUS_UNKNOWN);

  return jd_job_list_get_status_filter (self->jobs);
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

  if (jd_job_list_get_status_filter (self->jobs) == status)
    return;

  for (guint i = 0; i < G_N_ELEMENTS (filter_statuses); i++)
    if (filter_statuses[i] == status && gtk_drop_down_get_selected (self->status_dropdown) != i)
      gtk_drop_down_set_selected (self->status_dropdown, i);

  self->refresh_asked = TRUE;
  jd_job_list_set_status_filter (self->jobs, status);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATUS_FILTER]);
}

/**
 * jd_jobs_view_refresh:
 *
 * Lists the jobs again now; a refresh still running is cancelled. Does
 * nothing without a control plane.
 */
void
jd_jobs_view_refresh (JdJobsView *self)
{
  g_return_if_fail (JD_IS_JOBS_VIEW (self));

  if (jd_job_list_get_control_plane (self->jobs) == NULL || self->disposed)
    return;

  self->refresh_asked = TRUE;
  if (g_list_model_get_n_items (G_LIST_MODEL (self->jobs)) == 0)
    gtk_stack_set_visible_child_name (self->list_stack, "loading");
  jd_job_list_refresh (self->jobs);
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

  return jd_job_list_get_loading (self->jobs) || self->n_actions > 0 ||
         (self->details != NULL && jd_job_details_get_loading (self->details));
}

/**
 * jd_jobs_view_get_jobs:
 *
 * Returns: (transfer none): the #JdJob objects shown, in ListJobs' order
 */
GListModel *
jd_jobs_view_get_jobs (JdJobsView *self)
{
  g_return_val_if_fail (JD_IS_JOBS_VIEW (self), NULL);

  return G_LIST_MODEL (self->jobs);
}

/**
 * jd_jobs_view_get_selected_job:
 *
 * Returns: (transfer none) (nullable): the selected row's job
 */
JdJob *
jd_jobs_view_get_selected_job (JdJobsView *self)
{
  g_return_val_if_fail (JD_IS_JOBS_VIEW (self), NULL);

  return _jd_jobs_view_selected_job (self);
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

  if (select_job (self, job_id))
    {
      g_clear_pointer (&self->pending_select, g_free);
      return TRUE;
    }

  g_free (self->pending_select);
  self->pending_select = g_strdup (job_id);
  return FALSE;
}
