/* jd-device-api.h — the AWS IoT Jobs device (MQTT) API as pure request
 * handlers over a JdStore: topic classification, lenient request parsing,
 * validation, accepted/rejected reply payloads, and the `notify` /
 * `notify-next` payloads of a thing (reference jobs-device-api.md). The
 * transport (JdServiceMqtt) only moves bytes.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

#include "jd-store.h"

G_BEGIN_DECLS

typedef enum {
  JD_DEVICE_OP_GET_PENDING,   /* $aws/things/T/jobs/get */
  JD_DEVICE_OP_START_NEXT,    /* $aws/things/T/jobs/start-next */
  JD_DEVICE_OP_DESCRIBE,      /* $aws/things/T/jobs/{jobId|$next}/get */
  JD_DEVICE_OP_UPDATE,        /* $aws/things/T/jobs/{jobId}/update */
} JdDeviceOp;

typedef enum {
  JD_DEVICE_TOPIC_NONE,       /* not a request: another namespace, a reply or a notification — ignore */
  JD_DEVICE_TOPIC_REQUEST,    /* one of the four operations */
  JD_DEVICE_TOPIC_INVALID,    /* under $aws/things/T/jobs/ but no operation: answer InvalidTopic */
} JdDeviceTopicKind;

/* Classifies a topic received on `$aws/things/+/jobs/#`. For REQUEST and
 * INVALID, *thing_name is set; for REQUEST also *op and, for describe and
 * update, *job_id (which may be the literal "$next"). */
JdDeviceTopicKind jd_device_api_parse_topic   (const char  *topic,
                                               char       **thing_name,
                                               JdDeviceOp  *op,
                                               char       **job_id);

/* The reply topic: @request_topic + "/accepted" or "/rejected" (`$next` stays literal). */
char             *jd_device_api_reply_topic   (const char  *request_topic,
                                               gboolean     accepted);

/* Handles one request and builds its reply payload (JSON text). Never fails:
 * every problem becomes a rejected reply (*accepted = FALSE) with AWS's code,
 * a message, the echoed clientToken, the timestamp in seconds and, for
 * InvalidStateTransition and VersionMismatch, executionState. */
void              jd_device_api_handle        (JdStore     *store,
                                               const char  *thing_name,
                                               JdDeviceOp   op,
                                               const char  *job_id,     /* NULL for get / start-next */
                                               const char  *payload,    /* may be NULL when len is 0 */
                                               gsize        len,
                                               gboolean    *accepted,
                                               char       **reply_json);

/* The same four operations over HTTPS (iot-jobs-data): the same checks, store
 * calls and budgets, the data plane's shapes. TRUE with the response body;
 * FALSE with *code (the MQTT code, e.g. "ResourceNotFound"; "InvalidJson"
 * becomes "InvalidRequest") and the error's members (`message`,
 * `executionState`). @query holds the decoded query parameters (or NULL). */
gboolean          jd_device_api_handle_https  (JdStore     *store,
                                               const char  *thing_name,
                                               JdDeviceOp   op,
                                               const char  *job_id,
                                               GHashTable  *query,
                                               const char  *body,
                                               gsize        len,
                                               const char **code,
                                               char       **reply_json);

/* The rejected reply for a topic that maps to no operation (published on
 * <topic>/rejected); echoes the payload's clientToken when it has one. */
char             *jd_device_api_build_invalid_topic (const char *topic,
                                                     const char *payload,
                                                     gsize       len);

/* `{"timestamp":N,"jobs":{"IN_PROGRESS":[…],"QUEUED":[…]}}`, at most 10
 * summaries, empty status keys left out. */
char             *jd_device_api_build_notify      (JdStore     *store,
                                                   const char  *thing_name,
                                                   GError     **error);
/* `{"timestamp":N,"execution":{…}}`, or `{"timestamp":N}` when nothing is pending. */
char             *jd_device_api_build_notify_next (JdStore     *store,
                                                   const char  *thing_name,
                                                   GError     **error);
/* Both payloads from one read of the thing's pending set; either out
 * pointer may be NULL (not built). FALSE with @error when the store fails. */
gboolean          jd_device_api_build_notifications (JdStore     *store,
                                                     const char  *thing_name,
                                                     char       **notify,
                                                     char       **notify_next,
                                                     GError     **error);

/* A fleet event (JdStore::jobs-events) as AWS publishes it: *topic gets
 * `$aws/events/job/<jobId>/<operation>` or
 * `$aws/events/jobExecution/<jobId>/<operation>`; returns the payload. */
char             *jd_device_api_build_event       (const JdStoreEvent *event,
                                                   const char         *region,
                                                   const char         *account_id,
                                                   char              **topic);

/* AWS's identifier rules: jd_rules_is_valid_thing_name() and
 * jd_rules_is_valid_job_id() (jd-rules.h), nul-terminated. */
gboolean          jd_device_api_is_valid_thing_name (const char *name);
gboolean          jd_device_api_is_valid_job_id     (const char *job_id);

G_END_DECLS
