/* jd-topic.c — build, parse and validate the AWS IoT Jobs MQTT topics.
 *
 * Request and reply topics are told apart by the number of levels after
 * `jobs/` (reference §1.1): `get` and `start-next` have one, describe and
 * update two (`<jobId>/get`, `<jobId>/update`), and replies add `/accepted` or
 * `/rejected`. So a job whose id is `get` gives `jobs/get/get`, never a clash.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#define G_LOG_DOMAIN "jd-topic"

#include <string.h>

#include "jd-rules.h"
#include "jd-topic.h"

#define PREFIX      "$aws/things/"
#define PREFIX_LEN  (sizeof PREFIX - 1)
#define JOBS        "jobs"
#define JOBS_LEN    (sizeof JOBS - 1)
#define MAX_LEVELS  3
/* Greengrass: `jobs/<jobId>/notify-namespace-<namespaceId>`, a notification. */
#define NAMESPACE     "notify-namespace-"
#define NAMESPACE_LEN (sizeof NAMESPACE - 1)

typedef struct {
  const char *str;
  gsize       len;
} Level;

static gboolean
level_is (const Level *level,
          const char  *word)
{
  gsize word_len = strlen (word);

  return level->len == word_len && memcmp (level->str, word, word_len) == 0;
}

/**
 * jd_topic_is_valid_thing_name:
 * @thing_name: (nullable): a thing name, not necessarily nul-terminated
 * @len: its length, or -1 if nul-terminated
 *
 * Returns: whether @thing_name matches AWS's `[a-zA-Z0-9:_-]+`, 1–128 chars.
 */
gboolean
jd_topic_is_valid_thing_name (const char *thing_name,
                              gssize      len)
{
  return jd_rules_is_valid_thing_name (thing_name, len);
}

/**
 * jd_topic_is_valid_job_id:
 * @job_id: (nullable): a job id, not necessarily nul-terminated
 * @len: its length, or -1 if nul-terminated
 *
 * Returns: whether @job_id matches AWS's `[a-zA-Z0-9_-]+`, 1–64 chars.
 *   `$next` is not a job id (see jd_topic_is_next_job_id()).
 */
gboolean
jd_topic_is_valid_job_id (const char *job_id,
                          gssize      len)
{
  return jd_rules_is_valid_job_id (job_id, len);
}

/**
 * jd_topic_is_next_job_id:
 * @job_id: (nullable): a job id, not necessarily nul-terminated
 * @len: its length, or -1 if nul-terminated
 *
 * Returns: whether @job_id is the literal `$next`.
 */
gboolean
jd_topic_is_next_job_id (const char *job_id,
                         gssize      len)
{
  return jd_rules_is_next_job_id (job_id, len);
}

/**
 * jd_topic_operation_to_string:
 * @operation: an operation
 *
 * Returns: a short English name for logs and the event view
 *   ("get-pending", "start-next", "describe", "update", "notify", "notify-next").
 */
const char *
jd_topic_operation_to_string (JdTopicOperation operation)
{
  switch (operation)
    {
    case JD_TOPIC_OP_GET_PENDING: return "get-pending";
    case JD_TOPIC_OP_START_NEXT:  return "start-next";
    case JD_TOPIC_OP_DESCRIBE:    return "describe";
    case JD_TOPIC_OP_UPDATE:      return "update";
    case JD_TOPIC_OP_NOTIFY:      return "notify";
    case JD_TOPIC_OP_NOTIFY_NEXT: return "notify-next";
    case JD_TOPIC_OP_NONE:
    default:                      return "none";
    }
}

static gboolean
parse_reply_kind (const Level *level,
                  JdTopicKind *kind)
{
  if (level_is (level, "accepted"))
    *kind = JD_TOPIC_KIND_ACCEPTED;
  else if (level_is (level, "rejected"))
    *kind = JD_TOPIC_KIND_REJECTED;
  else
    return FALSE;

  return TRUE;
}

/* `<jobId>/get` or `<jobId>/update`; `$next` only for get. */
static gboolean
parse_job_operation (const Level  *job,
                     const Level  *verb,
                     gboolean      lenient,
                     JdTopicParts *parts)
{
  gboolean is_next = jd_topic_is_next_job_id (job->str, job->len);

  if (level_is (verb, "get"))
    parts->operation = JD_TOPIC_OP_DESCRIBE;
  else if (level_is (verb, "update") && (!is_next || lenient))
    parts->operation = JD_TOPIC_OP_UPDATE;
  else
    return FALSE;

  if (lenient ? job->len == 0 : !is_next && !jd_topic_is_valid_job_id (job->str, job->len))
    return FALSE;

  parts->job_id = job->str;
  parts->job_id_len = job->len;
  return TRUE;
}

static gboolean
parse_levels (const Level  *levels,
              guint         n_levels,
              gboolean      lenient,
              JdTopicParts *parts)
{
  switch (n_levels)
    {
    case 1:
      if (level_is (&levels[0], "get"))
        parts->operation = JD_TOPIC_OP_GET_PENDING;
      else if (level_is (&levels[0], "start-next"))
        parts->operation = JD_TOPIC_OP_START_NEXT;
      else if (level_is (&levels[0], "notify"))
        parts->operation = JD_TOPIC_OP_NOTIFY;
      else if (level_is (&levels[0], "notify-next"))
        parts->operation = JD_TOPIC_OP_NOTIFY_NEXT;
      else
        return FALSE;
      return TRUE;

    case 2:
      if ((level_is (&levels[0], "get") || level_is (&levels[0], "start-next")) &&
          parse_reply_kind (&levels[1], &parts->kind))
        {
          parts->operation = level_is (&levels[0], "get") ? JD_TOPIC_OP_GET_PENDING
                                                          : JD_TOPIC_OP_START_NEXT;
          return TRUE;
        }
      return parse_job_operation (&levels[0], &levels[1], lenient, parts);

    case 3:
      return parse_reply_kind (&levels[2], &parts->kind) &&
             parse_job_operation (&levels[0], &levels[1], lenient, parts);

    default:
      return FALSE;
    }
}

static JdTopicParseResult
parse_topic (const char   *topic,
             gssize        len,
             gboolean      lenient,
             JdTopicParts *parts)
{
  const char *end, *p, *slash;
  Level levels[MAX_LEVELS];
  guint n_levels = 0;
  gsize n;

  memset (parts, 0, sizeof *parts);

  if (topic == NULL)
    return JD_TOPIC_PARSE_NOT_JOBS;

  n = len < 0 ? strlen (topic) : (gsize) len;
  end = topic + n;

  if (n < PREFIX_LEN || memcmp (topic, PREFIX, PREFIX_LEN) != 0)
    return JD_TOPIC_PARSE_NOT_JOBS;

  p = topic + PREFIX_LEN;
  slash = memchr (p, '/', end - p);
  if (slash == NULL || slash == p || (!lenient && !jd_topic_is_valid_thing_name (p, slash - p)))
    return JD_TOPIC_PARSE_NOT_JOBS;

  parts->thing_name = p;
  parts->thing_name_len = slash - p;

  p = slash + 1;
  if ((gsize) (end - p) < JOBS_LEN || memcmp (p, JOBS, JOBS_LEN) != 0 ||
      (p + JOBS_LEN != end && p[JOBS_LEN] != '/'))
    {
      memset (parts, 0, sizeof *parts);
      return JD_TOPIC_PARSE_NOT_JOBS;
    }

  p += JOBS_LEN;
  if (p == end)
    return JD_TOPIC_PARSE_INVALID_TOPIC;

  /* Split what follows `jobs/` into at most MAX_LEVELS levels. */
  p++;
  for (;;)
    {
      const char *next = memchr (p, '/', end - p);
      const char *level_end = next != NULL ? next : end;

      if (n_levels == MAX_LEVELS)
        return JD_TOPIC_PARSE_INVALID_TOPIC;

      levels[n_levels].str = p;
      levels[n_levels].len = level_end - p;
      n_levels++;

      if (next == NULL)
        break;
      p = next + 1;
    }

  if (!parse_levels (levels, n_levels, lenient, parts))
    {
      parts->operation = JD_TOPIC_OP_NONE;
      parts->job_id = NULL;
      parts->job_id_len = 0;
      parts->kind = JD_TOPIC_KIND_REQUEST;
      return JD_TOPIC_PARSE_INVALID_TOPIC;
    }

  return JD_TOPIC_PARSE_OK;
}

/**
 * jd_topic_parse:
 * @topic: a topic, not necessarily nul-terminated
 * @len: its length, or -1 if nul-terminated
 * @parts: (out caller-allocates): the parts, pointing into @topic
 *
 * Splits a Jobs topic of any thing. Allocates nothing.
 *
 * Returns: %JD_TOPIC_PARSE_OK with every part set;
 *   %JD_TOPIC_PARSE_INVALID_TOPIC when @topic is `$aws/things/<thing>/jobs`
 *   or below it but names no operation (only the thing name is set);
 *   %JD_TOPIC_PARSE_NOT_JOBS otherwise (@parts is cleared).
 */
JdTopicParseResult
jd_topic_parse (const char   *topic,
                gssize        len,
                JdTopicParts *parts)
{
  g_return_val_if_fail (parts != NULL, JD_TOPIC_PARSE_NOT_JOBS);

  return parse_topic (topic, len, FALSE, parts);
}

/**
 * jd_topic_parse_request:
 * @topic: a topic the jobs service received on `$aws/things/+/jobs/#`
 * @len: its length, or -1 if nul-terminated
 * @parts: (out caller-allocates): the parts, pointing into @topic
 *
 * The service's reading of a topic: like jd_topic_parse(), but the thing name
 * and job id are only required to be non-empty (and `$next/update` is an
 * update), so the handler can refuse a bad one with AWS's `InvalidRequest`
 * and its message instead of staying silent. Replies, notifications (also a
 * Greengrass `<jobId>/notify-namespace-<ns>`) and anything whose last level
 * is `accepted` or `rejected` are not requests.
 *
 * Returns: %JD_TOPIC_PARSE_OK for a request of one of the four operations
 *   (kind %JD_TOPIC_KIND_REQUEST); %JD_TOPIC_PARSE_INVALID_TOPIC for a topic
 *   in the thing's jobs namespace that names no operation (answer
 *   `InvalidTopic`); %JD_TOPIC_PARSE_NOT_JOBS for anything else (ignore it)
 */
JdTopicParseResult
jd_topic_parse_request (const char   *topic,
                        gssize        len,
                        JdTopicParts *parts)
{
  JdTopicParseResult result;
  Level last;
  gsize n;

  g_return_val_if_fail (parts != NULL, JD_TOPIC_PARSE_NOT_JOBS);

  result = parse_topic (topic, len, TRUE, parts);
  if (result == JD_TOPIC_PARSE_NOT_JOBS)
    return result;

  n = len < 0 ? strlen (topic) : (gsize) len;
  last.str = topic + n;
  while (last.str > topic && last.str[-1] != '/')
    last.str--;
  last.len = topic + n - last.str;

  if (result == JD_TOPIC_PARSE_OK
      ? parts->kind != JD_TOPIC_KIND_REQUEST || parts->operation == JD_TOPIC_OP_NOTIFY ||
        parts->operation == JD_TOPIC_OP_NOTIFY_NEXT
      : level_is (&last, "accepted") || level_is (&last, "rejected") ||
        (last.len > NAMESPACE_LEN && memcmp (last.str, NAMESPACE, NAMESPACE_LEN) == 0))
    {
      memset (parts, 0, sizeof *parts);
      return JD_TOPIC_PARSE_NOT_JOBS;
    }

  return result;
}

/**
 * jd_topic_parse_for_thing:
 * @topic: a topic, not necessarily nul-terminated
 * @len: its length, or -1 if nul-terminated
 * @thing_name: the thing whose topics are wanted
 * @parts: (out caller-allocates): the parts
 *
 * Like jd_topic_parse(), but another thing's topic is %JD_TOPIC_PARSE_NOT_JOBS.
 */
JdTopicParseResult
jd_topic_parse_for_thing (const char   *topic,
                          gssize        len,
                          const char   *thing_name,
                          JdTopicParts *parts)
{
  JdTopicParseResult result;

  g_return_val_if_fail (thing_name != NULL, JD_TOPIC_PARSE_NOT_JOBS);
  g_return_val_if_fail (parts != NULL, JD_TOPIC_PARSE_NOT_JOBS);

  result = jd_topic_parse (topic, len, parts);
  if (result != JD_TOPIC_PARSE_NOT_JOBS && !jd_topic_parts_thing_equal (parts, thing_name))
    {
      memset (parts, 0, sizeof *parts);
      return JD_TOPIC_PARSE_NOT_JOBS;
    }

  return result;
}

static gboolean
span_equal (const char *span,
            gsize       span_len,
            const char *str)
{
  if (span == NULL || str == NULL)
    return span == NULL && str == NULL;

  return strlen (str) == span_len && memcmp (span, str, span_len) == 0;
}

/**
 * jd_topic_parts_thing_equal:
 * @parts: parsed parts
 * @thing_name: a thing name
 *
 * Returns: whether the parsed thing name is @thing_name.
 */
gboolean
jd_topic_parts_thing_equal (const JdTopicParts *parts,
                            const char         *thing_name)
{
  g_return_val_if_fail (parts != NULL, FALSE);

  return span_equal (parts->thing_name, parts->thing_name_len, thing_name);
}

/**
 * jd_topic_parts_job_id_equal:
 * @parts: parsed parts
 * @job_id: (nullable): a job id or `$next`
 *
 * Returns: whether the parsed job id is @job_id (both %NULL counts as equal).
 */
gboolean
jd_topic_parts_job_id_equal (const JdTopicParts *parts,
                             const char         *job_id)
{
  g_return_val_if_fail (parts != NULL, FALSE);

  return span_equal (parts->job_id, parts->job_id_len, job_id);
}

/**
 * jd_topic_parts_dup_thing_name:
 * @parts: parsed parts
 *
 * Returns: (transfer full) (nullable): a copy of the thing name
 */
char *
jd_topic_parts_dup_thing_name (const JdTopicParts *parts)
{
  g_return_val_if_fail (parts != NULL, NULL);

  return parts->thing_name ? g_strndup (parts->thing_name, parts->thing_name_len) : NULL;
}

/**
 * jd_topic_parts_dup_job_id:
 * @parts: parsed parts
 *
 * Returns: (transfer full) (nullable): a copy of the job id (maybe `$next`)
 */
char *
jd_topic_parts_dup_job_id (const JdTopicParts *parts)
{
  g_return_val_if_fail (parts != NULL, NULL);

  return parts->job_id ? g_strndup (parts->job_id, parts->job_id_len) : NULL;
}

static char *
build (const char       *thing_name,
       gsize             thing_name_len,
       JdTopicOperation  operation,
       const char       *job_id,
       gsize             job_id_len,
       JdTopicKind       kind)
{
  GString *topic;
  gboolean is_next;

  if (!jd_topic_is_valid_thing_name (thing_name, thing_name_len))
    return NULL;

  topic = g_string_sized_new (PREFIX_LEN + thing_name_len + 48);
  g_string_append (topic, PREFIX);
  g_string_append_len (topic, thing_name, thing_name_len);
  g_string_append (topic, "/" JOBS "/");

  switch (operation)
    {
    case JD_TOPIC_OP_GET_PENDING:
    case JD_TOPIC_OP_START_NEXT:
      if (job_id != NULL)
        goto invalid;
      g_string_append (topic, operation == JD_TOPIC_OP_GET_PENDING ? "get" : "start-next");
      break;

    case JD_TOPIC_OP_NOTIFY:
    case JD_TOPIC_OP_NOTIFY_NEXT:
      if (job_id != NULL || kind != JD_TOPIC_KIND_REQUEST)
        goto invalid;
      g_string_append (topic, operation == JD_TOPIC_OP_NOTIFY ? "notify" : "notify-next");
      break;

    case JD_TOPIC_OP_DESCRIBE:
    case JD_TOPIC_OP_UPDATE:
      is_next = jd_topic_is_next_job_id (job_id, job_id_len);
      if (!(is_next && operation == JD_TOPIC_OP_DESCRIBE) &&
          !jd_topic_is_valid_job_id (job_id, job_id_len))
        goto invalid;
      g_string_append_len (topic, job_id, job_id_len);
      g_string_append (topic, operation == JD_TOPIC_OP_DESCRIBE ? "/get" : "/update");
      break;

    case JD_TOPIC_OP_NONE:
    default:
      goto invalid;
    }

  if (kind == JD_TOPIC_KIND_ACCEPTED)
    g_string_append (topic, "/accepted");
  else if (kind == JD_TOPIC_KIND_REJECTED)
    g_string_append (topic, "/rejected");

  return g_string_free (topic, FALSE);

invalid:
  g_string_free (topic, TRUE);
  return NULL;
}

/**
 * jd_topic_build:
 * @thing_name: the thing
 * @operation: the operation (not %JD_TOPIC_OP_NONE)
 * @job_id: (nullable): the job id (or `$next` for describe); %NULL for the others
 * @kind: request, accepted or rejected (notify topics: request only)
 *
 * Returns: (transfer full) (nullable): the topic, or %NULL if the thing name
 *   or job id is invalid or the combination names no topic
 */
char *
jd_topic_build (const char       *thing_name,
                JdTopicOperation  operation,
                const char       *job_id,
                JdTopicKind       kind)
{
  if (thing_name == NULL)
    return NULL;

  return build (thing_name, strlen (thing_name), operation,
                job_id, job_id ? strlen (job_id) : 0, kind);
}

/**
 * jd_topic_build_from_parts:
 * @parts: parts from jd_topic_parse() that returned %JD_TOPIC_PARSE_OK
 * @kind: the kind of topic wanted
 *
 * Builds the same operation's topic of another kind, e.g. the `/accepted`
 * reply topic of a parsed request (a `$next` stays literal).
 *
 * Returns: (transfer full) (nullable): the topic, or %NULL if there is none
 */
char *
jd_topic_build_from_parts (const JdTopicParts *parts,
                           JdTopicKind         kind)
{
  g_return_val_if_fail (parts != NULL, NULL);

  return build (parts->thing_name, parts->thing_name_len, parts->operation,
                parts->job_id, parts->job_id_len, kind);
}

/**
 * jd_topic_build_device_filters:
 * @thing_name: the thing
 *
 * The least-privilege subscriptions of a device (what an IoT jobs policy
 * grants): `notify`, `notify-next`, `get/+`, `start-next/+`, `+/get/+` and
 * `+/update/+` under the thing's jobs prefix. Never `#`.
 *
 * Returns: (transfer full) (nullable): a %NULL-terminated array of six
 *   filters, or %NULL if @thing_name is invalid
 */
char **
jd_topic_build_device_filters (const char *thing_name)
{
  static const char *const suffixes[] = {
    "notify", "notify-next", "get/+", "start-next/+", "+/get/+", "+/update/+",
  };
  char **filters;

  if (!jd_topic_is_valid_thing_name (thing_name, -1))
    return NULL;

  filters = g_new0 (char *, G_N_ELEMENTS (suffixes) + 1);
  for (guint i = 0; i < G_N_ELEMENTS (suffixes); i++)
    filters[i] = g_strconcat (PREFIX, thing_name, "/" JOBS "/", suffixes[i], NULL);

  return filters;
}

/**
 * jd_topic_build_reply:
 * @request_topic: a request topic as received (ids not checked)
 * @kind: %JD_TOPIC_KIND_ACCEPTED or %JD_TOPIC_KIND_REJECTED
 *
 * The reply topic of a request the service received: the request topic
 * plus `/accepted` or `/rejected` (a `$next` stays literal). Unlike
 * jd_topic_build_from_parts(), it also answers a request whose thing name or
 * job id AWS refuses, and a topic that names no operation (`InvalidTopic`).
 *
 * Returns: (transfer full): the reply topic
 */
char *
jd_topic_build_reply (const char  *request_topic,
                      JdTopicKind  kind)
{
  g_return_val_if_fail (request_topic != NULL, NULL);
  g_return_val_if_fail (kind != JD_TOPIC_KIND_REQUEST, NULL);

  return g_strconcat (request_topic, kind == JD_TOPIC_KIND_ACCEPTED ? "/accepted" : "/rejected", NULL);
}

/**
 * jd_topic_build_event:
 * @execution: %TRUE for a job execution event, %FALSE for a job event
 * @job_id: the job
 * @operation: the event's operation (`completed`, `canceled`, `deleted`, …)
 *
 * Returns: (transfer full): `$aws/events/jobExecution/<jobId>/<operation>`
 *   or `$aws/events/job/<jobId>/<operation>`
 */
char *
jd_topic_build_event (gboolean    execution,
                      const char *job_id,
                      const char *operation)
{
  g_return_val_if_fail (job_id != NULL && operation != NULL, NULL);

  return g_strconcat (execution ? "$aws/events/jobExecution/" : "$aws/events/job/",
                      job_id, "/", operation, NULL);
}

/**
 * jd_topic_parse_event:
 * @topic: a topic, not necessarily nul-terminated
 * @len: its length, or -1 if nul-terminated
 * @execution: (out) (optional): %TRUE for `jobExecution`, %FALSE for `job`
 * @job_id: (out) (optional) (transfer full): the job
 * @operation: (out) (optional) (transfer full): the event's operation
 *
 * Splits a fleet event topic, `$aws/events/job/<jobId>/<operation>` or
 * `$aws/events/jobExecution/<jobId>/<operation>` (the reverse of
 * jd_topic_build_event()).
 *
 * Returns: whether @topic is one, with a valid job id and an operation
 */
gboolean
jd_topic_parse_event (const char  *topic,
                      gssize       len,
                      gboolean    *execution,
                      char       **job_id,
                      char       **operation)
{
  static const char job_prefix[] = "$aws/events/job/";
  static const char execution_prefix[] = "$aws/events/jobExecution/";
  const char *rest, *slash, *end;
  gboolean is_execution;
  gsize n;

  if (topic == NULL)
    return FALSE;

  n = len < 0 ? strlen (topic) : (gsize) len;
  end = topic + n;
  if (n >= sizeof execution_prefix - 1 && memcmp (topic, execution_prefix, sizeof execution_prefix - 1) == 0)
    {
      is_execution = TRUE;
      rest = topic + sizeof execution_prefix - 1;
    }
  else if (n >= sizeof job_prefix - 1 && memcmp (topic, job_prefix, sizeof job_prefix - 1) == 0)
    {
      is_execution = FALSE;
      rest = topic + sizeof job_prefix - 1;
    }
  else
    return FALSE;

  slash = memchr (rest, '/', end - rest);
  if (slash == NULL || !jd_topic_is_valid_job_id (rest, slash - rest) ||
      slash + 1 == end || memchr (slash + 1, '/', end - (slash + 1)) != NULL)
    return FALSE;

  if (execution != NULL)
    *execution = is_execution;
  if (job_id != NULL)
    *job_id = g_strndup (rest, slash - rest);
  if (operation != NULL)
    *operation = g_strndup (slash + 1, end - (slash + 1));
  return TRUE;
}
