/* jd-window.c — the main Jobdeck window.
 *
 * It runs one JdSession at a time (the local sandbox by default, or an AWS
 * profile), shows its state in the header (a dot and the profile's name, the
 * reason on hover) and in an info bar while reconnecting, and hosts the views:
 * Device (the thing's pending executions, live), Jobs (the account's jobs) and
 * Events (the MQTT log). Execution steps are the "exec.*" actions on the
 * selected execution; job steps go through the control plane.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#define G_LOG_DOMAIN "jd-app"

#include <glib/gi18n.h>

#include "jd-device-view.h"
#include "jd-events-view.h"
#include "jd-execution-details.h"
#include "jd-format.h"
#include "jd-jobs-error.h"
#include "jd-jobs-view.h"
#include "jd-new-job-dialog.h"
#include "jd-session.h"
#include "jd-update-dialog.h"
#include "jd-window.h"

struct _JdWindow
{
  AdwApplicationWindow  parent_instance;

  GSettings            *settings;
  JdSession            *session;
  GCancellable         *cancellable;     /* cancelled on close and profile switch */
  GSimpleActionGroup   *exec_actions;
  JdExecution          *watched;         /* the selected execution, for action states */
  gboolean              closing;

  /* Template children */
  AdwToastOverlay      *toast_overlay;
  AdwViewSwitcherTitle *switcher_title;
  GtkMenuButton        *profile_button;
  GtkLabel             *profile_label;
  GtkLabel             *state_dot;
  GtkLabel             *state_label;
  GtkLabel             *state_dot_small;
  GtkWidget            *state_box;
  GMenu                *profiles_section;
  GtkMenuButton        *primary_menu_button;
  GtkInfoBar           *info_bar;
  GtkLabel             *info_label;
  GtkButton            *retry_button;
  GtkStack             *main_stack;
  AdwStatusPage        *starting_page;
  GtkSpinner           *starting_spinner;
  AdwStatusPage        *failed_page;
  AdwViewStack         *view_stack;
  JdDeviceView         *device_view;
  JdJobsView           *jobs_view;
  JdEventsView         *events_view;
};

G_DEFINE_FINAL_TYPE (JdWindow, jd_window, ADW_TYPE_APPLICATION_WINDOW)

static void start_session (JdWindow *self);

/* ---- messages ---- */

/* A toast with a Details button that opens AWS's code and message. */
static void
toast_error (JdWindow     *self,
             const char   *title,
             const GError *error)
{
  AdwToast *toast = adw_toast_new (title);
  g_autofree char *details = NULL;
  const char *aws_code = NULL;

  if (error->domain == JD_JOBS_ERROR)
    aws_code = jd_jobs_error_get_aws_code (error);
  else if (error->domain == JD_CONTROL_PLANE_ERROR)
    aws_code = jd_control_plane_error_get_aws_type (error);

  details = aws_code ? g_strdup_printf ("%s: %s", aws_code, error->message) : g_strdup (error->message);

  adw_toast_set_priority (toast, ADW_TOAST_PRIORITY_HIGH);
  adw_toast_set_timeout (toast, 8);
  adw_toast_set_button_label (toast, _("_Details"));
  adw_toast_set_action_name (toast, "win.show-details");
  adw_toast_set_action_target_value (toast, g_variant_new ("(ss)", title, details));
  adw_toast_overlay_add_toast (self->toast_overlay, toast);
}

static void
show_details_action (GSimpleAction *action,
                     GVariant      *parameter,
                     gpointer       user_data)
{
  JdWindow *self = user_data;
  const char *title, *details;
  GtkWidget *dialog;

  g_variant_get (parameter, "(&s&s)", &title, &details);
  dialog = adw_message_dialog_new (GTK_WINDOW (self), title, details);
  adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "close", _("_Close"));
  adw_message_dialog_set_body_use_markup (ADW_MESSAGE_DIALOG (dialog), FALSE);
  gtk_window_present (GTK_WINDOW (dialog));
}

/* ---- session state ---- */

static const char *
state_style (JdSessionState state)
{
  switch (state)
    {
    case JD_SESSION_STATE_CONNECTED:
      return "success";
    case JD_SESSION_STATE_STARTING:
    case JD_SESSION_STATE_CONNECTING:
    case JD_SESSION_STATE_RECONNECTING:
      return "warning";
    case JD_SESSION_STATE_FAILED:
      return "error";
    case JD_SESSION_STATE_IDLE:
    case JD_SESSION_STATE_STOPPED:
    default:
      return "dim-label";
    }
}

static void
update_state_display (JdWindow *self)
{
  static const char *styles[] = { "success", "warning", "error", "dim-label" };
  JdSessionState state = self->session ? jd_session_get_state (self->session) : JD_SESSION_STATE_IDLE;
  const char *status = self->session ? jd_session_get_status (self->session) : _("Offline");
  const char *error = self->session ? jd_session_get_error_message (self->session) : NULL;
  gboolean have_client = self->session && jd_session_get_jobs_client (self->session) != NULL;
  g_autofree char *tooltip = NULL;
  g_autofree char *accessible = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (styles); i++)
    {
      gtk_widget_remove_css_class (GTK_WIDGET (self->state_dot), styles[i]);
      gtk_widget_remove_css_class (GTK_WIDGET (self->state_dot_small), styles[i]);
    }
  gtk_widget_add_css_class (GTK_WIDGET (self->state_dot), state_style (state));
  gtk_widget_add_css_class (GTK_WIDGET (self->state_dot_small), state_style (state));

  gtk_label_set_label (self->profile_label, self->session ? jd_session_get_name (self->session) : "");
  tooltip = error ? g_strdup_printf ("%s\n%s", status, error) : g_strdup (status);
  gtk_widget_set_tooltip_text (self->state_box, tooltip);
  gtk_label_set_label (self->state_label, status);
  /* Translators: the profile button's accessible name, e.g. "Local sandbox: Connected as MyThing" */
  accessible = g_strdup_printf (_("%s: %s"), self->session ? jd_session_get_name (self->session) : "", status);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->state_box),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, accessible, -1);
  adw_view_switcher_title_set_subtitle (self->switcher_title, status);

  switch (state)
    {
    case JD_SESSION_STATE_FAILED:
      adw_status_page_set_description (self->failed_page, error);
      gtk_stack_set_visible_child_name (self->main_stack, "failed");
      gtk_spinner_stop (self->starting_spinner);
      break;

    case JD_SESSION_STATE_CONNECTED:
    case JD_SESSION_STATE_RECONNECTING:
      gtk_stack_set_visible_child_name (self->main_stack, "views");
      gtk_spinner_stop (self->starting_spinner);
      break;

    case JD_SESSION_STATE_IDLE:
    case JD_SESSION_STATE_STARTING:
    case JD_SESSION_STATE_CONNECTING:
    case JD_SESSION_STATE_STOPPED:
    default:
      if (!have_client || state == JD_SESSION_STATE_STARTING)
        {
          adw_status_page_set_title (self->starting_page,
                                     self->session && jd_session_get_is_sandbox (self->session)
                                     ? _("Starting the Local Sandbox") : _("Connecting"));
          adw_status_page_set_description (self->starting_page, status);
          gtk_stack_set_visible_child_name (self->main_stack, "starting");
          gtk_spinner_start (self->starting_spinner);
        }
      break;
    }

  /* A connection problem while the views are up: say it, offer Retry. */
  if (state == JD_SESSION_STATE_RECONNECTING)
    {
      g_autofree char *text = g_strdup_printf (_("Connection lost: %s. Reconnecting…"),
                                               error ? error : _("the broker went away"));

      gtk_label_set_label (self->info_label, text);
      gtk_info_bar_set_message_type (self->info_bar, GTK_MESSAGE_WARNING);
      gtk_widget_set_visible (GTK_WIDGET (self->retry_button), TRUE);
      gtk_info_bar_set_revealed (self->info_bar, TRUE);
    }
  else if (state == JD_SESSION_STATE_CONNECTED && error != NULL)
    {
      /* Connected as the thing, but the operator side is missing something. */
      g_autofree char *text = g_strdup_printf (_("Jobs cannot be managed: %s"), error);

      gtk_label_set_label (self->info_label, text);
      gtk_info_bar_set_message_type (self->info_bar, GTK_MESSAGE_INFO);
      gtk_widget_set_visible (GTK_WIDGET (self->retry_button), FALSE);
      gtk_info_bar_set_revealed (self->info_bar, TRUE);
    }
  else
    {
      gtk_info_bar_set_revealed (self->info_bar, FALSE);
    }

  g_simple_action_set_enabled (G_SIMPLE_ACTION (g_action_map_lookup_action (G_ACTION_MAP (self), "new-job")),
                               self->session && jd_session_get_control_plane (self->session) != NULL);
  g_simple_action_set_enabled (G_SIMPLE_ACTION (g_action_map_lookup_action (G_ACTION_MAP (self), "start-next")),
                               have_client && state == JD_SESSION_STATE_CONNECTED);
}

static void
session_changed_cb (JdWindow *self)
{
  update_state_display (self);
}

static void
control_plane_changed_cb (JdWindow *self)
{
  jd_jobs_view_set_control_plane (self->jobs_view,
                                  self->session ? jd_session_get_control_plane (self->session) : NULL);
  update_state_display (self);
}

/* The Jobs view's results and errors, as toasts (AWS's words behind Details). */
static void
jobs_view_message_cb (JdJobsView *view,
                      const char *title,
                      const char *details,
                      JdWindow   *self)
{
  AdwToast *toast = adw_toast_new (title);

  if (details != NULL)
    {
      adw_toast_set_priority (toast, ADW_TOAST_PRIORITY_HIGH);
      adw_toast_set_timeout (toast, 8);
      adw_toast_set_button_label (toast, _("_Details"));
      adw_toast_set_action_name (toast, "win.show-details");
      adw_toast_set_action_target_value (toast, g_variant_new ("(ss)", title, details));
    }
  adw_toast_overlay_add_toast (self->toast_overlay, toast);
}

static void
event_log_cap_changed_cb (JdWindow *self)
{
  JdJobsClient *client = self->session ? jd_session_get_jobs_client (self->session) : NULL;

  if (client != NULL)
    jd_event_log_set_cap (jd_jobs_client_get_event_log (client),
                          g_settings_get_uint (self->settings, "event-log-cap"));
}

static void
jobs_client_changed_cb (JdWindow *self)
{
  JdJobsClient *client = jd_session_get_jobs_client (self->session);

  jd_device_view_set_model (self->device_view, client ? G_LIST_MODEL (jd_jobs_client_get_executions (client)) : NULL);
  jd_events_view_set_event_log (self->events_view, client ? jd_jobs_client_get_event_log (client) : NULL);
  event_log_cap_changed_cb (self);
  update_state_display (self);
}

static void
session_started_cb (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(JdWindow) self = user_data;
  g_autoptr(GError) error = NULL;

  /* Failures are on display already (failed page, or reconnecting with the
   * reason); nothing else to do. */
  if (!jd_session_start_finish (JD_SESSION (object), result, &error) &&
      !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    g_debug ("Session did not start: %s", error->message);
}

static void
session_stopped_cb (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  if (!jd_session_stop_finish (JD_SESSION (object), result, &error))
    g_warning ("Could not stop the session cleanly: %s", error->message);
}

/* The profile to use: the active one, or the local sandbox profile, made on
 * first run. */
static JdProfile *
active_profile (JdWindow *self)
{
  g_autofree char *id = g_settings_get_string (self->settings, "active-profile");
  g_autoptr(GPtrArray) profiles = NULL;
  JdProfile *profile;

  if (id[0] != '\0' && (profile = jd_profile_lookup (self->settings, id, NULL)) != NULL)
    return profile;

  profiles = jd_profile_list (self->settings);
  for (guint i = 0; i < profiles->len; i++)
    if (jd_profile_get_kind (g_ptr_array_index (profiles, i)) == JD_PROFILE_KIND_SANDBOX)
      {
        profile = g_object_ref (g_ptr_array_index (profiles, i));
        g_settings_set_string (self->settings, "active-profile", jd_profile_get_id (profile));
        return profile;
      }

  profile = jd_profile_create (self->settings, JD_PROFILE_KIND_SANDBOX, _("Local sandbox"));
  g_settings_set_string (self->settings, "active-profile", jd_profile_get_id (profile));
  return profile;
}

static void
stop_session (JdWindow *self)
{
  if (self->session == NULL)
    return;

  g_signal_handlers_disconnect_by_data (self->session, self);
  jd_session_stop_async (self->session, NULL, session_stopped_cb, NULL);
  g_clear_object (&self->session);

  jd_device_view_set_model (self->device_view, NULL);
  jd_jobs_view_set_control_plane (self->jobs_view, NULL);
  jd_events_view_set_event_log (self->events_view, NULL);
}

static void
start_session (JdWindow *self)
{
  g_autoptr(JdProfile) profile = active_profile (self);
  g_autofree char *data_dir = NULL;

  stop_session (self);
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();

  if (jd_profile_get_kind (profile) == JD_PROFILE_KIND_SANDBOX)
    {
      data_dir = jd_sandbox_dup_default_data_dir ();
      self->session = jd_session_new_for_sandbox_profile (profile, data_dir);
    }
  else
    {
      self->session = jd_session_new_for_profile (profile);
    }

  g_signal_connect_object (self->session, "notify::state", G_CALLBACK (session_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->session, "notify::status", G_CALLBACK (session_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->session, "notify::error-message", G_CALLBACK (session_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->session, "notify::control-plane", G_CALLBACK (control_plane_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->session, "notify::jobs-client", G_CALLBACK (jobs_client_changed_cb), self, G_CONNECT_SWAPPED);

  update_state_display (self);
  jd_session_start_async (self->session, self->cancellable, session_started_cb, g_object_ref (self));
}

/* ---- profiles menu ---- */

static void
rebuild_profiles_menu (JdWindow *self)
{
  g_autoptr(GPtrArray) profiles = jd_profile_list (self->settings);

  g_menu_remove_all (self->profiles_section);
  for (guint i = 0; i < profiles->len; i++)
    {
      JdProfile *profile = g_ptr_array_index (profiles, i);
      g_autofree char *name = jd_profile_dup_name (profile);
      g_autoptr(GMenuItem) item = g_menu_item_new (name[0] ? name : _("Unnamed profile"), NULL);

      g_menu_item_set_action_and_target_value (item, "win.profile",
                                               g_variant_new_string (jd_profile_get_id (profile)));
      g_menu_append_item (self->profiles_section, item);
    }
}

static void
profiles_changed_cb (JdWindow *self)
{
  rebuild_profiles_menu (self);
}

static void
profile_action (GSimpleAction *action,
                GVariant      *parameter,
                gpointer       user_data)
{
  JdWindow *self = user_data;
  g_autofree char *current = g_settings_get_string (self->settings, "active-profile");
  const char *id = g_variant_get_string (parameter, NULL);

  g_simple_action_set_state (action, parameter);
  if (g_strcmp0 (current, id) == 0 && self->session != NULL)
    return;

  g_settings_set_string (self->settings, "active-profile", id);
  start_session (self);
}

/* ---- execution actions ---- */

static JdJobsClient *
jobs_client (JdWindow *self)
{
  return self->session ? jd_session_get_jobs_client (self->session) : NULL;
}

static void
update_exec_actions (JdWindow *self)
{
  JdExecution *e = jd_device_view_get_selected_execution (self->device_view);
  JdExecutionStatus status = e ? jd_execution_get_status (e) : JD_EXECUTION_STATUS_UNKNOWN;
  gboolean queued = status == JD_EXECUTION_STATUS_QUEUED;
  gboolean running = status == JD_EXECUTION_STATUS_IN_PROGRESS;
  gboolean online = jobs_client (self) != NULL;
  struct {
    const char *name;
    gboolean enabled;
  } states[] = {
    { "start", online && queued },
    { "succeed", online && running },
    { "fail", online && (queued || running) },
    { "reject", online && (queued || running) },
    { "update", online && (queued || running) },
    { "describe", online && e != NULL },
  };

  for (guint i = 0; i < G_N_ELEMENTS (states); i++)
    g_simple_action_set_enabled (G_SIMPLE_ACTION (g_action_map_lookup_action (G_ACTION_MAP (self->exec_actions),
                                                                                states[i].name)),
                                 states[i].enabled);
}

static void
watched_execution_changed_cb (JdWindow *self)
{
  update_exec_actions (self);
}

static void
selection_changed_cb (JdWindow *self)
{
  JdExecution *e = jd_device_view_get_selected_execution (self->device_view);

  if (self->watched != NULL)
    g_signal_handlers_disconnect_by_func (self->watched, watched_execution_changed_cb, self);
  g_set_object (&self->watched, e);
  if (e != NULL)
    g_signal_connect_object (e, "notify::status", G_CALLBACK (watched_execution_changed_cb),
                             self, G_CONNECT_SWAPPED);

  update_exec_actions (self);
}

typedef struct {
  JdWindow          *window;
  char              *job_id;
  JdExecutionStatus  status;
  JdUpdateDialog    *dialog;   /* nullable */
} UpdateRequest;

static void
update_request_free (UpdateRequest *request)
{
  g_clear_object (&request->window);
  g_clear_object (&request->dialog);
  g_free (request->job_id);
  g_free (request);
}

static void
describe_done_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(JdWindow) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(JdExecution) execution = jd_jobs_client_describe_finish (JD_JOBS_CLIENT (object), result, &error);

  if (error != NULL && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    toast_error (self, _("Could not reload the execution"), error);
}

static void
describe_selected (JdWindow *self)
{
  JdExecution *e = jd_device_view_get_selected_execution (self->device_view);

  if (e == NULL || jobs_client (self) == NULL)
    return;

  jd_jobs_client_describe_async (jobs_client (self), jd_execution_get_job_id (e),
                                 jd_execution_get_execution_number (e), TRUE,
                                 self->cancellable, describe_done_cb, g_object_ref (self));
}

static void
update_done_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  UpdateRequest *request = user_data;
  JdWindow *self = request->window;
  g_autoptr(GError) error = NULL;
  g_autoptr(JdExecution) execution = jd_jobs_client_update_finish (JD_JOBS_CLIENT (object), result, &error);

  if (request->dialog != NULL)
    jd_update_dialog_set_busy (request->dialog, FALSE);

  if (execution != NULL)
    {
      /* Translators: e.g. "Job1: Succeeded" */
      g_autofree char *title = g_strdup_printf (_("%s: %s"), request->job_id,
                                                jd_format_status_label (request->status));

      adw_toast_overlay_add_toast (self->toast_overlay, adw_toast_new (title));
      if (request->dialog != NULL)
        gtk_window_destroy (GTK_WINDOW (request->dialog));
    }
  else if (g_error_matches (error, JD_JOBS_ERROR, JD_JOBS_ERROR_VERSION_MISMATCH))
    {
      /* Translators: %s is a job id */
      g_autofree char *title = g_strdup_printf (_("%s changed elsewhere; nothing was sent over it"), request->job_id);
      AdwToast *toast = adw_toast_new (title);

      adw_toast_set_button_label (toast, _("_Reload"));
      adw_toast_set_action_name (toast, "exec.describe");
      adw_toast_set_priority (toast, ADW_TOAST_PRIORITY_HIGH);
      adw_toast_overlay_add_toast (self->toast_overlay, toast);
      if (request->dialog != NULL)
        jd_update_dialog_show_error (request->dialog,
                                     _("The execution changed elsewhere since it was loaded. Reload it, then try again."));
      describe_selected (self);
    }
  else if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      /* Translators: %s is a job id */
      g_autofree char *title = g_strdup_printf (_("Could not update %s"), request->job_id);

      if (request->dialog != NULL)
        {
          const char *code = jd_jobs_error_get_aws_code (error);
          g_autofree char *text = code ? g_strdup_printf ("%s: %s", code, error->message)
                                       : g_strdup (error->message);
          jd_update_dialog_show_error (request->dialog, text);
        }
      else
        toast_error (self, title, error);
    }

  update_request_free (request);
}

static void
send_update (JdWindow          *self,
             JdExecution       *e,
             JdExecutionStatus  status,
             GHashTable        *details,
             gint64             step_timeout,
             JdUpdateDialog    *dialog)
{
  JdUpdateOptions options = JD_UPDATE_OPTIONS_INIT;
  UpdateRequest *request;

  g_assert (jobs_client (self) != NULL);

  options.status_details = details;
  options.step_timeout_in_minutes = step_timeout;
  options.expected_version = jd_execution_get_version_number (e);
  options.include_job_execution_state = TRUE;

  request = g_new0 (UpdateRequest, 1);
  request->window = g_object_ref (self);
  request->job_id = g_strdup (jd_execution_get_job_id (e));
  request->status = status;
  request->dialog = dialog ? g_object_ref (dialog) : NULL;

  if (dialog != NULL)
    jd_update_dialog_set_busy (dialog, TRUE);

  jd_jobs_client_update_async (jobs_client (self), request->job_id, status, &options,
                               self->cancellable, update_done_cb, request);
}

static void
exec_status_action (GSimpleAction *action,
                    GVariant      *parameter,
                    gpointer       user_data)
{
  JdWindow *self = user_data;
  JdExecution *e = jd_device_view_get_selected_execution (self->device_view);
  const char *name = g_action_get_name (G_ACTION (action));
  JdExecutionStatus status;

  if (e == NULL || jobs_client (self) == NULL)
    return;

  if (g_str_equal (name, "start"))
    status = JD_EXECUTION_STATUS_IN_PROGRESS;
  else if (g_str_equal (name, "succeed"))
    status = JD_EXECUTION_STATUS_SUCCEEDED;
  else if (g_str_equal (name, "fail"))
    status = JD_EXECUTION_STATUS_FAILED;
  else
    status = JD_EXECUTION_STATUS_REJECTED;

  send_update (self, e, status, NULL, 0, NULL);
}

static void
update_dialog_send_cb (JdUpdateDialog *dialog,
                       JdWindow       *self)
{
  g_autoptr(GHashTable) details = jd_update_dialog_dup_status_details (dialog);

  if (jobs_client (self) == NULL)
    {
      jd_update_dialog_show_error (dialog, _("Not connected: the update cannot be sent now."));
      return;
    }

  send_update (self, jd_update_dialog_get_execution (dialog), jd_update_dialog_get_status (dialog),
               details, jd_update_dialog_get_step_timeout (dialog), dialog);
}

static void
exec_update_action (GSimpleAction *action,
                    GVariant      *parameter,
                    gpointer       user_data)
{
  JdWindow *self = user_data;
  JdExecution *e = jd_device_view_get_selected_execution (self->device_view);
  JdUpdateDialog *dialog;

  if (e == NULL)
    return;

  dialog = jd_update_dialog_new (GTK_WINDOW (self), e);
  g_signal_connect_object (dialog, "send-requested", G_CALLBACK (update_dialog_send_cb), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
exec_describe_action (GSimpleAction *action,
                      GVariant      *parameter,
                      gpointer       user_data)
{
  describe_selected (user_data);
}

static const GActionEntry exec_entries[] = {
  { "start", exec_status_action },
  { "succeed", exec_status_action },
  { "fail", exec_status_action },
  { "reject", exec_status_action },
  { "update", exec_update_action },
  { "describe", exec_describe_action },
};

/* ---- window actions ---- */

static void
start_next_done_cb (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(JdWindow) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(JdExecution) execution = jd_jobs_client_start_next_finish (JD_JOBS_CLIENT (object), result, &error);

  if (error != NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        toast_error (self, _("Could not start the next job"), error);
      return;
    }

  if (execution == NULL)
    {
      adw_toast_overlay_add_toast (self->toast_overlay, adw_toast_new (_("No job is waiting")));
      return;
    }

  {
    /* Translators: %s is a job id */
    g_autofree char *title = g_strdup_printf (_("Started %s"), jd_execution_get_job_id (execution));

    adw_toast_overlay_add_toast (self->toast_overlay, adw_toast_new (title));
    jd_device_view_select_job (self->device_view, jd_execution_get_job_id (execution));
    adw_view_stack_set_visible_child_name (self->view_stack, "device");
  }
}

static void
start_next_action (GSimpleAction *action,
                   GVariant      *parameter,
                   gpointer       user_data)
{
  JdWindow *self = user_data;

  if (jobs_client (self) == NULL)
    return;

  jd_jobs_client_start_next_async (jobs_client (self), NULL, JD_JOBS_STEP_TIMEOUT_UNSET,
                                   self->cancellable, start_next_done_cb, g_object_ref (self));
}

static void
get_pending_done_cb (GObject      *object,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  g_autoptr(JdWindow) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GListModel) pending = jd_jobs_client_get_pending_finish (JD_JOBS_CLIENT (object), result, &error);

  if (pending == NULL && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    toast_error (self, _("Could not refresh the pending jobs"), error);
}

static void
refresh_action (GSimpleAction *action,
                GVariant      *parameter,
                gpointer       user_data)
{
  JdWindow *self = user_data;

  if (g_strcmp0 (adw_view_stack_get_visible_child_name (self->view_stack), "jobs") == 0)
    jd_jobs_view_refresh (self->jobs_view);
  else if (jobs_client (self) != NULL)
    jd_jobs_client_get_pending_async (jobs_client (self), self->cancellable,
                                      get_pending_done_cb, g_object_ref (self));
}

static void
reconnect_action (GSimpleAction *action,
                  GVariant      *parameter,
                  gpointer       user_data)
{
  JdWindow *self = user_data;

  if (self->session != NULL)
    jd_session_reconnect (self->session);
}

static void
restart_session_action (GSimpleAction *action,
                        GVariant      *parameter,
                        gpointer       user_data)
{
  start_session (user_data);
}

typedef struct {
  JdWindow       *window;
  JdNewJobDialog *dialog;
  char           *job_id;
} CreateRequest;

static void
create_request_free (CreateRequest *request)
{
  g_clear_object (&request->window);
  g_clear_object (&request->dialog);
  g_free (request->job_id);
  g_free (request);
}

static void
create_job_done_cb (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  CreateRequest *request = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(JdJob) job = jd_control_plane_create_job_finish (JD_CONTROL_PLANE (object), result, &error);

  jd_new_job_dialog_set_busy (request->dialog, FALSE);

  if (job != NULL)
    {
      /* Translators: %s is a job id */
      g_autofree char *title = g_strdup_printf (_("Created %s"), request->job_id);

      adw_toast_overlay_add_toast (request->window->toast_overlay, adw_toast_new (title));
      gtk_window_destroy (GTK_WINDOW (request->dialog));
      jd_jobs_view_select_job (request->window->jobs_view, request->job_id);
      jd_jobs_view_refresh (request->window->jobs_view);
    }
  else if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    jd_new_job_dialog_show_create_error (request->dialog, error);

  create_request_free (request);
}

static void
new_job_create_cb (JdNewJobDialog *dialog,
                   JdWindow       *self)
{
  JdControlPlane *control_plane = self->session ? jd_session_get_control_plane (self->session) : NULL;
  g_auto(GStrv) things = jd_new_job_dialog_dup_targets (dialog);
  g_autoptr(GStrvBuilder) targets = g_strv_builder_new ();
  g_auto(GStrv) target_arns = NULL;
  g_autofree char *document = NULL;
  g_autofree char *description = NULL;
  CreateRequest *request;

  if (control_plane == NULL)
    {
      jd_new_job_dialog_show_error (dialog, _("Not connected to the control plane: jobs cannot be created now."));
      return;
    }

  for (guint i = 0; things[i] != NULL; i++)
    {
      g_autofree char *arn = jd_session_dup_thing_arn (self->session, things[i]);

      if (arn == NULL)
        {
          jd_new_job_dialog_show_error (dialog, _("The account is not known yet: wait until the thing is connected."));
          return;
        }
      g_strv_builder_add (targets, arn);
    }
  target_arns = g_strv_builder_end (targets);

  request = g_new0 (CreateRequest, 1);
  request->window = g_object_ref (self);
  request->dialog = g_object_ref (dialog);
  request->job_id = jd_new_job_dialog_dup_job_id (dialog);
  document = jd_new_job_dialog_dup_document (dialog);
  description = jd_new_job_dialog_dup_description (dialog);

  jd_new_job_dialog_set_busy (dialog, TRUE);
  jd_control_plane_create_job_async (control_plane, request->job_id, (const char * const *) target_arns,
                                     document, description,
                                     jd_new_job_dialog_get_continuous (dialog)
                                       ? JD_TARGET_SELECTION_CONTINUOUS : JD_TARGET_SELECTION_SNAPSHOT,
                                     jd_new_job_dialog_get_timeout_minutes (dialog),
                                     self->cancellable, create_job_done_cb, request);
}

static void
new_job_action (GSimpleAction *action,
                GVariant      *parameter,
                gpointer       user_data)
{
  JdWindow *self = user_data;
  JdNewJobDialog *dialog;

  dialog = jd_new_job_dialog_new (GTK_WINDOW (self), self->session ? jd_session_get_thing_name (self->session) : NULL);
  g_signal_connect_object (dialog, "create-requested", G_CALLBACK (new_job_create_cb), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
export_written_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(JdWindow) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!g_file_replace_contents_finish (G_FILE (object), result, NULL, &error))
    {
      toast_error (self, _("Could not export the events"), error);
      return;
    }

  adw_toast_overlay_add_toast (self->toast_overlay, adw_toast_new (_("Events exported")));
}

/**
 * jd_window_export_events_to:
 * @file: where to write the JSON Lines
 *
 * Writes the event log, oldest first, one JSON object per line.
 */
void
jd_window_export_events_to (JdWindow *self,
                            GFile    *file)
{
  JdJobsClient *client = jobs_client (self);
  g_autofree char *text = NULL;
  g_autoptr(GBytes) bytes = NULL;

  g_return_if_fail (JD_IS_WINDOW (self));
  g_return_if_fail (G_IS_FILE (file));

  text = client ? jd_event_log_export (jd_jobs_client_get_event_log (client)) : g_strdup ("");
  bytes = g_bytes_new (text, strlen (text));

  g_file_replace_contents_bytes_async (file, bytes, NULL, FALSE, G_FILE_CREATE_REPLACE_DESTINATION,
                                       self->cancellable, export_written_cb, g_object_ref (self));
}

static void
export_response_cb (GtkNativeDialog *chooser,
                    int              response,
                    JdWindow        *self)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));

      jd_window_export_events_to (self, file);
    }

  g_object_unref (chooser);
}

static void
export_events_action (GSimpleAction *action,
                      GVariant      *parameter,
                      gpointer       user_data)
{
  JdWindow *self = user_data;
  GtkFileChooserNative *chooser;

  chooser = gtk_file_chooser_native_new (_("Export Events"), GTK_WINDOW (self),
                                         GTK_FILE_CHOOSER_ACTION_SAVE, _("_Export"), _("_Cancel"));
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (chooser), "jobdeck-events.jsonl");
  g_signal_connect_object (chooser, "response", G_CALLBACK (export_response_cb), self, 0);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

static void
clear_events_action (GSimpleAction *action,
                     GVariant      *parameter,
                     gpointer       user_data)
{
  JdWindow *self = user_data;

  if (jobs_client (self) != NULL)
    jd_event_log_clear (jd_jobs_client_get_event_log (jobs_client (self)));
}

static void
show_view_action (GSimpleAction *action,
                  GVariant      *parameter,
                  gpointer       user_data)
{
  JdWindow *self = user_data;

  adw_view_stack_set_visible_child_name (self->view_stack, g_variant_get_string (parameter, NULL));
}

static const GActionEntry win_entries[] = {
  { "new-job", new_job_action },
  { "start-next", start_next_action },
  { "refresh", refresh_action },
  { "reconnect", reconnect_action },
  { "restart-session", restart_session_action },
  { "export-events", export_events_action },
  { "clear-events", clear_events_action },
  { "show-view", show_view_action, "s" },
  { "show-details", show_details_action, "(ss)" },
  { "profile", profile_action, "s", "''" },
};

/* ---- close: stop the broker we started before going away ---- */

static void
close_stopped_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(JdWindow) self = user_data;
  GApplication *app = G_APPLICATION (gtk_window_get_application (GTK_WINDOW (self)));
  g_autoptr(GError) error = NULL;

  if (!jd_session_stop_finish (JD_SESSION (object), result, &error))
    g_warning ("Could not stop the session cleanly: %s", error->message);

  g_clear_object (&self->session);
  gtk_window_destroy (GTK_WINDOW (self));
  if (app != NULL)
    g_application_release (app);
}

static gboolean
jd_window_close_request (GtkWindow *window)
{
  JdWindow *self = JD_WINDOW (window);
  GApplication *app = G_APPLICATION (gtk_window_get_application (window));

  if (self->session == NULL || self->closing)
    return GTK_WINDOW_CLASS (jd_window_parent_class)->close_request (window);

  /* Hide now, finish when the sandbox's broker and service have stopped. */
  self->closing = TRUE;
  g_cancellable_cancel (self->cancellable);
  g_signal_handlers_disconnect_by_data (self->session, self);
  gtk_widget_set_visible (GTK_WIDGET (self), FALSE);
  if (app != NULL)
    g_application_hold (app);
  jd_session_stop_async (self->session, NULL, close_stopped_cb, g_object_ref (self));
  return TRUE;
}

/* ---- GObject ---- */

static void
jd_window_constructed (GObject *object)
{
  JdWindow *self = JD_WINDOW (object);
  GtkApplication *app = gtk_window_get_application (GTK_WINDOW (self));
  g_autofree char *active = NULL;

  G_OBJECT_CLASS (jd_window_parent_class)->constructed (object);

  if (JD_IS_APPLICATION (app))
    self->settings = g_object_ref (jd_application_get_settings (JD_APPLICATION (app)));
  else
    self->settings = g_settings_new (APPLICATION_ID_BASE);

  g_settings_bind (self->settings, "window-width", self, "default-width", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (self->settings, "window-height", self, "default-height", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (self->settings, "window-maximized", self, "maximized", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (self->settings, "visible-view", self->view_stack, "visible-child-name", G_SETTINGS_BIND_DEFAULT);
  g_signal_connect_object (self->settings, "changed::profiles", G_CALLBACK (profiles_changed_cb),
                           self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->settings, "changed::event-log-cap", G_CALLBACK (event_log_cap_changed_cb),
                           self, G_CONNECT_SWAPPED);

#if DEVELOPMENT_BUILD
  gtk_widget_add_css_class (GTK_WIDGET (self), "devel");
#endif

  start_session (self);
  rebuild_profiles_menu (self);
  active = g_settings_get_string (self->settings, "active-profile");
  g_action_change_state (g_action_map_lookup_action (G_ACTION_MAP (self), "profile"),
                         g_variant_new_string (active));
}

static void
jd_window_dispose (GObject *object)
{
  JdWindow *self = JD_WINDOW (object);

  g_cancellable_cancel (self->cancellable);
  if (self->watched != NULL)
    g_signal_handlers_disconnect_by_func (self->watched, watched_execution_changed_cb, self);
  g_clear_object (&self->watched);
  stop_session (self);

  gtk_widget_dispose_template (GTK_WIDGET (object), JD_TYPE_WINDOW);

  G_OBJECT_CLASS (jd_window_parent_class)->dispose (object);
}

static void
jd_window_finalize (GObject *object)
{
  JdWindow *self = JD_WINDOW (object);

  g_clear_object (&self->settings);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->exec_actions);

  G_OBJECT_CLASS (jd_window_parent_class)->finalize (object);
}

static void
jd_window_class_init (JdWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->constructed = jd_window_constructed;
  object_class->dispose = jd_window_dispose;
  object_class->finalize = jd_window_finalize;
  window_class->close_request = jd_window_close_request;

  g_type_ensure (JD_TYPE_DEVICE_VIEW);
  g_type_ensure (JD_TYPE_JOBS_VIEW);
  g_type_ensure (JD_TYPE_EVENTS_VIEW);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PREFIX "/jd-window.ui");
  gtk_widget_class_bind_template_child (widget_class, JdWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, JdWindow, switcher_title);
  gtk_widget_class_bind_template_child (widget_class, JdWindow, profile_button);
  gtk_widget_class_bind_template_child (widget_class, JdWindow, profile_label);
  gtk_widget_class_bind_template_child (widget_class, JdWindow, state_dot);
  gtk_widget_class_bind_template_child (widget_class, JdWindow, state_label);
  gtk_widget_class_bind_template_child (widget_class, JdWindow, state_dot_small);
  gtk_widget_class_bind_template_child (widget_class, JdWindow, state_box);
  gtk_widget_class_bind_template_child (widget_class, JdWindow, profiles_section);
  gtk_widget_class_bind_template_child (widget_class, JdWindow, primary_menu_button);
  gtk_widget_class_bind_template_child (widget_class, JdWindow, info_bar);
  gtk_widget_class_bind_template_child (widget_class, JdWindow, info_label);
  gtk_widget_class_bind_template_child (widget_class, JdWindow, retry_button);
  gtk_widget_class_bind_template_child (widget_class, JdWindow, main_stack);
  gtk_widget_class_bind_template_child (widget_class, JdWindow, starting_page);
  gtk_widget_class_bind_template_child (widget_class, JdWindow, starting_spinner);
  gtk_widget_class_bind_template_child (widget_class, JdWindow, failed_page);
  gtk_widget_class_bind_template_child (widget_class, JdWindow, view_stack);
  gtk_widget_class_bind_template_child (widget_class, JdWindow, device_view);
  gtk_widget_class_bind_template_child (widget_class, JdWindow, jobs_view);
  gtk_widget_class_bind_template_child (widget_class, JdWindow, events_view);
}

static void
jd_window_init (JdWindow *self)
{
  self->cancellable = g_cancellable_new ();

  gtk_widget_init_template (GTK_WIDGET (self));

  g_action_map_add_action_entries (G_ACTION_MAP (self), win_entries, G_N_ELEMENTS (win_entries), self);

  self->exec_actions = g_simple_action_group_new ();
  g_action_map_add_action_entries (G_ACTION_MAP (self->exec_actions), exec_entries,
                                   G_N_ELEMENTS (exec_entries), self);
  gtk_widget_insert_action_group (GTK_WIDGET (self), "exec", G_ACTION_GROUP (self->exec_actions));

  g_signal_connect_object (self->jobs_view, "show-message",
                           G_CALLBACK (jobs_view_message_cb), self, 0);
  g_signal_connect_object (self->device_view, "notify::selected-execution",
                           G_CALLBACK (selection_changed_cb), self, G_CONNECT_SWAPPED);
  update_exec_actions (self);
}

JdWindow *
jd_window_new (JdApplication *application)
{
  g_return_val_if_fail (JD_IS_APPLICATION (application), NULL);

  return g_object_new (JD_TYPE_WINDOW,
                       "application", application,
                       NULL);
}

/**
 * jd_window_add_toast:
 * @self: a window
 * @title: the toast's text, already translated
 *
 * Shows a short message over the window's content.
 */
void
jd_window_add_toast (JdWindow   *self,
                     const char *title)
{
  g_return_if_fail (JD_IS_WINDOW (self));
  g_return_if_fail (title != NULL);

  adw_toast_overlay_add_toast (self->toast_overlay, adw_toast_new (title));
}

/**
 * jd_window_get_session:
 *
 * Returns: (transfer none) (nullable): the session the window shows
 */
JdSession *
jd_window_get_session (JdWindow *self)
{
  g_return_val_if_fail (JD_IS_WINDOW (self), NULL);

  return self->session;
}

/**
 * jd_window_get_device_view:
 *
 * Returns: (transfer none): the Device view
 */
JdDeviceView *
jd_window_get_device_view (JdWindow *self)
{
  g_return_val_if_fail (JD_IS_WINDOW (self), NULL);

  return self->device_view;
}

/**
 * jd_window_get_jobs_view:
 *
 * Returns: (transfer none): the Jobs view
 */
GtkWidget *
jd_window_get_jobs_view (JdWindow *self)
{
  g_return_val_if_fail (JD_IS_WINDOW (self), NULL);

  return GTK_WIDGET (self->jobs_view);
}
