/* jd-test-sandbox.c — the whole-sandbox fixture and the MQTT test device.
 *
 * The test device uses libmosquitto's own network thread, so a test can block
 * waiting for a message while the default main context (the service) keeps
 * being iterated here.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#define G_LOG_DOMAIN "jd-test"

#include <signal.h>
#include <string.h>
#include <sys/prctl.h>
#include <glib/gstdio.h>
#include <mosquitto.h>

#include "jd-sandbox-certs.h"
#include "jd-test-sandbox.h"

struct _JdTestSandbox
{
  char      *dir;
  GStrv      things;
  JdSandbox *sandbox;
};

typedef struct
{
  char   *topic;
  char   *payload;
  gsize   len;
} Message;

struct _JdTestDevice
{
  struct mosquitto *mosq;
  char             *thing;
  char             *filter;
  GMutex            lock;
  GQueue            messages;
  GHashTable       *acked;          /* mid → mid */
  gint              connected;      /* 0 pending, 1 ok, -1 refused */
  gint              subscribed;
};

static void
message_free (Message *message)
{
  g_free (message->topic);
  g_free (message->payload);
  g_free (message);
}

void
jd_test_spin (guint ms)
{
  gint64 end = g_get_monotonic_time () + (gint64) ms * 1000;

  while (g_get_monotonic_time () < end)
    {
      while (g_main_context_iteration (NULL, FALSE))
        ;
      g_usleep (1000);
    }
}

static void
die_with_parent (gpointer user_data)
{
  prctl (PR_SET_PDEATHSIG, SIGKILL);
}

GSubprocess *
jd_test_spawn_service (const char         *service_path,
                       const char         *dir,
                       const char * const *things,
                       GError            **error)
{
  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_SILENCE);
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();

  g_ptr_array_add (argv, (gpointer) service_path);
  g_ptr_array_add (argv, (gpointer) "--data-dir");
  g_ptr_array_add (argv, (gpointer) dir);
  for (guint i = 0; things[i] != NULL; i++)
    {
      g_ptr_array_add (argv, (gpointer) "--thing");
      g_ptr_array_add (argv, (gpointer) things[i]);
    }
  g_ptr_array_add (argv, NULL);
  g_subprocess_launcher_set_child_setup (launcher, die_with_parent, NULL, NULL);
  return g_subprocess_launcher_spawnv (launcher, (const char * const *) argv->pdata, error);
}

gboolean
jd_test_wait_until (gboolean *done,
                    guint     timeout_ms)
{
  gint64 end = g_get_monotonic_time () + (gint64) timeout_ms * jd_test_slowdown () * 1000;

  while (!*done && g_get_monotonic_time () < end)
    {
      if (!g_main_context_iteration (NULL, FALSE))
        g_usleep (1000);
    }
  return *done;
}

typedef struct
{
  gboolean  done;
  gboolean  ok;
  GError   *error;
} Wait;

static void
started_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  Wait *wait = user_data;

  wait->ok = jd_sandbox_start_finish (JD_SANDBOX (source), result, &wait->error);
  wait->done = TRUE;
}

static void
stopped_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  Wait *wait = user_data;

  wait->ok = jd_sandbox_stop_finish (JD_SANDBOX (source), result, &wait->error);
  wait->done = TRUE;
}

static void
thing_added_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  Wait *wait = user_data;

  wait->ok = jd_sandbox_add_things_finish (JD_SANDBOX (source), result, &wait->error);
  wait->done = TRUE;
}

gboolean
jd_test_sandbox_add_thing (JdSandbox   *sandbox,
                           const char  *thing,
                           GError     **error)
{
  const char *names[] = { thing, NULL };
  Wait wait = { 0 };

  jd_sandbox_add_things_async (sandbox, names, NULL, thing_added_cb, &wait);
  if (!jd_test_wait_until (&wait.done, 30000))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT, "The thing %s was not made in 30 s", thing);
      return FALSE;
    }
  if (!wait.ok)
    {
      g_propagate_error (error, wait.error);
      return FALSE;
    }
  return TRUE;
}

static gboolean
start_sandbox (JdTestSandbox  *self,
               guint16         mqtt_port,
               guint16         https_port,
               GError        **error)
{
  Wait wait = { 0 };

  self->sandbox = jd_sandbox_new (self->dir);
  for (guint i = 0; self->things != NULL && self->things[i] != NULL; i++)
    if (!jd_sandbox_add_thing (self->sandbox, self->things[i], error))
      return FALSE;
  jd_sandbox_set_mqtt_port (self->sandbox, mqtt_port);
  jd_sandbox_set_https_port (self->sandbox, https_port);
  jd_sandbox_start_async (self->sandbox, NULL, started_cb, &wait);
  if (!jd_test_wait_until (&wait.done, 30000))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT, "The sandbox did not start in 30 s");
      return FALSE;
    }
  if (!wait.ok)
    {
      g_propagate_error (error, wait.error);
      return FALSE;
    }
  return TRUE;
}

JdTestSandbox *
jd_test_sandbox_new (const char * const *things,
                     GError            **error)
{
  JdTestSandbox *self = g_new0 (JdTestSandbox, 1);

  self->dir = g_dir_make_tmp ("jobdeck-sandbox-XXXXXX", error);
  if (self->dir == NULL)
    {
      g_free (self);
      return NULL;
    }
  self->things = g_strdupv ((char **) things);
  if (!start_sandbox (self, 0, 0, error))
    {
      jd_test_sandbox_free (self);
      return NULL;
    }
  return self;
}

gboolean
jd_test_sandbox_stop (JdTestSandbox  *self,
                      GError        **error)
{
  Wait wait = { 0 };

  if (self->sandbox == NULL)
    return TRUE;
  jd_sandbox_stop_async (self->sandbox, NULL, stopped_cb, &wait);
  if (!jd_test_wait_until (&wait.done, 15000))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT, "The sandbox did not stop in 15 s");
      return FALSE;
    }
  if (!wait.ok)
    {
      g_propagate_error (error, wait.error);
      return FALSE;
    }
  return TRUE;
}

gboolean
jd_test_sandbox_restart (JdTestSandbox  *self,
                         GError        **error)
{
  guint16 mqtt_port = jd_sandbox_get_mqtt_port (self->sandbox);
  guint16 https_port = jd_sandbox_get_https_port (self->sandbox);

  if (!jd_test_sandbox_stop (self, error))
    return FALSE;
  g_clear_object (&self->sandbox);
  return start_sandbox (self, mqtt_port, https_port, error);
}

static void
remove_tree (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *entry;

  if (dir != NULL)
    {
      while ((entry = g_dir_read_name (dir)) != NULL)
        {
          g_autofree char *child = g_build_filename (path, entry, NULL);

          if (g_file_test (child, G_FILE_TEST_IS_DIR) && !g_file_test (child, G_FILE_TEST_IS_SYMLINK))
            remove_tree (child);
          else
            g_unlink (child);
        }
    }
  g_rmdir (path);
}

void
jd_test_sandbox_free (JdTestSandbox *self)
{
  if (self == NULL)
    return;
  if (self->sandbox != NULL)
    {
      g_autoptr(GError) error = NULL;

      if (!jd_test_sandbox_stop (self, &error))
        g_printerr ("# stopping the sandbox: %s\n", error->message);
      g_clear_object (&self->sandbox);
    }
  if (self->dir != NULL && g_getenv ("JOBDECK_TEST_KEEP") == NULL)
    remove_tree (self->dir);
  g_free (self->dir);
  g_strfreev (self->things);
  g_free (self);
}

JdSandbox *
jd_test_sandbox_get_sandbox (JdTestSandbox *self)
{
  return self->sandbox;
}

const char *
jd_test_sandbox_get_dir (JdTestSandbox *self)
{
  return self->dir;
}

/* ---- the test device ---- */

static void
on_connect (struct mosquitto *mosq,
            void             *obj,
            int               rc)
{
  JdTestDevice *self = obj;

  g_atomic_int_set (&self->connected, rc == 0 ? 1 : -1);
}

static void
on_subscribe (struct mosquitto *mosq,
              void             *obj,
              int               mid,
              int               qos_count,
              const int        *granted)
{
  JdTestDevice *self = obj;

  g_atomic_int_set (&self->subscribed, 1);
}

static void
on_publish (struct mosquitto *mosq,
            void             *obj,
            int               mid)
{
  JdTestDevice *self = obj;

  g_mutex_lock (&self->lock);
  g_hash_table_add (self->acked, GINT_TO_POINTER (mid));
  g_mutex_unlock (&self->lock);
}

static void
on_message (struct mosquitto                *mosq,
            void                            *obj,
            const struct mosquitto_message  *msg)
{
  JdTestDevice *self = obj;
  Message *message = g_new0 (Message, 1);

  message->topic = g_strdup (msg->topic);
  message->payload = g_strndup (msg->payload, msg->payloadlen);
  message->len = msg->payloadlen;
  g_mutex_lock (&self->lock);
  g_queue_push_tail (&self->messages, message);
  g_mutex_unlock (&self->lock);
}

static gboolean
wait_flag (gint  *flag,
           guint  timeout_ms)
{
  gint64 end = g_get_monotonic_time () + (gint64) timeout_ms * 1000;

  while (g_atomic_int_get (flag) == 0 && g_get_monotonic_time () < end)
    {
      if (!g_main_context_iteration (NULL, FALSE))
        g_usleep (1000);
    }
  return g_atomic_int_get (flag) > 0;
}

JdTestDevice *
jd_test_device_new_full (const char  *host,
                         guint16      port,
                         const char  *ca_path,
                         const char  *cert_path,
                         const char  *key_path,
                         const char  *client_id,
                         const char  *filter,
                         GError     **error)
{
  g_autoptr(JdTestDevice) self = g_new0 (JdTestDevice, 1);
  int rc;

  mosquitto_lib_init ();
  g_mutex_init (&self->lock);
  g_queue_init (&self->messages);
  self->acked = g_hash_table_new (NULL, NULL);
  self->filter = g_strdup (filter);
  self->mosq = mosquitto_new (client_id, true, self);
  mosquitto_int_option (self->mosq, MOSQ_OPT_TCP_NODELAY, 1);
  mosquitto_connect_callback_set (self->mosq, on_connect);
  mosquitto_subscribe_callback_set (self->mosq, on_subscribe);
  mosquitto_publish_callback_set (self->mosq, on_publish);
  mosquitto_message_callback_set (self->mosq, on_message);

  rc = mosquitto_tls_set (self->mosq, ca_path, NULL, cert_path, key_path, NULL);
  if (rc == MOSQ_ERR_SUCCESS)
    rc = mosquitto_connect (self->mosq, host, port, 30);
  if (rc == MOSQ_ERR_SUCCESS)
    rc = mosquitto_loop_start (self->mosq);
  if (rc != MOSQ_ERR_SUCCESS)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "test device %s: %s",
                   client_id, mosquitto_strerror (rc));
      return NULL;
    }
  if (!wait_flag (&self->connected, 10000))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "test device %s: not connected", client_id);
      return NULL;
    }
  if (filter != NULL)
    {
      rc = mosquitto_subscribe (self->mosq, NULL, filter, 1);
      if (rc != MOSQ_ERR_SUCCESS || !wait_flag (&self->subscribed, 10000))
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "test device %s: not subscribed", client_id);
          return NULL;
        }
    }
  return g_steal_pointer (&self);
}

JdTestDevice *
jd_test_device_new (JdTestSandbox  *sandbox,
                    const char     *thing,
                    GError        **error)
{
  JdSandbox *sb = sandbox->sandbox;
  g_autofree char *cert_path = NULL;
  g_autofree char *key_path = NULL;
  g_autofree char *filter = g_strdup_printf ("$aws/things/%s/jobs/#", thing);
  JdTestDevice *self;

  if (!jd_test_sandbox_add_thing (sb, thing, error))
    return NULL;
  jd_sandbox_get_thing_files (sb, thing, &cert_path, &key_path);
  self = jd_test_device_new_full (JD_SANDBOX_HOST, jd_sandbox_get_mqtt_port (sb),
                                  jd_sandbox_get_ca_path (sb), cert_path, key_path,
                                  thing, filter, error);
  if (self != NULL)
    self->thing = g_strdup (thing);
  return self;
}

void
jd_test_device_set_thing (JdTestDevice *self,
                          const char   *thing)
{
  g_free (self->thing);
  self->thing = g_strdup (thing);
}

gboolean
jd_test_sandbox_issue_identity (JdTestSandbox  *self,
                                const char     *common_name,
                                char          **cert_path,
                                char          **key_path,
                                GError        **error)
{
  g_autofree char *ca_key = g_build_filename (self->dir, "ca.key", NULL);
  g_autofree char *cert_file = g_strconcat (common_name, ".identity.crt", NULL);
  g_autofree char *key_file = g_strconcat (common_name, ".identity.key", NULL);
  g_autoptr(JdSandboxCa) ca = jd_sandbox_ca_load_or_create (jd_sandbox_get_ca_path (self->sandbox),
                                                            ca_key, error);

  if (ca == NULL)
    return FALSE;
  *cert_path = g_build_filename (self->dir, cert_file, NULL);
  *key_path = g_build_filename (self->dir, key_file, NULL);
  return jd_sandbox_ca_issue (ca, JD_SANDBOX_CERT_CLIENT, common_name, *cert_path, *key_path, error);
}

void
jd_test_device_free (JdTestDevice *self)
{
  if (self == NULL)
    return;
  if (self->mosq != NULL)
    {
      mosquitto_disconnect (self->mosq);
      mosquitto_loop_stop (self->mosq, true);
      mosquitto_destroy (self->mosq);
    }
  g_queue_clear_full (&self->messages, (GDestroyNotify) message_free);
  g_clear_pointer (&self->acked, g_hash_table_unref);
  g_mutex_clear (&self->lock);
  g_free (self->thing);
  g_free (self->filter);
  g_free (self);
  mosquitto_lib_cleanup ();
}

gboolean
jd_test_device_publish (JdTestDevice *self,
                        const char   *topic,
                        const char   *payload,
                        gssize        len)
{
  return jd_test_device_publish_full (self, topic, payload, len, FALSE, 10000);
}

gboolean
jd_test_device_publish_full (JdTestDevice *self,
                             const char   *topic,
                             const char   *payload,
                             gssize        len,
                             gboolean      retain,
                             guint         timeout_ms)
{
  gint64 end = g_get_monotonic_time () + (gint64) timeout_ms * 1000;
  int mid = 0;
  gboolean acked = FALSE;

  if (payload == NULL)
    len = 0;
  else if (len < 0)
    len = strlen (payload);
  if (mosquitto_publish (self->mosq, &mid, topic, (int) len, payload, 1, retain) != MOSQ_ERR_SUCCESS)
    return FALSE;
  while (!acked && g_get_monotonic_time () < end)
    {
      g_mutex_lock (&self->lock);
      acked = g_hash_table_remove (self->acked, GINT_TO_POINTER (mid));
      g_mutex_unlock (&self->lock);
      if (!acked && !g_main_context_iteration (NULL, FALSE))
        g_usleep (1000);
    }
  return acked;
}

gboolean
jd_test_device_request (JdTestDevice *self,
                        const char   *suffix,
                        const char   *payload)
{
  g_autofree char *topic = g_strdup_printf ("$aws/things/%s/jobs/%s", self->thing, suffix);

  return jd_test_device_publish (self, topic, payload, -1);
}

static Message *
take_message (JdTestDevice *self,
              const char   *topic)
{
  Message *found = NULL;

  g_mutex_lock (&self->lock);
  for (GList *l = self->messages.head; l != NULL; l = l->next)
    {
      Message *message = l->data;

      if (g_str_equal (message->topic, topic))
        {
          found = message;
          g_queue_delete_link (&self->messages, l);
          break;
        }
    }
  g_mutex_unlock (&self->lock);
  return found;
}

JsonNode *
jd_test_device_expect (JdTestDevice  *self,
                       const char    *topic,
                       guint          timeout_ms,
                       char         **raw)
{
  gint64 end = g_get_monotonic_time () + (gint64) timeout_ms * 1000;
  Message *message = NULL;
  JsonNode *node;

  while ((message = take_message (self, topic)) == NULL && g_get_monotonic_time () < end)
    {
      if (!g_main_context_iteration (NULL, FALSE))
        g_usleep (1000);
    }
  if (message == NULL)
    return NULL;
  node = json_from_string (message->len > 0 ? message->payload : "{}", NULL);
  if (raw != NULL)
    *raw = g_strdup (message->payload);
  message_free (message);
  return node;
}

JsonNode *
jd_test_device_expect_reply (JdTestDevice *self,
                             const char   *suffix,
                             guint         timeout_ms)
{
  g_autofree char *topic = g_strdup_printf ("$aws/things/%s/jobs/%s", self->thing, suffix);

  return jd_test_device_expect (self, topic, timeout_ms, NULL);
}

guint
jd_test_device_count (JdTestDevice *self,
                      const char   *topic,
                      guint         ms)
{
  Message *message;
  guint n = 0;

  jd_test_spin (ms);
  while ((message = take_message (self, topic)) != NULL)
    {
      message_free (message);
      n++;
    }
  return n;
}

GPtrArray *
jd_test_device_take_topics (JdTestDevice *self)
{
  GPtrArray *topics = g_ptr_array_new_with_free_func (g_free);
  Message *message;

  g_mutex_lock (&self->lock);
  while ((message = g_queue_pop_head (&self->messages)) != NULL)
    {
      g_ptr_array_add (topics, g_steal_pointer (&message->topic));
      message_free (message);
    }
  g_mutex_unlock (&self->lock);
  return topics;
}

guint
jd_test_device_get_n_messages (JdTestDevice *self)
{
  guint n;

  g_mutex_lock (&self->lock);
  n = self->messages.length;
  g_mutex_unlock (&self->lock);
  return n;
}

void
jd_test_device_flush (JdTestDevice *self)
{
  g_mutex_lock (&self->lock);
  g_queue_clear_full (&self->messages, (GDestroyNotify) message_free);
  g_queue_init (&self->messages);
  g_mutex_unlock (&self->lock);
}

const char *
jd_test_device_get_thing (JdTestDevice *self)
{
  return self->thing;
}
