/* jd-sandbox-folder.h — preparing the sandbox folder in a worker thread,
 * and the folder's rules that JdSandbox shares (thing names, file paths,
 * private files, issuing a thing's certificate). Internal to
 * libjobdeck-service.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "jd-file-store.h"
#include "jd-sandbox-certs.h"

G_BEGIN_DECLS

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
  char         *observer_cert_path;
  char         *observer_key_path;
  char         *credentials_path;
  char         *conf_path;
  char         *acl_path;
  char         *codesign_cert_path;
  char         *codesign_key_path;
  char         *files_dir;
  GStrv         requested_things;
  guint16       mqtt_port;

  /* out */
  int           lock_fd;           /* -1 until the folder is ours */
  JdFileStore  *file_store;
  JdSandboxCa  *ca;
  GHashTable   *things;
  char         *access_key_id;
  char         *secret_access_key;
} JdSandboxFolder;

void      jd_sandbox_folder_free           (JdSandboxFolder  *data);
/* A GTaskThreadFunc; the task data is a JdSandboxFolder. */
void      jd_sandbox_folder_prepare_thread (GTask            *task,
                                            gpointer          source_object,
                                            gpointer          task_data,
                                            GCancellable     *cancellable);

gboolean  jd_sandbox_is_valid_thing_name   (const char       *name);
gboolean  jd_sandbox_check_thing_name      (const char       *name,
                                            GError          **error);
void      jd_sandbox_thing_paths           (const char       *things_dir,
                                            const char       *name,
                                            char            **cert_path,
                                            char            **key_path);
/* Writes @text atomically, mode 0600. */
gboolean  jd_sandbox_write_private_text    (const char       *path,
                                            const char       *text,
                                            GError          **error);
gboolean  jd_sandbox_issue_thing           (JdSandboxCa      *ca,
                                            const char       *things_dir,
                                            const char       *name,
                                            GError          **error);
/* Issues the pairs of many new things at once (a sync for the batch, not
 * per file). Blocking: call it from a worker thread. */
gboolean  jd_sandbox_issue_things          (JdSandboxCa         *ca,
                                            const char          *things_dir,
                                            const char * const  *names,
                                            GCancellable        *cancellable,
                                            GError             **error);

G_END_DECLS
