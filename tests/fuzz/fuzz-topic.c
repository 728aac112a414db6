/* fuzz-topic.c — libFuzzer target: jd_topic_parse / jd_topic_parse_for_thing on
 * arbitrary bytes (with an explicit length: no terminating nul), and the
 * round trip a parsed topic must survive: rebuilt from its parts, it parses
 * to the same parts.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#define G_LOG_DOMAIN "fuzz-topic"

#include <string.h>

#include "jd-fuzz.h"
#include "jd-topic.h"

static void
check_round_trip (const JdTopicParts *parts)
{
  g_autofree char *rebuilt = jd_topic_build_from_parts (parts, parts->kind);
  g_autofree char *thing = jd_topic_parts_dup_thing_name (parts);
  g_autofree char *job_id = jd_topic_parts_dup_job_id (parts);
  JdTopicParts again;

  g_assert_nonnull (rebuilt);
  g_assert_true (jd_topic_is_valid_thing_name (thing, -1));
  if (job_id != NULL)
    g_assert_true (jd_topic_is_valid_job_id (job_id, -1) || jd_topic_is_next_job_id (job_id, -1));
  g_assert_cmpint (jd_topic_parse (rebuilt, -1, &again), ==, JD_TOPIC_PARSE_OK);
  g_assert_cmpint (again.operation, ==, parts->operation);
  g_assert_cmpint (again.kind, ==, parts->kind);
  g_assert_true (jd_topic_parts_thing_equal (&again, thing));
  if (job_id != NULL)
    g_assert_true (jd_topic_parts_job_id_equal (&again, job_id));
  else
    g_assert_null (again.job_id);
  g_assert_nonnull (jd_topic_operation_to_string (parts->operation));
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  const char *topic = (const char *) data;
  JdTopicParts parts;
  JdTopicParseResult result;

  jd_fuzz_init_logging ();

  result = jd_topic_parse (topic, size, &parts);
  if (result == JD_TOPIC_PARSE_OK)
    {
      /* The parts point into the input. */
      g_assert_true (parts.thing_name >= topic && parts.thing_name + parts.thing_name_len <= topic + size);
      if (parts.job_id != NULL)
        g_assert_true (parts.job_id >= topic && parts.job_id + parts.job_id_len <= topic + size);
      check_round_trip (&parts);
    }
  else if (result == JD_TOPIC_PARSE_INVALID_TOPIC)
    {
      g_assert_cmpint (parts.operation, ==, JD_TOPIC_OP_NONE);
      g_assert_true (jd_topic_is_valid_thing_name (parts.thing_name, parts.thing_name_len));
    }

  /* For one thing: agrees with the general parse. */
  {
    JdTopicParts mine;
    JdTopicParseResult for_thing = jd_topic_parse_for_thing (topic, size, "MyThing", &mine);

    if (for_thing == JD_TOPIC_PARSE_OK)
      {
        g_assert_cmpint (result, ==, JD_TOPIC_PARSE_OK);
        g_assert_true (jd_topic_parts_thing_equal (&mine, "MyThing"));
        g_assert_cmpint (mine.operation, ==, parts.operation);
      }
  }

  /* The validators on the raw bytes. */
  jd_topic_is_valid_thing_name (topic, size);
  jd_topic_is_valid_job_id (topic, size);
  jd_topic_is_next_job_id (topic, size);

  return 0;
}
