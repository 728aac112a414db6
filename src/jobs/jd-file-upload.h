/* jd-file-upload.h — uploading a local file to the sandbox's file store: a
 * SigV4-signed PUT to the control plane's /files/BUCKET/KEY route, the body
 * streamed from the file (hashed first in a worker thread for the signature,
 * then sent chunk by chunk: the file is never held in memory), cancellable,
 * with progress. The store answers the file's
 * `${aws:iot:s3-presigned-url:https://s3.REGION.amazonaws.com/BUCKET/KEY}`
 * placeholder, which the service replaces with a presigned URL when it
 * delivers a document to a device. Only the sandbox has this route; AWS
 * answers 404 (S3 is where such files go there).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "jd-control-plane.h"
#include "jd-jobs-error.h"

G_BEGIN_DECLS

/* The sandbox file store's one bucket and its route on the control plane
 * (src/service/jd-file-store.h; the core does not link the service). */
#define JD_FILE_UPLOAD_BUCKET      "jobdeck-sandbox"
#define JD_FILE_UPLOAD_PATH_PREFIX "/files/"


/* Called on the calling thread's main context while the body is sent, at
 * most every 50 ms and always for the last byte. */
typedef void (*JdFileUploadProgressFunc) (guint64  sent,
                                          guint64  total,
                                          gpointer user_data);

/* Uploads @file under @key (NULL: the file's name) to the file store behind
 * @control_plane's endpoint, signed with its credentials. Nothing of it
 * blocks the calling thread's main context. */
void  jd_file_upload_async  (JdControlPlane           *control_plane,
                             GFile                    *file,
                             const char               *key,
                             JdFileUploadProgressFunc  progress,
                             gpointer                  progress_data,
                             GDestroyNotify            progress_destroy,
                             GCancellable             *cancellable,
                             GAsyncReadyCallback       callback,
                             gpointer                  user_data);
/* Returns the placeholder; @reply (optional) gets the store's whole answer,
 * {"bucket","key","size","placeholder"}. */
char *jd_file_upload_finish (GAsyncResult             *result,
                             JsonNode                **reply,
                             GError                  **error);

G_END_DECLS
