/* jd-window.c — the main Jobdeck window.
 *
 * It runs one JdSession at a time (the local sandbox by default, or an AWS
 * profile), shows its state in the header (a dot and the profile's name, the
 * reason on hover) and in an info bar while reconnecting, and hosts the views:
 * it never shows a green "Connected" while the broker or the control plane
 * cannot be reached, and the actions that cannot work then say why;
 * Device (the thing's pending executions, live), Jobs (the account's jobs) and
 * Events (the MQTT log). Its actions are in jd-window-actions.c; the Device
 * view owns the execution steps (exec.*).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#define G_LOG_DOMAIN "jd-app"

#include <glib/gi18n.h>

#include "jd-format.h"
#include "jd-window-private.h"

G_DEFINE_FINAL_TYPE (JdWindow, jd_window, ADW_TYPE_APPLICATION_WINDOW)

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

/* Actions that need the broker or the control plane; while it cannot be
 * reached their buttons (and menu items) say why instead of what they do. */
static const struct {
  const char *action;
  gboolean    needs_broker;   /* else the control plane */
} guarded_actions[] = {
  { "win.new-job", FALSE },
  { "win.start-next", TRUE },
  { "exec.start", TRUE },
  { "exec.succeed", TRUE },
  { "exec.fail", TRUE },
  { "exec.reject", TRUE },
  { "exec.update", TRUE },
  { "exec.describe", TRUE },
};

#define NORMAL_TOOLTIP_KEY "jd-normal-tooltip"

/* GTK 4.8's menu items (GtkModelButton, private) do not tell their action
 * (GtkActionable's getter gives NULL): a popover menu's items are known by their labels in its model (which
 * keeps the mnemonic's underscore; the item's text does not). */
static char *
strip_mnemonic (const char *label)
{
  GString *text = g_string_new (NULL);

  for (const char *p = label; *p != '\0'; p++)
    if (*p != '_' || p[1] == '_')
      g_string_append_c (text, *p == '_' ? *p++ : *p);
  return g_string_free (text, FALSE);
}

static void
collect_menu_actions (GMenuModel *model,
                      GHashTable *label_to_action)
{
  for (int i = 0; i < g_menu_model_get_n_items (model); i++)
    {
      g_autoptr(GMenuLinkIter) links = g_menu_model_iterate_item_links (model, i);
      char *label = NULL;
      char *action = NULL;

      if (g_menu_model_get_item_attribute (model, i, G_MENU_ATTRIBUTE_LABEL, "s", &label) &&
          g_menu_model_get_item_attribute (model, i, G_MENU_ATTRIBUTE_ACTION, "s", &action))
        g_hash_table_replace (label_to_action, strip_mnemonic (label), g_steal_pointer (&action));
      g_free (label);
      g_free (action);
      while (g_menu_link_iter_next (links))
        {
          g_autoptr(GMenuModel) linked = g_menu_link_iter_get_value (links);

          collect_menu_actions (linked, label_to_action);
        }
    }
}

static void
set_reason_tooltips (GtkWidget  *widget,
                     GHashTable *menu_actions,
                     const char *broker_reason,
                     const char *operator_reason)
{
  g_autoptr(GHashTable) own_menu_actions = NULL;
  g_autofree char *item_label = NULL;
  const char *name = NULL;

  if (GTK_IS_ACTIONABLE (widget))
    name = gtk_actionable_get_action_name (GTK_ACTIONABLE (widget));
  if (name == NULL && menu_actions != NULL && g_strcmp0 (G_OBJECT_TYPE_NAME (widget), "GtkModelButton") == 0)
    {
      g_object_get (widget, "text", &item_label, NULL);
      name = item_label != NULL ? g_hash_table_lookup (menu_actions, item_label) : NULL;
    }

  for (guint i = 0; name != NULL && i < G_N_ELEMENTS (guarded_actions); i++)
    {
      const char *reason = guarded_actions[i].needs_broker ? broker_reason : operator_reason;
      const char *normal = g_object_get_data (G_OBJECT (widget), NORMAL_TOOLTIP_KEY);

      if (g_strcmp0 (name, guarded_actions[i].action) != 0)
        continue;
      if (reason != NULL)
        {
          if (normal == NULL)
            {
              const char *tooltip = gtk_widget_get_tooltip_text (widget);

              g_object_set_data_full (G_OBJECT (widget), NORMAL_TOOLTIP_KEY,
                                      g_strdup (tooltip ? tooltip : ""), g_free);
            }
          if (g_strcmp0 (gtk_widget_get_tooltip_text (widget), reason) != 0)
            gtk_widget_set_tooltip_text (widget, reason);
        }
      else if (normal != NULL)
        {
          gtk_widget_set_tooltip_text (widget, normal[0] != '\0' ? normal : NULL);
          g_object_set_data (G_OBJECT (widget), NORMAL_TOOLTIP_KEY, NULL);
        }
      break;
    }

  if (GTK_IS_POPOVER_MENU (widget) && gtk_popover_menu_get_menu_model (GTK_POPOVER_MENU (widget)) != NULL)
    {
      own_menu_actions = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
      collect_menu_actions (gtk_popover_menu_get_menu_model (GTK_POPOVER_MENU (widget)), own_menu_actions);
      menu_actions = own_menu_actions;
    }

  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    set_reason_tooltips (child, menu_actions, broker_reason, operator_reason);
}

static gboolean
session_broker_down (JdWindow *self)
{
  return self->session != NULL && JD_IS_SANDBOX_SESSION (self->session) &&
         jd_sandbox_session_get_broker_down (JD_SANDBOX_SESSION (self->session));
}

static void
show_info (JdWindow       *self,
           const char     *text,
           GtkMessageType  type,
           gboolean        retry)
{
  gtk_label_set_label (self->info_label, text);
  gtk_info_bar_set_message_type (self->info_bar, type);
  gtk_widget_set_visible (GTK_WIDGET (self->retry_button), retry);
  gtk_info_bar_set_revealed (self->info_bar, TRUE);
}

static void
update_state_display (JdWindow *self)
{
  static const char *styles[] = { "success", "warning", "error", "dim-label" };
  JdSessionState state = self->session ? jd_session_get_state (self->session) : JD_SESSION_STATE_IDLE;
  const char *status = self->session ? jd_session_get_status (self->session) : _("Offline");
  const char *error = self->session ? jd_session_get_error_message (self->session) : NULL;
  gboolean have_client = self->session && jd_session_get_jobs_client (self->session) != NULL;
  JdMqttConnection *connection = self->session ? jd_session_get_connection (self->session) : NULL;
  gboolean broker_up = connection != NULL && jd_mqtt_connection_get_state (connection) == JD_MQTT_STATE_CONNECTED;
  gboolean has_control_plane = self->session && jd_session_get_control_plane (self->session) != NULL;
  gboolean broker_down = session_broker_down (self);
  const char *style = state_style (state);
  g_autofree char *tooltip = NULL;
  g_autofree char *accessible = NULL;
  g_autofree char *broker_reason = NULL;
  g_autofree char *operator_reason = NULL;

  /* Why actions cannot work now, in words for their tooltips. */
  if (broker_down)
    broker_reason = g_strdup (_("The local sandbox’s broker stopped and is being restarted"));
  else if (have_client && !broker_up)
    broker_reason = error != NULL
      /* Translators: %s says why, e.g. "the broker refused the connection (…)" */
      ? g_strdup_printf (_("Not connected to the broker: %s"), error)
      : g_strdup (_("Not connected to the broker"));
  if (self->session != NULL && !has_control_plane)
    operator_reason = error != NULL
      /* Translators: %s says why, e.g. "No AWS credentials were found" */
      ? g_strdup_printf (_("Jobs cannot be managed: %s"), error)
      : g_strdup (_("Jobs cannot be managed without a control plane"));
  else if (self->control_plane_error != NULL)
    /* Translators: %s says why, e.g. "Connection refused" */
    operator_reason = g_strdup_printf (_("The control plane cannot be reached: %s"),
                                       self->control_plane_error);

  /* Never a green "Connected" while a part of it cannot be reached (the
   * session tells its error before its state; the connection is the truth). */
  if (broker_down)
    {
      status = _("Restarting the broker…");
      style = "warning";
    }
  else if (state == JD_SESSION_STATE_CONNECTED && have_client && !broker_up)
    {
      status = _("Reconnecting…");
      style = "warning";
    }
  else if (state == JD_SESSION_STATE_CONNECTED && self->control_plane_error != NULL)
    {
      status = _("Control plane unreachable");
      style = "warning";
    }

  for (guint i = 0; i < G_N_ELEMENTS (styles); i++)
    {
      gtk_widget_remove_css_class (GTK_WIDGET (self->state_dot), styles[i]);
      gtk_widget_remove_css_class (GTK_WIDGET (self->state_dot_small), styles[i]);
    }
  gtk_widget_add_css_class (GTK_WIDGET (self->state_dot), style);
  gtk_widget_add_css_class (GTK_WIDGET (self->state_dot_small), style);

  gtk_label_set_label (self->profile_label, self->session ? jd_session_get_name (self->session) : "");
  if (broker_reason != NULL && error != NULL && !broker_down)
    tooltip = g_strdup_printf ("%s\n%s", status, error);
  else if (broker_reason != NULL || operator_reason != NULL)
    tooltip = g_strjoin ("\n", status, broker_reason ? broker_reason : operator_reason,
                         broker_reason && operator_reason ? operator_reason : NULL, NULL);
  else
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
  if (broker_down)
    {
      show_info (self, _("The local sandbox’s broker stopped. Restarting it…"), GTK_MESSAGE_WARNING, TRUE);
    }
  else if (state == JD_SESSION_STATE_RECONNECTING)
    {
      g_autofree char *text = g_strdup_printf (_("Connection lost: %s. Reconnecting…"),
                                               error ? error : _("the broker went away"));

      show_info (self, text, GTK_MESSAGE_WARNING, TRUE);
    }
  else if (state == JD_SESSION_STATE_CONNECTED && self->control_plane_error != NULL)
    {
      g_autofree char *text = g_strdup_printf (_("%s. Trying again…"), operator_reason);

      show_info (self, text, GTK_MESSAGE_WARNING, TRUE);
    }
  else if (state == JD_SESSION_STATE_CONNECTED && error != NULL)
    {
      /* Connected as the thing, but the operator side is missing something. */
      g_autofree char *text = g_strdup_printf (_("Jobs cannot be managed: %s"), error);

      show_info (self, text, GTK_MESSAGE_INFO, FALSE);
    }
  else
    {
      gtk_info_bar_set_revealed (self->info_bar, FALSE);
    }

  g_simple_action_set_enabled (G_SIMPLE_ACTION (g_action_map_lookup_action (G_ACTION_MAP (self), "new-job")),
                               has_control_plane && self->control_plane_error == NULL);
  g_simple_action_set_enabled (G_SIMPLE_ACTION (g_action_map_lookup_action (G_ACTION_MAP (self), "start-next")),
                               have_client && broker_up && state == JD_SESSION_STATE_CONNECTED);
  set_reason_tooltips (GTK_WIDGET (self), NULL, broker_reason, operator_reason);
}

/* ---- is the control plane reachable? ---- */

static void start_probe (JdWindow *self);

static gboolean
probe_timeout_cb (gpointer user_data)
{
  JdWindow *self = user_data;

  self->probe_source = 0;
  start_probe (self);
  return G_SOURCE_REMOVE;
}

static void
probe_done_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(JdWindow) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(JdThing) thing = jd_control_plane_describe_thing_finish (JD_CONTROL_PLANE (object), result, &error);
  gboolean unreachable;

  /* Cancelled, or a probe of a session that is gone (reset_probe() forgot it). */
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) ||
      self->session == NULL || JD_CONTROL_PLANE (object) != jd_session_get_control_plane (self->session))
    return;
  self->probing = FALSE;

  /* Any answer of AWS's (even "no such thing") means it is reachable;
   * only a failure to get one (refused, reset, TLS, DNS) means it is not. */
  unreachable = error != NULL && jd_jobs_error_get_group (error) != JD_JOBS_ERROR_GROUP_CONTROL_PLANE;
  g_clear_pointer (&self->control_plane_error, g_free);
  if (unreachable)
    {
      self->control_plane_error = g_strdup (error->message);
      self->probe_delay = CLAMP (self->probe_delay * 2, 2, 60);
      g_clear_handle_id (&self->probe_source, g_source_remove);
      self->probe_source = g_timeout_add_seconds (self->probe_delay, probe_timeout_cb, self);
    }
  else
    {
      self->probe_delay = 0;
    }
  update_state_display (self);
}

static void
start_probe (JdWindow *self)
{
  JdControlPlane *control_plane = self->session ? jd_session_get_control_plane (self->session) : NULL;

  if (control_plane == NULL || self->probing || self->closing)
    return;
  g_clear_handle_id (&self->probe_source, g_source_remove);
  self->probing = TRUE;
  jd_control_plane_describe_thing_async (control_plane, jd_session_get_thing_name (self->session),
                                         self->cancellable, probe_done_cb, g_object_ref (self));
}

static void
reset_probe (JdWindow *self)
{
  g_clear_handle_id (&self->probe_source, g_source_remove);
  g_clear_pointer (&self->control_plane_error, g_free);
  self->probe_delay = 0;
  self->probing = FALSE;
}

/* Retry as it is meant: the sandbox's broker if that is what is down, else
 * the broker connection, and the control plane's reachability, all now. */
void
_jd_window_retry (JdWindow *self)
{
  if (self->session == NULL)
    return;
  if (JD_IS_SANDBOX_SESSION (self->session))
    jd_sandbox_session_retry (JD_SANDBOX_SESSION (self->session));
  else
    jd_session_reconnect (self->session);
  self->probe_delay = 0;
  start_probe (self);
}

static void
session_changed_cb (JdWindow *self)
{
  JdSessionState state = jd_session_get_state (self->session);

  /* The broker connection dropped: is the control plane gone too? */
  if (state == JD_SESSION_STATE_RECONNECTING)
    start_probe (self);
  update_state_display (self);
}

static void
broker_down_changed_cb (JdWindow *self)
{
  if (jd_sandbox_session_get_broker_down (JD_SANDBOX_SESSION (self->session)))
    start_probe (self);
  update_state_display (self);
}

static void
broker_restarted_cb (JdWindow *self,
                     double    seconds)
{
  /* Short enough for a toast at 360 px; the info bar said it stopped.
   * Translators: %.1f is a number of seconds */
  g_autofree char *title = g_strdup_printf (_("Broker restarted after %.1f s"), seconds);
  AdwToast *toast = adw_toast_new (title);

  adw_toast_set_priority (toast, ADW_TOAST_PRIORITY_HIGH);
  adw_toast_set_timeout (toast, 8);
  adw_toast_overlay_add_toast (self->toast_overlay, toast);
}

static void
control_plane_changed_cb (JdWindow *self)
{
  JdControlPlane *control_plane = self->session ? jd_session_get_control_plane (self->session) : NULL;

  jd_jobs_view_set_control_plane (self->jobs_view, control_plane);
  jd_device_view_set_control_plane (self->device_view, control_plane);
  update_state_display (self);
}

JdJobsClient *
_jd_window_jobs_client (JdWindow *self)
{
  return self->session ? jd_session_get_jobs_client (self->session) : NULL;
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

  jd_device_view_set_jobs_client (self->device_view, client);
  jd_device_view_set_codesign_trust (self->device_view, jd_session_get_codesign_certificate (self->session),
                                     jd_session_get_download_ca_path (self->session));
  jd_events_view_set_history_file (self->events_view, NULL);
  jd_events_view_set_event_log (self->events_view, client ? jd_jobs_client_get_event_log (client) : NULL);
  if (client != NULL)
    {
      /* The thing's event history survives restarts, bounded by the log's cap. */
      g_autofree char *name = g_strconcat (jd_jobs_client_get_thing_name (client), ".jsonl", NULL);
      g_autoptr(GFile) file = g_file_new_build_filename (g_get_user_data_dir (), "jobdeck", "events", name, NULL);

      jd_events_view_set_history_file (self->events_view, file);
    }
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
  reset_probe (self);
  g_clear_object (&self->job_watch);
  jd_session_stop_async (self->session, NULL, session_stopped_cb, NULL);
  g_clear_object (&self->session);

  jd_device_view_set_jobs_client (self->device_view, NULL);
  jd_device_view_set_control_plane (self->device_view, NULL);
  jd_jobs_view_set_control_plane (self->jobs_view, NULL);
  jd_events_view_set_history_file (self->events_view, NULL);
  jd_events_view_set_event_log (self->events_view, NULL);
}

void
_jd_window_start_session (JdWindow *self)
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
      self->session = jd_sandbox_session_new (profile, data_dir);
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
  if (JD_IS_SANDBOX_SESSION (self->session))
    {
      g_signal_connect_object (self->session, "notify::broker-down", G_CALLBACK (broker_down_changed_cb),
                               self, G_CONNECT_SWAPPED);
      g_signal_connect_object (self->session, "broker-restarted", G_CALLBACK (broker_restarted_cb),
                               self, G_CONNECT_SWAPPED);
    }

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
  reset_probe (self);
  g_clear_object (&self->job_watch);
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

  _jd_window_start_session (self);
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
  stop_session (self);
  reset_probe (self);
  g_clear_object (&self->job_watch);

  gtk_widget_dispose_template (GTK_WIDGET (object), JD_TYPE_WINDOW);

  G_OBJECT_CLASS (jd_window_parent_class)->dispose (object);
}

static void
jd_window_finalize (GObject *object)
{
  JdWindow *self = JD_WINDOW (object);

  g_clear_object (&self->settings);
  g_clear_object (&self->cancellable);
  g_free (self->control_plane_error);

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

  gtk_widget_add_css_class (GTK_WIDGET (self), "jobdeck");
  _jd_window_add_actions (self);

  g_signal_connect_object (self->jobs_view, "show-message",
                           G_CALLBACK (jobs_view_message_cb), self, 0);
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
 * jd_window_get_job_watch:
 *
 * Returns: (transfer none) (nullable): the watcher of the jobs created
 *   with New Job on this session
 */
JdJobWatch *
jd_window_get_job_watch (JdWindow *self)
{
  g_return_val_if_fail (JD_IS_WINDOW (self), NULL);

  return self->job_watch;
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

/**
 * jd_window_get_events_view:
 *
 * Returns: (transfer none): the Events view
 */
GtkWidget *
jd_window_get_events_view (JdWindow *self)
{
  g_return_val_if_fail (JD_IS_WINDOW (self), NULL);

  return GTK_WIDGET (self->events_view);
}

/**
 * jd_window_export_events_to:
 * @file: where to write the JSON Lines
 *
 * Writes the events the Events view shows, one compact JSON object a line.
 */
void
jd_window_export_events_to (JdWindow *self,
                            GFile    *file)
{
  g_return_if_fail (JD_IS_WINDOW (self));
  g_return_if_fail (G_IS_FILE (file));

  jd_events_view_export_to (self->events_view, file, JD_EVENTS_EXPORT_JSON_LINES);
}
