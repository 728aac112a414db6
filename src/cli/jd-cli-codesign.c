/* jd-cli-codesign.c — sign-file, verify-job-document and put-file for
 * jobdeck-cli, on the core's jd-codesign (signing, download, verification)
 * and the sandbox file store's upload route.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#define G_LOG_DOMAIN "jobdeck-cli"

#include <string.h>

#include <libsoup/soup.h>

#include "jd-cli.h"
#include "jd-cli-codesign.h"
#include "jd-codesign.h"
#include "jd-sigv4.h"

/* The file store's bucket and path (src/service/jd-file-store.h); the CLI
 * does not link the service library. */
#define FILE_STORE_PATH "/files/jobdeck-sandbox/"
/* A passphrase never goes on a command line, where `ps` shows it. */
#define PASSPHRASE_ENV "JOBDECK_KEY_PASSPHRASE"

const JdCliOption jd_cli_sign_file_options[] = {
  { "key", "KEY", FALSE },
  { "cert", "CERT", FALSE },
  { "shape", "SHAPE", FALSE },
  { "url", "URL", FALSE },
  { "certfile", "NAME", FALSE },
  { NULL }
};

const JdCliOption jd_cli_verify_options[] = {
  { "cert", "CERT", FALSE },
  { NULL }
};

const JdCliOption jd_cli_put_file_options[] = {
  { "key", "KEY", FALSE },
  { NULL }
};

int
jd_cli_codesign_finish (GAsyncResult *result)
{
  g_return_val_if_fail (G_IS_TASK (result), JD_CLI_EXIT_FAILED);
  return (int) g_task_propagate_int (G_TASK (result), NULL);
}

/* ---- sign-file ---- */

typedef struct {
  char *file;
  char *key;
  char *cert;
  char *url;
  char *certfile;
  JdCodesignShape shape;
} SignArgs;

static void
sign_args_free (SignArgs *args)
{
  g_free (args->file);
  g_free (args->key);
  g_free (args->cert);
  g_free (args->url);
  g_free (args->certfile);
  g_free (args);
}

static void
sign_thread (GTask        *task,
             gpointer      source,
             gpointer      task_data,
             GCancellable *cancellable)
{
  SignArgs *args = task_data;
  GError *error = NULL;
  JsonNode *fragment;

  fragment = jd_codesign_sign_file (args->file, args->key, g_getenv (PASSPHRASE_ENV), args->cert,
                                    args->shape, args->url, args->certfile, &error);
  if (fragment == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, fragment, (GDestroyNotify) json_node_unref);
}

typedef struct {
  JdCliOutput *output;
  GTask *task;
} Outer;

static void
signed_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  Outer *outer = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) fragment = g_task_propagate_pointer (G_TASK (result), &error);

  if (fragment == NULL)
    {
      jd_cli_output_failed (outer->output, "SignFile", error->message);
      g_task_return_int (outer->task, JD_CLI_EXIT_FAILED);
    }
  else
    {
      g_autofree char *text = json_to_string (fragment, TRUE);

      jd_cli_output_text (outer->output, "SignFile", text);
      g_task_return_int (outer->task, JD_CLI_EXIT_OK);
    }
  g_object_unref (outer->task);
  g_free (outer);
}

void
jd_cli_codesign_sign_file_async (JdCliOutput         *output,
                                 JdCliParsed         *parsed,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (NULL, cancellable, callback, user_data);
  g_autoptr(GTask) work = NULL;
  const char *shape = jd_cli_parsed_get (parsed, "shape");
  SignArgs *args;
  Outer *outer;

  g_task_set_source_tag (task, jd_cli_codesign_sign_file_async);
  if (jd_cli_parsed_get (parsed, "key") == NULL || jd_cli_parsed_get (parsed, "cert") == NULL)
    {
      jd_cli_output_usage (output, "sign-file: --key KEY and --cert CERT are required");
      g_task_return_int (task, JD_CLI_EXIT_USAGE);
      return;
    }
  args = g_new0 (SignArgs, 1);
  args->shape = JD_CODESIGN_SHAPE_AFR_OTA;
  if (shape != NULL && !jd_codesign_shape_from_string (shape, &args->shape))
    {
      g_autofree char *message = g_strdup_printf ("sign-file: --shape is afr_ota or codesign, not %s", shape);

      sign_args_free (args);
      jd_cli_output_usage (output, message);
      g_task_return_int (task, JD_CLI_EXIT_USAGE);
      return;
    }
  args->file = g_strdup (g_ptr_array_index (parsed->args, 0));
  args->key = g_strdup (jd_cli_parsed_get (parsed, "key"));
  args->cert = g_strdup (jd_cli_parsed_get (parsed, "cert"));
  args->url = g_strdup (jd_cli_parsed_get (parsed, "url"));
  args->certfile = g_strdup (jd_cli_parsed_get (parsed, "certfile"));

  outer = g_new0 (Outer, 1);
  outer->output = output;
  outer->task = g_steal_pointer (&task);
  work = g_task_new (NULL, cancellable, signed_cb, outer);
  g_task_set_task_data (work, args, (GDestroyNotify) sign_args_free);
  g_task_run_in_thread (work, sign_thread);
}

/* ---- verify-job-document ---- */

typedef struct {
  JdCliOutput *output;
  SoupSession *session;
  char *cert;
  GPtrArray *files;
  guint next;
  guint failures;
} Verify;

static void
verify_free (Verify *v)
{
  g_clear_object (&v->session);
  g_free (v->cert);
  g_clear_pointer (&v->files, g_ptr_array_unref);
  g_free (v);
}

static void verify_next (GTask *task);

static void
file_verified_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  GTask *task = user_data;
  Verify *v = g_task_get_task_data (task);
  JdSignedFile *file = g_ptr_array_index (v->files, v->next);
  g_autoptr(GError) error = NULL;
  g_autofree char *line = NULL;

  if (jd_codesign_verify_finish (result, &error))
    line = g_strdup_printf ("Verified: %s", jd_signed_file_get_path (file));
  else if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_task_return_int (task, JD_CLI_EXIT_FAILED);
      g_object_unref (task);
      return;
    }
  else
    {
      line = g_strdup_printf ("Signature invalid: %s: %s", jd_signed_file_get_path (file), error->message);
      v->failures++;
    }
  jd_cli_output_text (v->output, "VerifyJobDocument", line);
  v->next++;
  verify_next (task);
}

static void
verify_next (GTask *task)
{
  Verify *v = g_task_get_task_data (task);

  if (v->next >= v->files->len)
    {
      g_task_return_int (task, v->failures == 0 ? JD_CLI_EXIT_OK : JD_CLI_EXIT_FAILED);
      g_object_unref (task);
      return;
    }
  jd_codesign_verify_async (g_ptr_array_index (v->files, v->next), v->session, v->cert, NULL,
                            NULL, NULL, NULL, g_task_get_cancellable (task), file_verified_cb, task);
}

static void
described_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  GTask *task = user_data;
  Verify *v = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(JdExecution) execution = jd_jobs_client_describe_finish (JD_JOBS_CLIENT (source), result, &error);
  JsonNode *document;

  if (error != NULL || execution == NULL)
    {
      jd_cli_output_failed (v->output, "VerifyJobDocument",
                            error != NULL ? error->message : "no pending job execution");
      g_task_return_int (task, JD_CLI_EXIT_FAILED);
      g_object_unref (task);
      return;
    }
  document = jd_execution_get_job_document (execution);
  v->files = jd_codesign_find_files (document);
  if (v->files->len == 0)
    {
      jd_cli_output_failed (v->output, "VerifyJobDocument", "the job document has no signed files");
      g_task_return_int (task, JD_CLI_EXIT_FAILED);
      g_object_unref (task);
      return;
    }
  verify_next (task);
}

void
jd_cli_codesign_verify_async (JdCliOutput         *output,
                              JdJobsClient        *jobs,
                              JdCliParsed         *parsed,
                              const char          *ca_path,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (NULL, cancellable, callback, user_data);
  g_autoptr(GError) error = NULL;
  Verify *v;

  g_task_set_source_tag (task, jd_cli_codesign_verify_async);
  v = g_new0 (Verify, 1);
  v->output = output;
  v->cert = g_strdup (jd_cli_parsed_get (parsed, "cert"));
  g_task_set_task_data (task, v, (GDestroyNotify) verify_free);
  v->session = jd_codesign_session_new (ca_path, &error);
  if (v->session == NULL)
    {
      jd_cli_output_failed (output, "VerifyJobDocument", error->message);
      g_task_return_int (task, JD_CLI_EXIT_FAILED);
      return;
    }
  jd_jobs_client_describe_async (jobs, g_ptr_array_index (parsed->args, 0), -1, TRUE, cancellable,
                                 described_cb, g_steal_pointer (&task));
}

/* ---- put-file ---- */

typedef struct {
  JdCliOutput *output;
  JdControlPlane *control_plane;
  SoupSession *session;
  SoupMessage *msg;
  char *path;
  char *key;
} Put;

static void
put_free (Put *put)
{
  g_clear_object (&put->session);
  g_clear_object (&put->msg);
  g_clear_object (&put->control_plane);
  g_free (put->path);
  g_free (put->key);
  g_free (put);
}

static void
put_fail (GTask      *task,
          const char *message)
{
  Put *put = g_task_get_task_data (task);

  jd_cli_output_failed (put->output, "PutFile", message);
  g_task_return_int (task, JD_CLI_EXIT_FAILED);
  g_object_unref (task);
}

static void
uploaded_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  GTask *task = user_data;
  Put *put = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) body = soup_session_send_and_read_finish (SOUP_SESSION (source), result, &error);
  g_autoptr(JsonNode) reply = NULL;
  const char *placeholder = NULL;
  guint status;

  if (body == NULL)
    {
      put_fail (task, error->message);
      return;
    }
  status = soup_message_get_status (put->msg);
  reply = json_from_string (g_bytes_get_size (body) > 0 ? (const char *) g_bytes_get_data (body, NULL) : "{}", NULL);
  if (reply != NULL && JSON_NODE_HOLDS_OBJECT (reply))
    placeholder = json_object_get_string_member_with_default (json_node_get_object (reply), "placeholder", NULL);
  if (!SOUP_STATUS_IS_SUCCESSFUL (status) || placeholder == NULL)
    {
      const char *message = reply != NULL && JSON_NODE_HOLDS_OBJECT (reply)
        ? json_object_get_string_member_with_default (json_node_get_object (reply), "message", NULL) : NULL;
      g_autofree char *text = g_strdup_printf ("HTTP %u%s%s", status, message != NULL ? ": " : "",
                                               message != NULL ? message : "");

      put_fail (task, status == 404 && message == NULL
                        ? "the service has no file store (an AWS endpoint, or a service without it)" : text);
      return;
    }
  jd_cli_output_response (put->output, "PutFile", reply);
  jd_cli_output_text (put->output, "PutFile", placeholder);
  g_task_return_int (task, JD_CLI_EXIT_OK);
  g_object_unref (task);
}

static void
loaded_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  GTask *task = user_data;
  Put *put = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) data = NULL;
  g_autoptr(GUri) base = NULL;
  g_autoptr(GUri) uri = NULL;
  g_autoptr(GDateTime) now = NULL;
  g_autofree char *escaped = NULL;
  g_autofree char *path = NULL;
  g_autofree char *host = NULL;
  g_autofree char *authorization = NULL;
  g_autofree char *amz_date = NULL;
  JdSigv4Header sign_headers[2];
  JdSigv4Request req = { 0 };
  JdSigv4Credentials creds = { 0 };
  SoupMessageHeaders *headers;
  char *contents;
  gsize len;

  if (!g_file_load_contents_finish (G_FILE (source), result, &contents, &len, NULL, &error))
    {
      put_fail (task, error->message);
      return;
    }
  data = g_bytes_new_take (contents, len);

  base = g_uri_parse (jd_control_plane_get_endpoint_url (put->control_plane), G_URI_FLAGS_ENCODED, &error);
  if (base == NULL)
    {
      put_fail (task, error->message);
      return;
    }
  escaped = g_uri_escape_string (put->key, "/", FALSE);
  path = g_strconcat (FILE_STORE_PATH, escaped, NULL);
  uri = g_uri_build (G_URI_FLAGS_ENCODED, g_uri_get_scheme (base), NULL, g_uri_get_host (base),
                     g_uri_get_port (base), path, NULL, NULL);
  host = g_uri_get_port (base) > 0 ? g_strdup_printf ("%s:%d", g_uri_get_host (base), g_uri_get_port (base))
                                   : g_strdup (g_uri_get_host (base));

  put->msg = soup_message_new_from_uri ("PUT", uri);
  headers = soup_message_get_request_headers (put->msg);
  soup_message_headers_replace (headers, "Host", host);
  soup_message_set_request_body_from_bytes (put->msg, "application/octet-stream", data);
  sign_headers[0] = (JdSigv4Header) { "Host", host };
  sign_headers[1] = (JdSigv4Header) { "Content-Type", "application/octet-stream" };
  req.method = "PUT";
  req.path = path;
  req.headers = sign_headers;
  req.n_headers = 2;
  req.body = g_bytes_get_data (data, NULL);
  req.body_len = g_bytes_get_size (data);
  creds.access_key_id = jd_credentials_get_access_key_id (jd_control_plane_get_credentials (put->control_plane));
  creds.secret_access_key = jd_credentials_get_secret_access_key (jd_control_plane_get_credentials (put->control_plane));
  creds.session_token = jd_credentials_get_session_token (jd_control_plane_get_credentials (put->control_plane));
  creds.region = jd_control_plane_get_region (put->control_plane);
  now = g_date_time_new_now_utc ();
  jd_sigv4_sign (&req, &creds, "iot", now, &authorization, &amz_date);
  soup_message_headers_replace (headers, "X-Amz-Date", amz_date);
  soup_message_headers_replace (headers, "Authorization", authorization);
  if (creds.session_token != NULL)
    soup_message_headers_replace (headers, "X-Amz-Security-Token", creds.session_token);

  soup_session_send_and_read_async (put->session, put->msg, G_PRIORITY_DEFAULT,
                                    g_task_get_cancellable (task), uploaded_cb, task);
}

void
jd_cli_codesign_put_file_async (JdCliOutput         *output,
                                JdControlPlane      *control_plane,
                                JdCliParsed         *parsed,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (NULL, cancellable, callback, user_data);
  g_autoptr(GError) error = NULL;
  g_autoptr(GFile) file = NULL;
  const char *key = jd_cli_parsed_get (parsed, "key");
  Put *put;

  g_task_set_source_tag (task, jd_cli_codesign_put_file_async);
  put = g_new0 (Put, 1);
  put->output = output;
  put->control_plane = g_object_ref (control_plane);
  put->path = g_strdup (g_ptr_array_index (parsed->args, 0));
  put->key = key != NULL ? g_strdup (key) : g_path_get_basename (put->path);
  g_task_set_task_data (task, put, (GDestroyNotify) put_free);

  if (jd_control_plane_get_credentials (control_plane) == NULL)
    {
      put_fail (g_steal_pointer (&task), "no control-plane endpoint or credentials");
      return;
    }
  put->session = jd_codesign_session_new (jd_control_plane_get_ca_path (control_plane), &error);
  if (put->session == NULL)
    {
      put_fail (g_steal_pointer (&task), error->message);
      return;
    }
  file = g_file_new_for_path (put->path);
  g_file_load_contents_async (file, cancellable, loaded_cb, g_steal_pointer (&task));
}
