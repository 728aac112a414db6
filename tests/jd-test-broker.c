/* jd-test-broker.c — a real mosquitto with mutual TLS and per-thing ACLs for tests.
 *
 * Certificates come from the tests' one CA helper (jd-test-ca.h, GnuTLS in
 * process). mosquitto runs as a child process that dies with the
 * test (PR_SET_PDEATHSIG), so a crashing test leaves no broker behind.
 * Everything here blocks: tests only.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#define G_LOG_DOMAIN "jd-test-broker"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>

#include <glib/gstdio.h>
#include <gio/gio.h>

#include "jd-test-broker.h"
#include "jd-test-ca.h"

#define READY_TIMEOUT_MS   10000
#define READY_POLL_MS      20
#define STOP_TIMEOUT_MS    5000
#define PORT_ATTEMPTS      5
#define LOG_TAIL_BYTES     2048
#define CERT_SECONDS       (2 * 24 * 3600)

typedef struct
{
  char *cert_path;
  char *key_path;
} IssuedCert;

struct _JdTestBroker
{
  char        *dir;
  JdTestCa    *ca;
  JdTestCa    *rogue_ca;
  char        *ca_path;
  char        *server_cert_path;
  char        *server_key_path;
  char        *acl_path;
  char        *conf_path;
  char        *log_path;
  char        *out_path;
  guint16      port;
  GSubprocess *proc;
  GHashTable  *clients;        /* name → IssuedCert */
  GHashTable  *rogue_clients;  /* name → IssuedCert */
  guint        n_issued;
};

/* Each certificate's CN may use only its own jobs topics, like an IoT policy
 * with ${iot:Connection.Thing.ThingName}; the service identity sees them all. */
static const char acl_text[] =
  "# Things: a client may only use the jobs topics of the thing named by its\n"
  "# certificate's CN (use_identity_as_username).\n"
  "pattern readwrite $aws/things/%u/jobs/#\n"
  "\n"
  "# The jobs service answers for every thing and publishes events.\n"
  "user " JD_TEST_BROKER_SERVICE_IDENTITY "\n"
  "topic readwrite $aws/things/+/jobs/#\n"
  "topic readwrite $aws/events/#\n";

static void
issued_cert_free (gpointer data)
{
  IssuedCert *issued = data;

  g_free (issued->cert_path);
  g_free (issued->key_path);
  g_free (issued);
}

static void
remove_recursively (const char *path)
{
  GDir *dir;
  const char *name;

  if (!g_file_test (path, G_FILE_TEST_IS_DIR) || g_file_test (path, G_FILE_TEST_IS_SYMLINK))
    {
      g_unlink (path);
      return;
    }

  dir = g_dir_open (path, 0, NULL);
  if (dir != NULL)
    {
      while ((name = g_dir_read_name (dir)) != NULL)
        {
          g_autofree char *child = g_build_filename (path, name, NULL);

          remove_recursively (child);
        }
      g_dir_close (dir);
    }
  g_rmdir (path);
}

static gboolean
pick_free_port (guint16  *port,
                GError  **error)
{
  struct sockaddr_in addr = { 0 };
  socklen_t len = sizeof addr;
  int fd;
  int saved_errno;

  fd = socket (AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0)
    goto fail;

  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl (INADDR_LOOPBACK);
  addr.sin_port = 0;
  if (bind (fd, (struct sockaddr *) &addr, sizeof addr) < 0 ||
      getsockname (fd, (struct sockaddr *) &addr, &len) < 0)
    {
      saved_errno = errno;
      close (fd);
      errno = saved_errno;
      goto fail;
    }

  close (fd);
  *port = ntohs (addr.sin_port);
  return TRUE;

fail:
  saved_errno = errno;
  g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
               "could not find a free loopback port: %s", g_strerror (saved_errno));
  return FALSE;
}

/* TRUE when something accepts TCP connections on 127.0.0.1:@port. */
static gboolean
port_accepts (guint16 port)
{
  struct sockaddr_in addr = { 0 };
  gboolean ok;
  int fd;

  fd = socket (AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0)
    return FALSE;

  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl (INADDR_LOOPBACK);
  addr.sin_port = htons (port);
  ok = connect (fd, (struct sockaddr *) &addr, sizeof addr) == 0;
  close (fd);

  return ok;
}

static gsize
file_size (const char *path)
{
  GStatBuf st;

  if (g_stat (path, &st) != 0)
    return 0;
  return (gsize) st.st_size;
}

/* The part of @path written since @offset, at most its last @max bytes. */
static char *
read_since (const char *path,
            gsize       offset,
            gsize       max)
{
  g_autofree char *contents = NULL;
  gsize length = 0;
  gsize start;

  if (!g_file_get_contents (path, &contents, &length, NULL))
    return g_strdup ("");

  start = MIN (offset, length);
  if (length - start > max)
    start = length - max;

  return g_strstrip (g_strndup (contents + start, length - start));
}

static gboolean
write_config (JdTestBroker  *self,
              GError       **error)
{
  g_autoptr(GString) conf = g_string_new (NULL);

  g_string_append (conf, "# Written by the Jobdeck test broker fixture.\n");
  g_string_append (conf, "per_listener_settings false\n");
  g_string_append (conf, "persistence false\n");
  g_string_append (conf, "allow_anonymous false\n");
  g_string_append_printf (conf, "acl_file %s\n", self->acl_path);
  g_string_append_printf (conf, "log_dest file %s\n", self->log_path);
  g_string_append (conf, "log_type all\n");
  /* As root, mosquitto switches to the mosquitto user before it reads the
   * key, which our 0600 key files do not allow. */
  if (geteuid () == 0)
    g_string_append (conf, "user root\n");
  g_string_append_printf (conf, "\nlistener %u 127.0.0.1\n", self->port);
  g_string_append_printf (conf, "cafile %s\n", self->ca_path);
  g_string_append_printf (conf, "certfile %s\n", self->server_cert_path);
  g_string_append_printf (conf, "keyfile %s\n", self->server_key_path);
  g_string_append (conf, "require_certificate true\n");
  g_string_append (conf, "use_identity_as_username true\n");

  return g_file_set_contents (self->conf_path, conf->str, conf->len, error);
}

typedef struct
{
  pid_t parent;
  gboolean tie_to_parent;
} ChildSetup;

static void
child_setup (gpointer user_data)
{
  const ChildSetup *setup = user_data;

  /* Async-signal-safe calls only. The broker goes when the test process
   * goes, even when the test crashes; if the parent died before prctl(),
   * go now. */
  if (setup->tie_to_parent)
    {
      prctl (PR_SET_PDEATHSIG, SIGKILL);
      if (getppid () != setup->parent)
        _exit (1);
    }
}

static gboolean
process_gone (GSubprocess *proc)
{
  /* GSubprocess reaps its child from GLib's worker thread and clears the
   * identifier then, so this works without a main loop. */
  return g_subprocess_get_identifier (proc) == NULL;
}

static gboolean
wait_gone (GSubprocess *proc,
           guint        timeout_ms)
{
  gint64 deadline = g_get_monotonic_time () + (gint64) timeout_ms * 1000;

  while (!process_gone (proc))
    {
      if (g_get_monotonic_time () > deadline)
        return FALSE;
      g_usleep (2 * 1000);
    }

  return TRUE;
}

/* Starts mosquitto on self->port and waits until it is ready. On failure
 * *address_in_use says whether the port was taken by someone else. */
static gboolean
spawn_and_wait (JdTestBroker  *self,
                gboolean      *address_in_use,
                GError       **error)
{
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GSubprocess) proc = NULL;
  ChildSetup setup;
  int out_fd;
  gsize log_offset;
  gsize out_offset;
  gint64 deadline;

  *address_in_use = FALSE;

  if (!write_config (self, error))
    return FALSE;

  log_offset = file_size (self->log_path);
  out_offset = file_size (self->out_path);

  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDERR_MERGE);
  /* PR_SET_PDEATHSIG fires when the *thread* that forked ends, so tie the
   * broker to the process only when the main thread starts it. */
  setup.parent = getpid ();
  setup.tie_to_parent = (pid_t) syscall (SYS_gettid) == setup.parent;
  g_subprocess_launcher_set_child_setup (launcher, child_setup, &setup, NULL);
  g_subprocess_launcher_set_cwd (launcher, self->dir);

  /* Early errors (a bad config line) go to stderr before the log is open;
   * keep them, appended across restarts. */
  out_fd = g_open (self->out_path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
  if (out_fd < 0)
    {
      int saved_errno = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                   "could not open %s: %s", self->out_path, g_strerror (saved_errno));
      return FALSE;
    }
  g_subprocess_launcher_take_stdout_fd (launcher, out_fd);

  proc = g_subprocess_launcher_spawn (launcher, error,
                                      MOSQUITTO_PATH, "-c", self->conf_path, NULL);
  if (proc == NULL)
    return FALSE;

  deadline = g_get_monotonic_time () + (gint64) READY_TIMEOUT_MS * 1000;
  for (;;)
    {
      if (process_gone (proc))
        {
          g_autofree char *log_tail = read_since (self->log_path, log_offset, LOG_TAIL_BYTES);
          g_autofree char *out_tail = read_since (self->out_path, out_offset, LOG_TAIL_BYTES);

          *address_in_use = strstr (log_tail, "Address already in use") != NULL ||
                            strstr (out_tail, "Address already in use") != NULL;
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                       "mosquitto exited before accepting connections on port %u:\n%s%s%s",
                       self->port, log_tail, *log_tail && *out_tail ? "\n" : "", out_tail);
          return FALSE;
        }

      /* mosquitto logs "running" once its listeners are open; checking it as
       * well as the port keeps a stranger on our port from fooling us. */
      if (port_accepts (self->port))
        {
          g_autofree char *since = read_since (self->log_path, log_offset, G_MAXSIZE);

          if (strstr (since, " running") != NULL)
            break;
        }

      if (g_get_monotonic_time () > deadline)
        {
          g_autofree char *log_tail = read_since (self->log_path, log_offset, LOG_TAIL_BYTES);

          g_subprocess_force_exit (proc);
          wait_gone (proc, STOP_TIMEOUT_MS);
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT,
                       "mosquitto did not accept connections on port %u within %d s:\n%s",
                       self->port, READY_TIMEOUT_MS / 1000, log_tail);
          return FALSE;
        }

      g_usleep (READY_POLL_MS * 1000);
    }

  self->proc = g_steal_pointer (&proc);
  return TRUE;
}

static void
signal_and_wait (JdTestBroker *self,
                 int           signum)
{
  if (self->proc == NULL)
    return;

  if (!process_gone (self->proc))
    {
      g_subprocess_send_signal (self->proc, signum);
      if (!wait_gone (self->proc, STOP_TIMEOUT_MS))
        {
          g_subprocess_force_exit (self->proc);
          wait_gone (self->proc, STOP_TIMEOUT_MS);
        }
    }

  g_clear_object (&self->proc);
}

static gboolean
issue (JdTestBroker  *self,
       GHashTable    *cache,
       gboolean       rogue,
       const char    *name,
       const char   **cert_path,
       const char   **key_path,
       GError       **error)
{
  IssuedCert *issued;
  g_autofree char *safe = NULL;
  g_autofree char *base = NULL;
  g_autofree char *new_cert = NULL;
  g_autofree char *new_key = NULL;
  JdTestCa *ca = self->ca;

  issued = g_hash_table_lookup (cache, name);
  if (issued == NULL)
    {
      if (rogue)
        {
          if (!jd_test_broker_issue_rogue_ca (self, NULL, error))
            return FALSE;
          ca = self->rogue_ca;
        }

      /* File names stay plain whatever the thing name holds. */
      safe = g_strcanon (g_strdup (name),
                         "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_", '_');
      base = g_strdup_printf ("%s-%u-%.32s", rogue ? "rogue" : "client", ++self->n_issued, safe);
      new_cert = g_strdup_printf ("%s/%s.pem", self->dir, base);
      new_key = g_strdup_printf ("%s/%s.key", self->dir, base);
      jd_test_ca_issue_at (ca, name, -3600, CERT_SECONDS, NULL, new_cert, new_key);

      issued = g_new0 (IssuedCert, 1);
      issued->cert_path = g_steal_pointer (&new_cert);
      issued->key_path = g_steal_pointer (&new_key);
      g_hash_table_insert (cache, g_strdup (name), issued);
    }

  if (cert_path != NULL)
    *cert_path = issued->cert_path;
  if (key_path != NULL)
    *key_path = issued->key_path;

  return TRUE;
}

/**
 * jd_test_broker_new:
 * @error: return location for a #GError
 *
 * Makes the folder and its certificates, starts mosquitto on a free loopback
 * port and waits until it accepts connections.
 *
 * Returns: (transfer full): a running broker, or %NULL with @error set
 */
JdTestBroker *
jd_test_broker_new (GError **error)
{
  g_autoptr(JdTestBroker) self = NULL;
  g_autoptr(GError) local_error = NULL;
  gboolean address_in_use = FALSE;
  char *dir;

  dir = g_dir_make_tmp ("jobdeck-broker-XXXXXX", error);
  if (dir == NULL)
    return NULL;

  self = g_new0 (JdTestBroker, 1);
  self->dir = dir;
  self->server_cert_path = g_build_filename (dir, "server.pem", NULL);
  self->server_key_path = g_build_filename (dir, "server.key", NULL);
  self->acl_path = g_build_filename (dir, "acl", NULL);
  self->conf_path = g_build_filename (dir, "mosquitto.conf", NULL);
  self->log_path = g_build_filename (dir, "mosquitto.log", NULL);
  self->out_path = g_build_filename (dir, "mosquitto.out", NULL);
  self->clients = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, issued_cert_free);
  self->rogue_clients = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, issued_cert_free);

  if (!g_file_set_contents (self->acl_path, acl_text, -1, error))
    return NULL;

  self->ca = jd_test_ca_new (dir, "test");
  self->ca_path = g_strdup (jd_test_ca_get_path (self->ca));
  jd_test_ca_issue_at (self->ca, "localhost", -3600, CERT_SECONDS, NULL,
                       self->server_cert_path, self->server_key_path);

  /* Between closing the probe socket and mosquitto's bind another process may
   * take the port; then pick another. */
  for (guint attempt = 0; attempt < PORT_ATTEMPTS; attempt++)
    {
      g_clear_error (&local_error);

      if (!pick_free_port (&self->port, error))
        return NULL;
      if (spawn_and_wait (self, &address_in_use, &local_error))
        return g_steal_pointer (&self);
      if (!address_in_use)
        break;
    }

  g_propagate_error (error, g_steal_pointer (&local_error));
  return NULL;
}

/**
 * jd_test_broker_free:
 * @self: (nullable): a broker
 *
 * Stops mosquitto and removes the folder, unless the environment sets
 * JD_TEST_KEEP_TMP=1 (then the path goes to stderr, for debugging).
 */
void
jd_test_broker_free (JdTestBroker *self)
{
  if (self == NULL)
    return;

  signal_and_wait (self, SIGTERM);

  if (self->dir != NULL)
    {
      if (g_strcmp0 (g_getenv ("JD_TEST_KEEP_TMP"), "1") == 0)
        g_printerr ("# kept the test broker's folder %s\n", self->dir);
      else
        remove_recursively (self->dir);
    }

  g_clear_pointer (&self->clients, g_hash_table_unref);
  g_clear_pointer (&self->rogue_clients, g_hash_table_unref);
  g_free (self->dir);
  g_clear_pointer (&self->ca, jd_test_ca_free);
  g_clear_pointer (&self->rogue_ca, jd_test_ca_free);
  g_free (self->ca_path);
  g_free (self->server_cert_path);
  g_free (self->server_key_path);
  g_free (self->acl_path);
  g_free (self->conf_path);
  g_free (self->log_path);
  g_free (self->out_path);
  g_free (self);
}

JdTestCa *
jd_test_broker_get_ca (JdTestBroker *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->ca;
}

const char *
jd_test_broker_get_host (JdTestBroker *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return "127.0.0.1";
}

guint16
jd_test_broker_get_port (JdTestBroker *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return self->port;
}

const char *
jd_test_broker_get_dir (JdTestBroker *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->dir;
}

const char *
jd_test_broker_get_ca_path (JdTestBroker *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->ca_path;
}

/**
 * jd_test_broker_get_log_path:
 * @self: a broker
 *
 * Returns: mosquitto's log file (log_type all), appended across restarts
 */
const char *
jd_test_broker_get_log_path (JdTestBroker *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->log_path;
}

/**
 * jd_test_broker_get_pid:
 * @self: a broker
 *
 * Returns: the process id of the running mosquitto, or 0 when it is not running
 */
GPid
jd_test_broker_get_pid (JdTestBroker *self)
{
  const char *id;

  g_return_val_if_fail (self != NULL, 0);

  if (self->proc == NULL || (id = g_subprocess_get_identifier (self->proc)) == NULL)
    return 0;

  return (GPid) g_ascii_strtoll (id, NULL, 10);
}

gboolean
jd_test_broker_issue_client (JdTestBroker  *self,
                             const char    *name,
                             const char   **cert_path,
                             const char   **key_path,
                             GError       **error)
{
  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (name != NULL && *name != '\0', FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  return issue (self, self->clients, FALSE, name, cert_path, key_path, error);
}

gboolean
jd_test_broker_issue_rogue_client (JdTestBroker  *self,
                                   const char    *name,
                                   const char   **cert_path,
                                   const char   **key_path,
                                   GError       **error)
{
  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (name != NULL && *name != '\0', FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  return issue (self, self->rogue_clients, TRUE, name, cert_path, key_path, error);
}

/**
 * jd_test_broker_issue_rogue_ca:
 * @self: a broker
 * @ca_path: (out): the rogue CA's certificate (PEM)
 * @error: return location for a #GError
 *
 * The throwaway CA that signs rogue clients, made on first use. A client that
 * trusts only this CA must refuse the broker.
 */
gboolean
jd_test_broker_issue_rogue_ca (JdTestBroker  *self,
                               const char   **ca_path,
                               GError       **error)
{
  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (self->rogue_ca == NULL)
    self->rogue_ca = jd_test_ca_new (self->dir, "rogue");

  if (ca_path != NULL)
    *ca_path = jd_test_ca_get_path (self->rogue_ca);

  return TRUE;
}

/**
 * jd_test_broker_start:
 * @self: a stopped broker
 * @error: return location for a #GError
 *
 * Starts mosquitto again on the same port with the same configuration and
 * waits until it accepts connections. Does nothing when it is running.
 */
gboolean
jd_test_broker_start (JdTestBroker  *self,
                      GError       **error)
{
  gboolean address_in_use;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (jd_test_broker_is_running (self))
    return TRUE;

  g_clear_object (&self->proc);

  return spawn_and_wait (self, &address_in_use, error);
}

void
jd_test_broker_stop (JdTestBroker *self)
{
  g_return_if_fail (self != NULL);

  signal_and_wait (self, SIGTERM);
}

void
jd_test_broker_kill (JdTestBroker *self)
{
  g_return_if_fail (self != NULL);

  signal_and_wait (self, SIGKILL);
}

gboolean
jd_test_broker_restart (JdTestBroker  *self,
                        GError       **error)
{
  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  jd_test_broker_stop (self);

  return jd_test_broker_start (self, error);
}

gboolean
jd_test_broker_is_running (JdTestBroker *self)
{
  g_return_val_if_fail (self != NULL, FALSE);

  return self->proc != NULL && !process_gone (self->proc);
}
