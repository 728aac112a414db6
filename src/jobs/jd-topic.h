/* jd-topic.h — build, parse and validate the AWS IoT Jobs MQTT topics
 * (`$aws/things/<thing>/jobs/...`), for the device client and the jobs service.
 *
 * Parsing never allocates: the parts point into the parsed topic. A topic
 * inside `$aws/things/<thing>/jobs` that maps to no operation is reported as
 * %JD_TOPIC_PARSE_INVALID_TOPIC (AWS answers those with `InvalidTopic`), which
 * is distinct from %JD_TOPIC_PARSE_NOT_JOBS (any other topic).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

#include "jd-rules.h"

G_BEGIN_DECLS

/* The limits themselves live in jd-rules.h. */
#define JD_TOPIC_THING_NAME_MAX JD_THING_NAME_MAX
#define JD_TOPIC_JOB_ID_MAX     JD_JOB_ID_MAX
/* The literal job id that names the next pending execution (describe only). */
#define JD_TOPIC_NEXT_JOB_ID    JD_NEXT_JOB_ID

typedef enum {
  JD_TOPIC_OP_NONE,         /* inside the jobs namespace, but no operation */
  JD_TOPIC_OP_GET_PENDING,  /* jobs/get */
  JD_TOPIC_OP_START_NEXT,   /* jobs/start-next */
  JD_TOPIC_OP_DESCRIBE,     /* jobs/<jobId|$next>/get */
  JD_TOPIC_OP_UPDATE,       /* jobs/<jobId>/update */
  JD_TOPIC_OP_NOTIFY,       /* jobs/notify */
  JD_TOPIC_OP_NOTIFY_NEXT,  /* jobs/notify-next */
} JdTopicOperation;

typedef enum {
  /* The bare topic: a request, or for notify/notify-next the notification. */
  JD_TOPIC_KIND_REQUEST,
  JD_TOPIC_KIND_ACCEPTED,
  JD_TOPIC_KIND_REJECTED,
} JdTopicKind;

typedef enum {
  JD_TOPIC_PARSE_NOT_JOBS,       /* not `$aws/things/<valid thing>/jobs[/...]` */
  JD_TOPIC_PARSE_OK,
  JD_TOPIC_PARSE_INVALID_TOPIC,  /* in the thing's jobs namespace, no operation */
} JdTopicParseResult;

/* Pointers into the parsed topic; not nul-terminated, use the lengths. */
typedef struct {
  const char       *thing_name;      /* set for OK and INVALID_TOPIC */
  gsize             thing_name_len;
  JdTopicOperation  operation;       /* JD_TOPIC_OP_NONE for INVALID_TOPIC */
  const char       *job_id;          /* describe/update only, else NULL; may be "$next" */
  gsize             job_id_len;
  JdTopicKind       kind;
} JdTopicParts;

gboolean            jd_topic_is_valid_thing_name  (const char       *thing_name,
                                                   gssize            len);
gboolean            jd_topic_is_valid_job_id      (const char       *job_id,
                                                   gssize            len);
gboolean            jd_topic_is_next_job_id       (const char       *job_id,
                                                   gssize            len);

const char         *jd_topic_operation_to_string  (JdTopicOperation  operation);

JdTopicParseResult  jd_topic_parse                (const char       *topic,
                                                   gssize            len,
                                                   JdTopicParts     *parts);
JdTopicParseResult  jd_topic_parse_request        (const char       *topic,
                                                   gssize            len,
                                                   JdTopicParts     *parts);
JdTopicParseResult  jd_topic_parse_for_thing      (const char       *topic,
                                                   gssize            len,
                                                   const char       *thing_name,
                                                   JdTopicParts     *parts);

gboolean            jd_topic_parts_thing_equal    (const JdTopicParts *parts,
                                                   const char       *thing_name);
gboolean            jd_topic_parts_job_id_equal   (const JdTopicParts *parts,
                                                   const char       *job_id);
char               *jd_topic_parts_dup_thing_name (const JdTopicParts *parts);
char               *jd_topic_parts_dup_job_id     (const JdTopicParts *parts);

char               *jd_topic_build                (const char       *thing_name,
                                                   JdTopicOperation  operation,
                                                   const char       *job_id,
                                                   JdTopicKind       kind);
char               *jd_topic_build_from_parts     (const JdTopicParts *parts,
                                                   JdTopicKind       kind);
char              **jd_topic_build_device_filters (const char       *thing_name);
char               *jd_topic_build_reply          (const char       *request_topic,
                                                   JdTopicKind       kind);
char               *jd_topic_build_event          (gboolean          execution,
                                                   const char       *job_id,
                                                   const char       *operation);
gboolean            jd_topic_parse_event          (const char       *topic,
                                                   gssize            len,
                                                   gboolean         *execution,
                                                   char            **job_id,
                                                   char            **operation);

/* What the jobs service subscribes to: every thing's jobs requests. */
#define JD_TOPIC_SERVICE_REQUESTS_FILTER "$aws/things/+/jobs/#"

G_END_DECLS
