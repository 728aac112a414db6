/* jd-cli-config.h — where jobdeck-cli connects: from a running sandbox's
 * DIR/sandbox.json (written by jobdeck-service; parsed here, the sandbox
 * library has only the writer) or from a Jobdeck profile in GSettings.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "jd-credentials.h"
#include "jd-profile.h"

G_BEGIN_DECLS

typedef struct {
  char          *thing_name;
  char          *region;
  /* control plane */
  char          *control_plane_url;
  char          *control_plane_ca_path;
  JdCredentials *credentials;        /* NULL for a profile until looked up */
  JdProfile     *profile;            /* NULL for a sandbox */
  /* MQTT */
  char          *mqtt_host;
  guint16        mqtt_port;
  char          *client_id;
  char          *ca_path;
  char          *cert_path;          /* NULL for a sandbox thing without one yet */
  char          *key_path;
  /* the sandbox folder, NULL for a profile */
  char          *sandbox_dir;
} JdCliConfig;

void         jd_cli_config_free            (JdCliConfig  *config);

/* Reads @dir/sandbox.json; @thing_name NULL means MyThing. */
JdCliConfig *jd_cli_config_new_for_sandbox (const char   *dir,
                                            const char   *thing_name,
                                            GError      **error);
/* Reads sandbox.json again for the thing's certificate and key (CreateThing
 * issues them and rewrites the file). Fails if the thing still has none. */
gboolean     jd_cli_config_reload_sandbox  (JdCliConfig  *config,
                                            GError      **error);

/* The profile named @name (its name or its id), or with @name NULL the active
 * profile (else the only one). @settings: a io.github.jobdeck.Jobdeck
 * GSettings. @thing_name overrides the profile's thing when not NULL. */
JdCliConfig *jd_cli_config_new_for_profile (GSettings    *settings,
                                            const char   *name,
                                            const char   *thing_name,
                                            GError      **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (JdCliConfig, jd_cli_config_free)

G_END_DECLS
