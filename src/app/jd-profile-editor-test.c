/* jd-profile-editor-test.c — the profile editor's Test Connection: an MQTT
 * connect and a control-plane call with what the form says (the draft
 * profile and the secrets typed so far), each result shown in its row.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#define G_LOG_DOMAIN "jd-app"

#include <glib/gi18n.h>

#include "jd-connection-test.h"
#include "jd-credentials.h"
#include "jd-profile-editor.h"
#include "jd-profile-editor-private.h"

static void
mqtt_tested_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data);
static void
control_plane_tested_cb (GObject      *source,
                         GAsyncResult *result,
                         gpointer      user_data);

static void
show_result (JdProfileEditor *self,
             AdwActionRow    *row,
             GtkImage        *icon,
             const char      *text,
             int              state)   /* -1 running, 0 failed, 1 ok */
{
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), text);
  gtk_widget_set_visible (GTK_WIDGET (row), TRUE);
  gtk_widget_remove_css_class (GTK_WIDGET (icon), "success");
  gtk_widget_remove_css_class (GTK_WIDGET (icon), "error");
  if (state < 0)
    gtk_image_set_from_icon_name (icon, "content-loading-symbolic");
  else if (state > 0)
    {
      gtk_image_set_from_icon_name (icon, "emblem-ok-symbolic");
      gtk_widget_add_css_class (GTK_WIDGET (icon), "success");
    }
  else
    {
      gtk_image_set_from_icon_name (icon, "dialog-error-symbolic");
      gtk_widget_add_css_class (GTK_WIDGET (icon), "error");
    }
}

static void
test_part_done (JdProfileEditor *self)
{
  g_assert (self->tests_pending > 0);

  if (--self->tests_pending > 0)
    return;

  self->testing = FALSE;
  gtk_spinner_stop (self->test_spinner);
  gtk_widget_set_visible (GTK_WIDGET (self->test_spinner), FALSE);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "profile.test", TRUE);
  _jd_profile_editor_notify_testing (self, TRUE);
}

static void
mqtt_tested_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *client_id = jd_connection_test_mqtt_finish (result, &error);
  JdProfileEditor *self;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  self = JD_PROFILE_EDITOR (user_data);
  g_free (self->mqtt_result);
  if (client_id != NULL)
    self->mqtt_result = g_strdup_printf (_("MQTT: connected as %s"), client_id);
  else
    self->mqtt_result = g_strdup_printf (_("MQTT: %s"), error->message);
  show_result (self, self->mqtt_result_row, self->mqtt_result_icon, self->mqtt_result,
               client_id != NULL);
  test_part_done (self);
}

static void
control_plane_tested_cb (GObject      *source,
                         GAsyncResult *result,
                         gpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *endpoint = jd_connection_test_control_plane_finish (result, &error);
  JdProfileEditor *self;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  self = JD_PROFILE_EDITOR (user_data);
  g_free (self->cp_result);
  if (endpoint != NULL)
    self->cp_result = g_strdup (_("Control plane: ok"));
  else
    {
      g_autofree char *reason = jd_connection_test_describe_error (error);
      self->cp_result = g_strdup_printf (_("Control plane: %s"), reason);
    }
  show_result (self, self->cp_result_row, self->cp_result_icon, self->cp_result, endpoint != NULL);
  if (endpoint != NULL)
    gtk_widget_set_tooltip_text (GTK_WIDGET (self->cp_result_row), endpoint);
  test_part_done (self);
}

void
jd_profile_editor_test_connection (JdProfileEditor *self)
{
  g_autoptr(JdCredentials) credentials = NULL;
  const char *access_key;
  const char *secret;

  g_return_if_fail (JD_IS_PROFILE_EDITOR (self));

  if (self->testing)
    return;

  g_cancellable_cancel (self->test_cancellable);
  g_clear_object (&self->test_cancellable);
  self->test_cancellable = g_cancellable_new ();

  self->testing = TRUE;
  self->tests_pending = 2;
  g_clear_pointer (&self->mqtt_result, g_free);
  g_clear_pointer (&self->cp_result, g_free);
  gtk_widget_set_visible (GTK_WIDGET (self->test_spinner), TRUE);
  gtk_spinner_start (self->test_spinner);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "profile.test", FALSE);
  show_result (self, self->mqtt_result_row, self->mqtt_result_icon, _("MQTT: connecting…"), -1);
  show_result (self, self->cp_result_row, self->cp_result_icon, _("Control plane: calling…"), -1);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->cp_result_row), NULL);
  _jd_profile_editor_notify_testing (self, FALSE);

  access_key = _jd_profile_editor_row_text (self->access_key_row);
  secret = _jd_profile_editor_row_text (self->secret_row);
  if (_jd_profile_editor_current_source (self) == JD_PROFILE_CREDENTIALS_KEYRING &&
      !_jd_profile_editor_str_empty (access_key) && !_jd_profile_editor_str_empty (secret))
    credentials = jd_credentials_new (access_key, secret, _jd_profile_editor_row_text (self->token_row), NULL);

  jd_connection_test_mqtt_async (self->draft, _jd_profile_editor_row_text (self->passphrase_row),
                                 JD_CONNECTION_TEST_DEFAULT_TIMEOUT_MS, self->test_cancellable,
                                 mqtt_tested_cb, self);
  jd_connection_test_control_plane_async (self->draft, credentials,
                                          JD_CONNECTION_TEST_DEFAULT_TIMEOUT_MS,
                                          self->test_cancellable, control_plane_tested_cb, self);
}

gboolean
jd_profile_editor_get_testing (JdProfileEditor *self)
{
  g_return_val_if_fail (JD_IS_PROFILE_EDITOR (self), FALSE);
  return self->testing;
}

const char *
jd_profile_editor_get_mqtt_result (JdProfileEditor *self)
{
  g_return_val_if_fail (JD_IS_PROFILE_EDITOR (self), NULL);
  return self->mqtt_result;
}

const char *
jd_profile_editor_get_control_plane_result (JdProfileEditor *self)
{
  g_return_val_if_fail (JD_IS_PROFILE_EDITOR (self), NULL);
  return self->cp_result;
}
