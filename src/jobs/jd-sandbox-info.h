/* jd-sandbox-info.h — DIR/sandbox.json, the file a running sandbox publishes
 * so that other programs (jobdeck-cli, tests, scripts) can reach it: the
 * broker, the control plane, the sandbox credentials, each thing's
 * certificate and key, and the operator's read-only observer identity. The sandbox writes it and jobdeck-cli and the session
 * read it, all through this one piece of code.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "jd-jobs-error.h"

G_BEGIN_DECLS

#define JD_SANDBOX_INFO_FILE          "sandbox.json"
#define JD_SANDBOX_INFO_VERSION       1
/* The thing a sandbox gives when nobody names one. */
#define JD_SANDBOX_INFO_DEFAULT_THING "MyThing"


typedef struct {
  int         pid;                      /* the process that runs the sandbox */
  char       *mqtt_host;
  guint16     mqtt_port;
  char       *ca_path;                  /* trusted for MQTT and the control plane */
  char       *control_plane_endpoint;   /* "https://127.0.0.1:PORT" */
  char       *region;
  char       *account_id;
  char       *access_key_id;
  char       *secret_access_key;
  GHashTable *things;                   /* name → JdSandboxInfoThing */
  char       *codesign_certificate_path; /* nullable: the code-signing identity */
  char       *codesign_key_path;
  char       *jobs_data_endpoint;       /* nullable: "https://127.0.0.1:PORT", the iot:Jobs endpoint */
  /* nullable (a folder of an older version has none): the operator's
   * identity that may read $aws/events/# and nothing else */
  char       *observer_name;
  char       *observer_certificate_path;
  char       *observer_key_path;
} JdSandboxInfo;

typedef struct {
  char *certificate_path;
  char *key_path;
} JdSandboxInfoThing;


JdSandboxInfo *jd_sandbox_info_new         (void);
void           jd_sandbox_info_free        (JdSandboxInfo       *info);
JdSandboxInfo *jd_sandbox_info_copy        (const JdSandboxInfo *info);

void           jd_sandbox_info_set_thing   (JdSandboxInfo       *info,
                                            const char          *thing_name,
                                            const char          *certificate_path,
                                            const char          *key_path);
/* Returns: (nullable) (transfer none): the thing's files, or %NULL. */
const JdSandboxInfoThing *
               jd_sandbox_info_get_thing   (const JdSandboxInfo *info,
                                            const char          *thing_name);

/* The file in @dir. */
char          *jd_sandbox_info_dup_path    (const char          *dir);

/* Reads DIR/sandbox.json (a blocking read of one small file). */
JdSandboxInfo *jd_sandbox_info_load        (const char          *dir,
                                            GError             **error);
/* Writes DIR/sandbox.json atomically, mode 0600 (it holds the secret key). */
gboolean       jd_sandbox_info_save        (const JdSandboxInfo *info,
                                            const char          *dir,
                                            GError             **error);
/* The JSON text that save writes. */
char          *jd_sandbox_info_to_json     (const JdSandboxInfo *info);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (JdSandboxInfo, jd_sandbox_info_free)

G_END_DECLS
