/* jd-sandbox-folder.c — the sandbox folder, prepared in a worker thread
 * before anything starts: the lock that makes this process its one owner,
 * the CA, the server, service and observer certificates, the sandbox
 * credentials, one
 * certificate per thing, and the broker's configuration and ACL.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#define _GNU_SOURCE  /* syncfs */
#define G_LOG_DOMAIN "jd-sandbox"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

#include <glib/gstdio.h>
#include <gnutls/gnutls.h>
#include <gnutls/crypto.h>
#include <json-glib/json-glib.h>

#include "jd-sandbox.h"
#include "jd-sandbox-broker.h"
#include "jd-sandbox-codesign.h"
#include "jd-sandbox-folder.h"
#include "jd-sandbox-private.h"
#include "jd-topic.h"

void
jd_sandbox_folder_free (JdSandboxFolder *data)
{
  g_free (data->data_dir);
  g_free (data->things_dir);
  g_free (data->ca_path);
  g_free (data->ca_key_path);
  g_free (data->server_cert_path);
  g_free (data->server_key_path);
  g_free (data->service_cert_path);
  g_free (data->service_key_path);
  g_free (data->observer_cert_path);
  g_free (data->observer_key_path);
  g_free (data->credentials_path);
  g_free (data->conf_path);
  g_free (data->acl_path);
  g_free (data->codesign_cert_path);
  g_free (data->codesign_key_path);
  g_free (data->files_dir);
  g_clear_object (&data->file_store);
  g_strfreev (data->requested_things);
  if (data->lock_fd >= 0)
    close (data->lock_fd);
  g_clear_pointer (&data->ca, jd_sandbox_ca_free);
  g_clear_pointer (&data->things, g_hash_table_unref);
  g_free (data->access_key_id);
  if (data->secret_access_key != NULL)
    memset (data->secret_access_key, 0, strlen (data->secret_access_key));
  g_free (data->secret_access_key);
  g_free (data);
}


/* AWS's thing-name rule, from the core's one place for it. */
gboolean
jd_sandbox_is_valid_thing_name (const char *name)
{
  return name != NULL && jd_topic_is_valid_thing_name (name, -1);
}

static gboolean
is_jobs_reader (const char *name)
{
  g_autofree char *reader = jd_sandbox_dup_jobs_reader ();

  return reader != NULL && g_str_equal (name, reader);
}

gboolean
jd_sandbox_check_thing_name (const char  *name,
                             GError     **error)
{
  if (!jd_sandbox_is_valid_thing_name (name))
    {
      g_set_error (error, JD_SERVICE_ERROR, JD_SERVICE_ERROR_INVALID_ARGUMENT,
                   "“%s” is not a valid thing name (1–128 of a–z, A–Z, 0–9, “:”, “_”, “-”)",
                   name != NULL ? name : "");
      return FALSE;
    }
  /* The broker maps the certificate's CN to the MQTT user, and this user may
   * read every thing's topics: no thing may carry that name. */
  if (g_str_equal (name, JD_SANDBOX_SERVICE_IDENTITY) || g_str_equal (name, JD_SANDBOX_OBSERVER_IDENTITY) ||
      is_jobs_reader (name))
    {
      g_set_error (error, JD_SERVICE_ERROR, JD_SERVICE_ERROR_INVALID_ARGUMENT,
                   "“%s” is reserved for the sandbox's own identities and cannot be a thing name",
                   name);
      return FALSE;
    }
  return TRUE;
}

void
jd_sandbox_thing_paths (const char  *things_dir,
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

gboolean
jd_sandbox_write_private_text (const char  *path,
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
      g_set_error (error, JD_SERVICE_ERROR, JD_SERVICE_ERROR_CERTIFICATE,
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
load_or_create_credentials (JdSandboxFolder  *data,
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
          g_set_error (error, JD_SERVICE_ERROR, JD_SERVICE_ERROR_CERTIFICATE,
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
  return jd_sandbox_write_private_text (data->credentials_path, text, error);
}

static gboolean ensure_file_pair (JdSandboxCa       *ca,
                                  JdSandboxCertKind  kind,
                                  const char        *common_name,
                                  const char        *cert_path,
                                  const char        *key_path,
                                  GError           **error);

static gboolean
scan_things (JdSandboxFolder  *data,
             GError      **error)
{
  g_autoptr(GDir) dir = g_dir_open (data->things_dir, 0, error);
  const char *entry;

  if (dir == NULL)
    return FALSE;
  while ((entry = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *name = NULL;
      g_autofree char *cert_path = NULL;
      g_autofree char *key_path = NULL;

      if (!g_str_has_suffix (entry, ".crt"))
        continue;
      name = g_strndup (entry, strlen (entry) - strlen (".crt"));
      if (!jd_sandbox_is_valid_thing_name (name))
        continue;
      jd_sandbox_thing_paths (data->things_dir, name, &cert_path, &key_path);
      if (!g_file_test (key_path, G_FILE_TEST_IS_REGULAR))
        continue;
      if (!ensure_file_pair (data->ca, JD_SANDBOX_CERT_CLIENT, name, cert_path, key_path, error))
        return FALSE;
      g_hash_table_add (data->things, g_steal_pointer (&name));
    }
  return TRUE;
}

static guint issue_delay_ms;

void
jd_sandbox_set_issue_delay_for_test (guint delay_ms)
{
  g_atomic_int_set (&issue_delay_ms, delay_ms);
}

guint
jd_sandbox_get_issue_delay (void)
{
  return g_atomic_int_get (&issue_delay_ms);
}

/* The test's stand-in for a slow disk or CPU, where each pair is made. */
static void
issue_delay (void)
{
  guint delay_ms = jd_sandbox_get_issue_delay ();

  if (delay_ms > 0)
    g_usleep ((gulong) delay_ms * 1000);
}

gboolean
jd_sandbox_issue_thing (JdSandboxCa  *ca,
                        const char   *things_dir,
                        const char   *name,
                        GError      **error)
{
  g_autofree char *cert_path = NULL;
  g_autofree char *key_path = NULL;

  jd_sandbox_thing_paths (things_dir, name, &cert_path, &key_path);
  issue_delay ();
  return jd_sandbox_ca_issue (ca, JD_SANDBOX_CERT_CLIENT, name, cert_path, key_path, error);
}

/* Makes the pairs of many new things (none of their files may be left from
 * before: they are removed first), writing each without a sync, then syncs
 * the file system once, so the batch is on disk before an ACL or
 * sandbox.json names it. */
gboolean
jd_sandbox_issue_things (JdSandboxCa         *ca,
                         const char          *things_dir,
                         const char * const  *names,
                         GCancellable        *cancellable,
                         GError             **error)
{
  int fd;

  for (guint i = 0; names[i] != NULL; i++)
    {
      g_autofree char *cert_path = NULL;
      g_autofree char *key_path = NULL;

      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        return FALSE;
      jd_sandbox_thing_paths (things_dir, names[i], &cert_path, &key_path);
      g_unlink (cert_path);
      g_unlink (key_path);
      issue_delay ();
      if (!jd_sandbox_ca_issue_unsynced (ca, JD_SANDBOX_CERT_CLIENT, names[i], cert_path, key_path, error))
        return FALSE;
    }
  fd = open (things_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0 || syncfs (fd) != 0)
    {
      int saved = errno;

      if (fd >= 0)
        close (fd);
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
                   "Could not write the things' certificates to disk in %s: %s",
                   things_dir, g_strerror (saved));
      return FALSE;
    }
  close (fd);
  return TRUE;
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

/* Issues the pair unless it exists, is this CA's and is not near its end
 * (issue 16: certificates are renewed before they expire). */
static gboolean
ensure_file_pair (JdSandboxCa       *ca,
                  JdSandboxCertKind  kind,
                  const char        *common_name,
                  const char        *cert_path,
                  const char        *key_path,
                  GError           **error)
{
  gboolean reissue = FALSE;

  if (g_file_test (cert_path, G_FILE_TEST_IS_REGULAR) &&
      g_file_test (key_path, G_FILE_TEST_IS_REGULAR))
    {
      if (!jd_sandbox_ca_needs_reissue (ca, cert_path, g_get_real_time () / G_USEC_PER_SEC, &reissue, error))
        return FALSE;
      if (!reissue)
        return TRUE;
      g_message ("Renewing the certificate for %s", common_name);
    }
  return jd_sandbox_ca_issue (ca, kind, common_name, cert_path, key_path, error);
}

/* One owner per folder: an exclusive flock on DIR/sandbox.lock, held while
 * the sandbox runs (the kernel drops it when the process dies, so a crash
 * leaves no stale lock). The file holds the owner's process id, so the
 * refusal can name it. Returns the locked fd, or -1. */
static int
lock_folder (const char  *dir,
             GError     **error)
{
  g_autofree char *path = g_build_filename (dir, JD_SANDBOX_LOCK_FILE, NULL);
  g_autofree char *pid_text = NULL;
  int fd = open (path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);

  if (fd < 0)
    {
      int saved = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
                   "Could not open %s: %s", path, g_strerror (saved));
      return -1;
    }
  if (flock (fd, LOCK_EX | LOCK_NB) != 0)
    {
      int saved = errno;
      char owner[32] = { 0 };
      ssize_t n = pread (fd, owner, sizeof owner - 1, 0);

      close (fd);
      if (saved == EWOULDBLOCK)
        g_set_error (error, JD_SERVICE_ERROR, JD_SERVICE_ERROR_BUSY,
                     "The sandbox folder %s is in use by process %s (another jobdeck-service or "
                     "Jobdeck); stop it first, or use another folder",
                     dir, n > 0 ? g_strstrip (owner) : "unknown");
      else
        g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
                     "Could not lock %s: %s", path, g_strerror (saved));
      return -1;
    }
  pid_text = g_strdup_printf ("%d\n", (int) getpid ());
  if (ftruncate (fd, 0) != 0 || pwrite (fd, pid_text, strlen (pid_text), 0) < 0)
    g_debug ("Could not write the process id into %s: %s", path, g_strerror (errno));
  return fd;
}

void
jd_sandbox_folder_prepare_thread (GTask        *task,
                                  gpointer      source_object,
                                  gpointer      task_data,
                                  GCancellable *cancellable)
{
  JdSandboxFolder *data = task_data;
  GError *error = NULL;
  g_autofree char *acl = NULL;
  g_autofree char *conf = NULL;

  if (!make_private_dir (data->data_dir, &error) ||
      (data->lock_fd = lock_folder (data->data_dir, &error)) < 0 ||
      !make_private_dir (data->things_dir, &error))
    goto fail;

  data->ca = jd_sandbox_ca_load_or_create (data->ca_path, data->ca_key_path, &error);
  if (data->ca == NULL)
    goto fail;
  if (!ensure_file_pair (data->ca, JD_SANDBOX_CERT_SERVER, "localhost",
                         data->server_cert_path, data->server_key_path, &error) ||
      !ensure_file_pair (data->ca, JD_SANDBOX_CERT_CLIENT, JD_SANDBOX_SERVICE_IDENTITY,
                         data->service_cert_path, data->service_key_path, &error) ||
      !ensure_file_pair (data->ca, JD_SANDBOX_CERT_CLIENT, JD_SANDBOX_OBSERVER_IDENTITY,
                         data->observer_cert_path, data->observer_key_path, &error) ||
      !load_or_create_credentials (data, &error) ||
      !scan_things (data, &error))
    goto fail;
  /* The app of an earlier version issued the observer's pair itself, under
   * these names; the sandbox's own (observer.pem, observer.key) replaces it. */
  {
    const char *stale[] = { JD_SANDBOX_OBSERVER_IDENTITY ".crt", JD_SANDBOX_OBSERVER_IDENTITY ".key" };

    for (guint i = 0; i < G_N_ELEMENTS (stale); i++)
      {
        g_autofree char *path = g_build_filename (data->data_dir, stale[i], NULL);

        if (g_unlink (path) != 0 && errno != ENOENT)
          g_debug ("Could not remove %s: %s", path, g_strerror (errno));
      }
  }

  {
    g_autoptr(GPtrArray) missing = g_ptr_array_new ();

    for (guint i = 0; data->requested_things[i] != NULL; i++)
      if (!g_hash_table_contains (data->things, data->requested_things[i]))
        g_ptr_array_add (missing, data->requested_things[i]);
    g_ptr_array_add (missing, NULL);
    if (missing->len > 1 &&
        !jd_sandbox_issue_things (data->ca, data->things_dir, (const char * const *) missing->pdata,
                                  cancellable, &error))
      goto fail;
    for (guint i = 0; i + 1 < missing->len; i++)
      g_hash_table_add (data->things, g_strdup (g_ptr_array_index (missing, i)));
  }
  /* A brand-new folder with no thing asked for gets the default one. */
  if (g_hash_table_size (data->things) == 0)
    {
      if (!jd_sandbox_issue_thing (data->ca, data->things_dir, JD_SANDBOX_DEFAULT_THING, &error))
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
      error->domain = JD_SERVICE_ERROR;
      error->code = JD_SERVICE_ERROR_CERTIFICATE;
      goto fail;
    }
  data->file_store = jd_file_store_new (data->files_dir, JD_SANDBOX_REGION, &error);
  if (data->file_store == NULL)
    goto fail;

  {
    g_autofree const char **names = (const char **) g_hash_table_get_keys_as_array (data->things, NULL);
    g_autofree char *reader = jd_sandbox_dup_jobs_reader ();
    JdSandboxBrokerConfig config = {
      .data_dir = data->data_dir,
      .host = JD_SANDBOX_HOST,
      .port = data->mqtt_port,
      .ca_path = data->ca_path,
      .cert_path = data->server_cert_path,
      .key_path = data->server_key_path,
      .service_identity = JD_SANDBOX_SERVICE_IDENTITY,
      .observer_identity = JD_SANDBOX_OBSERVER_IDENTITY,
      .jobs_reader = reader,
      .things = names,
    };

    acl = jd_sandbox_broker_build_acl (&config);
    conf = jd_sandbox_broker_build_conf (&config);
  }
  if (!jd_sandbox_write_private_text (data->acl_path, acl, &error) ||
      !jd_sandbox_write_private_text (data->conf_path, conf, &error))
    goto fail;

  g_task_return_boolean (task, TRUE);
  return;

fail:
  g_task_return_error (task, error);
}

