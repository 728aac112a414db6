/* jd-device-view.c — the Device view.
 *
 * A GtkColumnView (data-table) over the live model of pending executions,
 * which the jobs client keeps in AWS's order (IN_PROGRESS, then QUEUED, oldest
 * first); a second table, Recent, with the executions that left it during this
 * session as ListJobExecutionsForThing reports them; and a JdExecutionDetails
 * for the selected row, in an AdwLeaflet that folds the details over the table
 * when the window is narrow. Cells follow their JdExecution's notify signals;
 * relative times tick with the app's clock (jd-cells).
 *
 * The view owns the actions a device takes on the shown execution (exec.start,
 * exec.succeed, exec.fail, exec.reject, exec.update, exec.describe), with
 * their key bindings, in jd-device-view-actions.c; the window's Start Next
 * and Refresh call in there.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#define G_LOG_DOMAIN "jd-app"

#include <glib/gi18n.h>

#include "jd-cells.h"
#include "jd-device-view-private.h"
#include "jd-execution-history.h"
#include "jd-format.h"

G_DEFINE_FINAL_TYPE (JdDeviceView, jd_device_view, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_MODEL,
  PROP_SELECTED_EXECUTION,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void selection_changed_cb (JdDeviceView *self);
static void fetch_document       (JdDeviceView *self,
                                  JdExecution  *e,
                                  gboolean      first);
static void document_fetched_cb  (GObject      *object,
                                  GAsyncResult *result,
                                  gpointer      user_data);

/* ---- cells ---- */

static void
refresh_cell (GtkListItem *item,
              Column       column)
{
  JdExecution *e = gtk_list_item_get_item (item);
  GtkWidget *child = gtk_list_item_get_child (item);

  if (e == NULL || child == NULL)
    return;

  switch (column)
    {
    case COLUMN_JOB:
      jd_cells_id_set (child, jd_execution_get_job_id (e), jd_execution_get_is_next (e));
      break;
    case COLUMN_STATUS:
      jd_cells_pill_set_status (child, jd_execution_get_status (e));
      break;
    case COLUMN_VERSION:
      jd_cells_number_set (child, jd_execution_get_version_number (e));
      break;
    case COLUMN_QUEUED:
      jd_time_label_set_time (JD_TIME_LABEL (child), jd_execution_get_queued_at (e));
      break;
    case COLUMN_STARTED:
      jd_time_label_set_time (JD_TIME_LABEL (child), jd_execution_get_started_at (e));
      break;
    case COLUMN_FINISHED:
      jd_time_label_set_time (JD_TIME_LABEL (child), jd_execution_get_last_updated_at (e));
      break;
    default:
      g_assert_not_reached ();
    }
}

static void
setup_cb (GtkSignalListItemFactory *factory,
          GtkListItem              *item,
          JdDeviceView             *self)
{
  GtkWidget *child;

  switch (jd_format_column_of (GTK_LIST_ITEM_FACTORY (factory)))
    {
    case COLUMN_JOB:
      child = jd_cells_id_new (TRUE);
      break;
    case COLUMN_STATUS:
      child = jd_cells_pill_new ();
      break;
    case COLUMN_VERSION:
      child = jd_cells_number_new ();
      break;
    case COLUMN_QUEUED:
    case COLUMN_STARTED:
    case COLUMN_FINISHED:
    default:
      child = jd_time_label_new (JD_TIME_LABEL_RELATIVE);
      gtk_widget_add_css_class (child, "dim-label");
      break;
    }

  gtk_list_item_set_child (item, child);
}

static void
item_notify_cb (GtkListItem *item)
{
  refresh_cell (item, GPOINTER_TO_INT (g_object_get_data (G_OBJECT (item), "jd-column")));
}

static void
bind_cb (GtkSignalListItemFactory *factory,
         GtkListItem              *item,
         JdDeviceView             *self)
{
  Column column = jd_format_column_of (GTK_LIST_ITEM_FACTORY (factory));
  JdExecution *e = gtk_list_item_get_item (item);

  g_object_set_data (G_OBJECT (item), "jd-column", GINT_TO_POINTER (column));
  /* The row's execution, for the focus: keyboard actions act on the focused row. */
  g_object_set_data (G_OBJECT (gtk_list_item_get_child (item)), "jd-execution", e);
  g_signal_connect_object (e, "notify", G_CALLBACK (item_notify_cb), item, G_CONNECT_SWAPPED);
  refresh_cell (item, column);
  if (column == COLUMN_JOB)
    fetch_document (self, e, FALSE);
}

static void
unbind_cb (GtkSignalListItemFactory *factory,
           GtkListItem              *item,
           JdDeviceView             *self)
{
  JdExecution *e = gtk_list_item_get_item (item);

  if (e != NULL)
    g_signal_handlers_disconnect_by_func (e, item_notify_cb, item);
  if (gtk_list_item_get_child (item) != NULL)
    g_object_set_data (G_OBJECT (gtk_list_item_get_child (item)), "jd-execution", NULL);
}

/* ---- what is shown ---- */

static gboolean
showing_recent (JdDeviceView *self)
{
  return gtk_toggle_button_get_active (self->recent_toggle);
}

static void
update_list_page (JdDeviceView *self)
{
  gboolean empty = self->model == NULL || g_list_model_get_n_items (self->model) == 0;

  if (showing_recent (self))
    gtk_stack_set_visible_child_name (self->list_stack, "recent");
  else
    gtk_stack_set_visible_child_name (self->list_stack, empty ? "empty" : "list");
}

JdExecution *
_jd_device_view_shown_execution (JdDeviceView *self)
{
  if (showing_recent (self))
    return gtk_single_selection_get_selected_item (self->recent_selection);
  return self->selection ? gtk_single_selection_get_selected_item (self->selection) : NULL;
}

/* Documents asked for at once: each request and its reply are also events
 * the Events view lists, and a burst of them (a row is bound for every
 * execution near the visible ones: ~200) holds the main loop up. */
#define FETCHES_IN_FLIGHT 2

typedef struct {
  JdDeviceView *view;
  char         *job_id;
} Fetch;

static void
fetch_free (Fetch *fetch)
{
  g_object_unref (fetch->view);
  g_free (fetch->job_id);
  g_free (fetch);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Fetch, fetch_free)

static void
fetch_queue_clear (JdDeviceView *self)
{
  g_queue_clear_full (&self->fetch_queue, g_object_unref);
  g_hash_table_remove_all (self->fetching);
  self->fetches_in_flight = 0;
}

/* Sends what is queued, while fewer than FETCHES_IN_FLIGHT are under way;
 * an execution that meanwhile left the list or got its document is
 * dropped. */
static void
fetch_pump (JdDeviceView *self)
{
  while (self->client != NULL && self->fetches_in_flight < FETCHES_IN_FLIGHT &&
         !g_queue_is_empty (&self->fetch_queue))
    {
      g_autoptr(JdExecution) e = g_queue_pop_head (&self->fetch_queue);
      Fetch *fetch;

      if (jd_execution_get_job_document (e) != NULL ||
          !jd_execution_status_is_pending (jd_execution_get_status (e)))
        {
          g_hash_table_remove (self->fetching, jd_execution_get_job_id (e));
          continue;
        }
      fetch = g_new0 (Fetch, 1);
      fetch->view = g_object_ref (self);
      fetch->job_id = g_strdup (jd_execution_get_job_id (e));
      self->fetches_in_flight++;
      jd_jobs_client_describe_async (self->client, fetch->job_id, -1, TRUE, self->cancellable,
                                     document_fetched_cb, fetch);
    }
}

/* A pending execution's job document is fetched as soon as its row is shown
 * (bound) or it is selected, so the pane never says it has not been loaded;
 * the selected one goes first. Only what is shown: with 10,000 pending
 * executions, asking for every document at once took the service's request
 * quota for minutes and would keep 10,000 documents in memory. */
static void
fetch_document (JdDeviceView *self,
                JdExecution  *e,
                gboolean      first)
{
  const char *job_id;

  if (e == NULL || self->client == NULL || jd_execution_get_job_document (e) != NULL ||
      !jd_execution_status_is_pending (jd_execution_get_status (e)))
    return;

  job_id = jd_execution_get_job_id (e);
  if (g_hash_table_contains (self->fetching, job_id))
    {
      GList *queued = first ? g_queue_find (&self->fetch_queue, e) : NULL;

      /* Selected while it waited behind rows: it goes first. */
      if (queued != NULL)
        {
          g_queue_unlink (&self->fetch_queue, queued);
          g_queue_push_head_link (&self->fetch_queue, queued);
        }
      return;
    }

  g_hash_table_add (self->fetching, g_strdup (job_id));
  if (first)
    g_queue_push_head (&self->fetch_queue, g_object_ref (e));
  else
    g_queue_push_tail (&self->fetch_queue, g_object_ref (e));
  fetch_pump (self);
}

static void
document_fetched_cb (GObject      *object,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  g_autoptr(Fetch) fetch = user_data;
  JdDeviceView *self = fetch->view;
  g_autoptr(GError) error = NULL;
  g_autoptr(JdExecution) execution = jd_jobs_client_describe_finish (JD_JOBS_CLIENT (object), result, &error);

  /* Cancelled: the client changed, and the queue was reset with it. */
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  /* Only this one: a failed fetch is asked again when its row is shown
   * again or selected. */
  g_hash_table_remove (self->fetching, fetch->job_id);
  g_assert (self->fetches_in_flight > 0);
  self->fetches_in_flight--;
  if (error != NULL)
    g_debug ("Could not fetch a job document: %s", error->message);
  fetch_pump (self);
}

static void update_queue_note (JdDeviceView *self);

static void
watched_changed_cb (JdDeviceView *self)
{
  _jd_device_view_update_actions (self);
  update_queue_note (self);
}

/* ---- history and the queue ---- */

static JdExecutionHistory *
history_for (JdDeviceView *self,
             const char   *job_id)
{
  JdExecutionHistory *history = g_hash_table_lookup (self->histories, job_id);

  if (history == NULL)
    {
      history = jd_execution_history_new ();
      g_hash_table_insert (self->histories, g_strdup (job_id), history);
    }
  return history;
}

static void
record (JdDeviceView *self,
        JdExecution  *e)
{
  jd_execution_history_record (history_for (self, jd_execution_get_job_id (e)), e);
}

static void
pending_notify_cb (JdExecution  *e,
                   GParamSpec   *pspec,
                   JdDeviceView *self)
{
  record (self, e);
}

static void
watch_execution (JdDeviceView *self,
                 JdExecution  *e)
{
  record (self, e);
  g_signal_connect_object (e, "notify", G_CALLBACK (pending_notify_cb), self, 0);
}

static void
unwatch_execution (JdDeviceView *self,
                   JdExecution  *e)
{
  g_signal_handlers_disconnect_by_func (e, pending_notify_cb, self);
}

/* Why a queued execution still waits, from what the app knows: AWS hands
 * out executions in progress first, then the queued ones oldest first. */
static char *
queue_note (JdDeviceView *self,
            JdExecution  *e)
{
  guint ahead = 0;
  guint running = 0;

  if (e == NULL || jd_execution_get_status (e) != JD_EXECUTION_STATUS_QUEUED || self->model == NULL)
    return NULL;

  if (jd_execution_get_is_next (e))
    return g_strdup (_("It is next: $next returns it. It waits for the device to start it (Start Next or Start)."));

  for (guint i = 0; i < g_list_model_get_n_items (self->model); i++)
    {
      g_autoptr(JdExecution) item = g_list_model_get_item (self->model, i);

      if (item == e)
        break;
      ahead++;
      if (jd_execution_get_status (item) == JD_EXECUTION_STATUS_IN_PROGRESS)
        running++;
    }

  if (running > 0)
    return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                         "%u execution ahead of it in $next order, %u of them in progress: "
                                         "the device finishes those first.",
                                         "%u executions ahead of it in $next order, %u of them in progress: "
                                         "the device finishes those first.", ahead),
                            ahead, running);
  return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                       "%u execution queued earlier is ahead of it in $next order.",
                                       "%u executions queued earlier are ahead of it in $next order.", ahead),
                          ahead);
}

static void
update_queue_note (JdDeviceView *self)
{
  g_autofree char *note = queue_note (self, self->watched);

  jd_execution_details_set_queue_note (self->details, note);
}

static void
selection_changed_cb (JdDeviceView *self)
{
  JdExecution *e = _jd_device_view_shown_execution (self);

  if (self->watched != NULL)
    g_signal_handlers_disconnect_by_func (self->watched, watched_changed_cb, self);
  g_set_object (&self->watched, e);
  if (e != NULL)
    g_signal_connect_object (e, "notify::status", G_CALLBACK (watched_changed_cb), self, G_CONNECT_SWAPPED);

  jd_execution_details_set_execution (self->details, e);
  jd_execution_details_set_history (self->details, e ? history_for (self, jd_execution_get_job_id (e)) : NULL);
  update_queue_note (self);
  gtk_widget_set_visible (self->details_page, e != NULL);
  fetch_document (self, e, TRUE);
  _jd_device_view_update_actions (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SELECTED_EXECUTION]);
}

static void
toggle_cb (JdDeviceView *self)
{
  update_list_page (self);
  selection_changed_cb (self);
}

/* ---- executions that leave the pending set ---- */

/* What happened to an execution that left the pending set, in words. */
static char *
leave_title (JdExecutionStatus  status,
             const char        *job_id)
{
  switch (status)
    {
    case JD_EXECUTION_STATUS_SUCCEEDED:
      /* Translators: %s is a job id */
      return g_strdup_printf (_("%s succeeded"), job_id);
    case JD_EXECUTION_STATUS_FAILED:
      /* Translators: %s is a job id */
      return g_strdup_printf (_("%s failed"), job_id);
    case JD_EXECUTION_STATUS_TIMED_OUT:
      /* Translators: %s is a job id */
      return g_strdup_printf (_("%s timed out"), job_id);
    case JD_EXECUTION_STATUS_REJECTED:
      /* Translators: %s is a job id */
      return g_strdup_printf (_("%s was rejected"), job_id);
    case JD_EXECUTION_STATUS_CANCELED:
      /* Translators: %s is a job id */
      return g_strdup_printf (_("%s was canceled"), job_id);
    case JD_EXECUTION_STATUS_REMOVED:
      /* Translators: %s is a job id */
      return g_strdup_printf (_("%s was removed"), job_id);
    default:
      /* Translators: %s is a job id */
      return g_strdup_printf (_("%s is no longer pending"), job_id);
    }
}

static void
recent_toast_clicked_cb (AdwToast *toast,
                         gpointer  user_data)
{
  JdDeviceView *self = g_object_get_data (G_OBJECT (toast), "jd-view");

  if (self != NULL)
    jd_device_view_show_recent (self, user_data);
}

static void
say_left (JdDeviceView      *self,
          const char        *job_id,
          JdExecutionStatus  status,
          gboolean           listed)
{
  g_autofree char *title = leave_title (status, job_id);
  AdwToast *toast = adw_toast_new (title);

  /* What happened to a job beats what is on display now. */
  adw_toast_set_priority (toast, ADW_TOAST_PRIORITY_HIGH);
  if (listed)
    {
      adw_toast_set_button_label (toast, _("_Show"));
      g_object_set_data_full (G_OBJECT (toast), "jd-view", g_object_ref (self), g_object_unref);
      g_signal_connect_data (toast, "button-clicked", G_CALLBACK (recent_toast_clicked_cb),
                             g_strdup (job_id), (GClosureNotify) (void (*) (void)) g_free, 0);
    }
  jd_format_add_toast (GTK_WIDGET (self), toast);
}

static JdExecution *
execution_from_info (JdJobExecutionInfo *info)
{
  JdExecution *e = jd_execution_new (jd_job_execution_info_get_job_id (info));

  jd_execution_set_thing_name (e, jd_job_execution_info_get_thing_name (info));
  jd_execution_set_status (e, jd_job_execution_info_get_status (info));
  jd_execution_set_status_details (e, jd_job_execution_info_get_status_details (info));
  jd_execution_set_queued_at (e, jd_job_execution_info_get_queued_at (info));
  jd_execution_set_started_at (e, jd_job_execution_info_get_started_at (info));
  jd_execution_set_last_updated_at (e, jd_job_execution_info_get_last_updated_at (info));
  if (jd_job_execution_info_get_execution_number (info) >= 0)
    jd_execution_set_execution_number (e, jd_job_execution_info_get_execution_number (info));
  if (jd_job_execution_info_get_version_number (info) >= 0)
    jd_execution_set_version_number (e, jd_job_execution_info_get_version_number (info));
  return e;
}

static int
recent_position (JdDeviceView *self,
                 const char   *job_id)
{
  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (self->recent)); i++)
    {
      g_autoptr(JdExecution) e = g_list_model_get_item (G_LIST_MODEL (self->recent), i);

      if (g_strcmp0 (jd_execution_get_job_id (e), job_id) == 0)
        return i;
    }
  return -1;
}

static void
add_recent (JdDeviceView *self,
            JdExecution  *e)
{
  int old = recent_position (self, jd_execution_get_job_id (e));

  if (old >= 0)
    g_list_store_remove (self->recent, old);
  g_list_store_insert (self->recent, 0, e);

  /* The final status, unless the app saw it already (a summary has no
   * version or details to compare). */
  {
    GPtrArray *entries = jd_execution_history_get_entries (history_for (self, jd_execution_get_job_id (e)));
    JdHistoryEntry *last = entries->len > 0 ? g_ptr_array_index (entries, entries->len - 1) : NULL;

    if (last == NULL || last->status != jd_execution_get_status (e))
      record (self, e);
  }
  /* What a describe adds later (the details) is history too. */
  g_signal_handlers_disconnect_by_func (e, pending_notify_cb, self);
  g_signal_connect_object (e, "notify", G_CALLBACK (pending_notify_cb), self, 0);
}

typedef struct {
  JdDeviceView *view;
  GPtrArray    *job_ids;    /* the ones that just left, to say what happened */
  GHashTable   *gone;       /* job id → the JdExecution as last seen pending */
} ListRequest;

static void
list_request_free (ListRequest *request)
{
  g_clear_object (&request->view);
  g_ptr_array_unref (request->job_ids);
  g_hash_table_unref (request->gone);
  g_free (request);
}

static void
recent_described_cb (GObject      *object,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  g_autoptr(JdExecution) e = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(JdJobExecutionInfo) info = jd_control_plane_describe_job_execution_finish (JD_CONTROL_PLANE (object),
                                                                                      result, &error);

  if (info == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_debug ("Could not describe a finished execution: %s", error->message);
      return;
    }

  g_object_freeze_notify (G_OBJECT (e));
  jd_execution_set_status_details (e, jd_job_execution_info_get_status_details (info));
  if (jd_job_execution_info_get_version_number (info) >= 0)
    jd_execution_set_version_number (e, jd_job_execution_info_get_version_number (info));
  g_object_thaw_notify (G_OBJECT (e));
}

static void
listed_for_thing_cb (GObject      *object,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  ListRequest *request = user_data;
  JdDeviceView *self = request->view;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) infos = jd_control_plane_list_job_executions_for_thing_finish (JD_CONTROL_PLANE (object),
                                                                                    result, &error);
  g_autoptr(GHashTable) latest = g_hash_table_new (g_str_hash, g_str_equal);

  if (infos == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        for (guint i = 0; i < request->job_ids->len; i++)
          say_left (self, g_ptr_array_index (request->job_ids, i), JD_EXECUTION_STATUS_UNKNOWN, FALSE);
      list_request_free (request);
      return;
    }

  /* The latest execution of each job that left this session. */
  for (guint i = 0; i < infos->len; i++)
    {
      JdJobExecutionInfo *info = g_ptr_array_index (infos, i);
      JdJobExecutionInfo *known = g_hash_table_lookup (latest, jd_job_execution_info_get_job_id (info));

      if (!g_hash_table_contains (self->left, jd_job_execution_info_get_job_id (info)) ||
          jd_execution_status_is_pending (jd_job_execution_info_get_status (info)))
        continue;
      if (known == NULL ||
          jd_job_execution_info_get_execution_number (info) > jd_job_execution_info_get_execution_number (known))
        g_hash_table_insert (latest, (gpointer) jd_job_execution_info_get_job_id (info), info);
    }

  /* Oldest first, so the newest ends on top. */
  for (guint i = infos->len; i > 0; i--)
    {
      JdJobExecutionInfo *info = g_ptr_array_index (infos, i - 1);

      if (g_hash_table_lookup (latest, jd_job_execution_info_get_job_id (info)) == info &&
          recent_position (self, jd_job_execution_info_get_job_id (info)) < 0)
        {
          g_autoptr(JdExecution) e = execution_from_info (info);
          add_recent (self, e);
        }
    }

  for (guint i = 0; i < request->job_ids->len; i++)
    {
      const char *job_id = g_ptr_array_index (request->job_ids, i);
      JdJobExecutionInfo *info = g_hash_table_lookup (latest, job_id);

      if (info != NULL)
        {
          g_autoptr(JdExecution) e = execution_from_info (info);

          /* ListJobExecutionsForThing orders by time; keep what it says. */
          add_recent (self, e);
          say_left (self, job_id, jd_job_execution_info_get_status (info), TRUE);

          /* A summary has no statusDetails (a failure's reason): ask. */
          jd_control_plane_describe_job_execution_async (JD_CONTROL_PLANE (object),
                                                         jd_jobs_client_get_thing_name (self->client), job_id,
                                                         jd_job_execution_info_get_execution_number (info),
                                                         self->cancellable, recent_described_cb, g_object_ref (e));
        }
      else
        {
          /* Deleted: AWS no longer lists it. */
          say_left (self, job_id, JD_EXECUTION_STATUS_REMOVED, FALSE);
        }
    }

  list_request_free (request);
}

static void
executions_left (JdDeviceView *self,
                 GPtrArray    *gone)
{
  ListRequest *request;

  for (guint i = 0; i < gone->len; i++)
    g_hash_table_add (self->left, g_strdup (jd_execution_get_job_id (g_ptr_array_index (gone, i))));

  if (self->control_plane == NULL || self->client == NULL)
    {
      /* No operator side: say what the device itself knows. */
      for (guint i = 0; i < gone->len; i++)
        {
          JdExecution *e = g_ptr_array_index (gone, i);
          gboolean known = jd_execution_status_is_terminal (jd_execution_get_status (e));

          if (known)
            add_recent (self, e);
          say_left (self, jd_execution_get_job_id (e),
                    known ? jd_execution_get_status (e) : JD_EXECUTION_STATUS_UNKNOWN, known);
        }
      return;
    }

  request = g_new0 (ListRequest, 1);
  request->view = g_object_ref (self);
  request->job_ids = g_ptr_array_new_with_free_func (g_free);
  request->gone = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_object_unref);
  for (guint i = 0; i < gone->len; i++)
    {
      JdExecution *e = g_ptr_array_index (gone, i);

      g_ptr_array_add (request->job_ids, g_strdup (jd_execution_get_job_id (e)));
      g_hash_table_insert (request->gone, g_strdup (jd_execution_get_job_id (e)), g_object_ref (e));
    }

  jd_control_plane_list_job_executions_for_thing_async (self->control_plane,
                                                        jd_jobs_client_get_thing_name (self->client),
                                                        JD_EXECUTION_STATUS_UNKNOWN, self->cancellable,
                                                        listed_for_thing_cb, request);
}

static void
items_changed_cb (JdDeviceView *self)
{
  g_autoptr(GHashTable) now = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, g_object_unref);
  g_autoptr(GPtrArray) gone = g_ptr_array_new ();
  GHashTableIter iter;
  gpointer key, value;

  for (guint i = 0; self->model != NULL && i < g_list_model_get_n_items (self->model); i++)
    {
      JdExecution *e = g_list_model_get_item (self->model, i);

      g_hash_table_insert (now, (gpointer) jd_execution_get_job_id (e), e);
    }

  g_hash_table_iter_init (&iter, self->listed);
  while (g_hash_table_iter_next (&iter, &key, &value))
    if (!g_hash_table_contains (now, key))
      {
        g_ptr_array_add (gone, value);
        unwatch_execution (self, value);
      }
  g_hash_table_iter_init (&iter, now);
  while (g_hash_table_iter_next (&iter, &key, &value))
    if (g_hash_table_lookup (self->listed, key) != value)
      {
        if (g_hash_table_lookup (self->listed, key) != NULL)
          unwatch_execution (self, g_hash_table_lookup (self->listed, key));
        watch_execution (self, value);
      }

  if (gone->len > 0 && self->client != NULL)
    executions_left (self, gone);

  g_hash_table_unref (self->listed);
  self->listed = g_steal_pointer (&now);

  update_list_page (self);
  update_queue_note (self);
}

/* ---- narrow widths and the focus ---- */

static void
folded_changed_cb (JdDeviceView *self)
{
  gboolean folded = adw_leaflet_get_folded (self->leaflet);

  /* Narrow: a click (or tap) opens the details; only the essential columns. */
  gtk_column_view_set_single_click_activate (self->column_view, folded);
  gtk_column_view_set_single_click_activate (self->recent_view, folded);

  /* Removed rather than hidden: a hidden column still counts in GTK 4.8's
   * measure of the table, which then scrolls sideways. */
  for (guint i = 0; i < self->optional_columns->len; i++)
    {
      GtkColumnViewColumn *column = g_ptr_array_index (self->optional_columns, i);
      GtkColumnView *view = g_object_get_data (G_OBJECT (column), "jd-view");
      gboolean shown = gtk_column_view_column_get_column_view (column) != NULL;

      if (folded && shown)
        gtk_column_view_remove_column (view, column);
      else if (!folded && !shown)
        gtk_column_view_insert_column (view, GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (column), "jd-position")),
                                       column);
    }
}

static JdExecution *
execution_in (GtkWidget *widget)
{
  JdExecution *e = g_object_get_data (G_OBJECT (widget), "jd-execution");

  for (GtkWidget *child = gtk_widget_get_first_child (widget); e == NULL && child != NULL;
       child = gtk_widget_get_next_sibling (child))
    e = execution_in (child);
  return e;
}

static gboolean
select_execution_in (GtkSingleSelection *selection,
                     JdExecution        *e)
{
  GListModel *model = gtk_single_selection_get_model (selection);

  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(JdExecution) item = g_list_model_get_item (model, i);

      if (item == e)
        {
          gtk_single_selection_set_selected (selection, i);
          return TRUE;
        }
    }
  return FALSE;
}

/* The focused row is the selected one, so what the keyboard acts on is what
 * the details show. */
static void
focus_changed_cb (JdDeviceView *self)
{
  GtkWidget *focus = self->focus_root ? gtk_root_get_focus (GTK_ROOT (self->focus_root)) : NULL;
  GtkWidget *row;
  JdExecution *e;

  if (focus == NULL)
    return;

  for (row = focus; row != NULL; row = gtk_widget_get_parent (row))
    if (row == GTK_WIDGET (self->column_view) || row == GTK_WIDGET (self->recent_view))
      break;
  if (row == NULL || focus == row)
    return;

  /* From a focused row, or a cell in it, to its execution. */
  for (row = focus; row != NULL && (e = execution_in (row)) == NULL; row = gtk_widget_get_parent (row))
    ;
  if (row == NULL || e == NULL || e == _jd_device_view_shown_execution (self))
    return;

  if (gtk_widget_is_ancestor (focus, GTK_WIDGET (self->recent_view)))
    select_execution_in (self->recent_selection, e);
  else if (self->selection != NULL)
    select_execution_in (self->selection, e);
}

static void
activate_cb (GtkColumnView *view,
             guint          position,
             JdDeviceView  *self)
{
  GtkSelectionModel *model = gtk_column_view_get_model (view);

  gtk_single_selection_set_selected (GTK_SINGLE_SELECTION (model), position);
  adw_leaflet_navigate (self->leaflet, ADW_NAVIGATION_DIRECTION_FORWARD);
}

static void
back_clicked_cb (JdDeviceView *self)
{
  adw_leaflet_navigate (self->leaflet, ADW_NAVIGATION_DIRECTION_BACK);
}

/* ---- GObject ---- */

/* Columns shown or hidden while the view was away are laid out anew. */
static void
jd_device_view_map (GtkWidget *widget)
{
  JdDeviceView *self = JD_DEVICE_VIEW (widget);

  GTK_WIDGET_CLASS (jd_device_view_parent_class)->map (widget);
  folded_changed_cb (self);
  gtk_widget_queue_resize (GTK_WIDGET (self->column_view));
  gtk_widget_queue_resize (GTK_WIDGET (self->recent_view));
}

static void
jd_device_view_root (GtkWidget *widget)
{
  JdDeviceView *self = JD_DEVICE_VIEW (widget);

  GTK_WIDGET_CLASS (jd_device_view_parent_class)->root (widget);
  self->focus_root = GTK_WIDGET (gtk_widget_get_root (widget));
  g_signal_connect_object (self->focus_root, "notify::focus-widget", G_CALLBACK (focus_changed_cb),
                           self, G_CONNECT_SWAPPED);
}

static void
jd_device_view_unroot (GtkWidget *widget)
{
  JdDeviceView *self = JD_DEVICE_VIEW (widget);

  if (self->focus_root != NULL)
    g_signal_handlers_disconnect_by_func (self->focus_root, focus_changed_cb, self);
  self->focus_root = NULL;
  GTK_WIDGET_CLASS (jd_device_view_parent_class)->unroot (widget);
}

static void
jd_device_view_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  JdDeviceView *self = JD_DEVICE_VIEW (object);

  switch (prop_id)
    {
    case PROP_MODEL:
      g_value_set_object (value, self->model);
      break;

    case PROP_SELECTED_EXECUTION:
      g_value_set_object (value, jd_device_view_get_selected_execution (self));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
jd_device_view_set_property (GObject      *object,
                             guint         prop_id,
                             const GValue *value,
                             GParamSpec   *pspec)
{
  JdDeviceView *self = JD_DEVICE_VIEW (object);

  switch (prop_id)
    {
    case PROP_MODEL:
      jd_device_view_set_model (self, g_value_get_object (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
jd_device_view_dispose (GObject *object)
{
  JdDeviceView *self = JD_DEVICE_VIEW (object);
  GtkWidget *child;

  g_cancellable_cancel (self->cancellable);
  if (self->watched != NULL)
    g_signal_handlers_disconnect_by_func (self->watched, watched_changed_cb, self);
  g_clear_object (&self->watched);
  if (self->selection != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->selection, self);
      gtk_column_view_set_model (self->column_view, NULL);
    }
  if (self->recent_selection != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->recent_selection, self);
      gtk_column_view_set_model (self->recent_view, NULL);
    }
  g_clear_object (&self->selection);
  g_clear_object (&self->recent_selection);
  g_clear_object (&self->recent);
  if (self->model != NULL)
    g_signal_handlers_disconnect_by_data (self->model, self);
  g_clear_object (&self->model);
  if (self->client != NULL)
    g_signal_handlers_disconnect_by_func (jd_jobs_client_get_connection (self->client), _jd_device_view_update_actions, self);
  g_clear_object (&self->client);
  g_clear_object (&self->control_plane);

  gtk_widget_dispose_template (GTK_WIDGET (object), JD_TYPE_DEVICE_VIEW);
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);

  G_OBJECT_CLASS (jd_device_view_parent_class)->dispose (object);
}

static void
jd_device_view_finalize (GObject *object)
{
  JdDeviceView *self = JD_DEVICE_VIEW (object);

  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->listed, g_hash_table_unref);
  g_clear_pointer (&self->left, g_hash_table_unref);
  g_queue_clear_full (&self->fetch_queue, g_object_unref);
  g_clear_pointer (&self->fetching, g_hash_table_unref);
  g_clear_pointer (&self->histories, g_hash_table_unref);
  g_clear_pointer (&self->optional_columns, g_ptr_array_unref);
  g_clear_pointer (&self->progress_job_id, g_free);
  g_clear_pointer (&self->progress_pending, g_hash_table_unref);

  G_OBJECT_CLASS (jd_device_view_parent_class)->finalize (object);
}

static void
jd_device_view_class_init (JdDeviceViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = jd_device_view_dispose;
  object_class->finalize = jd_device_view_finalize;
  object_class->get_property = jd_device_view_get_property;
  object_class->set_property = jd_device_view_set_property;
  widget_class->root = jd_device_view_root;
  widget_class->map = jd_device_view_map;
  widget_class->unroot = jd_device_view_unroot;

  properties[PROP_MODEL] =
    g_param_spec_object ("model", NULL, NULL,
                         G_TYPE_LIST_MODEL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_SELECTED_EXECUTION] =
    g_param_spec_object ("selected-execution", NULL, NULL,
                         JD_TYPE_EXECUTION,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  _jd_device_view_install_actions (widget_class);

  g_type_ensure (JD_TYPE_EXECUTION_DETAILS);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PREFIX "/jd-device-view.ui");
  gtk_widget_class_bind_template_child (widget_class, JdDeviceView, leaflet);
  gtk_widget_class_bind_template_child (widget_class, JdDeviceView, list_stack);
  gtk_widget_class_bind_template_child (widget_class, JdDeviceView, column_view);
  gtk_widget_class_bind_template_child (widget_class, JdDeviceView, recent_view);
  gtk_widget_class_bind_template_child (widget_class, JdDeviceView, pending_toggle);
  gtk_widget_class_bind_template_child (widget_class, JdDeviceView, recent_toggle);
  gtk_widget_class_bind_template_child (widget_class, JdDeviceView, details);
  gtk_widget_class_bind_template_child (widget_class, JdDeviceView, details_page);
  gtk_widget_class_bind_template_child (widget_class, JdDeviceView, back_button);
  gtk_widget_class_bind_template_callback (widget_class, activate_cb);
  gtk_widget_class_bind_template_callback (widget_class, back_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, toggle_cb);
  gtk_widget_class_bind_template_callback (widget_class, folded_changed_cb);
}

/* The last column added, kept (with its place) to come and go with the width. */
static GtkColumnViewColumn *
last_column (GtkColumnView *view)
{
  GListModel *columns = gtk_column_view_get_columns (view);
  guint position = g_list_model_get_n_items (columns) - 1;
  GtkColumnViewColumn *column = g_list_model_get_item (columns, position);

  g_object_set_data (G_OBJECT (column), "jd-view", view);
  g_object_set_data (G_OBJECT (column), "jd-position", GUINT_TO_POINTER (position));
  return column;
}

static void
jd_device_view_init (JdDeviceView *self)
{
  static const JdColumnCallbacks callbacks = {
    G_CALLBACK (setup_cb), G_CALLBACK (bind_cb), G_CALLBACK (unbind_cb)
  };

  self->cancellable = g_cancellable_new ();
  self->listed = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, g_object_unref);
  self->left = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->fetching = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->histories = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_object_unref);
  self->optional_columns = g_ptr_array_new_with_free_func (g_object_unref);
  self->recent = g_list_store_new (JD_TYPE_EXECUTION);

  gtk_widget_init_template (GTK_WIDGET (self));

  jd_format_add_column (self->column_view, _("Job"), COLUMN_JOB, TRUE, -1, &callbacks, self);
  jd_format_add_column (self->column_view, _("Status"), COLUMN_STATUS, FALSE, 110, &callbacks, self);
  jd_format_add_column (self->column_view, _("Version"), COLUMN_VERSION, FALSE, 70, &callbacks, self);
  g_ptr_array_add (self->optional_columns, last_column (self->column_view));
  jd_format_add_column (self->column_view, _("Queued"), COLUMN_QUEUED, FALSE, 100, &callbacks, self);
  g_ptr_array_add (self->optional_columns, last_column (self->column_view));
  jd_format_add_column (self->column_view, _("Started"), COLUMN_STARTED, FALSE, 100, &callbacks, self);
  g_ptr_array_add (self->optional_columns, last_column (self->column_view));

  jd_format_add_column (self->recent_view, _("Job"), COLUMN_JOB, TRUE, -1, &callbacks, self);
  jd_format_add_column (self->recent_view, _("Status"), COLUMN_STATUS, FALSE, 110, &callbacks, self);
  jd_format_add_column (self->recent_view, _("Started"), COLUMN_STARTED, FALSE, 100, &callbacks, self);
  g_ptr_array_add (self->optional_columns, last_column (self->recent_view));
  jd_format_add_column (self->recent_view, _("Finished"), COLUMN_FINISHED, FALSE, 100, &callbacks, self);

  self->recent_selection = gtk_single_selection_new (g_object_ref (G_LIST_MODEL (self->recent)));
  gtk_single_selection_set_autoselect (self->recent_selection, TRUE);
  g_signal_connect_object (self->recent_selection, "notify::selected-item",
                           G_CALLBACK (selection_changed_cb), self, G_CONNECT_SWAPPED);
  gtk_column_view_set_model (self->recent_view, GTK_SELECTION_MODEL (self->recent_selection));
  g_signal_connect_object (jd_execution_details_get_signed_files (self->details), "progress",
                           G_CALLBACK (_jd_device_view_report_download), self, G_CONNECT_SWAPPED);

  folded_changed_cb (self);
  jd_device_view_set_model (self, NULL);
}

/* ---- public API ---- */

GtkWidget *
jd_device_view_new (void)
{
  return g_object_new (JD_TYPE_DEVICE_VIEW, NULL);
}

/**
 * jd_device_view_get_model:
 *
 * Returns: (transfer none) (nullable): the executions shown
 */
GListModel *
jd_device_view_get_model (JdDeviceView *self)
{
  g_return_val_if_fail (JD_IS_DEVICE_VIEW (self), NULL);

  return self->model;
}

/**
 * jd_device_view_set_model:
 * @model: (nullable): a #GListModel of #JdExecution, in display order
 */
void
jd_device_view_set_model (JdDeviceView *self,
                          GListModel   *model)
{
  g_return_if_fail (JD_IS_DEVICE_VIEW (self));
  g_return_if_fail (model == NULL || G_IS_LIST_MODEL (model));

  if (self->model != NULL && self->model == model)
    return;

  if (self->model != NULL)
    g_signal_handlers_disconnect_by_data (self->model, self);
  g_set_object (&self->model, model);
  {
    GHashTableIter iter;
    gpointer value;

    g_hash_table_iter_init (&iter, self->listed);
    while (g_hash_table_iter_next (&iter, NULL, &value))
      unwatch_execution (self, value);
  }
  g_hash_table_remove_all (self->listed);

  if (self->selection != NULL)
    g_signal_handlers_disconnect_by_data (self->selection, self);
  g_clear_object (&self->selection);

  if (model != NULL)
    {
      self->selection = gtk_single_selection_new (g_object_ref (model));
      g_signal_connect_object (model, "items-changed", G_CALLBACK (items_changed_cb),
                               self, G_CONNECT_SWAPPED);
    }
  else
    {
      self->selection = gtk_single_selection_new (G_LIST_MODEL (g_list_store_new (JD_TYPE_EXECUTION)));
    }

  gtk_single_selection_set_autoselect (self->selection, TRUE);
  gtk_single_selection_set_can_unselect (self->selection, FALSE);
  g_signal_connect_object (self->selection, "notify::selected-item",
                           G_CALLBACK (selection_changed_cb), self, G_CONNECT_SWAPPED);
  gtk_column_view_set_model (self->column_view, GTK_SELECTION_MODEL (self->selection));

  /* What is listed now is the baseline: nothing "left" by the switch. */
  for (guint i = 0; model != NULL && i < g_list_model_get_n_items (model); i++)
    {
      JdExecution *e = g_list_model_get_item (model, i);

      g_hash_table_insert (self->listed, (gpointer) jd_execution_get_job_id (e), e);
      watch_execution (self, e);
    }

  update_list_page (self);
  selection_changed_cb (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MODEL]);
}

/**
 * jd_device_view_get_jobs_client:
 *
 * Returns: (transfer none) (nullable): the client the actions go through
 */
JdJobsClient *
jd_device_view_get_jobs_client (JdDeviceView *self)
{
  g_return_val_if_fail (JD_IS_DEVICE_VIEW (self), NULL);

  return self->client;
}

/**
 * jd_device_view_set_jobs_client:
 * @client: (nullable): the thing's jobs client; its pending executions are shown
 */
void
jd_device_view_set_jobs_client (JdDeviceView *self,
                                JdJobsClient *client)
{
  g_return_if_fail (JD_IS_DEVICE_VIEW (self));
  g_return_if_fail (client == NULL || JD_IS_JOBS_CLIENT (client));

  if (self->client == client)
    return;

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  fetch_queue_clear (self);

  if (self->client != NULL && client != NULL &&
      g_strcmp0 (jd_jobs_client_get_thing_name (self->client), jd_jobs_client_get_thing_name (client)) != 0)
    {
      g_list_store_remove_all (self->recent);
      g_hash_table_remove_all (self->left);
      g_hash_table_remove_all (self->histories);
    }

  if (self->client != NULL)
    g_signal_handlers_disconnect_by_func (jd_jobs_client_get_connection (self->client), _jd_device_view_update_actions, self);
  g_set_object (&self->client, client);
  if (client != NULL)
    g_signal_connect_object (jd_jobs_client_get_connection (client), "notify::state",
                             G_CALLBACK (_jd_device_view_update_actions), self, G_CONNECT_SWAPPED);
  jd_device_view_set_model (self, client ? G_LIST_MODEL (jd_jobs_client_get_executions (client)) : NULL);
  _jd_device_view_update_actions (self);
}

/**
 * jd_device_view_set_control_plane:
 * @control_plane: (nullable): where finished executions are looked up
 */
void
jd_device_view_set_control_plane (JdDeviceView   *self,
                                  JdControlPlane *control_plane)
{
  g_return_if_fail (JD_IS_DEVICE_VIEW (self));

  g_set_object (&self->control_plane, control_plane);
}

/**
 * jd_device_view_get_selected_execution:
 *
 * Returns: (transfer none) (nullable): the execution shown (and acted on)
 */
JdExecution *
jd_device_view_get_selected_execution (JdDeviceView *self)
{
  g_return_val_if_fail (JD_IS_DEVICE_VIEW (self), NULL);

  return _jd_device_view_shown_execution (self);
}

/**
 * jd_device_view_select_job:
 *
 * Shows the pending executions and selects @job_id's.
 *
 * Returns: whether an execution of @job_id is pending and now selected
 */
gboolean
jd_device_view_select_job (JdDeviceView *self,
                           const char   *job_id)
{
  g_return_val_if_fail (JD_IS_DEVICE_VIEW (self), FALSE);

  if (self->model == NULL)
    return FALSE;

  for (guint i = 0; i < g_list_model_get_n_items (self->model); i++)
    {
      g_autoptr(JdExecution) e = g_list_model_get_item (self->model, i);

      if (g_strcmp0 (jd_execution_get_job_id (e), job_id) == 0)
        {
          gtk_toggle_button_set_active (self->pending_toggle, TRUE);
          gtk_single_selection_set_selected (self->selection, i);
          return TRUE;
        }
    }

  return FALSE;
}

/**
 * jd_device_view_get_recent:
 *
 * Returns: (transfer none): the executions that finished this session,
 *   newest first
 */
GListModel *
jd_device_view_get_recent (JdDeviceView *self)
{
  g_return_val_if_fail (JD_IS_DEVICE_VIEW (self), NULL);

  return G_LIST_MODEL (self->recent);
}

/**
 * jd_device_view_show_recent:
 * @job_id: (nullable): the job whose finished execution to select
 *
 * Returns: whether @job_id's execution is under Recent and now selected
 */
gboolean
jd_device_view_show_recent (JdDeviceView *self,
                            const char   *job_id)
{
  int position;

  g_return_val_if_fail (JD_IS_DEVICE_VIEW (self), FALSE);

  gtk_toggle_button_set_active (self->recent_toggle, TRUE);
  position = job_id ? recent_position (self, job_id) : -1;
  if (position < 0)
    return FALSE;
  gtk_single_selection_set_selected (self->recent_selection, position);
  return TRUE;
}
