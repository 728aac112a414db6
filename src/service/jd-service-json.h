/* jd-service-json.h — small JsonBuilder helpers the service's MQTT and HTTP
 * answers share.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

void  jd_service_json_add_int     (JsonBuilder *builder,
                                   const char  *name,
                                   gint64       value);
void  jd_service_json_add_string  (JsonBuilder *builder,
                                   const char  *name,
                                   const char  *value);
void  jd_service_json_add_bool    (JsonBuilder *builder,
                                   const char  *name,
                                   gboolean     value);

G_END_DECLS
