/* jd-codesign-download.c — download a signed file over HTTPS and verify it:
 * libsoup3 streams the body in JD_CODESIGN_CHUNK steps through SHA-256 and
 * SHA-1 (and into DEST.part when asked), so the file is never in memory and
 * no step holds the main loop for long; the certificate is read in a worker
 * thread. Size and signature are checked at the end.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#define G_LOG_DOMAIN "jd-codesign"

#include <glib/gi18n-lib.h>
#include <gnutls/crypto.h>
#include <gnutls/gnutls.h>

#include "jd-codesign-private.h"

typedef struct {
  JdSignedFile *file;
  SoupSession *session;
  char *certificate_path;
  GFile *destination;
  GFile *part;
  JdCodesignProgressFunc progress;
  gpointer progress_data;
  GDestroyNotify progress_destroy;

  JdCodesignCertificate *certificate;
  SoupMessage *msg;
  GInputStream *in;
  GOutputStream *out;
  gnutls_hash_hd_t sha256;
  gnutls_hash_hd_t sha1;
  guint8 *buffer;
  guint64 received;
  gint64 total;
  GError *failure;      /* kept while the partial file is cleaned up */
} VerifyData;

static void read_next (GTask *task);

static void
verify_data_free (VerifyData *data)
{
  g_clear_object (&data->file);
  g_clear_object (&data->session);
  g_free (data->certificate_path);
  g_clear_object (&data->destination);
  g_clear_object (&data->part);
  if (data->progress_destroy != NULL)
    data->progress_destroy (data->progress_data);
  g_clear_pointer (&data->certificate, jd_codesign_certificate_free);
  g_clear_object (&data->msg);
  g_clear_object (&data->in);
  g_clear_object (&data->out);
  if (data->sha256 != NULL)
    gnutls_hash_deinit (data->sha256, NULL);
  if (data->sha1 != NULL)
    gnutls_hash_deinit (data->sha1, NULL);
  g_free (data->buffer);
  g_clear_error (&data->failure);
  g_free (data);
}

SoupSession *
jd_codesign_session_new (const char *ca_path,
                         GError    **error)
{
  g_autoptr(SoupSession) session = soup_session_new_with_options ("timeout", 60,
                                                                  "idle-timeout", 30,
                                                                  "user-agent", "jobdeck/" PACKAGE_VERSION,
                                                                  NULL);

  if (ca_path != NULL && *ca_path != '\0')
    {
      g_autoptr(GError) local_error = NULL;
      g_autoptr(GTlsDatabase) database = g_tls_file_database_new (ca_path, &local_error);

      if (database == NULL)
        {
          g_set_error (error, JD_JOBS_ERROR, JD_JOBS_ERROR_CODESIGN_DOWNLOAD_FAILED,
                       _("The CA file “%s” cannot be used: %s"), ca_path, local_error->message);
          return NULL;
        }
      soup_session_set_tls_database (session, database);
    }
  return g_steal_pointer (&session);
}

/* ---- the end: clean up the partial file, then report ---- */

static void
part_deleted_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  VerifyData *data = g_task_get_task_data (task);

  g_file_delete_finish (G_FILE (source), result, NULL);
  g_task_return_error (task, g_steal_pointer (&data->failure));
}

static void
failed_out_closed_cb (GObject      *source,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  GTask *task = user_data;
  VerifyData *data = g_task_get_task_data (task);

  g_output_stream_close_finish (G_OUTPUT_STREAM (source), result, NULL);
  g_clear_object (&data->out);
  g_file_delete_async (data->part, JD_CODESIGN_IO_PRIORITY, NULL, part_deleted_cb, task);
}

/* Takes the task's reference. */
static void
fail (GTask  *task,
      GError *error)
{
  VerifyData *data = g_task_get_task_data (task);

  if (data->part == NULL)
    {
      g_task_return_error (task, error);
      g_object_unref (task);
      return;
    }
  /* A partial or unverified file never stays behind. */
  data->failure = error;
  if (data->out != NULL)
    g_output_stream_close_async (data->out, JD_CODESIGN_IO_PRIORITY, NULL, failed_out_closed_cb, task);
  else
    g_file_delete_async (data->part, JD_CODESIGN_IO_PRIORITY, NULL, part_deleted_cb, task);
}

static void
moved_cb (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  GTask *task = user_data;
  GError *error = NULL;

  if (!g_file_move_finish (G_FILE (source), result, &error))
    {
      fail (task, error);
      return;
    }
  g_task_return_boolean (task, TRUE);
  g_object_unref (task);
}

static void
out_closed_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  GTask *task = user_data;
  VerifyData *data = g_task_get_task_data (task);
  GError *error = NULL;

  if (!g_output_stream_close_finish (G_OUTPUT_STREAM (source), result, &error))
    {
      g_clear_object (&data->out);
      fail (task, error);
      return;
    }
  g_clear_object (&data->out);
  g_file_move_async (data->part, data->destination, G_FILE_COPY_OVERWRITE, JD_CODESIGN_IO_PRIORITY,
                     NULL, NULL, NULL, moved_cb, task);
}

static void
download_done (GTask *task)
{
  VerifyData *data = g_task_get_task_data (task);
  gint64 size = jd_signed_file_get_size (data->file);
  guint8 sha256[32], sha1[20];
  GError *error = NULL;

  if (size >= 0 && data->received != (guint64) size)
    {
      g_autofree char *got = g_strdup_printf ("%" G_GUINT64_FORMAT, data->received);
      g_autofree char *want = g_strdup_printf ("%" G_GINT64_FORMAT, size);

      fail (task, g_error_new (JD_JOBS_ERROR, JD_JOBS_ERROR_CODESIGN_SIZE_MISMATCH,
                               _("The file has %s bytes, but the document says %s."), got, want));
      return;
    }
  gnutls_hash_deinit (data->sha256, sha256);
  gnutls_hash_deinit (data->sha1, sha1);
  data->sha256 = NULL;
  data->sha1 = NULL;
  if (!jd_codesign_verify_digest (data->file, data->certificate, sha256, sha1, &error))
    {
      fail (task, error);
      return;
    }
  if (data->out != NULL)
    g_output_stream_close_async (data->out, JD_CODESIGN_IO_PRIORITY, g_task_get_cancellable (task),
                                 out_closed_cb, task);
  else
    {
      g_task_return_boolean (task, TRUE);
      g_object_unref (task);
    }
}

/* ---- the body, a chunk at a time ---- */

static void
written_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  GTask *task = user_data;
  GError *error = NULL;

  if (!g_output_stream_write_all_finish (G_OUTPUT_STREAM (source), result, NULL, &error))
    {
      fail (task, error);
      return;
    }
  read_next (task);
}

static void
read_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  GTask *task = user_data;
  VerifyData *data = g_task_get_task_data (task);
  gint64 size = jd_signed_file_get_size (data->file);
  GError *error = NULL;
  gssize n;

  n = g_input_stream_read_finish (G_INPUT_STREAM (source), result, &error);
  if (n < 0)
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        fail (task, error);
      else
        {
          g_autofree char *got = g_strdup_printf ("%" G_GUINT64_FORMAT, data->received);

          fail (task, g_error_new (JD_JOBS_ERROR, JD_JOBS_ERROR_CODESIGN_DOWNLOAD_FAILED,
                                   _("The download broke off after %s bytes: %s"), got, error->message));
          g_error_free (error);
        }
      return;
    }
  if (n == 0)
    {
      download_done (task);
      return;
    }

  gnutls_hash (data->sha256, data->buffer, n);
  gnutls_hash (data->sha1, data->buffer, n);
  data->received += n;
  if (size >= 0 && data->received > (guint64) size)
    {
      g_autofree char *want = g_strdup_printf ("%" G_GINT64_FORMAT, size);

      fail (task, g_error_new (JD_JOBS_ERROR, JD_JOBS_ERROR_CODESIGN_SIZE_MISMATCH,
                               _("The file is longer than the %s bytes the document says."), want));
      return;
    }
  if (data->progress != NULL)
    data->progress (data->received, data->total, data->progress_data);

  if (data->out != NULL)
    g_output_stream_write_all_async (data->out, data->buffer, n, JD_CODESIGN_IO_PRIORITY,
                                     g_task_get_cancellable (task), written_cb, task);
  else
    read_next (task);
}

static void
read_next (GTask *task)
{
  VerifyData *data = g_task_get_task_data (task);

  g_input_stream_read_async (data->in, data->buffer, JD_CODESIGN_CHUNK, JD_CODESIGN_IO_PRIORITY,
                             g_task_get_cancellable (task), read_cb, task);
}

static void
part_opened_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  GTask *task = user_data;
  VerifyData *data = g_task_get_task_data (task);
  GError *error = NULL;
  GFileOutputStream *out;

  out = g_file_replace_finish (G_FILE (source), result, &error);
  if (out == NULL)
    {
      fail (task, error);
      return;
    }
  data->out = G_OUTPUT_STREAM (out);
  read_next (task);
}

static void
sent_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  GTask *task = user_data;
  VerifyData *data = g_task_get_task_data (task);
  gint64 size = jd_signed_file_get_size (data->file);
  GError *error = NULL;
  guint status;

  data->in = soup_session_send_finish (data->session, result, &error);
  if (data->in == NULL)
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        fail (task, error);
      else
        {
          fail (task, g_error_new (JD_JOBS_ERROR, JD_JOBS_ERROR_CODESIGN_DOWNLOAD_FAILED,
                                   _("The download failed: %s"), error->message));
          g_error_free (error);
        }
      return;
    }

  status = soup_message_get_status (data->msg);
  if (status == SOUP_STATUS_FORBIDDEN)
    {
      fail (task, g_error_new_literal (JD_JOBS_ERROR, JD_JOBS_ERROR_CODESIGN_URL_EXPIRED,
                                       _("The server refused the URL (HTTP 403): a presigned URL has expired or is not valid.")));
      return;
    }
  if (!SOUP_STATUS_IS_SUCCESSFUL (status))
    {
      fail (task, g_error_new (JD_JOBS_ERROR, JD_JOBS_ERROR_CODESIGN_DOWNLOAD_FAILED,
                               _("The download failed: HTTP %u %s"), status,
                               soup_message_get_reason_phrase (data->msg) ? soup_message_get_reason_phrase (data->msg) : ""));
      return;
    }

  data->total = -1;
  if (soup_message_headers_get_encoding (soup_message_get_response_headers (data->msg)) == SOUP_ENCODING_CONTENT_LENGTH)
    data->total = soup_message_headers_get_content_length (soup_message_get_response_headers (data->msg));
  if (size >= 0 && data->total >= 0 && data->total != size)
    {
      g_autofree char *got = g_strdup_printf ("%" G_GINT64_FORMAT, data->total);
      g_autofree char *want = g_strdup_printf ("%" G_GINT64_FORMAT, size);

      fail (task, g_error_new (JD_JOBS_ERROR, JD_JOBS_ERROR_CODESIGN_SIZE_MISMATCH,
                               _("The server has %s bytes for the file, but the document says %s."), got, want));
      return;
    }
  if (data->total < 0)
    data->total = size;

  gnutls_hash_init (&data->sha256, GNUTLS_DIG_SHA256);
  gnutls_hash_init (&data->sha1, GNUTLS_DIG_SHA1);
  data->buffer = g_malloc (JD_CODESIGN_CHUNK);

  if (data->destination != NULL)
    {
      g_autofree char *path = g_file_get_path (data->destination);
      g_autofree char *part = g_strconcat (path, ".part", NULL);

      data->part = g_file_new_for_path (part);
      g_file_replace_async (data->part, NULL, FALSE, G_FILE_CREATE_NONE, JD_CODESIGN_IO_PRIORITY,
                            g_task_get_cancellable (task), part_opened_cb, task);
      return;
    }
  read_next (task);
}

static void
start_download (GTask *task)
{
  VerifyData *data = g_task_get_task_data (task);
  const char *url = jd_signed_file_get_url (data->file);
  GError *error = NULL;

  if (!jd_codesign_check_signature_form (data->file, data->certificate, &error))
    {
      fail (task, error);
      return;
    }
  if (g_str_has_prefix (url, "${"))
    {
      fail (task, g_error_new (JD_JOBS_ERROR, JD_JOBS_ERROR_CODESIGN_NO_URL,
                               _("The URL is a placeholder the service did not replace: %s"), url));
      return;
    }
  data->msg = soup_message_new ("GET", url);
  if (data->msg == NULL)
    {
      fail (task, g_error_new (JD_JOBS_ERROR, JD_JOBS_ERROR_CODESIGN_NO_URL,
                               _("“%s” is not an HTTP or HTTPS URL."), url));
      return;
    }
  soup_session_send_async (data->session, data->msg, JD_CODESIGN_IO_PRIORITY,
                           g_task_get_cancellable (task), sent_cb, task);
}

/* ---- the certificate, read in a worker thread ---- */

static void
load_certificate_thread (GTask        *task,
                         gpointer      source,
                         gpointer      task_data,
                         GCancellable *cancellable)
{
  GError *error = NULL;
  JdCodesignCertificate *certificate = jd_codesign_certificate_new_from_file (task_data, &error);

  if (certificate == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, certificate, (GDestroyNotify) jd_codesign_certificate_free);
}

static void
certificate_loaded_cb (GObject      *source,
                       GAsyncResult *result,
                       gpointer      user_data)
{
  GTask *task = user_data;
  VerifyData *data = g_task_get_task_data (task);
  GError *error = NULL;

  data->certificate = g_task_propagate_pointer (G_TASK (result), &error);
  if (data->certificate == NULL)
    {
      fail (task, error);
      return;
    }
  start_download (task);
}

void
jd_codesign_verify_async (JdSignedFile           *file,
                          SoupSession            *session,
                          const char             *certificate_path,
                          GFile                  *destination,
                          JdCodesignProgressFunc  progress,
                          gpointer                progress_data,
                          GDestroyNotify          progress_destroy,
                          GCancellable           *cancellable,
                          GAsyncReadyCallback     callback,
                          gpointer                user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GTask) load = NULL;
  VerifyData *data;
  const char *problem;

  g_return_if_fail (JD_IS_SIGNED_FILE (file));
  g_return_if_fail (session == NULL || SOUP_IS_SESSION (session));
  g_return_if_fail (destination == NULL || G_IS_FILE (destination));

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, jd_codesign_verify_async);
  data = g_new0 (VerifyData, 1);
  data->file = g_object_ref (file);
  data->session = session != NULL ? g_object_ref (session) : jd_codesign_session_new (NULL, NULL);
  data->certificate_path = g_strdup (certificate_path != NULL ? certificate_path
                                                               : jd_signed_file_get_certificate (file));
  data->destination = destination != NULL ? g_object_ref (destination) : NULL;
  data->progress = progress;
  data->progress_data = progress_data;
  data->progress_destroy = progress_destroy;
  g_task_set_task_data (task, data, (GDestroyNotify) verify_data_free);

  problem = jd_signed_file_get_problem (file);
  if (problem != NULL)
    {
      g_task_return_new_error (task, JD_JOBS_ERROR, JD_JOBS_ERROR_CODESIGN_BAD_ENTRY, "%s", problem);
      return;
    }
  if (jd_signed_file_get_algorithm (file) == JD_CODESIGN_ALGORITHM_NONE)
    {
      g_task_return_new_error (task, JD_JOBS_ERROR, JD_JOBS_ERROR_CODESIGN_UNSIGNED, "%s",
                               _("The file is not signed."));
      return;
    }
  if (data->certificate_path == NULL)
    {
      g_task_return_new_error (task, JD_JOBS_ERROR, JD_JOBS_ERROR_CODESIGN_BAD_CERTIFICATE, "%s",
                               _("No code-signing certificate: the entry names none, and none was given."));
      return;
    }

  load = g_task_new (NULL, cancellable, certificate_loaded_cb, g_steal_pointer (&task));
  g_task_set_task_data (load, g_strdup (data->certificate_path), g_free);
  g_task_run_in_thread (load, load_certificate_thread);
}

gboolean
jd_codesign_verify_finish (GAsyncResult *result,
                           GError      **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

/* ---- a whole document ---- */

typedef struct {
  GPtrArray *files;
  GPtrArray *results;
  SoupSession *session;
  char *certificate_path;
  JdCodesignProgressFunc progress;
  gpointer progress_data;
  GDestroyNotify progress_destroy;
  guint next;
  guint64 done_bytes;
  gint64 total;
} DocumentData;

static void
result_free (JdCodesignResult *result)
{
  g_clear_object (&result->file);
  g_clear_error (&result->error);
  g_free (result);
}

static void
document_data_free (DocumentData *data)
{
  g_clear_pointer (&data->files, g_ptr_array_unref);
  g_clear_pointer (&data->results, g_ptr_array_unref);
  g_clear_object (&data->session);
  g_free (data->certificate_path);
  if (data->progress_destroy != NULL)
    data->progress_destroy (data->progress_data);
  g_free (data);
}

static void document_next (GTask *task);

static void
document_file_progress_cb (guint64  received,
                           gint64   total,
                           gpointer user_data)
{
  DocumentData *data = g_task_get_task_data (user_data);

  if (data->progress != NULL)
    data->progress (data->done_bytes + received, data->total, data->progress_data);
}

static void
document_file_done_cb (GObject      *source,
                       GAsyncResult *result,
                       gpointer      user_data)
{
  GTask *task = user_data;
  DocumentData *data = g_task_get_task_data (task);
  JdCodesignResult *entry = g_new0 (JdCodesignResult, 1);
  gint64 size;

  entry->file = g_object_ref (g_ptr_array_index (data->files, data->next));
  jd_codesign_verify_finish (result, &entry->error);
  if (g_error_matches (entry->error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_task_return_error (task, g_steal_pointer (&entry->error));
      result_free (entry);
      g_object_unref (task);
      return;
    }
  size = jd_signed_file_get_size (entry->file);
  data->done_bytes += size > 0 ? (guint64) size : 0;
  g_ptr_array_add (data->results, entry);
  data->next++;
  document_next (task);
}

static void
document_next (GTask *task)
{
  DocumentData *data = g_task_get_task_data (task);

  if (data->next >= data->files->len)
    {
      g_task_return_pointer (task, g_steal_pointer (&data->results), (GDestroyNotify) g_ptr_array_unref);
      g_object_unref (task);
      return;
    }
  jd_codesign_verify_async (g_ptr_array_index (data->files, data->next), data->session,
                            data->certificate_path, NULL, document_file_progress_cb, task, NULL,
                            g_task_get_cancellable (task), document_file_done_cb, task);
}

void
jd_codesign_verify_document_async (JsonNode               *document,
                                   SoupSession            *session,
                                   const char             *certificate_path,
                                   JdCodesignProgressFunc  progress,
                                   gpointer                progress_data,
                                   GDestroyNotify          progress_destroy,
                                   GCancellable           *cancellable,
                                   GAsyncReadyCallback     callback,
                                   gpointer                user_data)
{
  GTask *task;
  DocumentData *data;

  g_return_if_fail (session == NULL || SOUP_IS_SESSION (session));

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, jd_codesign_verify_document_async);
  data = g_new0 (DocumentData, 1);
  data->files = jd_codesign_find_files (document);
  data->results = g_ptr_array_new_with_free_func ((GDestroyNotify) result_free);
  data->session = session != NULL ? g_object_ref (session) : jd_codesign_session_new (NULL, NULL);
  data->certificate_path = g_strdup (certificate_path);
  data->progress = progress;
  data->progress_data = progress_data;
  data->progress_destroy = progress_destroy;
  for (guint i = 0; i < data->files->len && data->total >= 0; i++)
    {
      gint64 size = jd_signed_file_get_size (g_ptr_array_index (data->files, i));
      data->total = size >= 0 ? data->total + size : -1;
    }
  g_task_set_task_data (task, data, (GDestroyNotify) document_data_free);
  document_next (task);
}

GPtrArray *
jd_codesign_verify_document_finish (GAsyncResult *result,
                                    GError      **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

gboolean
jd_codesign_results_all_verified (GPtrArray *results)
{
  g_return_val_if_fail (results != NULL, FALSE);

  for (guint i = 0; i < results->len; i++)
    if (((JdCodesignResult *) g_ptr_array_index (results, i))->error != NULL)
      return FALSE;
  return results->len > 0;
}

char *
jd_codesign_format_progress (guint64 received,
                             gint64  total)
{
  if (total < 0)
    return g_strdup_printf ("%" G_GUINT64_FORMAT, received);
  return g_strdup_printf ("%" G_GUINT64_FORMAT "/%" G_GINT64_FORMAT, received, total);
}

gboolean
jd_codesign_progress_due (guint64 last_reported,
                          gint64  last_time_us,
                          guint64 received,
                          gint64  total,
                          gint64  now_us)
{
  gint64 since = now_us - last_time_us;

  if (last_time_us == 0)
    return TRUE;
  if (received <= last_reported)
    return FALSE;
  if (total >= 0 && received >= (guint64) total)
    return TRUE;
  if (since >= 5 * G_USEC_PER_SEC)
    return TRUE;
  return total > 0 && since >= G_USEC_PER_SEC && (received - last_reported) * 10 >= (guint64) total;
}
