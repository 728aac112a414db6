/* jd-cli-config.h — which Jobdeck profile jobdeck-cli uses (--profile NAME,
 * else the active one, else the only one). Everything else about where to
 * connect is the core's JdSession.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "jd-profile.h"

G_BEGIN_DECLS

/* The profile named @name (its name or its id), or with @name NULL the active
 * profile (else the only one). @settings: a io.github.jobdeck.Jobdeck
 * GSettings. The app's embedded sandbox profile is refused: it runs only
 * inside the app. */
JdProfile *jd_cli_config_find_profile (GSettings   *settings,
                                       const char  *name,
                                       GError     **error);

G_END_DECLS
