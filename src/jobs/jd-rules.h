/* jd-rules.h — AWS IoT Jobs' rules, once: the limits, the identifier
 * patterns, the statusDetails rules and the checks of request text that the
 * device client, the jobs service (MQTT and HTTPS) and the CLI all apply.
 *
 * Sources: the IoT and IoT Jobs data-plane API models (patterns and ranges)
 * and the AWS IoT quotas page (payload size); see src/service/README.md.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define JD_THING_NAME_MAX             128   /* [a-zA-Z0-9:_-]+ */
#define JD_JOB_ID_MAX                 64    /* [a-zA-Z0-9_-]+ */
#define JD_THING_GROUP_NAME_MAX       128   /* [a-zA-Z0-9:_-]+ */
#define JD_THING_GROUP_DESCRIPTION_MAX 2028 /* [\p{Graph}\x20]* */
#define JD_THING_GROUPS_PER_THING_MAX 10    /* static groups a thing may be in */
#define JD_JOB_TARGET_ARN_MAX         2048  /* characters of one CreateJob target */
#define JD_JOB_TARGETS_MAX            100   /* targets of a job after AssociateTargetsWithJob */
#define JD_CLIENT_TOKEN_MAX           64    /* characters */
#define JD_STATUS_DETAILS_KEY_MAX     128   /* [a-zA-Z0-9:_-]+ */
#define JD_STATUS_DETAILS_VALUE_MAX   1024  /* characters, no control characters */
#define JD_STEP_TIMEOUT_MINUTES_MAX   10080 /* also the in-progress timeout's cap */
#define JD_DEVICE_PAYLOAD_MAX         (128 * 1024)  /* bytes, AWS's MQTT limit */
#define JD_NOTIFY_JOBS_MAX            10    /* summaries in one `notify` */
/* Summaries in one GetPendingJobExecutions reply, IN_PROGRESS first (AWS's
 * job limits: "at most 10" for jobs without scheduling). */
#define JD_GET_PENDING_JOBS_MAX       10
/* The literal job id that names the next pending execution. */
#define JD_NEXT_JOB_ID                "$next"

gboolean  jd_rules_is_valid_thing_name          (const char *name,
                                                 gssize      len);
gboolean  jd_rules_is_valid_job_id              (const char *job_id,
                                                 gssize      len);
/* A thing group's name: `[a-zA-Z0-9:_-]+`, 1–128 characters. */
gboolean  jd_rules_is_valid_thing_group_name    (const char *name,
                                                 gssize      len);
/* A thing group's description: at most 2028 bytes, printable characters
 * and spaces only (AWS's `[\p{Graph}\x20]*`). */
gboolean  jd_rules_is_valid_thing_group_description (const char *description);
gboolean  jd_rules_is_next_job_id               (const char *job_id,
                                                 gssize      len);
gboolean  jd_rules_is_valid_client_token        (const char *token,
                                                 gssize      len);
gboolean  jd_rules_is_valid_status_details_key  (const char *key,
                                                 gssize      len);
gboolean  jd_rules_is_valid_status_details_value (const char *value,
                                                 gssize      len);
/* 1–10080 minutes; with @allow_clear also -1 (UpdateJobExecution). */
gboolean  jd_rules_is_valid_step_timeout        (gint64      minutes,
                                                 gboolean    allow_clear);

/* An integer member's range, named in the refusal. @member is the dotted
 * path, e.g. "stepTimeoutInMinutes" or "timeoutConfig.inProgressTimeoutInMinutes". */
typedef struct {
  const char *member;
  gint64      min;
  gint64      max;
} JdRulesRange;

/* What json-glib would silently change in request text it has parsed: a NUL
 * (`\u0000`) in any key or string value, and an integer literal beyond 64
 * bits in one of @ranges' members (other members are never read). Sets
 * JD_JOBS_ERROR_INVALID_REQUEST with AWS's words naming the member (and the
 * range). */
gboolean  jd_rules_check_json_text              (const char          *text,
                                                 gsize                len,
                                                 const JdRulesRange  *ranges,
                                                 gsize                n_ranges,
                                                 GError             **error);

/* The same for every member of a control-plane request body (whose
 * integers are validated against their own ranges after parsing): a NUL in
 * any string, and any integer literal beyond 64 bits, which json-glib would
 * wrap before the range check could see it. */
gboolean  jd_rules_check_request_text           (const char          *text,
                                                 gsize                len,
                                                 GError             **error);

/* A string that arrived with a length (an HTTP path segment or query value
 * after percent-decoding, a JSON string): refused when it holds a NUL. */
gboolean  jd_rules_check_string                 (const char  *member,
                                                 const char  *value,
                                                 gsize        len,
                                                 GError     **error);

G_END_DECLS
