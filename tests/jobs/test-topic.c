/* test-topic.c — jd-topic: building, parsing and validating Jobs topics.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "jd-topic.h"

typedef struct {
  const char         *topic;
  JdTopicParseResult  result;
  const char         *thing;      /* expected thing name (OK and INVALID_TOPIC) */
  JdTopicOperation    operation;
  const char         *job_id;
  JdTopicKind         kind;
} ParseCase;

#define OK  JD_TOPIC_PARSE_OK
#define BAD JD_TOPIC_PARSE_INVALID_TOPIC
#define NOT JD_TOPIC_PARSE_NOT_JOBS
#define REQ JD_TOPIC_KIND_REQUEST
#define ACC JD_TOPIC_KIND_ACCEPTED
#define REJ JD_TOPIC_KIND_REJECTED

static const ParseCase parse_cases[] = {
  /* every operation, every kind */
  { "$aws/things/T/jobs/get", OK, "T", JD_TOPIC_OP_GET_PENDING, NULL, REQ },
  { "$aws/things/T/jobs/get/accepted", OK, "T", JD_TOPIC_OP_GET_PENDING, NULL, ACC },
  { "$aws/things/T/jobs/get/rejected", OK, "T", JD_TOPIC_OP_GET_PENDING, NULL, REJ },
  { "$aws/things/T/jobs/start-next", OK, "T", JD_TOPIC_OP_START_NEXT, NULL, REQ },
  { "$aws/things/T/jobs/start-next/accepted", OK, "T", JD_TOPIC_OP_START_NEXT, NULL, ACC },
  { "$aws/things/T/jobs/start-next/rejected", OK, "T", JD_TOPIC_OP_START_NEXT, NULL, REJ },
  { "$aws/things/T/jobs/J/get", OK, "T", JD_TOPIC_OP_DESCRIBE, "J", REQ },
  { "$aws/things/T/jobs/J/get/accepted", OK, "T", JD_TOPIC_OP_DESCRIBE, "J", ACC },
  { "$aws/things/T/jobs/J/get/rejected", OK, "T", JD_TOPIC_OP_DESCRIBE, "J", REJ },
  { "$aws/things/T/jobs/J/update", OK, "T", JD_TOPIC_OP_UPDATE, "J", REQ },
  { "$aws/things/T/jobs/J/update/accepted", OK, "T", JD_TOPIC_OP_UPDATE, "J", ACC },
  { "$aws/things/T/jobs/J/update/rejected", OK, "T", JD_TOPIC_OP_UPDATE, "J", REJ },
  { "$aws/things/T/jobs/notify", OK, "T", JD_TOPIC_OP_NOTIFY, NULL, REQ },
  { "$aws/things/T/jobs/notify-next", OK, "T", JD_TOPIC_OP_NOTIFY_NEXT, NULL, REQ },
  /* $next */
  { "$aws/things/T/jobs/$next/get", OK, "T", JD_TOPIC_OP_DESCRIBE, "$next", REQ },
  { "$aws/things/T/jobs/$next/get/accepted", OK, "T", JD_TOPIC_OP_DESCRIBE, "$next", ACC },
  { "$aws/things/T/jobs/$next/get/rejected", OK, "T", JD_TOPIC_OP_DESCRIBE, "$next", REJ },
  { "$aws/things/T/jobs/$next/update", BAD, "T", JD_TOPIC_OP_NONE, NULL, REQ },
  { "$aws/things/T/jobs/$next/update/accepted", BAD, "T", JD_TOPIC_OP_NONE, NULL, REQ },
  { "$aws/things/T/jobs/$nex/get", BAD, "T", JD_TOPIC_OP_NONE, NULL, REQ },
  { "$aws/things/T/jobs/$next2/get", BAD, "T", JD_TOPIC_OP_NONE, NULL, REQ },
  /* job ids that are words of the protocol */
  { "$aws/things/T/jobs/get/get", OK, "T", JD_TOPIC_OP_DESCRIBE, "get", REQ },
  { "$aws/things/T/jobs/get/get/accepted", OK, "T", JD_TOPIC_OP_DESCRIBE, "get", ACC },
  { "$aws/things/T/jobs/get/update", OK, "T", JD_TOPIC_OP_UPDATE, "get", REQ },
  { "$aws/things/T/jobs/get/update/rejected", OK, "T", JD_TOPIC_OP_UPDATE, "get", REJ },
  { "$aws/things/T/jobs/update/get", OK, "T", JD_TOPIC_OP_DESCRIBE, "update", REQ },
  { "$aws/things/T/jobs/update/update", OK, "T", JD_TOPIC_OP_UPDATE, "update", REQ },
  { "$aws/things/T/jobs/update/update/accepted", OK, "T", JD_TOPIC_OP_UPDATE, "update", ACC },
  { "$aws/things/T/jobs/notify/get", OK, "T", JD_TOPIC_OP_DESCRIBE, "notify", REQ },
  { "$aws/things/T/jobs/notify/update/accepted", OK, "T", JD_TOPIC_OP_UPDATE, "notify", ACC },
  { "$aws/things/T/jobs/notify-next/get", OK, "T", JD_TOPIC_OP_DESCRIBE, "notify-next", REQ },
  { "$aws/things/T/jobs/start-next/get", OK, "T", JD_TOPIC_OP_DESCRIBE, "start-next", REQ },
  { "$aws/things/T/jobs/start-next/update/rejected", OK, "T", JD_TOPIC_OP_UPDATE, "start-next", REJ },
  { "$aws/things/T/jobs/accepted/get", OK, "T", JD_TOPIC_OP_DESCRIBE, "accepted", REQ },
  { "$aws/things/T/jobs/rejected/update/rejected", OK, "T", JD_TOPIC_OP_UPDATE, "rejected", REJ },
  { "$aws/things/T/jobs/jobs/get", OK, "T", JD_TOPIC_OP_DESCRIBE, "jobs", REQ },
  /* thing names: colon allowed, punctuation in ids */
  { "$aws/things/my:thing_1-A/jobs/get", OK, "my:thing_1-A", JD_TOPIC_OP_GET_PENDING, NULL, REQ },
  { "$aws/things/T/jobs/job_1-A/update", OK, "T", JD_TOPIC_OP_UPDATE, "job_1-A", REQ },
  { "$aws/things/T/jobs/job:1/update", BAD, "T", JD_TOPIC_OP_NONE, NULL, REQ },
  { "$aws/things/T/jobs/job.1/get", BAD, "T", JD_TOPIC_OP_NONE, NULL, REQ },
  { "$aws/things/T/jobs/+/get", BAD, "T", JD_TOPIC_OP_NONE, NULL, REQ },
  { "$aws/things/T/jobs/#", BAD, "T", JD_TOPIC_OP_NONE, NULL, REQ },
  { "$aws/things/my.thing/jobs/get", NOT, NULL, JD_TOPIC_OP_NONE, NULL, REQ },
  { "$aws/things/my thing/jobs/get", NOT, NULL, JD_TOPIC_OP_NONE, NULL, REQ },
  { "$aws/things/+/jobs/get", NOT, NULL, JD_TOPIC_OP_NONE, NULL, REQ },
  /* inside the jobs namespace, no operation */
  { "$aws/things/T/jobs", BAD, "T", JD_TOPIC_OP_NONE, NULL, REQ },
  { "$aws/things/T/jobs/", BAD, "T", JD_TOPIC_OP_NONE, NULL, REQ },
  { "$aws/things/T/jobs/list", BAD, "T", JD_TOPIC_OP_NONE, NULL, REQ },
  { "$aws/things/T/jobs/GET", BAD, "T", JD_TOPIC_OP_NONE, NULL, REQ },
  { "$aws/things/T/jobs/get/", BAD, "T", JD_TOPIC_OP_NONE, NULL, REQ },
  { "$aws/things/T/jobs/get/accepted/", BAD, "T", JD_TOPIC_OP_NONE, NULL, REQ },
  { "$aws/things/T/jobs/get/accepte", BAD, "T", JD_TOPIC_OP_NONE, NULL, REQ },
  { "$aws/things/T/jobs/get/Accepted", BAD, "T", JD_TOPIC_OP_NONE, NULL, REQ },
  { "$aws/things/T/jobs/start-next/get/accepted/x", BAD, "T", JD_TOPIC_OP_NONE, NULL, REQ },
  { "$aws/things/T/jobs/J/get/accepted/x", BAD, "T", JD_TOPIC_OP_NONE, NULL, REQ },
  { "$aws/things/T/jobs/J", BAD, "T", JD_TOPIC_OP_NONE, NULL, REQ },
  { "$aws/things/T/jobs/J/delete", BAD, "T", JD_TOPIC_OP_NONE, NULL, REQ },
  { "$aws/things/T/jobs/J/get/done", BAD, "T", JD_TOPIC_OP_NONE, NULL, REQ },
  { "$aws/things/T/jobs/notify/accepted", BAD, "T", JD_TOPIC_OP_NONE, NULL, REQ },
  { "$aws/things/T/jobs/notify-next/rejected", BAD, "T", JD_TOPIC_OP_NONE, NULL, REQ },
  { "$aws/things/T/jobs/J/notify", BAD, "T", JD_TOPIC_OP_NONE, NULL, REQ },
  { "$aws/things/T/jobs/J/notify-namespace-x", BAD, "T", JD_TOPIC_OP_NONE, NULL, REQ },
  /* empty levels */
  { "$aws/things/T/jobs//get", BAD, "T", JD_TOPIC_OP_NONE, NULL, REQ },
  { "$aws/things/T/jobs//get/accepted", BAD, "T", JD_TOPIC_OP_NONE, NULL, REQ },
  { "$aws/things/T/jobs//update", BAD, "T", JD_TOPIC_OP_NONE, NULL, REQ },
  { "$aws/things/T/jobs/J//accepted", BAD, "T", JD_TOPIC_OP_NONE, NULL, REQ },
  { "$aws/things/T/jobs/J/get//", BAD, "T", JD_TOPIC_OP_NONE, NULL, REQ },
  { "$aws/things//jobs/get", NOT, NULL, JD_TOPIC_OP_NONE, NULL, REQ },
  { "$aws/things/T//jobs/get", NOT, NULL, JD_TOPIC_OP_NONE, NULL, REQ },
  { "$aws/things/", NOT, NULL, JD_TOPIC_OP_NONE, NULL, REQ },
  { "$aws/things/T", NOT, NULL, JD_TOPIC_OP_NONE, NULL, REQ },
  { "$aws/things/T/", NOT, NULL, JD_TOPIC_OP_NONE, NULL, REQ },
  { "", NOT, NULL, JD_TOPIC_OP_NONE, NULL, REQ },
  { "/", NOT, NULL, JD_TOPIC_OP_NONE, NULL, REQ },
  /* wrong prefixes */
  { "aws/things/T/jobs/get", NOT, NULL, JD_TOPIC_OP_NONE, NULL, REQ },
  { "$AWS/things/T/jobs/get", NOT, NULL, JD_TOPIC_OP_NONE, NULL, REQ },
  { "$aws/Things/T/jobs/get", NOT, NULL, JD_TOPIC_OP_NONE, NULL, REQ },
  { "/$aws/things/T/jobs/get", NOT, NULL, JD_TOPIC_OP_NONE, NULL, REQ },
  { "$aws/thing/T/jobs/get", NOT, NULL, JD_TOPIC_OP_NONE, NULL, REQ },
  { "$aws/things/T/job/get", NOT, NULL, JD_TOPIC_OP_NONE, NULL, REQ },
  { "$aws/things/T/jobsx/get", NOT, NULL, JD_TOPIC_OP_NONE, NULL, REQ },
  { "$aws/things/T/Jobs/get", NOT, NULL, JD_TOPIC_OP_NONE, NULL, REQ },
  { "$aws/things/T/shadow/get", NOT, NULL, JD_TOPIC_OP_NONE, NULL, REQ },
  { "$aws/things/T/shadow/get/accepted", NOT, NULL, JD_TOPIC_OP_NONE, NULL, REQ },
  { "$aws/events/job/J/completed", NOT, NULL, JD_TOPIC_OP_NONE, NULL, REQ },
  { "$aws/events/jobExecution/J/succeeded", NOT, NULL, JD_TOPIC_OP_NONE, NULL, REQ },
  { "things/T/jobs/get", NOT, NULL, JD_TOPIC_OP_NONE, NULL, REQ },
  /* other things' topics parse as theirs */
  { "$aws/things/Other/jobs/notify", OK, "Other", JD_TOPIC_OP_NOTIFY, NULL, REQ },
  { "$aws/things/Other/jobs/J/update/accepted", OK, "Other", JD_TOPIC_OP_UPDATE, "J", ACC },
};

static void
check_parse_case (const ParseCase *c)
{
  JdTopicParts parts;
  JdTopicParseResult result;

  g_test_message ("topic %s", c->topic);
  result = jd_topic_parse (c->topic, -1, &parts);
  g_assert_cmpint (result, ==, c->result);

  if (c->result == NOT)
    {
      g_assert_null (parts.thing_name);
      g_assert_null (parts.job_id);
      g_assert_cmpint (parts.operation, ==, JD_TOPIC_OP_NONE);
      return;
    }

  g_assert_true (jd_topic_parts_thing_equal (&parts, c->thing));
  g_assert_cmpuint (parts.thing_name_len, ==, strlen (c->thing));
  /* Parts point into the topic itself. */
  g_assert_true (parts.thing_name == c->topic + strlen ("$aws/things/"));
  g_assert_cmpint (parts.operation, ==, c->operation);
  g_assert_cmpint (parts.kind, ==, c->kind);
  g_assert_true (jd_topic_parts_job_id_equal (&parts, c->job_id));
  if (c->job_id != NULL)
    {
      g_assert_true (parts.job_id >= c->topic);
      g_assert_true (parts.job_id + parts.job_id_len <= c->topic + strlen (c->topic));
    }
  else
    {
      g_assert_null (parts.job_id);
      g_assert_cmpuint (parts.job_id_len, ==, 0);
    }

  /* A topic that parses rebuilds to itself. */
  if (c->result == OK)
    {
      g_autofree char *rebuilt = jd_topic_build_from_parts (&parts, parts.kind);
      g_autofree char *rebuilt2 = jd_topic_build (c->thing, c->operation, c->job_id, c->kind);

      g_assert_cmpstr (rebuilt, ==, c->topic);
      g_assert_cmpstr (rebuilt2, ==, c->topic);
    }
}

static void
test_parse_table (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (parse_cases); i++)
    check_parse_case (&parse_cases[i]);
}

static void
test_parse_length (void)
{
  /* The length bounds the topic: the tail after it is never read. */
  const char *topic = "$aws/things/T/jobs/get/accepted";
  JdTopicParts parts;

  g_assert_cmpint (jd_topic_parse (topic, strlen ("$aws/things/T/jobs/get"), &parts), ==, OK);
  g_assert_cmpint (parts.operation, ==, JD_TOPIC_OP_GET_PENDING);
  g_assert_cmpint (parts.kind, ==, REQ);

  g_assert_cmpint (jd_topic_parse (topic, strlen ("$aws/things/T/jo"), &parts), ==, NOT);
  g_assert_cmpint (jd_topic_parse (topic, 0, &parts), ==, NOT);
  g_assert_cmpint (jd_topic_parse (NULL, -1, &parts), ==, NOT);

  /* Not nul-terminated at all. */
  {
    char buf[] = { '$', 'a', 'w', 's', '/', 't', 'h', 'i', 'n', 'g', 's', '/', 'X',
                   '/', 'j', 'o', 'b', 's', '/', 'n', 'o', 't', 'i', 'f', 'y' };

    g_assert_cmpint (jd_topic_parse (buf, sizeof buf, &parts), ==, OK);
    g_assert_cmpint (parts.operation, ==, JD_TOPIC_OP_NOTIFY);
    g_assert_cmpuint (parts.thing_name_len, ==, 1);
    g_assert_true (parts.thing_name == buf + 12);
  }
}

static void
test_parse_limits (void)
{
  g_autofree char *thing128 = g_strnfill (128, 'a');
  g_autofree char *thing129 = g_strnfill (129, 'a');
  g_autofree char *job64 = g_strnfill (64, 'j');
  g_autofree char *job65 = g_strnfill (65, 'j');
  g_autofree char *t1 = g_strdup_printf ("$aws/things/%s/jobs/%s/update/accepted", thing128, job64);
  g_autofree char *t2 = g_strdup_printf ("$aws/things/%s/jobs/get", thing129);
  g_autofree char *t3 = g_strdup_printf ("$aws/things/T/jobs/%s/get", job65);
  g_autofree char *t4 = g_strdup_printf ("$aws/things/T/jobs/%s/get", job64);
  JdTopicParts parts;

  g_assert_cmpint (jd_topic_parse (t1, -1, &parts), ==, OK);
  g_assert_cmpuint (parts.thing_name_len, ==, 128);
  g_assert_cmpuint (parts.job_id_len, ==, 64);
  g_assert_cmpint (parts.operation, ==, JD_TOPIC_OP_UPDATE);
  g_assert_cmpint (parts.kind, ==, ACC);

  g_assert_cmpint (jd_topic_parse (t2, -1, &parts), ==, NOT);
  g_assert_cmpint (jd_topic_parse (t3, -1, &parts), ==, BAD);
  g_assert_cmpint (jd_topic_parse (t4, -1, &parts), ==, OK);

  g_assert_null (jd_topic_build (thing129, JD_TOPIC_OP_GET_PENDING, NULL, REQ));
  g_assert_null (jd_topic_build ("T", JD_TOPIC_OP_DESCRIBE, job65, REQ));
  {
    g_autofree char *ok = jd_topic_build (thing128, JD_TOPIC_OP_UPDATE, job64, ACC);
    g_assert_cmpstr (ok, ==, t1);
  }
}

static void
test_parse_for_thing (void)
{
  JdTopicParts parts;

  g_assert_cmpint (jd_topic_parse_for_thing ("$aws/things/T/jobs/notify", -1, "T", &parts), ==, OK);
  g_assert_cmpint (parts.operation, ==, JD_TOPIC_OP_NOTIFY);

  /* Another thing, a prefix of ours, or ours as a prefix of theirs. */
  g_assert_cmpint (jd_topic_parse_for_thing ("$aws/things/U/jobs/notify", -1, "T", &parts), ==, NOT);
  g_assert_null (parts.thing_name);
  g_assert_cmpint (jd_topic_parse_for_thing ("$aws/things/TT/jobs/notify", -1, "T", &parts), ==, NOT);
  g_assert_cmpint (jd_topic_parse_for_thing ("$aws/things/T/jobs/notify", -1, "TT", &parts), ==, NOT);
  g_assert_cmpint (jd_topic_parse_for_thing ("$aws/things/t/jobs/notify", -1, "T", &parts), ==, NOT);

  g_assert_cmpint (jd_topic_parse_for_thing ("$aws/things/T/jobs/bogus", -1, "T", &parts), ==, BAD);
  g_assert_cmpint (jd_topic_parse_for_thing ("$aws/things/U/jobs/bogus", -1, "T", &parts), ==, NOT);
}

static void
test_validate (void)
{
  g_autofree char *s128 = g_strnfill (128, 'Z');
  g_autofree char *s129 = g_strnfill (129, 'Z');
  g_autofree char *s64 = g_strnfill (64, '9');
  g_autofree char *s65 = g_strnfill (65, '9');

  g_assert_true (jd_topic_is_valid_thing_name ("a", -1));
  g_assert_true (jd_topic_is_valid_thing_name ("a:b_c-D9", -1));
  g_assert_true (jd_topic_is_valid_thing_name (s128, -1));
  g_assert_false (jd_topic_is_valid_thing_name (s129, -1));
  g_assert_false (jd_topic_is_valid_thing_name ("", -1));
  g_assert_false (jd_topic_is_valid_thing_name (NULL, -1));
  g_assert_false (jd_topic_is_valid_thing_name ("a/b", -1));
  g_assert_false (jd_topic_is_valid_thing_name ("a b", -1));
  g_assert_false (jd_topic_is_valid_thing_name ("a+", -1));
  g_assert_false (jd_topic_is_valid_thing_name ("#", -1));
  g_assert_false (jd_topic_is_valid_thing_name ("ä", -1));
  g_assert_true (jd_topic_is_valid_thing_name ("ab/", 2));

  g_assert_true (jd_topic_is_valid_job_id ("job-1_A", -1));
  g_assert_true (jd_topic_is_valid_job_id (s64, -1));
  g_assert_false (jd_topic_is_valid_job_id (s65, -1));
  g_assert_false (jd_topic_is_valid_job_id ("a:b", -1));
  g_assert_false (jd_topic_is_valid_job_id ("", -1));
  g_assert_false (jd_topic_is_valid_job_id ("$next", -1));
  g_assert_false (jd_topic_is_valid_job_id ("a.b", -1));

  g_assert_true (jd_topic_is_next_job_id ("$next", -1));
  g_assert_true (jd_topic_is_next_job_id ("$nextX", 5));
  g_assert_false (jd_topic_is_next_job_id ("$nex", -1));
  g_assert_false (jd_topic_is_next_job_id ("$next/", -1));
  g_assert_false (jd_topic_is_next_job_id (NULL, -1));
}

static void
test_build (void)
{
  g_autofree char *a = jd_topic_build ("T", JD_TOPIC_OP_DESCRIBE, "$next", ACC);
  g_autofree char *b = jd_topic_build ("T", JD_TOPIC_OP_START_NEXT, NULL, REJ);
  g_autofree char *c = jd_topic_build ("T", JD_TOPIC_OP_NOTIFY_NEXT, NULL, REQ);

  g_assert_cmpstr (a, ==, "$aws/things/T/jobs/$next/get/accepted");
  g_assert_cmpstr (b, ==, "$aws/things/T/jobs/start-next/rejected");
  g_assert_cmpstr (c, ==, "$aws/things/T/jobs/notify-next");

  /* Combinations that name no topic. */
  g_assert_null (jd_topic_build ("T", JD_TOPIC_OP_UPDATE, "$next", REQ));
  g_assert_null (jd_topic_build ("T", JD_TOPIC_OP_UPDATE, NULL, REQ));
  g_assert_null (jd_topic_build ("T", JD_TOPIC_OP_DESCRIBE, "", REQ));
  g_assert_null (jd_topic_build ("T", JD_TOPIC_OP_DESCRIBE, "a/b", REQ));
  g_assert_null (jd_topic_build ("T", JD_TOPIC_OP_GET_PENDING, "J", REQ));
  g_assert_null (jd_topic_build ("T", JD_TOPIC_OP_NOTIFY, NULL, ACC));
  g_assert_null (jd_topic_build ("T", JD_TOPIC_OP_NOTIFY, "J", REQ));
  g_assert_null (jd_topic_build ("T", JD_TOPIC_OP_NONE, NULL, REQ));
  g_assert_null (jd_topic_build ("", JD_TOPIC_OP_GET_PENDING, NULL, REQ));
  g_assert_null (jd_topic_build (NULL, JD_TOPIC_OP_GET_PENDING, NULL, REQ));
  g_assert_null (jd_topic_build ("a/b", JD_TOPIC_OP_GET_PENDING, NULL, REQ));

  /* The service's use: parse a request, answer on its reply topic. */
  {
    JdTopicParts parts;
    g_autofree char *reply = NULL;
    g_autofree char *thing = NULL;
    g_autofree char *job = NULL;

    g_assert_cmpint (jd_topic_parse ("$aws/things/dev:1/jobs/$next/get", -1, &parts), ==, OK);
    reply = jd_topic_build_from_parts (&parts, REJ);
    g_assert_cmpstr (reply, ==, "$aws/things/dev:1/jobs/$next/get/rejected");
    thing = jd_topic_parts_dup_thing_name (&parts);
    job = jd_topic_parts_dup_job_id (&parts);
    g_assert_cmpstr (thing, ==, "dev:1");
    g_assert_cmpstr (job, ==, "$next");
  }
}

static void
test_device_filters (void)
{
  g_auto(GStrv) filters = jd_topic_build_device_filters ("T");

  g_assert_nonnull (filters);
  g_assert_cmpuint (g_strv_length (filters), ==, 6);
  g_assert_cmpstr (filters[0], ==, "$aws/things/T/jobs/notify");
  g_assert_cmpstr (filters[1], ==, "$aws/things/T/jobs/notify-next");
  g_assert_cmpstr (filters[2], ==, "$aws/things/T/jobs/get/+");
  g_assert_cmpstr (filters[3], ==, "$aws/things/T/jobs/start-next/+");
  g_assert_cmpstr (filters[4], ==, "$aws/things/T/jobs/+/get/+");
  g_assert_cmpstr (filters[5], ==, "$aws/things/T/jobs/+/update/+");
  for (guint i = 0; filters[i]; i++)
    g_assert_null (strchr (filters[i], '#'));

  g_assert_null (jd_topic_build_device_filters ("bad/name"));
}

static void
test_operation_names (void)
{
  g_assert_cmpstr (jd_topic_operation_to_string (JD_TOPIC_OP_GET_PENDING), ==, "get-pending");
  g_assert_cmpstr (jd_topic_operation_to_string (JD_TOPIC_OP_START_NEXT), ==, "start-next");
  g_assert_cmpstr (jd_topic_operation_to_string (JD_TOPIC_OP_DESCRIBE), ==, "describe");
  g_assert_cmpstr (jd_topic_operation_to_string (JD_TOPIC_OP_UPDATE), ==, "update");
  g_assert_cmpstr (jd_topic_operation_to_string (JD_TOPIC_OP_NOTIFY), ==, "notify");
  g_assert_cmpstr (jd_topic_operation_to_string (JD_TOPIC_OP_NOTIFY_NEXT), ==, "notify-next");
  g_assert_cmpstr (jd_topic_operation_to_string (JD_TOPIC_OP_NONE), ==, "none");
}

/* The service's reading: ids only need to be non-empty (the handler refuses
 * bad ones with InvalidRequest), replies and notifications are no requests. */
static const ParseCase request_cases[] = {
  { "$aws/things/T/jobs/get", OK, "T", JD_TOPIC_OP_GET_PENDING, NULL, REQ },
  { "$aws/things/my:thing/jobs/start-next", OK, "my:thing", JD_TOPIC_OP_START_NEXT, NULL, REQ },
  { "$aws/things/T/jobs/$next/get", OK, "T", JD_TOPIC_OP_DESCRIBE, "$next", REQ },
  { "$aws/things/T/jobs/get/get", OK, "T", JD_TOPIC_OP_DESCRIBE, "get", REQ },
  { "$aws/things/T/jobs/J1/update", OK, "T", JD_TOPIC_OP_UPDATE, "J1", REQ },
  /* ids AWS refuses: still requests, answered InvalidRequest */
  { "$aws/things/T/jobs/$next/update", OK, "T", JD_TOPIC_OP_UPDATE, "$next", REQ },
  { "$aws/things/T/jobs/a:b/update", OK, "T", JD_TOPIC_OP_UPDATE, "a:b", REQ },
  { "$aws/things/T/jobs/a.b/get", OK, "T", JD_TOPIC_OP_DESCRIBE, "a.b", REQ },
  { "$aws/things/bad.name/jobs/get", OK, "bad.name", JD_TOPIC_OP_GET_PENDING, NULL, REQ },
  /* not requests */
  { "$aws/things/T/jobs/get/accepted", NOT, NULL, JD_TOPIC_OP_NONE, NULL, REQ },
  { "$aws/things/T/jobs/J1/update/rejected", NOT, NULL, JD_TOPIC_OP_NONE, NULL, REQ },
  { "$aws/things/T/jobs/a/b/accepted", NOT, NULL, JD_TOPIC_OP_NONE, NULL, REQ },
  { "$aws/things/T/jobs/notify", NOT, NULL, JD_TOPIC_OP_NONE, NULL, REQ },
  { "$aws/things/T/jobs/notify-next", NOT, NULL, JD_TOPIC_OP_NONE, NULL, REQ },
  { "$aws/things/T/jobs/J/notify-namespace-NS", NOT, NULL, JD_TOPIC_OP_NONE, NULL, REQ },
  { "$aws/things/T/shadow/get", NOT, NULL, JD_TOPIC_OP_NONE, NULL, REQ },
  { "$aws/things//jobs/get", NOT, NULL, JD_TOPIC_OP_NONE, NULL, REQ },
  { "other/topic", NOT, NULL, JD_TOPIC_OP_NONE, NULL, REQ },
  /* in the namespace, no operation: InvalidTopic */
  { "$aws/things/T/jobs", BAD, "T", JD_TOPIC_OP_NONE, NULL, REQ },
  { "$aws/things/T/jobs/", BAD, "T", JD_TOPIC_OP_NONE, NULL, REQ },
  { "$aws/things/T/jobs//get", BAD, "T", JD_TOPIC_OP_NONE, NULL, REQ },
  { "$aws/things/T/jobs/J1/delete", BAD, "T", JD_TOPIC_OP_NONE, NULL, REQ },
  { "$aws/things/T/jobs/a/b/c", BAD, "T", JD_TOPIC_OP_NONE, NULL, REQ },
  { "$aws/things/T/jobs/J/get/x/y", BAD, "T", JD_TOPIC_OP_NONE, NULL, REQ },
};

static void
test_parse_request (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (request_cases); i++)
    {
      const ParseCase *c = &request_cases[i];
      JdTopicParts parts;
      JdTopicParseResult result;

      g_test_message ("request topic %s", c->topic);
      result = jd_topic_parse_request (c->topic, -1, &parts);
      g_assert_cmpint (result, ==, c->result);
      if (result == NOT)
        {
          g_assert_null (parts.thing_name);
          continue;
        }
      g_assert_true (jd_topic_parts_thing_equal (&parts, c->thing));
      g_assert_cmpint (parts.operation, ==, c->operation);
      g_assert_cmpint (parts.kind, ==, REQ);
      g_assert_true (jd_topic_parts_job_id_equal (&parts, c->job_id));
    }

  /* The length is honoured: the same bytes cut before "/accepted". */
  {
    const char *topic = "$aws/things/T/jobs/get/accepted";
    JdTopicParts parts;

    g_assert_cmpint (jd_topic_parse_request (topic, strlen ("$aws/things/T/jobs/get"), &parts), ==, OK);
    g_assert_cmpint (parts.operation, ==, JD_TOPIC_OP_GET_PENDING);
  }
}

static void
test_build_reply_and_events (void)
{
  g_autofree char *accepted = jd_topic_build_reply ("$aws/things/T/jobs/$next/get", JD_TOPIC_KIND_ACCEPTED);
  g_autofree char *rejected = jd_topic_build_reply ("$aws/things/T/jobs/a:b/update", JD_TOPIC_KIND_REJECTED);
  g_autofree char *job = jd_topic_build_event (FALSE, "J1", "completed");
  g_autofree char *execution = jd_topic_build_event (TRUE, "J1", "succeeded");

  g_assert_cmpstr (accepted, ==, "$aws/things/T/jobs/$next/get/accepted");
  g_assert_cmpstr (rejected, ==, "$aws/things/T/jobs/a:b/update/rejected");
  g_assert_cmpstr (job, ==, "$aws/events/job/J1/completed");
  g_assert_cmpstr (execution, ==, "$aws/events/jobExecution/J1/succeeded");

  /* …and back. */
  {
    g_autofree char *job_id = NULL;
    g_autofree char *operation = NULL;
    gboolean is_execution = FALSE;

    g_assert_true (jd_topic_parse_event (execution, -1, &is_execution, &job_id, &operation));
    g_assert_true (is_execution);
    g_assert_cmpstr (job_id, ==, "J1");
    g_assert_cmpstr (operation, ==, "succeeded");
    g_clear_pointer (&job_id, g_free);
    g_clear_pointer (&operation, g_free);
    g_assert_true (jd_topic_parse_event (job, -1, &is_execution, &job_id, &operation));
    g_assert_false (is_execution);
    g_assert_cmpstr (operation, ==, "completed");
    g_assert_false (jd_topic_parse_event ("$aws/events/job/J1", -1, NULL, NULL, NULL));
    g_assert_false (jd_topic_parse_event ("$aws/events/job/J1/", -1, NULL, NULL, NULL));
    g_assert_false (jd_topic_parse_event ("$aws/events/job/a:b/completed", -1, NULL, NULL, NULL));
    g_assert_false (jd_topic_parse_event ("$aws/events/job/J1/completed/x", -1, NULL, NULL, NULL));
    g_assert_false (jd_topic_parse_event ("$aws/events/thing/T/created", -1, NULL, NULL, NULL));
    g_assert_false (jd_topic_parse_event ("$aws/things/T/jobs/get", -1, NULL, NULL, NULL));
    /* The length is honoured. */
    g_clear_pointer (&operation, g_free);
    g_assert_true (jd_topic_parse_event (execution, strlen ("$aws/events/jobExecution/J1/s"), NULL, NULL, &operation));
    g_assert_cmpstr (operation, ==, "s");
  }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/topic/parse/table", test_parse_table);
  g_test_add_func ("/topic/parse/length", test_parse_length);
  g_test_add_func ("/topic/parse/limits", test_parse_limits);
  g_test_add_func ("/topic/parse/for-thing", test_parse_for_thing);
  g_test_add_func ("/topic/parse/request", test_parse_request);
  g_test_add_func ("/topic/build/reply-and-events", test_build_reply_and_events);
  g_test_add_func ("/topic/validate", test_validate);
  g_test_add_func ("/topic/build", test_build);
  g_test_add_func ("/topic/device-filters", test_device_filters);
  g_test_add_func ("/topic/operation-names", test_operation_names);

  return g_test_run ();
}
