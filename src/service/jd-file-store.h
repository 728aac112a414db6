/* jd-file-store.h — the sandbox's file store: files uploaded for jobs, served
 * over the control-plane HTTPS server with expiring presigned URLs (an HMAC,
 * S3's query parameter names), and the substitution of AWS's
 * `${aws:iot:s3-presigned-url:https://s3.REGION.amazonaws.com/BUCKET/KEY}`
 * placeholders in documents delivered to devices.
 *
 * URLs: GET /files/BUCKET/KEY?X-Amz-Algorithm=…&X-Amz-Date=…&X-Amz-Expires=…
 * &X-Amz-SignedHeaders=host&X-Amz-Signature=… (no SigV4 header: the query
 * authenticates it); PUT /files/BUCKET/KEY (SigV4-signed like every other
 * control-plane request) stores a file and answers {"bucket","key","size",
 * "placeholder"}.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>
#include <libsoup/soup.h>

G_BEGIN_DECLS

#define JD_FILE_STORE_PATH_PREFIX "/files/"
#define JD_FILE_STORE_BUCKET "jobdeck-sandbox"
/* AWS's presignedUrlConfig.expiresInSec: 60–3600, default 3600. */
#define JD_FILE_STORE_DEFAULT_EXPIRES 3600

#define JD_TYPE_FILE_STORE (jd_file_store_get_type ())
G_DECLARE_FINAL_TYPE (JdFileStore, jd_file_store, JD, FILE_STORE, GObject)

/* Files live in @dir (made 0700 if missing); the URL key in @dir/.secret
 * (0600, made once). Blocking (two small files): call it where the sandbox
 * makes its folder, in its worker thread. */
JdFileStore *jd_file_store_new            (const char  *dir,
                                           const char  *region,
                                           GError     **error);
/* The control-plane server's base, e.g. "https://127.0.0.1:40124". */
void         jd_file_store_set_base_url   (JdFileStore *self,
                                           const char  *base_url);
const char  *jd_file_store_get_dir        (JdFileStore *self);

/* Valid object keys: 1–512 of [A-Za-z0-9!_.*'()/-], no empty, "." or ".."
 * segment, no leading '/'. */
gboolean     jd_file_store_key_is_valid   (const char  *key);

/* Copies the local file @source into the store under @key (replacing what
 * was there), asynchronously; the finish returns the key's placeholder. For
 * the app, which runs the sandbox in-process (the CLI uploads with PUT). */
void         jd_file_store_import_async   (JdFileStore         *self,
                                           GFile               *source,
                                           const char          *key,
                                           GCancellable        *cancellable,
                                           GAsyncReadyCallback  callback,
                                           gpointer             user_data);
char        *jd_file_store_import_finish  (JdFileStore         *self,
                                           GAsyncResult        *result,
                                           GError             **error);

/* "${aws:iot:s3-presigned-url:https://s3.REGION.amazonaws.com/BUCKET/KEY}" */
char        *jd_file_store_placeholder    (JdFileStore *self,
                                           const char  *key);

/* A presigned URL for @bucket/@key, valid for @expires_in seconds from @now
 * (unix seconds). */
char        *jd_file_store_presign        (JdFileStore *self,
                                           const char  *bucket,
                                           const char  *key,
                                           gint64       now,
                                           guint        expires_in);

/* @document (JSON text) with every s3-presigned-url placeholder replaced by a
 * presigned URL; NULL when it has none (use the document as it is). An S3
 * URL of another bucket is signed all the same and answers 404 NoSuchBucket,
 * as S3 would. @expires_in is clamped to 60–3600. */
char        *jd_file_store_substitute     (JdFileStore *self,
                                           const char  *document,
                                           gint64       now,
                                           guint        expires_in);

/* Checks a GET's query. Returns 200 with *file set (the file to send), or an
 * error status (403, 404) with *body set to S3's XML error. Pure apart from
 * looking at the disk for the file's existence. */
guint        jd_file_store_check_get      (JdFileStore *self,
                                           const char  *path,
                                           GHashTable  *query,
                                           gint64       now,
                                           GFile      **file,
                                           char       **body);

/* True for requests the store answers without a SigV4 header (a GET or HEAD
 * under JD_FILE_STORE_PATH_PREFIX). */
gboolean     jd_file_store_is_presigned_request (const char *method,
                                                 const char *path);

/* Answers @msg, a request under JD_FILE_STORE_PATH_PREFIX: GET/HEAD with a
 * presigned query (the file streamed from disk in chunks, asynchronously),
 * PUT (the caller has verified its SigV4 signature) stores the body. Pauses
 * @msg while it works. */
void         jd_file_store_serve          (JdFileStore       *self,
                                           SoupServerMessage *msg);

G_END_DECLS
