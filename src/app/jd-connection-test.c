/* jd-connection-test.c — "Test Connection": one MQTT connection attempt and one
 * DescribeEndpoint call for a profile, each async, cancellable and bounded in
 * time, each failing with words the editor can show as they are.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#define G_LOG_DOMAIN "jd-app"

#include <glib/gi18n.h>

#include "jd-connection-test.h"
#include "jd-control-plane.h"
#include "jd-mqtt-connection.h"


typedef struct
{
  JdMqttConnection *connection;
  char             *client_id;
} MqttData;

typedef struct
{
  JdProfile      *profile;
  JdControlPlane *control_plane;
  GCancellable   *cancellable;   /* cancelled by the caller's one or the timer */
  GCancellable   *parent;
  gulong          parent_id;
  guint           timeout_ms;
  guint           timeout_id;
  gboolean        timed_out;
} ControlPlaneData;

static char *
dup_nonempty (char *s)
{
  if (s != NULL && *s == '\0')
    g_clear_pointer (&s, g_free);
  return s;
}

/* Ends the attempt outside the connection's own callback chain. */
static gboolean
disconnect_idle_cb (gpointer user_data)
{
  g_autoptr(JdMqttConnection) connection = user_data;

  jd_mqtt_connection_disconnect (connection);
  return G_SOURCE_REMOVE;
}

static void
mqtt_data_free (MqttData *data)
{
  if (data->connection != NULL)
    g_idle_add_full (G_PRIORITY_DEFAULT, disconnect_idle_cb,
                     g_steal_pointer (&data->connection), NULL);
  g_free (data->client_id);
  g_free (data);
}

static void
mqtt_connected_cb (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  MqttData *data = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;

  if (!jd_mqtt_connection_connect_finish (JD_MQTT_CONNECTION (source), result, &error))
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_pointer (task, g_strdup (data->client_id), g_free);
}

static void
cp_data_free (ControlPlaneData *data)
{
  g_clear_handle_id (&data->timeout_id, g_source_remove);
  if (data->parent != NULL)
    g_cancellable_disconnect (data->parent, data->parent_id);
  g_clear_object (&data->parent);
  g_clear_object (&data->cancellable);
  g_clear_object (&data->control_plane);
  g_clear_object (&data->profile);
  g_free (data);
}

static void
cp_parent_cancelled_cb (GCancellable *parent,
                        GCancellable *child)
{
  g_cancellable_cancel (child);
}

static gboolean
cp_timeout_cb (gpointer user_data)
{
  ControlPlaneData *data = user_data;

  data->timeout_id = 0;
  data->timed_out = TRUE;
  g_cancellable_cancel (data->cancellable);
  return G_SOURCE_REMOVE;
}

static void
cp_return_error (GTask  *task,
                 GError *error)
{
  ControlPlaneData *data = g_task_get_task_data (task);

  g_clear_handle_id (&data->timeout_id, g_source_remove);
  if (data->timed_out && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_error_free (error);
      error = g_error_new (G_IO_ERROR, G_IO_ERROR_TIMED_OUT,
                           _("the control plane did not answer within %u seconds"),
                           (data->timeout_ms + 999) / 1000);
    }
  g_task_return_error (task, error);
}

static void
cp_endpoint_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  ControlPlaneData *data = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  char *endpoint;

  endpoint = jd_control_plane_describe_endpoint_finish (JD_CONTROL_PLANE (source), result, &error);
  if (endpoint == NULL)
    {
      cp_return_error (task, g_steal_pointer (&error));
      return;
    }
  g_clear_handle_id (&data->timeout_id, g_source_remove);
  g_task_return_pointer (task, endpoint, g_free);
}

static void
cp_call (GTask         *task,
         JdCredentials *credentials)
{
  ControlPlaneData *data = g_task_get_task_data (task);
  GError *error = NULL;

  data->control_plane = jd_control_plane_new_for_profile (data->profile, credentials, &error);
  if (data->control_plane == NULL)
    {
      cp_return_error (task, error);
      return;
    }
  /* One try: a test reports what happened, it does not wait out retries. */
  jd_control_plane_set_retry_policy (data->control_plane, 1, 200);
  jd_control_plane_describe_endpoint_async (data->control_plane, NULL, data->cancellable,
                                            cp_endpoint_cb, g_object_ref (task));
}

static void
cp_credentials_cb (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(JdCredentials) credentials = NULL;
  GError *error = NULL;

  credentials = jd_profile_lookup_credentials_finish (JD_PROFILE (source), result, &error);
  if (credentials == NULL)
    {
      cp_return_error (task, error);
      return;
    }
  cp_call (task, credentials);
}

/**
 * jd_connection_test_mqtt_async:
 * @profile: the profile (its current settings are read now)
 * @key_passphrase: (nullable): unlocks an encrypted private key
 * @timeout_ms: how long the broker has to answer
 * @cancellable: (nullable): a cancellable
 * @callback: called with the outcome
 * @user_data: data for @callback
 */
void
jd_connection_test_mqtt_async (JdProfile           *profile,
                               const char          *key_passphrase,
                               guint                timeout_ms,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autofree char *host = NULL;
  g_autofree char *ca = NULL;
  g_autofree char *cert = NULL;
  g_autofree char *key = NULL;
  MqttData *data;
  guint port;

  g_return_if_fail (JD_IS_PROFILE (profile));
  g_return_if_fail (timeout_ms > 0);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, jd_connection_test_mqtt_async);

  host = dup_nonempty (jd_profile_dup_endpoint (profile));
  port = jd_profile_get_port (profile);
  ca = dup_nonempty (jd_profile_dup_ca_path (profile));
  cert = dup_nonempty (jd_profile_dup_certificate_path (profile));
  key = dup_nonempty (jd_profile_dup_key_path (profile));

  data = g_new0 (MqttData, 1);
  data->client_id = jd_profile_dup_client_id (profile);
  g_task_set_task_data (task, data, (GDestroyNotify) mqtt_data_free);

  if (host == NULL || data->client_id == NULL || *data->client_id == '\0' || port > G_MAXUINT16)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                               _("the profile has no MQTT endpoint or thing name"));
      return;
    }

  data->connection = jd_mqtt_connection_new (host, (guint16) port, data->client_id);
  jd_mqtt_connection_set_tls_files (data->connection,
                                    ca, /* NULL: the system's store */
                                    cert, key,
                                    key_passphrase != NULL && *key_passphrase != '\0' ? key_passphrase : NULL);
  jd_mqtt_connection_set_connect_timeout (data->connection, timeout_ms);
  /* No second attempt during the test: it is disconnected once it has an answer. */
  jd_mqtt_connection_set_backoff (data->connection, 60000, 60000, 60000);
  jd_mqtt_connection_connect_async (data->connection, cancellable,
                                    mqtt_connected_cb, g_steal_pointer (&task));
}

char *
jd_connection_test_mqtt_finish (GAsyncResult  *result,
                                GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == jd_connection_test_mqtt_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/**
 * jd_connection_test_control_plane_async:
 * @profile: the profile (region, control-plane endpoint and CA)
 * @credentials: (nullable): the credentials to sign with; %NULL looks up the
 *   profile's chain
 * @timeout_ms: how long the whole test may take
 * @cancellable: (nullable): a cancellable
 * @callback: called with the outcome
 * @user_data: data for @callback
 */
void
jd_connection_test_control_plane_async (JdProfile           *profile,
                                        JdCredentials       *credentials,
                                        guint                timeout_ms,
                                        GCancellable        *cancellable,
                                        GAsyncReadyCallback  callback,
                                        gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  ControlPlaneData *data;

  g_return_if_fail (JD_IS_PROFILE (profile));
  g_return_if_fail (credentials == NULL || JD_IS_CREDENTIALS (credentials));
  g_return_if_fail (timeout_ms > 0);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, jd_connection_test_control_plane_async);

  data = g_new0 (ControlPlaneData, 1);
  data->profile = g_object_ref (profile);
  data->cancellable = g_cancellable_new ();
  data->timeout_ms = timeout_ms;
  g_task_set_task_data (task, data, (GDestroyNotify) cp_data_free);

  if (cancellable != NULL)
    {
      data->parent = g_object_ref (cancellable);
      data->parent_id = g_cancellable_connect (cancellable, G_CALLBACK (cp_parent_cancelled_cb),
                                               data->cancellable, NULL);
    }
  data->timeout_id = g_timeout_add (timeout_ms, cp_timeout_cb, data);

  if (credentials != NULL)
    cp_call (task, credentials);
  else
    jd_profile_lookup_credentials_async (profile, data->cancellable,
                                         cp_credentials_cb, g_object_ref (task));
}

char *
jd_connection_test_control_plane_finish (GAsyncResult  *result,
                                         GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == jd_connection_test_control_plane_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

char *
jd_connection_test_describe_error (const GError *error)
{
  const char *aws_type;
  const char *aws_message;

  g_return_val_if_fail (error != NULL, NULL);

  if (jd_jobs_error_get_group (error) != JD_JOBS_ERROR_GROUP_CONTROL_PLANE)
    return g_strdup (error->message);

  aws_type = jd_control_plane_error_get_aws_type (error);
  aws_message = jd_control_plane_error_get_aws_message (error);
  if (aws_type == NULL)
    return g_strdup (error->message);
  if (aws_message == NULL || *aws_message == '\0')
    return g_strdup (aws_type);
  return g_strdup_printf ("%s: %s", aws_type, aws_message);
}
