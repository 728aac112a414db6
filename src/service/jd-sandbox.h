/* jd-sandbox.h — the local sandbox: a folder with a CA, certificates, sandbox
 * credentials and a mosquitto configuration; a real mosquitto on loopback started
 * as a child process; the jobs service on top; and DIR/sandbox.json describing it
 * all while it runs. The app uses it in-process, jobdeck-service as a daemon.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "jd-file-store.h"
#include "jd-sandbox-info.h"
#include "jd-service.h"
#include "jd-service-error.h"

G_BEGIN_DECLS

/* Errors are JD_SERVICE_ERROR's (jd-service-error.h). */

/* Fixed facts of every sandbox. */
#define JD_SANDBOX_HOST              "127.0.0.1"
#define JD_SANDBOX_REGION            "us-east-1"
#define JD_SANDBOX_ACCOUNT_ID        "123456789012"
#define JD_SANDBOX_SERVICE_IDENTITY  "jobs-service"
/* May read $aws/events/# and nothing else; never writes. */
#define JD_SANDBOX_OBSERVER_IDENTITY "jobs-observer"
#define JD_SANDBOX_DEFAULT_THING     JD_SANDBOX_INFO_DEFAULT_THING
#define JD_SANDBOX_STORE_FILE        "jobs.sqlite"
#define JD_SANDBOX_FILES_DIR         "files"
/* Held (flock) by the one process that runs the folder's sandbox. */
#define JD_SANDBOX_LOCK_FILE         "sandbox.lock"

#define JD_TYPE_SANDBOX (jd_sandbox_get_type ())
G_DECLARE_FINAL_TYPE (JdSandbox, jd_sandbox, JD, SANDBOX, GObject)

JdSandbox   *jd_sandbox_new                   (const char          *data_dir);

/* Where the app and jobdeck-cli keep their sandbox by default:
 * $XDG_DATA_HOME/jobdeck/sandbox (inside the Flatpak, its private data dir). */
char        *jd_sandbox_dup_default_data_dir  (void);

/* Before start: things to make sure of (default: MyThing when none is added and
 * the folder has none), and fixed ports (0, the default, picks a free one). */
gboolean     jd_sandbox_add_thing             (JdSandbox           *self,
                                               const char          *thing_name,
                                               GError             **error);
void         jd_sandbox_set_mqtt_port         (JdSandbox           *self,
                                               guint16              port);
void         jd_sandbox_set_https_port        (JdSandbox           *self,
                                               guint16              port);
/* Publish the $aws/events/job… fleet events (off by default); takes effect
 * at once when running. */
void         jd_sandbox_set_fleet_events      (JdSandbox           *self,
                                               gboolean             enabled);

/* Creates what the folder lacks (in a worker thread), starts mosquitto and the
 * service, writes sandbox.json. Progress is reported by the "progress" and
 * "status" properties. */
void         jd_sandbox_start_async           (JdSandbox           *self,
                                               GCancellable        *cancellable,
                                               GAsyncReadyCallback  callback,
                                               gpointer             user_data);
gboolean     jd_sandbox_start_finish          (JdSandbox           *self,
                                               GAsyncResult        *result,
                                               GError             **error);

/* Stops the service, sends mosquitto SIGTERM and completes when it has exited;
 * removes sandbox.json. Stopping a stopped sandbox completes at once. */
void         jd_sandbox_stop_async            (JdSandbox           *self,
                                               GCancellable        *cancellable,
                                               GAsyncReadyCallback  callback,
                                               gpointer             user_data);
gboolean     jd_sandbox_stop_finish           (JdSandbox           *self,
                                               GAsyncResult        *result,
                                               GError             **error);

/* Makes sure the things exist in the running service's store and have a
 * certificate and key, listed in sandbox.json and the ACL: keys,
 * certificates, the ACL and sandbox.json are written in a worker thread,
 * each file once for the batch (not once per thing), and the things enter
 * the store on its worker. One batch at a time; calls that wait meanwhile
 * share the next. CreateThing's reply waits for this (src/service/README.md,
 * "Things"). The sandbox must be running. */
void         jd_sandbox_add_things_async      (JdSandbox           *self,
                                               const char * const  *thing_names,
                                               GCancellable        *cancellable,
                                               GAsyncReadyCallback  callback,
                                               gpointer             user_data);
gboolean     jd_sandbox_add_things_finish     (JdSandbox           *self,
                                               GAsyncResult        *result,
                                               GError             **error);

/* The running service (store, HTTP, MQTT), or NULL when stopped. */
JdService   *jd_sandbox_get_service           (JdSandbox           *self);

gboolean     jd_sandbox_get_running           (JdSandbox           *self);
/* mosquitto's process id while it runs, else 0. */
int          jd_sandbox_get_broker_pid        (JdSandbox           *self);
/* The broker died and a restart failed: try again now instead of after the
 * backoff. FALSE when no attempt was waiting. */
gboolean     jd_sandbox_restart_broker_now    (JdSandbox           *self);
double       jd_sandbox_get_progress          (JdSandbox           *self);
const char  *jd_sandbox_get_status            (JdSandbox           *self);

const char  *jd_sandbox_get_data_dir          (JdSandbox           *self);
const char  *jd_sandbox_get_info_path         (JdSandbox           *self);
const char  *jd_sandbox_get_store_path        (JdSandbox           *self);
guint16      jd_sandbox_get_mqtt_port         (JdSandbox           *self);
guint16      jd_sandbox_get_https_port        (JdSandbox           *self);
char        *jd_sandbox_dup_endpoint          (JdSandbox           *self);
const char  *jd_sandbox_get_ca_path           (JdSandbox           *self);
const char  *jd_sandbox_get_server_cert_path  (JdSandbox           *self);
const char  *jd_sandbox_get_server_key_path   (JdSandbox           *self);
const char  *jd_sandbox_get_service_cert_path (JdSandbox           *self);
const char  *jd_sandbox_get_service_key_path  (JdSandbox           *self);
/* The operator's read-only identity (JD_SANDBOX_OBSERVER_IDENTITY), issued
 * at start like the service's and named in sandbox.json. */
const char  *jd_sandbox_get_observer_cert_path (JdSandbox          *self);
const char  *jd_sandbox_get_observer_key_path  (JdSandbox          *self);
const char  *jd_sandbox_get_access_key_id     (JdSandbox           *self);
const char  *jd_sandbox_get_secret_access_key (JdSandbox           *self);
/* What sandbox.json holds (written with jd_sandbox_info_save()). */
JdSandboxInfo *jd_sandbox_dup_info            (JdSandbox           *self);
/* Sorted names of the things that have a certificate. */
GStrv        jd_sandbox_dup_thing_names       (JdSandbox           *self);
gboolean     jd_sandbox_get_thing_files       (JdSandbox           *self,
                                               const char          *thing_name,
                                               char               **cert_path,
                                               char               **key_path);

/* The code-signing identity (jd-sandbox-codesign.h), made at start. */
const char  *jd_sandbox_get_codesign_cert_path (JdSandbox         *self);
const char  *jd_sandbox_get_codesign_key_path  (JdSandbox         *self);
/* The files served to devices (DIR/files); NULL before the first start. */
JdFileStore *jd_sandbox_get_file_store         (JdSandbox         *self);

G_END_DECLS
