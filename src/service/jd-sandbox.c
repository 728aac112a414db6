/* jd-sandbox.c — creates the sandbox folder, runs mosquitto as a child process
 * and the jobs service next to it, and publishes DIR/sandbox.json when ready.
 *
 * Folder layout (see src/service/README.md, "Sandbox"):
 *   ca.pem ca.key                      the sandbox CA
 *   server.pem server.key              127.0.0.1/localhost, for mosquitto and HTTPS
 *   service.pem service.key            CN jobs-service, the service's MQTT identity
 *   things/<name>.crt things/<name>.key one client identity per thing
 *   credentials.json                   the sandbox access key pair
 *   mosquitto.conf mosquitto.acl       rewritten at every start
 *   mosquitto.log mosquitto.stderr     the broker's output
 *   mosquitto.pid                      the broker's process id while it runs
 *   jobs.sqlite                        the service's store
 *   sandbox.json                       exists while the sandbox runs
 * The folder is 0700; every file the sandbox writes itself is 0600 (the store
 * and the broker create theirs with the process umask).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#define G_LOG_DOMAIN "jd-sandbox"

#include <errno.h>
#include <stdlib.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>
#ifdef __linux__
#include <sys/prctl.h>
#endif
#include <glib/gstdio.h>
#include <gnutls/gnutls.h>
#include <gnutls/crypto.h>
#include <json-glib/json-glib.h>

#include "jd-sandbox.h"
#include "jd-sandbox-certs.h"
#include "jd-sandbox-codesign.h"
#include "jd-service.h"

/* How long mosquitto may take to listen before start fails. */
#define BROKER_START_TIMEOUT_US (10 * G_USEC_PER_SEC)
#define BROKER_PROBE_INTERVAL_MS 50

struct _JdSandbox
{
  GObject       parent_instance;

  char         *data_dir;
  char         *things_dir;
  char         *ca_path;
  char         *ca_key_path;
  char         *server_cert_path;
  char         *server_key_path;
  char         *service_cert_path;
  char         *service_key_path;
  char         *credentials_path;
  char         *conf_path;
  char         *acl_path;
  char         *log_path;
  char         *stderr_path;
  char         *pid_path;
  char         *info_path;
  char         *store_path;
  char         *codesign_cert_path;
  char         *codesign_key_path;
  char         *files_dir;
  JdFileStore  *file_store;        /* made with the folder, kept across restarts */

  GPtrArray    *requested_things;
  guint16       requested_mqtt_port;
  guint16       requested_https_port;
  gboolean      fleet_events;

  guint16       mqtt_port;
  guint16       https_port;
  char         *access_key_id;
  char         *secret_access_key;
  JdSandboxCa  *ca;
  GHashTable   *things;            /* name → NULL, things with a certificate */

  GSubprocess  *broker;
  JdService    *service;
  gulong        thing_created_id;
  gulong        thing_deleted_id;
  GTask        *start_task;        /* while starting */
  GPtrArray    *stop_tasks;        /* waiting for mosquitto to exit */
  gint64        probe_deadline;
  guint         probe_source;
  GSocketClient *probe_client;

  double        progress;
  char         *status;
  gboolean      running;
};

G_DEFINE_FINAL_TYPE (JdSandbox, jd_sandbox, G_TYPE_OBJECT)
G_DEFINE_QUARK (jd-sandbox-error-quark, jd_sandbox_error)

enum {
  PROP_0,
  PROP_DATA_DIR,
  PROP_PROGRESS,
  PROP_STATUS,
  PROP_RUNNING,
  PROP_MQTT_PORT,
  PROP_HTTPS_PORT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum {
  BROKER_EXITED,
  THINGS_CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* What the worker thread needs and returns; it never touches the JdSandbox. */
typedef struct
{
  char         *data_dir;
  char         *things_dir;
  char         *ca_path;
  char         *ca_key_path;
  char         *server_cert_path;
  char         *server_key_path;
  char         *service_cert_path;
  char         *service_key_path;
  char         *credentials_path;
  char         *conf_path;
  char         *acl_path;
  char         *log_path;
  char         *pid_path;
  char         *codesign_cert_path;
  char         *codesign_key_path;
  char         *files_dir;
  GStrv         requested_things;
  guint16       mqtt_port;

  /* out */
  JdFileStore  *file_store;
  JdSandboxCa  *ca;
  GHashTable   *things;
  char         *access_key_id;
  char         *secret_access_key;
} PrepareData;

static void
prepare_data_free (PrepareData *data)
{
  g_free (data->data_dir);
  g_free (data->things_dir);
  g_free (data->ca_path);
  g_free (data->ca_key_path);
  g_free (data->server_cert_path);
  g_free (data->server_key_path);
  g_free (data->service_cert_path);
  g_free (data->service_key_path);
  g_free (data->credentials_path);
  g_free (data->conf_path);
  g_free (data->acl_path);
  g_free (data->log_path);
  g_free (data->pid_path);
  g_free (data->codesign_cert_path);
  g_free (data->codesign_key_path);
  g_free (data->files_dir);
  g_clear_object (&data->file_store);
  g_strfreev (data->requested_things);
  g_clear_pointer (&data->ca, jd_sandbox_ca_free);
  g_clear_pointer (&data->things, g_hash_table_unref);
  g_free (data->access_key_id);
  if (data->secret_access_key != NULL)
    memset (data->secret_access_key, 0, strlen (data->secret_access_key));
  g_free (data->secret_access_key);
  g_free (data);
}

/* ---- helpers ---- */

static gboolean
is_valid_thing_name (const char *name)
{
  gsize len;

  if (name == NULL)
    return FALSE;
  len = strlen (name);
  if (len < 1 || len > 128)
    return FALSE;
  for (const char *p = name; *p != '\0'; p++)
    if (!g_ascii_isalnum (*p) && *p != ':' && *p != '_' && *p != '-')
      return FALSE;
  return TRUE;
}

static gboolean
check_thing_name (const char  *name,
                  GError     **error)
{
  if (!is_valid_thing_name (name))
    {
      g_set_error (error, JD_SANDBOX_ERROR, JD_SANDBOX_ERROR_INVALID,
                   "“%s” is not a valid thing name (1–128 of a–z, A–Z, 0–9, “:”, “_”, “-”)",
                   name != NULL ? name : "");
      return FALSE;
    }
  /* The broker maps the certificate's CN to the MQTT user, and this user may
   * read every thing's topics: no thing may carry that name. */
  if (g_str_equal (name, JD_SANDBOX_SERVICE_IDENTITY))
    {
      g_set_error (error, JD_SANDBOX_ERROR, JD_SANDBOX_ERROR_INVALID,
                   "“%s” is reserved for the jobs service and cannot be a thing name",
                   name);
      return FALSE;
    }
  return TRUE;
}

static void
thing_paths (const char  *things_dir,
             const char  *name,
             char       **cert_path,
             char       **key_path)
{
  g_autofree char *cert_file = g_strconcat (name, ".crt", NULL);
  g_autofree char *key_file = g_strconcat (name, ".key", NULL);

  if (cert_path != NULL)
    *cert_path = g_build_filename (things_dir, cert_file, NULL);
  if (key_path != NULL)
    *key_path = g_build_filename (things_dir, key_file, NULL);
}

static gboolean
make_private_dir (const char  *path,
                  GError     **error)
{
  if (g_mkdir_with_parents (path, 0700) != 0 || g_chmod (path, 0700) != 0)
    {
      int saved = errno;
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
                   "Could not create the sandbox folder %s: %s", path, g_strerror (saved));
      return FALSE;
    }
  return TRUE;
}

static gboolean
write_private_text (const char  *path,
                    const char  *text,
                    GError     **error)
{
  if (!g_file_set_contents_full (path, text, -1, G_FILE_SET_CONTENTS_CONSISTENT, 0600, error))
    return FALSE;
  if (g_chmod (path, 0600) != 0)
    {
      int saved = errno;
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
                   "Could not restrict %s: %s", path, g_strerror (saved));
      return FALSE;
    }
  return TRUE;
}

static char *
random_string (const char *alphabet,
               gsize       len,
               GError    **error)
{
  gsize n = strlen (alphabet);
  g_autofree guint8 *bytes = g_malloc (len);
  g_autofree char *out = g_malloc (len + 1);
  int ret;

  ret = gnutls_rnd (GNUTLS_RND_KEY, bytes, len);
  if (ret < 0)
    {
      g_set_error (error, JD_SANDBOX_ERROR, JD_SANDBOX_ERROR_CERTIFICATE,
                   "Could not make random credentials: %s", gnutls_strerror (ret));
      return NULL;
    }
  /* 256 is a multiple of 32 and of 64, the two alphabet sizes used, so the
   * modulo keeps the distribution uniform. */
  for (gsize i = 0; i < len; i++)
    out[i] = alphabet[bytes[i] % n];
  out[len] = '\0';
  memset (bytes, 0, len);
  return g_steal_pointer (&out);
}

static gboolean
load_or_create_credentials (PrepareData  *data,
                            GError      **error)
{
  g_autoptr(JsonParser) parser = NULL;
  g_autoptr(JsonBuilder) builder = NULL;
  g_autoptr(JsonGenerator) generator = NULL;
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *suffix = NULL;
  g_autofree char *text = NULL;

  if (g_file_test (data->credentials_path, G_FILE_TEST_EXISTS))
    {
      JsonObject *object;
      const char *id, *secret;

      parser = json_parser_new ();
      if (!json_parser_load_from_file (parser, data->credentials_path, error))
        return FALSE;
      object = JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser))
        ? json_node_get_object (json_parser_get_root (parser)) : NULL;
      id = object ? json_object_get_string_member_with_default (object, "accessKeyId", NULL) : NULL;
      secret = object ? json_object_get_string_member_with_default (object, "secretAccessKey", NULL) : NULL;
      if (id == NULL || secret == NULL)
        {
          g_set_error (error, JD_SANDBOX_ERROR, JD_SANDBOX_ERROR_CERTIFICATE,
                       "%s lacks accessKeyId or secretAccessKey", data->credentials_path);
          return FALSE;
        }
      data->access_key_id = g_strdup (id);
      data->secret_access_key = g_strdup (secret);
      return TRUE;
    }

  /* AWS's shapes: AKIA + 16 base32 characters, and a 40-character secret. */
  suffix = random_string ("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", 16, error);
  if (suffix == NULL)
    return FALSE;
  data->access_key_id = g_strconcat ("AKIA", suffix, NULL);
  data->secret_access_key =
    random_string ("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/", 40, error);
  if (data->secret_access_key == NULL)
    return FALSE;

  builder = json_builder_new ();
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "accessKeyId");
  json_builder_add_string_value (builder, data->access_key_id);
  json_builder_set_member_name (builder, "secretAccessKey");
  json_builder_add_string_value (builder, data->secret_access_key);
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  generator = json_generator_new ();
  json_generator_set_pretty (generator, TRUE);
  json_generator_set_root (generator, root);
  text = json_generator_to_data (generator, NULL);
  return write_private_text (data->credentials_path, text, error);
}

static gboolean
scan_things (PrepareData  *data,
             GError      **error)
{
  g_autoptr(GDir) dir = g_dir_open (data->things_dir, 0, error);
  const char *entry;

  if (dir == NULL)
    return FALSE;
  while ((entry = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *name = NULL;
      g_autofree char *key_path = NULL;

      if (!g_str_has_suffix (entry, ".crt"))
        continue;
      name = g_strndup (entry, strlen (entry) - strlen (".crt"));
      if (!is_valid_thing_name (name))
        continue;
      thing_paths (data->things_dir, name, NULL, &key_path);
      if (g_file_test (key_path, G_FILE_TEST_IS_REGULAR))
        g_hash_table_add (data->things, g_steal_pointer (&name));
    }
  return TRUE;
}

static gboolean
issue_thing (JdSandboxCa  *ca,
             const char   *things_dir,
             const char   *name,
             GError      **error)
{
  g_autofree char *cert_path = NULL;
  g_autofree char *key_path = NULL;

  thing_paths (things_dir, name, &cert_path, &key_path);
  return jd_sandbox_ca_issue (ca, JD_SANDBOX_CERT_CLIENT, name, cert_path, key_path, error);
}

static char *
build_acl (void)
{
  return g_strdup_printf (
    "# Generated by Jobdeck at every sandbox start; edits are lost.\n"
    "# A thing (certificate CN = MQTT user) reaches only its own jobs topics,\n"
    "# as an AWS IoT policy would allow.\n"
    "pattern readwrite $aws/things/%%u/jobs/#\n"
    "\n"
    "# The jobs service answers for every thing and may publish fleet events.\n"
    "user %s\n"
    "topic readwrite $aws/things/+/jobs/#\n"
    "topic readwrite $aws/events/#\n",
    JD_SANDBOX_SERVICE_IDENTITY);
}

static char *
build_conf (PrepareData *data)
{
  GString *conf = g_string_new (NULL);

  g_string_append (conf,
                   "# Generated by Jobdeck at every sandbox start; edits are lost.\n"
                   "per_listener_settings false\n"
                   "allow_anonymous false\n"
                   "persistence false\n"
                   "connection_messages true\n"
                   "set_tcp_nodelay true\n"
                   "log_type error\n"
                   "log_type warning\n"
                   "log_type notice\n"
                   "log_type information\n");
  g_string_append_printf (conf, "log_dest file %s\n", data->log_path);
  g_string_append_printf (conf, "acl_file %s\n", data->acl_path);
  g_string_append_printf (conf, "pid_file %s\n", data->pid_path);
  /* Started as root, mosquitto switches to the "mosquitto" user before reading
   * the 0600 key; keep it as root then (we are root already). */
  if (geteuid () == 0)
    g_string_append (conf, "user root\n");
  g_string_append_printf (conf, "\nlistener %u %s\n", data->mqtt_port, JD_SANDBOX_HOST);
  g_string_append_printf (conf, "cafile %s\n", data->ca_path);
  g_string_append_printf (conf, "certfile %s\n", data->server_cert_path);
  g_string_append_printf (conf, "keyfile %s\n", data->server_key_path);
  g_string_append (conf,
                   "require_certificate true\n"
                   "use_identity_as_username true\n");
  return g_string_free (conf, FALSE);
}

static guint16
pick_free_port (GError **error)
{
  g_autoptr(GSocket) socket = NULL;
  g_autoptr(GInetAddress) loopback = NULL;
  g_autoptr(GSocketAddress) address = NULL;
  g_autoptr(GSocketAddress) bound = NULL;

  socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, error);
  if (socket == NULL)
    return 0;
  loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  address = g_inet_socket_address_new (loopback, 0);
  if (!g_socket_bind (socket, address, FALSE, error))
    return 0;
  bound = g_socket_get_local_address (socket, error);
  if (bound == NULL)
    return 0;
  return g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
}

static gboolean
ensure_file_pair (JdSandboxCa       *ca,
                  JdSandboxCertKind  kind,
                  const char        *common_name,
                  const char        *cert_path,
                  const char        *key_path,
                  GError           **error)
{
  if (g_file_test (cert_path, G_FILE_TEST_IS_REGULAR) &&
      g_file_test (key_path, G_FILE_TEST_IS_REGULAR))
    return TRUE;
  return jd_sandbox_ca_issue (ca, kind, common_name, cert_path, key_path, error);
}

static void
prepare_thread (GTask        *task,
                gpointer      source_object,
                gpointer      task_data,
                GCancellable *cancellable)
{
  PrepareData *data = task_data;
  GError *error = NULL;
  g_autofree char *acl = NULL;
  g_autofree char *conf = NULL;

  if (!make_private_dir (data->data_dir, &error) ||
      !make_private_dir (data->things_dir, &error))
    goto fail;

  data->ca = jd_sandbox_ca_load_or_create (data->ca_path, data->ca_key_path, &error);
  if (data->ca == NULL)
    goto fail;
  if (!ensure_file_pair (data->ca, JD_SANDBOX_CERT_SERVER, "localhost",
                         data->server_cert_path, data->server_key_path, &error) ||
      !ensure_file_pair (data->ca, JD_SANDBOX_CERT_CLIENT, JD_SANDBOX_SERVICE_IDENTITY,
                         data->service_cert_path, data->service_key_path, &error) ||
      !load_or_create_credentials (data, &error) ||
      !scan_things (data, &error))
    goto fail;

  for (guint i = 0; data->requested_things[i] != NULL; i++)
    {
      const char *name = data->requested_things[i];

      if (g_hash_table_contains (data->things, name))
        continue;
      if (!issue_thing (data->ca, data->things_dir, name, &error))
        goto fail;
      g_hash_table_add (data->things, g_strdup (name));
    }
  /* A brand-new folder with no thing asked for gets the default one. */
  if (g_hash_table_size (data->things) == 0)
    {
      if (!issue_thing (data->ca, data->things_dir, JD_SANDBOX_DEFAULT_THING, &error))
        goto fail;
      g_hash_table_add (data->things, g_strdup (JD_SANDBOX_DEFAULT_THING));
    }

  if (data->mqtt_port == 0)
    {
      data->mqtt_port = pick_free_port (&error);
      if (data->mqtt_port == 0)
        goto fail;
    }

  /* The code-signing identity and the file store (issue 13). */
  if (!jd_sandbox_codesign_ensure (data->codesign_cert_path, data->codesign_key_path, &error))
    {
      error->domain = JD_SANDBOX_ERROR;
      error->code = JD_SANDBOX_ERROR_CERTIFICATE;
      goto fail;
    }
  data->file_store = jd_file_store_new (data->files_dir, JD_SANDBOX_REGION, &error);
  if (data->file_store == NULL)
    goto fail;

  acl = build_acl ();
  conf = build_conf (data);
  if (!write_private_text (data->acl_path, acl, &error) ||
      !write_private_text (data->conf_path, conf, &error))
    goto fail;

  g_task_return_boolean (task, TRUE);
  return;

fail:
  g_task_return_error (task, error);
}

static void
set_progress (JdSandbox  *self,
              double      progress,
              const char *status)
{
  self->progress = progress;
  g_free (self->status);
  self->status = g_strdup (status);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PROGRESS]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATUS]);
}

static void
set_running (JdSandbox *self,
             gboolean   running)
{
  if (self->running == running)
    return;
  self->running = running;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RUNNING]);
}

static const char *
find_mosquitto (char **owned)
{
  static const char *const fallbacks[] = {
    "/app/bin/mosquitto", "/usr/sbin/mosquitto", "/usr/local/sbin/mosquitto",
  };
  const char *env = g_getenv ("JOBDECK_MOSQUITTO");

  if (env != NULL && *env != '\0')
    return env;
  *owned = g_find_program_in_path ("mosquitto");
  if (*owned != NULL)
    return *owned;
  for (guint i = 0; i < G_N_ELEMENTS (fallbacks); i++)
    if (g_file_test (fallbacks[i], G_FILE_TEST_IS_EXECUTABLE))
      return fallbacks[i];
  return NULL;
}

static char *
broker_output_tail (JdSandbox *self)
{
  GString *out = g_string_new (NULL);
  const char *paths[] = { self->stderr_path, self->log_path };

  for (guint i = 0; i < G_N_ELEMENTS (paths); i++)
    {
      g_autofree char *text = NULL;
      gsize len = 0;

      if (!g_file_get_contents (paths[i], &text, &len, NULL) || len == 0)
        continue;
      g_strchomp (text);
      /* The last few lines are the ones that say why. */
      if (strlen (text) > 600)
        g_string_append (out, text + strlen (text) - 600);
      else
        g_string_append (out, text);
      g_string_append_c (out, ' ');
    }
  g_strchomp (out->str);
  return g_string_free (out, FALSE);
}

static void
child_setup (gpointer user_data)
{
#ifdef __linux__
  /* The broker must not outlive us, even when we crash. */
  prctl (PR_SET_PDEATHSIG, SIGTERM);
#endif
}

static int
compare_names (const void *a,
               const void *b)
{
  return strcmp (*(const char *const *) a, *(const char *const *) b);
}

/* ---- sandbox.json ---- */

static gboolean
write_info (JdSandbox  *self,
            GError    **error)
{
  g_autoptr(JdSandboxInfo) info = jd_sandbox_dup_info (self);

  return jd_sandbox_info_save (info, self->data_dir, error);
}

/* ---- starting ---- */

static void start_probe (JdSandbox *self);

static void
stop_service (JdSandbox *self)
{
  if (self->service == NULL)
    return;
  g_clear_signal_handler (&self->thing_created_id, self->service);
  g_clear_signal_handler (&self->thing_deleted_id, self->service);
  jd_service_stop (self->service);
  g_clear_object (&self->service);
}

static void
start_fail (JdSandbox *self,
            GError    *error)
{
  g_autoptr(GTask) task = g_steal_pointer (&self->start_task);

  g_clear_handle_id (&self->probe_source, g_source_remove);
  stop_service (self);
  /* A half-started broker goes away; its exit completes no stop task. */
  if (self->broker != NULL)
    g_subprocess_send_signal (self->broker, SIGTERM);
  set_progress (self, 0.0, error->message);
  g_task_return_error (task, error);
}

static void
service_ready (JdSandbox *self)
{
  g_autoptr(GTask) task = g_steal_pointer (&self->start_task);
  GError *error = NULL;

  if (!write_info (self, &error))
    {
      self->start_task = g_steal_pointer (&task);
      start_fail (self, error);
      return;
    }
  set_running (self, TRUE);
  set_progress (self, 1.0, "Running");
  g_task_return_boolean (task, TRUE);
}

static void
thing_created_cb (JdService  *service,
                  const char *thing_name,
                  JdSandbox  *self)
{
  g_autoptr(GError) error = NULL;

  /* CreateThing already answered; a thing whose name the broker cannot take
   * as an identity simply gets no certificate. */
  if (!jd_sandbox_ensure_thing (self, thing_name, &error))
    g_message ("No certificate for thing %s: %s", thing_name, error->message);
}

static void
thing_deleted_cb (JdService  *service,
                  const char *thing_name,
                  JdSandbox  *self)
{
  g_autofree char *cert_path = NULL;
  g_autofree char *key_path = NULL;
  g_autoptr(GError) error = NULL;

  /* Its identity goes too: otherwise the next start would bring the thing back
   * from its certificate. A client already connected stays connected, as on
   * AWS until its certificate is revoked. */
  if (!g_hash_table_remove (self->things, thing_name))
    return;
  thing_paths (self->things_dir, thing_name, &cert_path, &key_path);
  g_unlink (cert_path);
  g_unlink (key_path);
  if (self->running && !write_info (self, &error))
    g_message ("Could not rewrite %s: %s", self->info_path, error->message);
  g_signal_emit (self, signals[THINGS_CHANGED], 0);
}

/* Every thing with a certificate exists in the store, and every thing in the
 * store has a certificate (things created while another tool held the folder). */
static gboolean
sync_things (JdSandbox  *self,
             GError    **error)
{
  JdStore *store = jd_service_get_store (self->service);
  g_auto(GStrv) names = jd_sandbox_dup_thing_names (self);
  g_autoptr(GPtrArray) things = NULL;
  g_autofree char *after = NULL;
  gboolean more = TRUE;

  for (guint i = 0; names[i] != NULL; i++)
    if (!jd_service_ensure_thing (self->service, names[i], error))
      return FALSE;

  while (more)
    {
      things = jd_store_list_things (store, after, 100, NULL, NULL, NULL, &more, error);
      if (things == NULL)
        return FALSE;
      for (guint i = 0; i < things->len; i++)
        {
          JdStoreThing *thing = g_ptr_array_index (things, i);

          if (check_thing_name (thing->thing_name, NULL) &&
              !g_hash_table_contains (self->things, thing->thing_name) &&
              !issue_thing (self->ca, self->things_dir, thing->thing_name, error))
            return FALSE;
          g_hash_table_add (self->things, g_strdup (thing->thing_name));
          g_free (after);
          after = g_strdup (thing->thing_name);
        }
      g_clear_pointer (&things, g_ptr_array_unref);
    }
  return TRUE;
}

static void
service_started_cb (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(JdSandbox) self = user_data;
  GError *error = NULL;

  if (self->start_task == NULL)
    return;
  if (!jd_service_start_finish (JD_SERVICE (source), result, &error) ||
      !sync_things (self, &error))
    {
      g_clear_object (&self->service);
      start_fail (self, error);
      return;
    }
  jd_service_mqtt_set_fleet_events (jd_service_get_mqtt (self->service), self->fleet_events,
                                    JD_SANDBOX_REGION, JD_SANDBOX_ACCOUNT_ID);
  self->https_port = jd_service_get_https_port (self->service);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_HTTPS_PORT]);
  self->thing_created_id = g_signal_connect (self->service, "thing-created",
                                             G_CALLBACK (thing_created_cb), self);
  self->thing_deleted_id = g_signal_connect (self->service, "thing-deleted",
                                             G_CALLBACK (thing_deleted_cb), self);
  service_ready (self);
}

static void
start_service (JdSandbox *self)
{
  JdServiceConfig config = {
    .store_path = self->store_path,
    .mqtt_host = JD_SANDBOX_HOST,
    .mqtt_port = self->mqtt_port,
    .ca_path = self->ca_path,
    .mqtt_cert_path = self->service_cert_path,
    .mqtt_key_path = self->service_key_path,
    .https_cert_path = self->server_cert_path,
    .https_key_path = self->server_key_path,
    .https_port = self->requested_https_port,
    .access_key_id = self->access_key_id,
    .secret_access_key = self->secret_access_key,
    .region = JD_SANDBOX_REGION,
    .account_id = JD_SANDBOX_ACCOUNT_ID,
    .file_store = self->file_store,
  };

  set_progress (self, 0.7, "Starting the jobs service");
  self->service = jd_service_new (&config);
  jd_service_start_async (self->service, g_task_get_cancellable (self->start_task),
                          service_started_cb, g_object_ref (self));
}

static gboolean
probe_again_cb (gpointer user_data)
{
  JdSandbox *self = user_data;

  self->probe_source = 0;
  start_probe (self);
  return G_SOURCE_REMOVE;
}

static void
probe_connected_cb (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(JdSandbox) self = user_data;
  g_autoptr(GSocketConnection) connection = NULL;
  g_autoptr(GError) error = NULL;

  connection = g_socket_client_connect_to_host_finish (G_SOCKET_CLIENT (source), result, &error);
  if (self->start_task == NULL)
    return;   /* failed meanwhile (the broker exited) */

  if (g_task_return_error_if_cancelled (self->start_task))
    {
      g_clear_object (&self->start_task);
      if (self->broker != NULL)
        g_subprocess_send_signal (self->broker, SIGTERM);
      set_progress (self, 0.0, "Canceled");
      return;
    }

  if (connection == NULL)
    {
      if (g_get_monotonic_time () > self->probe_deadline)
        {
          g_autofree char *tail = broker_output_tail (self);
          start_fail (self, g_error_new (JD_SANDBOX_ERROR, JD_SANDBOX_ERROR_BROKER,
                                         "The broker did not listen on port %u within 10 seconds. %s",
                                         self->mqtt_port, tail));
          return;
        }
      self->probe_source = g_timeout_add (BROKER_PROBE_INTERVAL_MS, probe_again_cb, self);
      return;
    }

  g_io_stream_close (G_IO_STREAM (connection), NULL, NULL);
  start_service (self);
}

static void
start_probe (JdSandbox *self)
{
  g_socket_client_connect_to_host_async (self->probe_client, JD_SANDBOX_HOST, self->mqtt_port,
                                         NULL, probe_connected_cb, g_object_ref (self));
}

static void
broker_exited_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(JdSandbox) self = user_data;
  g_autoptr(GPtrArray) stop_tasks = NULL;
  GSubprocess *broker = G_SUBPROCESS (source);
  gboolean expected;

  g_subprocess_wait_finish (broker, result, NULL);
  if (self->broker != broker)
    return;

  expected = self->stop_tasks->len > 0;
  g_clear_object (&self->broker);

  if (self->start_task != NULL)
    {
      g_autofree char *tail = broker_output_tail (self);
      start_fail (self, g_error_new (JD_SANDBOX_ERROR, JD_SANDBOX_ERROR_BROKER,
                                     "The broker exited while starting. %s", tail));
      return;
    }

  if (self->running)
    {
      g_unlink (self->info_path);
      set_running (self, FALSE);
      set_progress (self, 0.0, expected ? "Stopped" : "The broker exited");
      if (!expected)
        {
          /* Without its broker the service has nobody to talk to. */
          stop_service (self);
          g_message ("mosquitto exited unexpectedly; see %s", self->log_path);
          g_signal_emit (self, signals[BROKER_EXITED], 0);
        }
    }

  stop_tasks = g_steal_pointer (&self->stop_tasks);
  self->stop_tasks = g_ptr_array_new_with_free_func (g_object_unref);
  for (guint i = 0; i < stop_tasks->len; i++)
    g_task_return_boolean (g_ptr_array_index (stop_tasks, i), TRUE);
}

static void
prepare_done_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  JdSandbox *self = JD_SANDBOX (source);
  GTask *inner = G_TASK (result);
  PrepareData *data = g_task_get_task_data (inner);
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autofree char *owned_path = NULL;
  const char *mosquitto;
  GError *error = NULL;

  if (!g_task_propagate_boolean (inner, &error))
    {
      start_fail (self, error);
      return;
    }
  if (g_task_return_error_if_cancelled (self->start_task))
    {
      g_clear_object (&self->start_task);
      set_progress (self, 0.0, "Canceled");
      return;
    }

  g_clear_pointer (&self->ca, jd_sandbox_ca_free);
  self->ca = g_steal_pointer (&data->ca);
  g_clear_pointer (&self->things, g_hash_table_unref);
  self->things = g_steal_pointer (&data->things);
  g_free (self->access_key_id);
  self->access_key_id = g_steal_pointer (&data->access_key_id);
  g_free (self->secret_access_key);
  self->secret_access_key = g_steal_pointer (&data->secret_access_key);
  self->mqtt_port = data->mqtt_port;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MQTT_PORT]);
  g_clear_object (&self->file_store);
  self->file_store = g_steal_pointer (&data->file_store);

  set_progress (self, 0.4, "Starting the broker");
  mosquitto = find_mosquitto (&owned_path);
  if (mosquitto == NULL)
    {
      start_fail (self, g_error_new (JD_SANDBOX_ERROR, JD_SANDBOX_ERROR_BROKER,
                                     "The mosquitto broker is not installed (looked on PATH, "
                                     "in /usr/sbin and in /app/bin)"));
      return;
    }

  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_SILENCE |
                                        G_SUBPROCESS_FLAGS_STDIN_INHERIT);
  g_subprocess_launcher_set_stderr_file_path (launcher, self->stderr_path);
  g_subprocess_launcher_set_child_setup (launcher, child_setup, NULL, NULL);
  self->broker = g_subprocess_launcher_spawn (launcher, &error, mosquitto, "-c", self->conf_path, NULL);
  if (self->broker == NULL)
    {
      g_prefix_error (&error, "Could not start the broker: ");
      error->domain = JD_SANDBOX_ERROR;
      error->code = JD_SANDBOX_ERROR_BROKER;
      start_fail (self, error);
      return;
    }
  g_subprocess_wait_async (self->broker, NULL, broker_exited_cb, g_object_ref (self));

  self->probe_deadline = g_get_monotonic_time () + BROKER_START_TIMEOUT_US;
  start_probe (self);
}

/* ---- GObject ---- */

static void
jd_sandbox_dispose (GObject *object)
{
  JdSandbox *self = JD_SANDBOX (object);

  g_clear_handle_id (&self->probe_source, g_source_remove);
  stop_service (self);
  if (self->broker != NULL)
    {
      /* Last resort for an owner that did not stop us: do not leave a broker. */
      g_subprocess_send_signal (self->broker, SIGTERM);
      g_subprocess_wait (self->broker, NULL, NULL);
      g_clear_object (&self->broker);
      g_unlink (self->info_path);
    }
  g_clear_object (&self->probe_client);

  G_OBJECT_CLASS (jd_sandbox_parent_class)->dispose (object);
}

static void
jd_sandbox_finalize (GObject *object)
{
  JdSandbox *self = JD_SANDBOX (object);

  g_free (self->data_dir);
  g_free (self->things_dir);
  g_free (self->ca_path);
  g_free (self->ca_key_path);
  g_free (self->server_cert_path);
  g_free (self->server_key_path);
  g_free (self->service_cert_path);
  g_free (self->service_key_path);
  g_free (self->credentials_path);
  g_free (self->conf_path);
  g_free (self->acl_path);
  g_free (self->log_path);
  g_free (self->stderr_path);
  g_free (self->pid_path);
  g_free (self->info_path);
  g_free (self->store_path);
  g_free (self->codesign_cert_path);
  g_free (self->codesign_key_path);
  g_free (self->files_dir);
  g_clear_object (&self->file_store);
  g_ptr_array_unref (self->requested_things);
  g_ptr_array_unref (self->stop_tasks);
  g_free (self->access_key_id);
  if (self->secret_access_key != NULL)
    memset (self->secret_access_key, 0, strlen (self->secret_access_key));
  g_free (self->secret_access_key);
  g_clear_pointer (&self->ca, jd_sandbox_ca_free);
  g_clear_pointer (&self->things, g_hash_table_unref);
  g_free (self->status);

  G_OBJECT_CLASS (jd_sandbox_parent_class)->finalize (object);
}

static void
jd_sandbox_constructed (GObject *object)
{
  JdSandbox *self = JD_SANDBOX (object);
  const char *dir = self->data_dir;

  G_OBJECT_CLASS (jd_sandbox_parent_class)->constructed (object);

  self->things_dir = g_build_filename (dir, "things", NULL);
  self->ca_path = g_build_filename (dir, "ca.pem", NULL);
  self->ca_key_path = g_build_filename (dir, "ca.key", NULL);
  self->server_cert_path = g_build_filename (dir, "server.pem", NULL);
  self->server_key_path = g_build_filename (dir, "server.key", NULL);
  self->service_cert_path = g_build_filename (dir, "service.pem", NULL);
  self->service_key_path = g_build_filename (dir, "service.key", NULL);
  self->credentials_path = g_build_filename (dir, "credentials.json", NULL);
  self->conf_path = g_build_filename (dir, "mosquitto.conf", NULL);
  self->acl_path = g_build_filename (dir, "mosquitto.acl", NULL);
  self->log_path = g_build_filename (dir, "mosquitto.log", NULL);
  self->stderr_path = g_build_filename (dir, "mosquitto.stderr", NULL);
  self->pid_path = g_build_filename (dir, "mosquitto.pid", NULL);
  self->info_path = g_build_filename (dir, JD_SANDBOX_INFO_FILE, NULL);
  self->store_path = g_build_filename (dir, JD_SANDBOX_STORE_FILE, NULL);
  self->codesign_cert_path = g_build_filename (dir, JD_SANDBOX_CODESIGN_CERT, NULL);
  self->codesign_key_path = g_build_filename (dir, JD_SANDBOX_CODESIGN_KEY, NULL);
  self->files_dir = g_build_filename (dir, JD_SANDBOX_FILES_DIR, NULL);
}

static void
jd_sandbox_get_property (GObject    *object,
                         guint       prop_id,
                         GValue     *value,
                         GParamSpec *pspec)
{
  JdSandbox *self = JD_SANDBOX (object);

  switch (prop_id)
    {
    case PROP_DATA_DIR:
      g_value_set_string (value, self->data_dir);
      break;
    case PROP_PROGRESS:
      g_value_set_double (value, self->progress);
      break;
    case PROP_STATUS:
      g_value_set_string (value, self->status);
      break;
    case PROP_RUNNING:
      g_value_set_boolean (value, self->running);
      break;
    case PROP_MQTT_PORT:
      g_value_set_uint (value, self->mqtt_port);
      break;
    case PROP_HTTPS_PORT:
      g_value_set_uint (value, self->https_port);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
jd_sandbox_set_property (GObject      *object,
                         guint         prop_id,
                         const GValue *value,
                         GParamSpec   *pspec)
{
  JdSandbox *self = JD_SANDBOX (object);

  switch (prop_id)
    {
    case PROP_DATA_DIR:
      self->data_dir = g_value_dup_string (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
jd_sandbox_class_init (JdSandboxClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = jd_sandbox_dispose;
  object_class->finalize = jd_sandbox_finalize;
  object_class->constructed = jd_sandbox_constructed;
  object_class->get_property = jd_sandbox_get_property;
  object_class->set_property = jd_sandbox_set_property;

  properties[PROP_DATA_DIR] =
    g_param_spec_string ("data-dir", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_PROGRESS] =
    g_param_spec_double ("progress", NULL, NULL, 0.0, 1.0, 0.0,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_STATUS] =
    g_param_spec_string ("status", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_RUNNING] =
    g_param_spec_boolean ("running", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_MQTT_PORT] =
    g_param_spec_uint ("mqtt-port", NULL, NULL, 0, G_MAXUINT16, 0,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_HTTPS_PORT] =
    g_param_spec_uint ("https-port", NULL, NULL, 0, G_MAXUINT16, 0,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * JdSandbox::broker-exited:
   *
   * Mosquitto exited while the sandbox was running, not because of a stop.
   */
  signals[BROKER_EXITED] =
    g_signal_new ("broker-exited", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);

  /**
   * JdSandbox::things-changed:
   *
   * A thing got its certificate; sandbox.json was rewritten.
   */
  signals[THINGS_CHANGED] =
    g_signal_new ("things-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
jd_sandbox_init (JdSandbox *self)
{
  self->requested_things = g_ptr_array_new_with_free_func (g_free);
  self->stop_tasks = g_ptr_array_new_with_free_func (g_object_unref);
  self->things = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->status = g_strdup ("Stopped");
  self->probe_client = g_socket_client_new ();
  g_socket_client_set_timeout (self->probe_client, 2);
}

/* ---- public API ---- */

/**
 * jd_sandbox_new:
 * @data_dir: the sandbox folder; created on first start
 *
 * Returns: (transfer full): a stopped sandbox
 */
JdSandbox *
jd_sandbox_new (const char *data_dir)
{
  g_return_val_if_fail (data_dir != NULL, NULL);

  return g_object_new (JD_TYPE_SANDBOX, "data-dir", data_dir, NULL);
}

/**
 * jd_sandbox_dup_default_data_dir:
 *
 * Returns: (transfer full): the default sandbox folder
 */
char *
jd_sandbox_dup_default_data_dir (void)
{
  return g_build_filename (g_get_user_data_dir (), "jobdeck", "sandbox", NULL);
}

gboolean
jd_sandbox_add_thing (JdSandbox   *self,
                      const char  *thing_name,
                      GError     **error)
{
  g_return_val_if_fail (JD_IS_SANDBOX (self), FALSE);

  if (!check_thing_name (thing_name, error))
    return FALSE;
  for (guint i = 0; i < self->requested_things->len; i++)
    if (g_str_equal (g_ptr_array_index (self->requested_things, i), thing_name))
      return TRUE;
  g_ptr_array_add (self->requested_things, g_strdup (thing_name));
  return TRUE;
}

void
jd_sandbox_set_mqtt_port (JdSandbox *self,
                          guint16    port)
{
  g_return_if_fail (JD_IS_SANDBOX (self));
  self->requested_mqtt_port = port;
}

void
jd_sandbox_set_https_port (JdSandbox *self,
                           guint16    port)
{
  g_return_if_fail (JD_IS_SANDBOX (self));
  self->requested_https_port = port;
}

void
jd_sandbox_set_fleet_events (JdSandbox *self,
                             gboolean   enabled)
{
  g_return_if_fail (JD_IS_SANDBOX (self));

  self->fleet_events = enabled;
  if (self->service != NULL && jd_service_get_mqtt (self->service) != NULL)
    jd_service_mqtt_set_fleet_events (jd_service_get_mqtt (self->service), enabled,
                                      JD_SANDBOX_REGION, JD_SANDBOX_ACCOUNT_ID);
}

void
jd_sandbox_start_async (JdSandbox           *self,
                        GCancellable        *cancellable,
                        GAsyncReadyCallback  callback,
                        gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GTask) inner = NULL;
  PrepareData *data;

  g_return_if_fail (JD_IS_SANDBOX (self));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, jd_sandbox_start_async);

  if (self->start_task != NULL || self->running || self->broker != NULL)
    {
      g_task_return_new_error (task, JD_SANDBOX_ERROR, JD_SANDBOX_ERROR_BUSY,
                               "The sandbox is already running or starting");
      return;
    }

  data = g_new0 (PrepareData, 1);
  data->data_dir = g_strdup (self->data_dir);
  data->things_dir = g_strdup (self->things_dir);
  data->ca_path = g_strdup (self->ca_path);
  data->ca_key_path = g_strdup (self->ca_key_path);
  data->server_cert_path = g_strdup (self->server_cert_path);
  data->server_key_path = g_strdup (self->server_key_path);
  data->service_cert_path = g_strdup (self->service_cert_path);
  data->service_key_path = g_strdup (self->service_key_path);
  data->credentials_path = g_strdup (self->credentials_path);
  data->conf_path = g_strdup (self->conf_path);
  data->acl_path = g_strdup (self->acl_path);
  data->log_path = g_strdup (self->log_path);
  data->pid_path = g_strdup (self->pid_path);
  data->codesign_cert_path = g_strdup (self->codesign_cert_path);
  data->codesign_key_path = g_strdup (self->codesign_key_path);
  data->files_dir = g_strdup (self->files_dir);
  data->requested_things = g_new0 (char *, self->requested_things->len + 1);
  for (guint i = 0; i < self->requested_things->len; i++)
    data->requested_things[i] = g_strdup (g_ptr_array_index (self->requested_things, i));
  data->mqtt_port = self->requested_mqtt_port;
  data->things = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  self->start_task = g_steal_pointer (&task);
  set_progress (self, 0.1, "Preparing the sandbox folder");

  inner = g_task_new (self, cancellable, prepare_done_cb, NULL);
  g_task_set_source_tag (inner, prepare_thread);
  g_task_set_task_data (inner, data, (GDestroyNotify) prepare_data_free);
  g_task_run_in_thread (inner, prepare_thread);
}

gboolean
jd_sandbox_start_finish (JdSandbox     *self,
                         GAsyncResult  *result,
                         GError       **error)
{
  g_return_val_if_fail (JD_IS_SANDBOX (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

void
jd_sandbox_stop_async (JdSandbox           *self,
                       GCancellable        *cancellable,
                       GAsyncReadyCallback  callback,
                       gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (JD_IS_SANDBOX (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, jd_sandbox_stop_async);

  if (self->start_task != NULL)
    {
      g_task_return_new_error (task, JD_SANDBOX_ERROR, JD_SANDBOX_ERROR_BUSY,
                               "The sandbox is still starting; cancel the start instead");
      return;
    }
  if (self->broker == NULL)
    {
      stop_service (self);
      set_running (self, FALSE);
      g_task_return_boolean (task, TRUE);
      return;
    }

  set_progress (self, self->progress, "Stopping");
  stop_service (self);
  g_ptr_array_add (self->stop_tasks, g_steal_pointer (&task));
  if (self->stop_tasks->len == 1)
    g_subprocess_send_signal (self->broker, SIGTERM);
}

gboolean
jd_sandbox_stop_finish (JdSandbox     *self,
                        GAsyncResult  *result,
                        GError       **error)
{
  g_return_val_if_fail (JD_IS_SANDBOX (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

gboolean
jd_sandbox_ensure_thing (JdSandbox   *self,
                         const char  *thing_name,
                         GError     **error)
{
  g_return_val_if_fail (JD_IS_SANDBOX (self), FALSE);

  if (!check_thing_name (thing_name, error))
    return FALSE;
  if (self->service != NULL && !jd_service_ensure_thing (self->service, thing_name, error))
    return FALSE;
  if (g_hash_table_contains (self->things, thing_name))
    return TRUE;
  if (self->ca == NULL)
    {
      g_set_error (error, JD_SANDBOX_ERROR, JD_SANDBOX_ERROR_BUSY,
                   "The sandbox must be started before it can issue certificates");
      return FALSE;
    }
  /* One ECDSA P-256 key and two small files: a millisecond, fine on the main
   * loop, and it keeps CreateThing's reply after the files exist. */
  if (!issue_thing (self->ca, self->things_dir, thing_name, error))
    return FALSE;
  g_hash_table_add (self->things, g_strdup (thing_name));
  if (self->running && !write_info (self, error))
    return FALSE;
  g_signal_emit (self, signals[THINGS_CHANGED], 0);
  return TRUE;
}

/**
 * jd_sandbox_get_service:
 * @self: a sandbox
 *
 * Returns: (transfer none) (nullable): the service while running
 */
JdService *
jd_sandbox_get_service (JdSandbox *self)
{
  g_return_val_if_fail (JD_IS_SANDBOX (self), NULL);
  return self->service;
}

gboolean
jd_sandbox_get_running (JdSandbox *self)
{
  g_return_val_if_fail (JD_IS_SANDBOX (self), FALSE);
  return self->running;
}

double
jd_sandbox_get_progress (JdSandbox *self)
{
  g_return_val_if_fail (JD_IS_SANDBOX (self), 0.0);
  return self->progress;
}

const char *
jd_sandbox_get_status (JdSandbox *self)
{
  g_return_val_if_fail (JD_IS_SANDBOX (self), NULL);
  return self->status;
}

const char *
jd_sandbox_get_data_dir (JdSandbox *self)
{
  g_return_val_if_fail (JD_IS_SANDBOX (self), NULL);
  return self->data_dir;
}

const char *
jd_sandbox_get_info_path (JdSandbox *self)
{
  g_return_val_if_fail (JD_IS_SANDBOX (self), NULL);
  return self->info_path;
}

const char *
jd_sandbox_get_store_path (JdSandbox *self)
{
  g_return_val_if_fail (JD_IS_SANDBOX (self), NULL);
  return self->store_path;
}

guint16
jd_sandbox_get_mqtt_port (JdSandbox *self)
{
  g_return_val_if_fail (JD_IS_SANDBOX (self), 0);
  return self->mqtt_port;
}

guint16
jd_sandbox_get_https_port (JdSandbox *self)
{
  g_return_val_if_fail (JD_IS_SANDBOX (self), 0);
  return self->https_port;
}

char *
jd_sandbox_dup_endpoint (JdSandbox *self)
{
  g_return_val_if_fail (JD_IS_SANDBOX (self), NULL);
  return g_strdup_printf ("https://%s:%u", JD_SANDBOX_HOST, self->https_port);
}

const char *
jd_sandbox_get_ca_path (JdSandbox *self)
{
  g_return_val_if_fail (JD_IS_SANDBOX (self), NULL);
  return self->ca_path;
}

const char *
jd_sandbox_get_server_cert_path (JdSandbox *self)
{
  g_return_val_if_fail (JD_IS_SANDBOX (self), NULL);
  return self->server_cert_path;
}

const char *
jd_sandbox_get_server_key_path (JdSandbox *self)
{
  g_return_val_if_fail (JD_IS_SANDBOX (self), NULL);
  return self->server_key_path;
}

const char *
jd_sandbox_get_service_cert_path (JdSandbox *self)
{
  g_return_val_if_fail (JD_IS_SANDBOX (self), NULL);
  return self->service_cert_path;
}

const char *
jd_sandbox_get_service_key_path (JdSandbox *self)
{
  g_return_val_if_fail (JD_IS_SANDBOX (self), NULL);
  return self->service_key_path;
}

const char *
jd_sandbox_get_access_key_id (JdSandbox *self)
{
  g_return_val_if_fail (JD_IS_SANDBOX (self), NULL);
  return self->access_key_id;
}

const char *
jd_sandbox_get_secret_access_key (JdSandbox *self)
{
  g_return_val_if_fail (JD_IS_SANDBOX (self), NULL);
  return self->secret_access_key;
}

/**
 * jd_sandbox_dup_info:
 * @self: a sandbox
 *
 * Returns: (transfer full): what sandbox.json says while it runs
 */
JdSandboxInfo *
jd_sandbox_dup_info (JdSandbox *self)
{
  JdSandboxInfo *info;
  g_auto(GStrv) names = NULL;

  g_return_val_if_fail (JD_IS_SANDBOX (self), NULL);

  info = jd_sandbox_info_new ();
  info->pid = getpid ();
  info->mqtt_host = g_strdup (JD_SANDBOX_HOST);
  info->mqtt_port = self->mqtt_port;
  info->ca_path = g_strdup (self->ca_path);
  info->control_plane_endpoint = jd_sandbox_dup_endpoint (self);
  info->region = g_strdup (JD_SANDBOX_REGION);
  info->account_id = g_strdup (JD_SANDBOX_ACCOUNT_ID);
  info->access_key_id = g_strdup (self->access_key_id);
  info->secret_access_key = g_strdup (self->secret_access_key);
  info->codesign_certificate_path = g_strdup (self->codesign_cert_path);
  info->codesign_key_path = g_strdup (self->codesign_key_path);
  names = jd_sandbox_dup_thing_names (self);
  for (guint i = 0; names[i] != NULL; i++)
    {
      g_autofree char *cert_path = NULL;
      g_autofree char *key_path = NULL;

      thing_paths (self->things_dir, names[i], &cert_path, &key_path);
      jd_sandbox_info_set_thing (info, names[i], cert_path, key_path);
    }
  return info;
}

GStrv
jd_sandbox_dup_thing_names (JdSandbox *self)
{
  g_autofree const char **keys = NULL;
  guint n = 0;
  GStrv names;

  g_return_val_if_fail (JD_IS_SANDBOX (self), NULL);

  keys = (const char **) g_hash_table_get_keys_as_array (self->things, &n);
  names = g_new0 (char *, n + 1);
  for (guint i = 0; i < n; i++)
    names[i] = g_strdup (keys[i]);
  qsort (names, n, sizeof (char *), compare_names);
  return names;
}

gboolean
jd_sandbox_get_thing_files (JdSandbox   *self,
                            const char  *thing_name,
                            char       **cert_path,
                            char       **key_path)
{
  g_return_val_if_fail (JD_IS_SANDBOX (self), FALSE);
  g_return_val_if_fail (thing_name != NULL, FALSE);

  if (!g_hash_table_contains (self->things, thing_name))
    return FALSE;
  thing_paths (self->things_dir, thing_name, cert_path, key_path);
  return TRUE;
}

const char *
jd_sandbox_get_codesign_cert_path (JdSandbox *self)
{
  g_return_val_if_fail (JD_IS_SANDBOX (self), NULL);

  return self->codesign_cert_path;
}

const char *
jd_sandbox_get_codesign_key_path (JdSandbox *self)
{
  g_return_val_if_fail (JD_IS_SANDBOX (self), NULL);

  return self->codesign_key_path;
}

JdFileStore *
jd_sandbox_get_file_store (JdSandbox *self)
{
  g_return_val_if_fail (JD_IS_SANDBOX (self), NULL);

  return self->file_store;
}
