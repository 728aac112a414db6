/* jd-file-store.c — the sandbox's file store (see jd-file-store.h).
 *
 * A presigned URL carries S3's query names; its X-Amz-Signature is
 * HMAC-SHA256, keyed with the store's secret, over
 * "GET\n<path as sent>\n<X-Amz-Date>\n<X-Amz-Expires>". Errors are S3's
 * XML bodies: 403 AccessDenied "Request has expired", 403
 * SignatureDoesNotMatch, 404 NoSuchKey / NoSuchBucket.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#define G_LOG_DOMAIN "jd-file-store"

#include <errno.h>
#include <string.h>

#include <glib/gstdio.h>
#include <gnutls/crypto.h>
#include <gnutls/gnutls.h>

#include <json-glib/json-glib.h>

#include "jd-file-store.h"

#define PLACEHOLDER_START "${aws:iot:s3-presigned-url:"
#define SECRET_FILE ".secret"
#define STREAM_CHUNK (64 * 1024)
#define MAX_EXPIRES 604800   /* S3's limit for X-Amz-Expires, 7 days */

struct _JdFileStore
{
  GObject parent_instance;

  char *dir;
  char *region;
  char *base_url;
  char *secret;
};

G_DEFINE_FINAL_TYPE (JdFileStore, jd_file_store, G_TYPE_OBJECT)

static void
jd_file_store_finalize (GObject *object)
{
  JdFileStore *self = JD_FILE_STORE (object);

  g_free (self->dir);
  g_free (self->region);
  g_free (self->base_url);
  if (self->secret != NULL)
    {
      memset (self->secret, 0, strlen (self->secret));
      g_free (self->secret);
    }
  G_OBJECT_CLASS (jd_file_store_parent_class)->finalize (object);
}

static void
jd_file_store_class_init (JdFileStoreClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = jd_file_store_finalize;
}

static void
jd_file_store_init (JdFileStore *self)
{
  self->base_url = g_strdup ("https://127.0.0.1");
}

JdFileStore *
jd_file_store_new (const char  *dir,
                   const char  *region,
                   GError     **error)
{
  g_autoptr(JdFileStore) self = NULL;
  g_autofree char *secret_path = NULL;
  g_autofree char *secret = NULL;
  g_autoptr(GError) local_error = NULL;

  g_return_val_if_fail (dir != NULL, NULL);

  if (g_mkdir_with_parents (dir, 0700) != 0)
    {
      int saved = errno;
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
                   "Could not make the file store %s: %s", dir, g_strerror (saved));
      return NULL;
    }
  secret_path = g_build_filename (dir, SECRET_FILE, NULL);
  if (!g_file_get_contents (secret_path, &secret, NULL, &local_error))
    {
      guint8 raw[32];

      if (!g_error_matches (local_error, G_FILE_ERROR, G_FILE_ERROR_NOENT))
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          return NULL;
        }
      gnutls_rnd (GNUTLS_RND_KEY, raw, sizeof raw);
      secret = g_base64_encode (raw, sizeof raw);
      memset (raw, 0, sizeof raw);
      if (!g_file_set_contents_full (secret_path, secret, -1, G_FILE_SET_CONTENTS_CONSISTENT, 0600, error))
        return NULL;
    }
  g_strstrip (secret);
  if (*secret == '\0')
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "The file store's key %s is empty", secret_path);
      return NULL;
    }

  self = g_object_new (JD_TYPE_FILE_STORE, NULL);
  self->dir = g_strdup (dir);
  self->region = g_strdup (region != NULL ? region : "us-east-1");
  self->secret = g_steal_pointer (&secret);
  return g_steal_pointer (&self);
}

void
jd_file_store_set_base_url (JdFileStore *self,
                            const char  *base_url)
{
  g_return_if_fail (JD_IS_FILE_STORE (self));
  g_return_if_fail (base_url != NULL);

  g_free (self->base_url);
  self->base_url = g_strdup (base_url);
  /* No trailing slash: paths are appended. */
  while (g_str_has_suffix (self->base_url, "/"))
    self->base_url[strlen (self->base_url) - 1] = '\0';
}

const char *
jd_file_store_get_dir (JdFileStore *self)
{
  g_return_val_if_fail (JD_IS_FILE_STORE (self), NULL);
  return self->dir;
}

gboolean
jd_file_store_key_is_valid (const char *key)
{
  g_auto(GStrv) segments = NULL;
  gsize len;

  if (key == NULL)
    return FALSE;
  len = strlen (key);
  if (len == 0 || len > 512 || key[0] == '/')
    return FALSE;
  for (const char *p = key; *p != '\0'; p++)
    if (!(g_ascii_isalnum (*p) || strchr ("!_.*'()/-", *p) != NULL))
      return FALSE;
  segments = g_strsplit (key, "/", -1);
  for (guint i = 0; segments[i] != NULL; i++)
    if (*segments[i] == '\0' || g_str_equal (segments[i], ".") || g_str_equal (segments[i], ".."))
      return FALSE;
  return TRUE;
}

/* On disk a key is one file name: '/' and the other specials escaped. */
static char *
key_path (JdFileStore *self,
          const char  *key)
{
  g_autofree char *name = g_uri_escape_string (key, NULL, FALSE);

  return g_build_filename (self->dir, name, NULL);
}

char *
jd_file_store_placeholder (JdFileStore *self,
                           const char  *key)
{
  g_return_val_if_fail (JD_IS_FILE_STORE (self), NULL);
  g_return_val_if_fail (jd_file_store_key_is_valid (key), NULL);

  return g_strdup_printf (PLACEHOLDER_START "https://s3.%s.amazonaws.com/%s/%s}",
                          self->region, JD_FILE_STORE_BUCKET, key);
}

static void
imported_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  JdFileStore *self = g_task_get_source_object (task);
  GError *error = NULL;

  if (!g_file_copy_finish (G_FILE (source), result, &error))
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, jd_file_store_placeholder (self, g_task_get_task_data (task)), g_free);
}

void
jd_file_store_import_async (JdFileStore         *self,
                            GFile               *source,
                            const char          *key,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GFile) target = NULL;
  g_autofree char *path = NULL;

  g_return_if_fail (JD_IS_FILE_STORE (self));
  g_return_if_fail (G_IS_FILE (source));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, jd_file_store_import_async);
  if (!jd_file_store_key_is_valid (key))
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                               "“%s” is not a valid key for the file store", key != NULL ? key : "");
      return;
    }
  g_task_set_task_data (task, g_strdup (key), g_free);
  path = key_path (self, key);
  target = g_file_new_for_path (path);
  g_file_copy_async (source, target, G_FILE_COPY_OVERWRITE, G_PRIORITY_LOW, cancellable,
                     NULL, NULL, imported_cb, g_steal_pointer (&task));
}

char *
jd_file_store_import_finish (JdFileStore  *self,
                             GAsyncResult *result,
                             GError      **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

static char *
url_signature (JdFileStore *self,
               const char  *path,
               const char  *amz_date,
               const char  *expires)
{
  g_autofree char *text = g_strdup_printf ("GET\n%s\n%s\n%s", path, amz_date, expires);

  return g_compute_hmac_for_string (G_CHECKSUM_SHA256, (const guchar *) self->secret,
                                    strlen (self->secret), text, -1);
}

char *
jd_file_store_presign (JdFileStore *self,
                       const char  *bucket,
                       const char  *key,
                       gint64       now,
                       guint        expires_in)
{
  g_autoptr(GDateTime) when = NULL;
  g_autofree char *amz_date = NULL;
  g_autofree char *path = NULL;
  g_autofree char *expires = NULL;
  g_autofree char *signature = NULL;

  g_return_val_if_fail (JD_IS_FILE_STORE (self), NULL);
  g_return_val_if_fail (bucket != NULL && key != NULL, NULL);

  when = g_date_time_new_from_unix_utc (now);
  amz_date = g_date_time_format (when, "%Y%m%dT%H%M%SZ");
  path = g_strconcat (JD_FILE_STORE_PATH_PREFIX, bucket, "/", key, NULL);
  expires = g_strdup_printf ("%u", expires_in);
  signature = url_signature (self, path, amz_date, expires);
  return g_strdup_printf ("%s%s?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Date=%s&X-Amz-Expires=%s"
                          "&X-Amz-SignedHeaders=host&X-Amz-Signature=%s",
                          self->base_url, path, amz_date, expires, signature);
}

/* https://s3.REGION.amazonaws.com/BUCKET/KEY, https://s3.amazonaws.com/BUCKET/KEY
 * or https://BUCKET.s3[.REGION].amazonaws.com/KEY → bucket and key. */
static gboolean
parse_s3_url (const char  *url,
              char       **bucket,
              char       **key)
{
  g_autoptr(GUri) uri = g_uri_parse (url, G_URI_FLAGS_ENCODED, NULL);
  const char *host, *path, *slash;

  if (uri == NULL || g_uri_get_host (uri) == NULL)
    return FALSE;
  host = g_uri_get_host (uri);
  path = g_uri_get_path (uri);
  if (!g_str_has_suffix (host, ".amazonaws.com") || path == NULL || path[0] != '/')
    return FALSE;
  if (g_str_has_prefix (host, "s3.") || g_str_has_prefix (host, "s3-"))
    {
      slash = strchr (path + 1, '/');
      if (slash == NULL || slash[1] == '\0')
        return FALSE;
      *bucket = g_strndup (path + 1, slash - path - 1);
      *key = g_strdup (slash + 1);
      return TRUE;
    }
  if (strstr (host, ".s3.") != NULL || strstr (host, ".s3-") != NULL)
    {
      if (path[1] == '\0')
        return FALSE;
      *bucket = g_strndup (host, strstr (host, ".s3") - host);
      *key = g_strdup (path + 1);
      return TRUE;
    }
  return FALSE;
}

char *
jd_file_store_substitute (JdFileStore *self,
                          const char  *document,
                          gint64       now,
                          guint        expires_in)
{
  g_autoptr(GString) out = NULL;
  const char *p, *start;

  g_return_val_if_fail (JD_IS_FILE_STORE (self), NULL);
  g_return_val_if_fail (document != NULL, NULL);

  if (strstr (document, PLACEHOLDER_START) == NULL)
    return NULL;
  expires_in = CLAMP (expires_in, 60, 3600);
  out = g_string_new (NULL);
  p = document;
  while ((start = strstr (p, PLACEHOLDER_START)) != NULL)
    {
      const char *url = start + strlen (PLACEHOLDER_START);
      const char *end = strchr (url, '}');
      g_autofree char *inner = NULL;
      g_autofree char *bucket = NULL;
      g_autofree char *key = NULL;

      g_string_append_len (out, p, start - p);
      if (end == NULL)
        {
          p = start;
          break;
        }
      inner = g_strndup (url, end - url);
      if (parse_s3_url (inner, &bucket, &key))
        {
          g_autofree char *signed_url = jd_file_store_presign (self, bucket, key, now, expires_in);
          g_string_append (out, signed_url);
        }
      else
        /* Not an S3 URL: AWS would refuse the job; leave it for the device to see. */
        g_string_append_len (out, start, end + 1 - start);
      p = end + 1;
    }
  g_string_append (out, p);
  return g_string_free (g_steal_pointer (&out), FALSE);
}

static char *
s3_error (const char *code,
          const char *message)
{
  return g_strdup_printf ("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                          "<Error><Code>%s</Code><Message>%s</Message></Error>", code, message);
}

static gboolean
equal_in_constant_time (const char *a,
                        const char *b)
{
  gsize la = strlen (a), lb = strlen (b);
  guint8 diff = la != lb;

  for (gsize i = 0; i < la && i < lb; i++)
    diff |= (guint8) (a[i] ^ b[i]);
  return diff == 0;
}

static gint64
parse_amz_date (const char *s)
{
  int y, mo, d, h, mi, se;
  g_autoptr(GDateTime) dt = NULL;

  if (s == NULL || strlen (s) != 16 || s[8] != 'T' || s[15] != 'Z' ||
      sscanf (s, "%4d%2d%2dT%2d%2d%2dZ", &y, &mo, &d, &h, &mi, &se) != 6)
    return -1;
  dt = g_date_time_new_utc (y, mo, d, h, mi, se);
  return dt != NULL ? g_date_time_to_unix (dt) : -1;
}

guint
jd_file_store_check_get (JdFileStore *self,
                         const char  *path,
                         GHashTable  *query,
                         gint64       now,
                         GFile      **file,
                         char       **body)
{
  const char *amz_date = query != NULL ? g_hash_table_lookup (query, "X-Amz-Date") : NULL;
  const char *expires = query != NULL ? g_hash_table_lookup (query, "X-Amz-Expires") : NULL;
  const char *signature = query != NULL ? g_hash_table_lookup (query, "X-Amz-Signature") : NULL;
  g_autofree char *expected = NULL;
  g_autofree char *disk = NULL;
  g_autofree char *key = NULL;
  const char *rest, *slash;
  gint64 signed_at;
  guint64 lifetime;

  g_return_val_if_fail (JD_IS_FILE_STORE (self), 500);
  g_return_val_if_fail (file != NULL && body != NULL, 500);
  *file = NULL;
  *body = NULL;

  if (amz_date == NULL || expires == NULL || signature == NULL)
    {
      *body = s3_error ("AccessDenied", "Access Denied");
      return 403;
    }
  signed_at = parse_amz_date (amz_date);
  if (signed_at < 0 || !g_ascii_string_to_unsigned (expires, 10, 1, MAX_EXPIRES, &lifetime, NULL))
    {
      *body = s3_error ("AuthorizationQueryParametersError",
                        "X-Amz-Date or X-Amz-Expires is not valid");
      return 400;
    }
  expected = url_signature (self, path, amz_date, expires);
  if (!equal_in_constant_time (expected, signature))
    {
      *body = s3_error ("SignatureDoesNotMatch",
                        "The request signature we calculated does not match the signature you provided.");
      return 403;
    }
  if (now > signed_at + (gint64) lifetime)
    {
      *body = s3_error ("AccessDenied", "Request has expired");
      return 403;
    }

  rest = path + strlen (JD_FILE_STORE_PATH_PREFIX);
  slash = strchr (rest, '/');
  if (!g_str_has_prefix (path, JD_FILE_STORE_PATH_PREFIX) || slash == NULL ||
      strncmp (rest, JD_FILE_STORE_BUCKET, slash - rest) != 0 || (gsize) (slash - rest) != strlen (JD_FILE_STORE_BUCKET))
    {
      *body = s3_error ("NoSuchBucket", "The specified bucket does not exist");
      return 404;
    }
  key = g_uri_unescape_string (slash + 1, NULL);
  if (key == NULL || !jd_file_store_key_is_valid (key))
    {
      *body = s3_error ("NoSuchKey", "The specified key does not exist.");
      return 404;
    }
  disk = key_path (self, key);
  if (!g_file_test (disk, G_FILE_TEST_IS_REGULAR))
    {
      *body = s3_error ("NoSuchKey", "The specified key does not exist.");
      return 404;
    }
  *file = g_file_new_for_path (disk);
  return 200;
}

gboolean
jd_file_store_is_presigned_request (const char *method,
                                    const char *path)
{
  return path != NULL && g_str_has_prefix (path, JD_FILE_STORE_PATH_PREFIX) &&
         (g_strcmp0 (method, "GET") == 0 || g_strcmp0 (method, "HEAD") == 0);
}

/* ---- serving ---- */

typedef struct {
  SoupServerMessage *msg;
  GInputStream *in;
  GCancellable *cancellable;
  guint8 *buffer;
  gulong wrote_chunk_id;
  gulong finished_id;
} Sender;

static void send_next (Sender *sender);

static void
sender_free (Sender *sender)
{
  g_cancellable_cancel (sender->cancellable);
  if (sender->wrote_chunk_id != 0)
    g_signal_handler_disconnect (sender->msg, sender->wrote_chunk_id);
  if (sender->finished_id != 0)
    g_signal_handler_disconnect (sender->msg, sender->finished_id);
  g_clear_object (&sender->msg);
  g_clear_object (&sender->in);
  g_clear_object (&sender->cancellable);
  g_free (sender->buffer);
  g_free (sender);
}

static void
respond_text (SoupServerMessage *msg,
              guint              status,
              const char        *content_type,
              char              *body)
{
  soup_server_message_set_status (msg, status, NULL);
  soup_server_message_set_response (msg, content_type, SOUP_MEMORY_TAKE, body, strlen (body));
}

static void
chunk_read_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  Sender *sender = user_data;
  g_autoptr(GError) error = NULL;
  SoupMessageBody *body;
  GBytes *bytes;

  bytes = g_input_stream_read_bytes_finish (G_INPUT_STREAM (source), result, &error);
  if (bytes == NULL && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;  /* the message finished (the client left); @sender is gone */
  if (bytes == NULL)
    {
      GIOStream *stream;

      /* The headers have gone out: all we can do is cut the connection. */
      g_warning ("Reading a stored file failed: %s", error->message);
      stream = soup_server_message_steal_connection (sender->msg);
      if (stream != NULL)
        {
          g_io_stream_close (stream, NULL, NULL);
          g_object_unref (stream);
        }
      sender_free (sender);
      return;
    }
  body = soup_server_message_get_response_body (sender->msg);
  if (g_bytes_get_size (bytes) == 0)
    {
      soup_message_body_complete (body);
      soup_server_message_unpause (sender->msg);
      g_bytes_unref (bytes);
      return;
    }
  soup_message_body_append_bytes (body, bytes);
  g_bytes_unref (bytes);
  soup_server_message_unpause (sender->msg);
}

static void
send_next (Sender *sender)
{
  g_input_stream_read_bytes_async (sender->in, STREAM_CHUNK, G_PRIORITY_LOW, sender->cancellable,
                                   chunk_read_cb, sender);
}

static void
wrote_chunk_cb (SoupServerMessage *msg,
                gpointer           user_data)
{
  /* SoupServer pauses the message itself when it runs out of body. */
  send_next (user_data);
}

static void
finished_cb (SoupServerMessage *msg,
             gpointer           user_data)
{
  sender_free (user_data);
}

static void
file_opened_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  Sender *sender = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GFileInfo) info = NULL;
  GFileInputStream *in;
  SoupMessageHeaders *headers;

  in = g_file_read_finish (G_FILE (source), result, &error);
  if (in != NULL)
    info = g_file_input_stream_query_info (in, G_FILE_ATTRIBUTE_STANDARD_SIZE, NULL, &error);
  if (info == NULL)
    {
      g_clear_object (&in);
      respond_text (sender->msg, 404, "application/xml", s3_error ("NoSuchKey", "The specified key does not exist."));
      soup_server_message_unpause (sender->msg);
      sender_free (sender);
      return;
    }
  sender->in = G_INPUT_STREAM (in);
  headers = soup_server_message_get_response_headers (sender->msg);
  soup_server_message_set_status (sender->msg, 200, NULL);
  soup_message_headers_set_content_type (headers, "application/octet-stream", NULL);
  soup_message_headers_set_content_length (headers, g_file_info_get_size (info));
  if (g_strcmp0 (soup_server_message_get_method (sender->msg), "HEAD") == 0)
    {
      soup_server_message_unpause (sender->msg);
      sender_free (sender);
      return;
    }
  soup_message_body_set_accumulate (soup_server_message_get_response_body (sender->msg), FALSE);
  sender->wrote_chunk_id = g_signal_connect (sender->msg, "wrote-chunk", G_CALLBACK (wrote_chunk_cb), sender);
  sender->finished_id = g_signal_connect (sender->msg, "finished", G_CALLBACK (finished_cb), sender);
  send_next (sender);
}

typedef struct {
  SoupServerMessage *msg;
  char *key;
  char *placeholder;
  gsize size;
} Upload;

static void
stored_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  Upload *upload = user_data;
  g_autoptr(GError) error = NULL;

  if (!g_file_replace_contents_finish (G_FILE (source), result, NULL, &error))
    respond_text (upload->msg, 500, "application/json",
                  g_strdup_printf ("{\"message\":\"The file could not be stored: %s\"}", error->message));
  else
    {
      g_autoptr(JsonBuilder) builder = json_builder_new ();
      g_autoptr(JsonNode) root = NULL;

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "bucket");
      json_builder_add_string_value (builder, JD_FILE_STORE_BUCKET);
      json_builder_set_member_name (builder, "key");
      json_builder_add_string_value (builder, upload->key);
      json_builder_set_member_name (builder, "size");
      json_builder_add_int_value (builder, upload->size);
      json_builder_set_member_name (builder, "placeholder");
      json_builder_add_string_value (builder, upload->placeholder);
      json_builder_end_object (builder);
      root = json_builder_get_root (builder);
      respond_text (upload->msg, 200, "application/json", json_to_string (root, FALSE));
    }
  soup_server_message_unpause (upload->msg);
  g_object_unref (upload->msg);
  g_free (upload->key);
  g_free (upload->placeholder);
  g_free (upload);
}

void
jd_file_store_serve (JdFileStore       *self,
                     SoupServerMessage *msg)
{
  const char *method = soup_server_message_get_method (msg);
  GUri *uri = soup_server_message_get_uri (msg);
  const char *path = g_uri_get_path (uri);

  g_return_if_fail (JD_IS_FILE_STORE (self));
  g_return_if_fail (SOUP_IS_SERVER_MESSAGE (msg));

  if (jd_file_store_is_presigned_request (method, path))
    {
      g_autoptr(GHashTable) query = NULL;
      g_autoptr(GFile) file = NULL;
      char *body = NULL;
      guint status;
      Sender *sender;

      if (g_uri_get_query (uri) != NULL)
        query = g_uri_parse_params (g_uri_get_query (uri), -1, "&", G_URI_PARAMS_NONE, NULL);
      status = jd_file_store_check_get (self, path, query, g_get_real_time () / G_USEC_PER_SEC, &file, &body);
      if (status != 200)
        {
          respond_text (msg, status, "application/xml", body);
          return;
        }
      sender = g_new0 (Sender, 1);
      sender->msg = g_object_ref (msg);
      sender->cancellable = g_cancellable_new ();
      soup_server_message_pause (msg);
      g_file_read_async (file, G_PRIORITY_LOW, sender->cancellable, file_opened_cb, sender);
      return;
    }

  if (g_strcmp0 (method, "PUT") == 0 && g_str_has_prefix (path, JD_FILE_STORE_PATH_PREFIX))
    {
      const char *rest = path + strlen (JD_FILE_STORE_PATH_PREFIX);
      const char *slash = strchr (rest, '/');
      g_autofree char *key = NULL;
      g_autofree char *disk = NULL;
      g_autoptr(GFile) file = NULL;
      g_autoptr(GBytes) bytes = NULL;
      Upload *upload;

      if (slash == NULL || (gsize) (slash - rest) != strlen (JD_FILE_STORE_BUCKET) ||
          strncmp (rest, JD_FILE_STORE_BUCKET, slash - rest) != 0)
        {
          respond_text (msg, 404, "application/json",
                        g_strdup ("{\"message\":\"The file store has one bucket, " JD_FILE_STORE_BUCKET ".\"}"));
          return;
        }
      key = g_uri_unescape_string (slash + 1, NULL);
      if (key == NULL || !jd_file_store_key_is_valid (key))
        {
          respond_text (msg, 400, "application/json",
                        g_strdup ("{\"message\":\"The key must be 1-512 characters of A-Z a-z 0-9 ! _ . * ' ( ) / - without empty, . or .. segments.\"}"));
          return;
        }
      disk = key_path (self, key);
      file = g_file_new_for_path (disk);
      bytes = soup_message_body_flatten (soup_server_message_get_request_body (msg));
      upload = g_new0 (Upload, 1);
      upload->msg = g_object_ref (msg);
      upload->key = g_strdup (key);
      upload->placeholder = jd_file_store_placeholder (self, key);
      upload->size = g_bytes_get_size (bytes);
      soup_server_message_pause (msg);
      /* replace_contents_bytes keeps @bytes alive until it is done. */
      g_file_replace_contents_bytes_async (file, bytes, NULL, FALSE, G_FILE_CREATE_PRIVATE, NULL,
                                           stored_cb, upload);
      return;
    }

  respond_text (msg, 405, "application/json", g_strdup ("{\"message\":\"The file store answers GET, HEAD and PUT.\"}"));
}
