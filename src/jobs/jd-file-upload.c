/* jd-file-upload.c — a file into the sandbox's file store: hash it in a
 * worker thread (SigV4 signs the body's SHA-256, sent as
 * X-Amz-Content-SHA256), then PUT it with the body streamed from the file.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#define G_LOG_DOMAIN "jd-file-upload"

#include <glib/gi18n-lib.h>
#include <libsoup/soup.h>

#include "jd-codesign.h"
#include "jd-file-upload.h"
#include "jd-sigv4.h"

#define CHUNK_SIZE (64 * 1024)
#define PROGRESS_INTERVAL_US (50 * 1000)

typedef struct {
  JdControlPlane *control_plane;
  GFile *file;
  char *key;
  SoupSession *session;
  SoupMessage *msg;
  gulong wrote_id;
  char *sha256;
  guint64 size;
  guint64 sent;
  gint64 last_progress_us;
  JdFileUploadProgressFunc progress;
  gpointer progress_data;
  GDestroyNotify progress_destroy;
  JsonNode *reply;
} Upload;

static void
upload_free (Upload *upload)
{
  if (upload->wrote_id != 0)
    g_signal_handler_disconnect (upload->msg, upload->wrote_id);
  g_clear_object (&upload->msg);
  g_clear_object (&upload->session);
  g_clear_object (&upload->control_plane);
  g_clear_object (&upload->file);
  g_free (upload->key);
  g_free (upload->sha256);
  g_clear_pointer (&upload->reply, json_node_unref);
  if (upload->progress_destroy != NULL)
    upload->progress_destroy (upload->progress_data);
  g_free (upload);
}

/* Worker thread: the body's SHA-256 and size, one chunk at a time. */
static void
hash_thread (GTask        *task,
             gpointer      source,
             gpointer      task_data,
             GCancellable *cancellable)
{
  Upload *upload = task_data;
  g_autoptr(GFileInputStream) stream = NULL;
  g_autoptr(GChecksum) checksum = g_checksum_new (G_CHECKSUM_SHA256);
  g_autoptr(GError) error = NULL;
  g_autofree guint8 *buffer = g_malloc (CHUNK_SIZE);
  guint64 size = 0;
  gssize n;

  stream = g_file_read (upload->file, cancellable, &error);
  while (stream != NULL && (n = g_input_stream_read (G_INPUT_STREAM (stream), buffer, CHUNK_SIZE,
                                                     cancellable, &error)) > 0)
    {
      g_checksum_update (checksum, buffer, n);
      size += (guint64) n;
    }
  if (error != NULL)
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_task_return_error (task, g_steal_pointer (&error));
      else
        g_task_return_new_error (task, JD_JOBS_ERROR, JD_JOBS_ERROR_UPLOAD_FILE,
                                 _("The file cannot be read: %s"), error->message);
      return;
    }
  upload->sha256 = g_strdup (g_checksum_get_string (checksum));
  upload->size = size;
  g_task_return_boolean (task, TRUE);
}

static void
report_progress (Upload   *upload,
                 gboolean  force)
{
  gint64 now = g_get_monotonic_time ();

  if (upload->progress == NULL)
    return;
  if (!force && upload->sent < upload->size && now - upload->last_progress_us < PROGRESS_INTERVAL_US)
    return;
  upload->last_progress_us = now;
  upload->progress (upload->sent, upload->size, upload->progress_data);
}

static void
wrote_body_data_cb (SoupMessage *msg,
                    guint        chunk_size,
                    Upload      *upload)
{
  upload->sent += chunk_size;
  report_progress (upload, FALSE);
}

static void
uploaded_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Upload *upload = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) body = soup_session_send_and_read_finish (SOUP_SESSION (source), result, &error);
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonObject *object = NULL;
  const char *placeholder = NULL;
  const char *message = NULL;
  guint status;

  if (body == NULL)
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_task_return_error (task, g_steal_pointer (&error));
      else
        g_task_return_new_error (task, JD_JOBS_ERROR, JD_JOBS_ERROR_UPLOAD_FAILED,
                                 _("The upload failed: %s"), error->message);
      return;
    }
  status = soup_message_get_status (upload->msg);
  if (g_bytes_get_size (body) > 0 &&
      json_parser_load_from_data (parser, g_bytes_get_data (body, NULL), g_bytes_get_size (body), NULL) &&
      JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    {
      object = json_node_get_object (json_parser_get_root (parser));
      placeholder = json_object_get_string_member_with_default (object, "placeholder", NULL);
      message = json_object_get_string_member_with_default (object, "message", NULL);
    }

  if (status == SOUP_STATUS_NOT_FOUND && message == NULL)
    g_task_return_new_error (task, JD_JOBS_ERROR, JD_JOBS_ERROR_UPLOAD_NO_FILE_STORE,
                             _("The service has no file store (an AWS endpoint, or a service without it)."));
  else if (!SOUP_STATUS_IS_SUCCESSFUL (status))
    g_task_return_new_error (task, JD_JOBS_ERROR, JD_JOBS_ERROR_UPLOAD_REFUSED,
                             "HTTP %u%s%s", status, message != NULL ? ": " : "", message != NULL ? message : "");
  else if (placeholder == NULL)
    g_task_return_new_error (task, JD_JOBS_ERROR, JD_JOBS_ERROR_UPLOAD_FAILED,
                             _("The file store’s answer has no placeholder (HTTP %u)."), status);
  else
    {
      upload->reply = json_node_ref (json_parser_get_root (parser));
      report_progress (upload, TRUE);
      g_task_return_pointer (task, g_strdup (placeholder), g_free);
    }
}

static void
opened_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Upload *upload = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(GFileInputStream) stream = g_file_read_finish (G_FILE (source), result, &error);
  g_autoptr(GUri) base = NULL;
  g_autoptr(GUri) uri = NULL;
  g_autoptr(GDateTime) now = NULL;
  g_autofree char *escaped = NULL;
  g_autofree char *path = NULL;
  g_autofree char *host = NULL;
  g_autofree char *authorization = NULL;
  g_autofree char *amz_date = NULL;
  JdCredentials *credentials = jd_control_plane_get_credentials (upload->control_plane);
  JdSigv4Header sign_headers[3];
  JdSigv4Request req = { 0 };
  JdSigv4Credentials creds = { 0 };
  SoupMessageHeaders *headers;

  if (stream == NULL)
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_task_return_error (task, g_steal_pointer (&error));
      else
        g_task_return_new_error (task, JD_JOBS_ERROR, JD_JOBS_ERROR_UPLOAD_FILE,
                                 _("The file cannot be read: %s"), error->message);
      return;
    }

  base = g_uri_parse (jd_control_plane_get_endpoint_url (upload->control_plane), G_URI_FLAGS_ENCODED, &error);
  if (base == NULL)
    {
      g_task_return_new_error (task, JD_JOBS_ERROR, JD_JOBS_ERROR_UPLOAD_NO_CREDENTIALS,
                               "%s", error->message);
      return;
    }
  escaped = g_uri_escape_string (upload->key, "/", FALSE);
  path = g_strconcat (JD_FILE_UPLOAD_PATH_PREFIX JD_FILE_UPLOAD_BUCKET "/", escaped, NULL);
  uri = g_uri_build (G_URI_FLAGS_ENCODED, g_uri_get_scheme (base), NULL, g_uri_get_host (base),
                     g_uri_get_port (base), path, NULL, NULL);
  host = g_uri_get_port (base) > 0 ? g_strdup_printf ("%s:%d", g_uri_get_host (base), g_uri_get_port (base))
                                   : g_strdup (g_uri_get_host (base));

  upload->msg = soup_message_new_from_uri ("PUT", uri);
  headers = soup_message_get_request_headers (upload->msg);
  soup_message_headers_replace (headers, "Host", host);
  soup_message_headers_replace (headers, "X-Amz-Content-SHA256", upload->sha256);
  /* Sent from the stream as libsoup writes it; never read into memory. */
  soup_message_set_request_body (upload->msg, "application/octet-stream", G_INPUT_STREAM (stream),
                                 (gssize) upload->size);
  sign_headers[0] = (JdSigv4Header) { "Host", host };
  sign_headers[1] = (JdSigv4Header) { "Content-Type", "application/octet-stream" };
  sign_headers[2] = (JdSigv4Header) { "X-Amz-Content-SHA256", upload->sha256 };
  req.method = "PUT";
  req.path = path;
  req.headers = sign_headers;
  req.n_headers = G_N_ELEMENTS (sign_headers);
  creds.access_key_id = jd_credentials_get_access_key_id (credentials);
  creds.secret_access_key = jd_credentials_get_secret_access_key (credentials);
  creds.session_token = jd_credentials_get_session_token (credentials);
  creds.region = jd_control_plane_get_region (upload->control_plane);
  now = g_date_time_new_now_utc ();
  jd_sigv4_sign (&req, &creds, "iot", now, &authorization, &amz_date);
  soup_message_headers_replace (headers, "X-Amz-Date", amz_date);
  soup_message_headers_replace (headers, "Authorization", authorization);
  if (creds.session_token != NULL)
    soup_message_headers_replace (headers, "X-Amz-Security-Token", creds.session_token);

  upload->wrote_id = g_signal_connect (upload->msg, "wrote-body-data", G_CALLBACK (wrote_body_data_cb), upload);
  soup_session_send_and_read_async (upload->session, upload->msg, G_PRIORITY_DEFAULT,
                                    g_task_get_cancellable (task), uploaded_cb, g_object_ref (task));
}

static void
hashed_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Upload *upload = g_task_get_task_data (task);
  GError *error = NULL;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      g_task_return_error (task, error);
      return;
    }
  g_file_read_async (upload->file, G_PRIORITY_DEFAULT, g_task_get_cancellable (task),
                     opened_cb, g_object_ref (task));
}

/**
 * jd_file_upload_async:
 * @control_plane: the sandbox's control plane (endpoint, CA, credentials)
 * @file: the local file
 * @key: (nullable): the object key in the store; %NULL for the file's name
 * @progress: (nullable): told how many bytes went out
 *
 * Uploads @file to the sandbox's file store.
 */
void
jd_file_upload_async (JdControlPlane           *control_plane,
                      GFile                    *file,
                      const char               *key,
                      JdFileUploadProgressFunc  progress,
                      gpointer                  progress_data,
                      GDestroyNotify            progress_destroy,
                      GCancellable             *cancellable,
                      GAsyncReadyCallback       callback,
                      gpointer                  user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GTask) hash = NULL;
  g_autoptr(GError) error = NULL;
  Upload *upload;

  g_return_if_fail (JD_IS_CONTROL_PLANE (control_plane));
  g_return_if_fail (G_IS_FILE (file));

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, jd_file_upload_async);
  upload = g_new0 (Upload, 1);
  upload->control_plane = g_object_ref (control_plane);
  upload->file = g_object_ref (file);
  upload->key = key != NULL ? g_strdup (key) : g_file_get_basename (file);
  upload->progress = progress;
  upload->progress_data = progress_data;
  upload->progress_destroy = progress_destroy;
  g_task_set_task_data (task, upload, (GDestroyNotify) upload_free);

  if (jd_control_plane_get_credentials (control_plane) == NULL ||
      jd_control_plane_get_endpoint_url (control_plane) == NULL)
    {
      g_task_return_new_error (task, JD_JOBS_ERROR, JD_JOBS_ERROR_UPLOAD_NO_CREDENTIALS,
                               _("No control-plane endpoint or credentials."));
      return;
    }
  upload->session = jd_codesign_session_new (jd_control_plane_get_ca_path (control_plane), &error);
  if (upload->session == NULL)
    {
      g_task_return_new_error (task, JD_JOBS_ERROR, JD_JOBS_ERROR_UPLOAD_FAILED, "%s", error->message);
      return;
    }

  /* The hash runs in its own task so that the outer one is returned on
   * this thread's main context. */
  hash = g_task_new (NULL, cancellable, hashed_cb, g_object_ref (task));
  g_task_set_task_data (hash, upload, NULL);
  g_task_run_in_thread (hash, hash_thread);
}

char *
jd_file_upload_finish (GAsyncResult  *result,
                       JsonNode     **reply,
                       GError       **error)
{
  char *placeholder;

  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == jd_file_upload_async, NULL);

  placeholder = g_task_propagate_pointer (G_TASK (result), error);
  if (placeholder != NULL && reply != NULL)
    {
      Upload *upload = g_task_get_task_data (G_TASK (result));

      *reply = json_node_ref (upload->reply);
    }
  return placeholder;
}
