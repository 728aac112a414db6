/* jd-event-log.h — a bounded GListModel of the MQTT messages a jobs client
 * sent and received (time, direction, kind, topic, payload), for the app's
 * Events view and for export.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

typedef enum {
  JD_EVENT_DIRECTION_OUT,   /* published by us */
  JD_EVENT_DIRECTION_IN,    /* received */
} JdEventDirection;

#define JD_TYPE_EVENT_DIRECTION (jd_event_direction_get_type ())
GType jd_event_direction_get_type (void) G_GNUC_CONST;

#define JD_EVENT_LOG_DEFAULT_CAP 1000

#define JD_TYPE_EVENT (jd_event_get_type ())
G_DECLARE_FINAL_TYPE (JdEvent, jd_event, JD, EVENT, GObject)

JdEvent          *jd_event_new           (GDateTime        *time,
                                          JdEventDirection  direction,
                                          const char       *kind,
                                          const char       *topic,
                                          GBytes           *payload);
GDateTime        *jd_event_get_time      (JdEvent          *self);
JdEventDirection  jd_event_get_direction (JdEvent          *self);
const char       *jd_event_get_kind      (JdEvent          *self);
const char       *jd_event_get_topic     (JdEvent          *self);
const char       *jd_event_get_payload   (JdEvent          *self);
JsonNode         *jd_event_to_json       (JdEvent          *self);
char             *jd_event_to_json_line  (JdEvent          *self);
JdEvent          *jd_event_new_from_json (JsonObject       *object,
                                          GError          **error);
const char       *jd_event_get_job_id    (JdEvent          *self);

#define JD_TYPE_EVENT_LOG (jd_event_log_get_type ())
G_DECLARE_FINAL_TYPE (JdEventLog, jd_event_log, JD, EVENT_LOG, GObject)

JdEventLog       *jd_event_log_new       (guint             cap);
guint             jd_event_log_get_cap   (JdEventLog       *self);
void              jd_event_log_set_cap   (JdEventLog       *self,
                                          guint             cap);
void              jd_event_log_append    (JdEventLog       *self,
                                          JdEvent          *event);
void              jd_event_log_clear     (JdEventLog       *self);
char             *jd_event_log_export    (JdEventLog       *self);

/* History: JSON Lines, one compact event a line, oldest first. */
char             *jd_event_log_to_json_lines   (JdEventLog  *self);
GPtrArray        *jd_event_log_parse_json_lines (const char  *text,
                                                 gsize        len);
void              jd_event_log_prepend_history (JdEventLog  *self,
                                                GPtrArray   *events);

G_END_DECLS
