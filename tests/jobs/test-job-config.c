/* test-job-config.c — a fleet job's settings: AWS's validation of each
 * config, the storage round trip, and the rules (rollout rate, abort,
 * retries, maintenance windows, cron).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "jd-job-config.h"
#include "jd-jobs-error.h"

/* 2026-12-04T12:00:00Z */
#define NOW ((gint64) 1796385600)

static JsonObject *
object_from (const char *json)
{
  g_autoptr(JsonParser) parser = json_parser_new ();

  g_assert_true (json_parser_load_from_data (parser, json, -1, NULL));
  return json_object_ref (json_node_get_object (json_parser_get_root (parser)));
}

static JdJobConfig *
parse_ok (const char *json)
{
  g_autoptr(JsonObject) body = object_from (json);
  g_autoptr(GError) error = NULL;
  JdJobConfig *config = jd_job_config_parse (body, NOW, &error);

  g_assert_no_error (error);
  g_assert_nonnull (config);
  return config;
}

/* Parses and expects InvalidRequest whose message contains `words`. */
static void
parse_fails (const char *json,
             const char *words)
{
  g_autoptr(JsonObject) body = object_from (json);
  g_autoptr(GError) error = NULL;
  g_autoptr(JdJobConfig) config = jd_job_config_parse (body, NOW, &error);

  g_assert_null (config);
  g_assert_error (error, JD_JOBS_ERROR, JD_JOBS_ERROR_INVALID_REQUEST);
  if (strstr (error->message, words) == NULL)
    g_error ("for %s: \"%s\" does not say \"%s\"", json, error->message, words);
}

static void
test_time_parse (void)
{
  g_assert_cmpint (jd_job_config_parse_time ("2026-12-04T12:00"), ==, NOW);
  g_assert_cmpint (jd_job_config_parse_time ("2026-12-04T12:00:00Z"), ==, NOW);
  g_assert_cmpint (jd_job_config_parse_time ("2026-12-04 12:00"), ==, NOW);
  g_assert_cmpint (jd_job_config_parse_time ("2026-12-04T13:00+01:00"), ==, NOW);
  g_assert_cmpint (jd_job_config_parse_time ("2026-12-04T11:30-0030"), ==, NOW);
  g_assert_cmpint (jd_job_config_parse_time ("2026-12-04T12:00:30.5Z"), ==, NOW + 30);
  g_assert_cmpint (jd_job_config_parse_time ("2026-12-04"), ==, -1);
  g_assert_cmpint (jd_job_config_parse_time ("2026-13-04T12:00"), ==, -1);
  g_assert_cmpint (jd_job_config_parse_time ("2026-12-04T24:00"), ==, -1);
  g_assert_cmpint (jd_job_config_parse_time ("2026-12-04T12:00 tomorrow"), ==, -1);
  g_assert_cmpint (jd_job_config_parse_time (""), ==, -1);
}

static void
test_validation (void)
{
  g_autoptr(JdJobConfig) empty = parse_ok ("{}");

  g_assert_false (empty->has_rollout);
  g_assert_cmpuint (empty->abort_criteria->len, ==, 0);

  /* Rollout. */
  parse_fails ("{\"jobExecutionsRolloutConfig\":{\"maximumPerMinute\":0}}", "from 1 to 1000");
  parse_fails ("{\"jobExecutionsRolloutConfig\":{\"maximumPerMinute\":1001}}", "from 1 to 1000");
  parse_fails ("{\"jobExecutionsRolloutConfig\":{\"maximumPerMinute\":18446744073709551615}}",
               "from 1 to 1000");
  parse_fails ("{\"jobExecutionsRolloutConfig\":{\"maximumPerMinute\":\"5\"}}", "whole number");
  parse_fails ("{\"jobExecutionsRolloutConfig\":{\"exponentialRate\":{\"baseRatePerMinute\":10,"
               "\"incrementFactor\":1.55,\"rateIncreaseCriteria\":{\"numberOfNotifiedThings\":5}}}}",
               "at most 1 digit");
  parse_fails ("{\"jobExecutionsRolloutConfig\":{\"exponentialRate\":{\"baseRatePerMinute\":10,"
               "\"incrementFactor\":1.0,\"rateIncreaseCriteria\":{\"numberOfNotifiedThings\":5}}}}",
               "from 1.1 to 5");
  parse_fails ("{\"jobExecutionsRolloutConfig\":{\"exponentialRate\":{\"baseRatePerMinute\":10,"
               "\"incrementFactor\":2,\"rateIncreaseCriteria\":{}}}}", "numberOfNotifiedThings or");

  /* Abort. */
  parse_fails ("{\"abortConfig\":{\"criteriaList\":[]}}", "at least one");
  parse_fails ("{\"abortConfig\":{\"criteriaList\":[{\"failureType\":\"BROKEN\",\"action\":\"CANCEL\","
               "\"thresholdPercentage\":10,\"minNumberOfExecutedThings\":1}]}}", "FAILED, REJECTED");
  parse_fails ("{\"abortConfig\":{\"criteriaList\":[{\"failureType\":\"FAILED\",\"action\":\"STOP\","
               "\"thresholdPercentage\":10,\"minNumberOfExecutedThings\":1}]}}", "must be CANCEL");
  parse_fails ("{\"abortConfig\":{\"criteriaList\":[{\"failureType\":\"FAILED\",\"action\":\"CANCEL\","
               "\"thresholdPercentage\":10.999,\"minNumberOfExecutedThings\":1}]}}", "at most 2 digits");
  parse_fails ("{\"abortConfig\":{\"criteriaList\":[{\"failureType\":\"FAILED\",\"action\":\"CANCEL\","
               "\"thresholdPercentage\":101,\"minNumberOfExecutedThings\":1}]}}", "from 0 to 100");
  parse_fails ("{\"abortConfig\":{\"criteriaList\":[{\"failureType\":\"FAILED\",\"action\":\"CANCEL\","
               "\"thresholdPercentage\":10,\"minNumberOfExecutedThings\":0}]}}", "minNumberOfExecutedThings");

  /* Timeout. */
  parse_fails ("{\"timeoutConfig\":{\"inProgressTimeoutInMinutes\":10081}}", "from 1 to 10080");
  parse_fails ("{\"timeoutConfig\":{\"inProgressTimeoutInMinutes\":-1}}", "from 1 to 10080");

  /* Retries. */
  parse_fails ("{\"jobExecutionsRetryConfig\":{\"criteriaList\":[{\"failureType\":\"REJECTED\","
               "\"numberOfRetries\":1}]}}", "FAILED, TIMED_OUT, ALL");
  parse_fails ("{\"jobExecutionsRetryConfig\":{\"criteriaList\":[{\"failureType\":\"FAILED\","
               "\"numberOfRetries\":11}]}}", "from 0 to 10");
  parse_fails ("{\"jobExecutionsRetryConfig\":{\"criteriaList\":[{\"failureType\":\"FAILED\","
               "\"numberOfRetries\":6},{\"failureType\":\"TIMED_OUT\",\"numberOfRetries\":5}]}}",
               "at most 10 retries in all");
  parse_fails ("{\"jobExecutionsRetryConfig\":{\"criteriaList\":[{\"failureType\":\"FAILED\","
               "\"numberOfRetries\":1},{\"failureType\":\"FAILED\",\"numberOfRetries\":1}]}}", "twice");

  /* Scheduling: 30 minutes ahead at least, a year at most; the end 30
   * minutes to two years after the start. */
  parse_fails ("{\"schedulingConfig\":{\"startTime\":\"2026-12-04T12:20\"}}", "at least 30 minutes");
  parse_fails ("{\"schedulingConfig\":{\"startTime\":\"2028-12-04T12:20\"}}", "at most one year");
  parse_fails ("{\"schedulingConfig\":{\"startTime\":\"next week\"}}", "not a date and time");
  parse_fails ("{\"schedulingConfig\":{\"startTime\":\"2026-12-04T13:00\",\"endTime\":\"2026-12-04T13:10\"}}",
               "two years after the start");
  parse_fails ("{\"schedulingConfig\":{\"startTime\":\"2026-12-04T13:00\",\"endBehavior\":\"STOP\"}}",
               "STOP_ROLLOUT, CANCEL or FORCE_CANCEL");
  parse_fails ("{\"schedulingConfig\":{\"maintenanceWindows\":[{\"startTime\":\"cron(0 2 * * *)\","
               "\"durationInMinutes\":60}]}}", "six fields");
  parse_fails ("{\"schedulingConfig\":{\"maintenanceWindows\":[{\"startTime\":\"cron(0 2 ? * SUN *)\","
               "\"durationInMinutes\":1431}]}}", "from 1 to 1430");

  /* Presigned URLs. */
  parse_fails ("{\"presignedUrlConfig\":{\"expiresInSec\":3601}}", "from 60 to 3600");
}

static void
test_round_trip (void)
{
  const char *json =
    "{\"jobExecutionsRolloutConfig\":{\"maximumPerMinute\":500,\"exponentialRate\":{"
    "\"baseRatePerMinute\":50,\"incrementFactor\":2,\"rateIncreaseCriteria\":{"
    "\"numberOfNotifiedThings\":1000,\"numberOfSucceededThings\":1000}}},"
    "\"abortConfig\":{\"criteriaList\":[{\"failureType\":\"FAILED\",\"action\":\"CANCEL\","
    "\"thresholdPercentage\":20,\"minNumberOfExecutedThings\":100}]},"
    "\"timeoutConfig\":{\"inProgressTimeoutInMinutes\":60},"
    "\"jobExecutionsRetryConfig\":{\"criteriaList\":[{\"failureType\":\"FAILED\",\"numberOfRetries\":3}]},"
    "\"schedulingConfig\":{\"startTime\":\"2026-12-05T00:00\",\"endTime\":\"2026-12-06T00:00\","
    "\"endBehavior\":\"CANCEL\",\"maintenanceWindows\":[{\"startTime\":\"cron(0 2 ? * SUN *)\","
    "\"durationInMinutes\":120}]},"
    "\"presignedUrlConfig\":{\"expiresInSec\":600}}";
  g_autoptr(JdJobConfig) config = parse_ok (json);
  g_autofree char *text = jd_job_config_serialize (config);
  g_autoptr(GError) error = NULL;
  g_autoptr(JdJobConfig) again = jd_job_config_deserialize (text, &error);
  g_autofree char *text2 = NULL;

  g_assert_no_error (error);
  text2 = jd_job_config_serialize (again);
  g_assert_cmpstr (text, ==, text2);
  g_assert_cmpint (again->start_time, ==, NOW + 12 * 3600);
  g_assert_cmpint (again->end_behavior, ==, JD_END_BEHAVIOR_CANCEL);
  g_assert_cmpuint (again->windows->len, ==, 1);
  g_assert_cmpint (again->presigned_expires, ==, 600);
  g_assert_nonnull (strstr (text, "\"thresholdPercentage\":20"));
}

static void
test_update (void)
{
  g_autoptr(JdJobConfig) config = parse_ok (
    "{\"jobExecutionsRetryConfig\":{\"criteriaList\":[{\"failureType\":\"FAILED\",\"numberOfRetries\":3}]},"
    "\"timeoutConfig\":{\"inProgressTimeoutInMinutes\":60}}");
  g_autoptr(JsonObject) bad = object_from (
    "{\"timeoutConfig\":{\"inProgressTimeoutInMinutes\":30},"
    "\"jobExecutionsRetryConfig\":{\"criteriaList\":[{\"failureType\":\"FAILED\",\"numberOfRetries\":2}]}}");
  g_autoptr(JsonObject) sched = object_from ("{\"schedulingConfig\":{}}");
  g_autoptr(JsonObject) good = object_from (
    "{\"jobExecutionsRetryConfig\":{\"criteriaList\":[{\"failureType\":\"FAILED\",\"numberOfRetries\":0}]},"
    "\"jobExecutionsRolloutConfig\":{\"maximumPerMinute\":7}}");
  g_autoptr(GError) error = NULL;

  /* Refused whole: the timeout in the same body does not change either. */
  g_assert_false (jd_job_config_update (config, bad, &error));
  g_assert_error (error, JD_JOBS_ERROR, JD_JOBS_ERROR_INVALID_REQUEST);
  g_assert_nonnull (strstr (error->message, "only set numberOfRetries to 0"));
  g_assert_cmpint (config->in_progress_timeout, ==, 60);
  g_clear_error (&error);

  g_assert_false (jd_job_config_update (config, sched, &error));
  g_assert_nonnull (strstr (error->message, "cannot change schedulingConfig"));
  g_clear_error (&error);

  g_assert_true (jd_job_config_update (config, good, &error));
  g_assert_no_error (error);
  g_assert_cmpint (g_array_index (config->retry_criteria, JdRetryCriterion, 0).retries, ==, 0);
  g_assert_cmpint (config->maximum_per_minute, ==, 7);
  g_assert_cmpint (config->in_progress_timeout, ==, 60);
}

static void
test_rollout_rate (void)
{
  /* The developer guide's example: base 50, factor 2, both thresholds 1000:
   * 50/min until 1000 notified or succeeded, then 100, 200, 400. */
  g_autoptr(JdJobConfig) exp = parse_ok (
    "{\"jobExecutionsRolloutConfig\":{\"exponentialRate\":{\"baseRatePerMinute\":50,"
    "\"incrementFactor\":2,\"rateIncreaseCriteria\":{\"numberOfNotifiedThings\":1000,"
    "\"numberOfSucceededThings\":1000}}}}");
  g_autoptr(JdJobConfig) capped = parse_ok (
    "{\"jobExecutionsRolloutConfig\":{\"maximumPerMinute\":150,\"exponentialRate\":{\"baseRatePerMinute\":50,"
    "\"incrementFactor\":2,\"rateIncreaseCriteria\":{\"numberOfSucceededThings\":10}}}}");
  g_autoptr(JdJobConfig) flat = parse_ok ("{\"jobExecutionsRolloutConfig\":{\"maximumPerMinute\":5}}");
  g_autoptr(JdJobConfig) none = parse_ok ("{}");

  g_assert_cmpint (jd_job_config_rollout_rate (exp, 0, 0), ==, 50);
  g_assert_cmpint (jd_job_config_rollout_rate (exp, 999, 0), ==, 50);
  g_assert_cmpint (jd_job_config_rollout_rate (exp, 1000, 0), ==, 100);
  g_assert_cmpint (jd_job_config_rollout_rate (exp, 1500, 2000), ==, 200);
  g_assert_cmpint (jd_job_config_rollout_rate (exp, 3000, 0), ==, 400);
  g_assert_cmpint (jd_job_config_rollout_rate (exp, 100000, 0), ==, 1000);
  g_assert_cmpint (jd_job_config_rollout_rate (capped, 0, 10), ==, 100);
  g_assert_cmpint (jd_job_config_rollout_rate (capped, 0, 20), ==, 150);
  g_assert_cmpint (jd_job_config_rollout_rate (flat, 10, 10), ==, 5);
  g_assert_cmpint (jd_job_config_rollout_rate (none, 0, 0), ==, 1000);

  g_assert_cmpint (jd_job_config_rollout_budget (flat, 0, 0, 3), ==, 2);
  g_assert_cmpint (jd_job_config_rollout_budget (flat, 0, 0, 9), ==, 0);
}

static void
test_abort (void)
{
  /* The guide's example: ≥20 % FAILED once 100 completed, else ≥50 %
   * TIMED_OUT once 200 completed. */
  g_autoptr(JdJobConfig) config = parse_ok (
    "{\"abortConfig\":{\"criteriaList\":["
    "{\"failureType\":\"FAILED\",\"action\":\"CANCEL\",\"thresholdPercentage\":20,\"minNumberOfExecutedThings\":100},"
    "{\"failureType\":\"TIMED_OUT\",\"action\":\"CANCEL\",\"thresholdPercentage\":50,\"minNumberOfExecutedThings\":200}]}}");
  g_autoptr(JdJobConfig) all = parse_ok (
    "{\"abortConfig\":{\"criteriaList\":["
    "{\"failureType\":\"ALL\",\"action\":\"CANCEL\",\"thresholdPercentage\":33.33,\"minNumberOfExecutedThings\":3}]}}");
  JdAbortCounts c = { 0 };

  /* 99 completed, all failed: not yet. */
  c.failed = 99;
  g_assert_cmpint (jd_job_config_abort_check (config, &c), ==, -1);
  /* 100 completed, 20 failed: exactly the threshold trips. */
  c.failed = 20; c.succeeded = 80;
  g_assert_cmpint (jd_job_config_abort_check (config, &c), ==, 0);
  /* 19.9 %: not. */
  c.failed = 199; c.succeeded = 801;
  g_assert_cmpint (jd_job_config_abort_check (config, &c), ==, -1);
  /* Timed out half of 200. */
  c.failed = 0; c.succeeded = 100; c.timed_out = 100;
  g_assert_cmpint (jd_job_config_abort_check (config, &c), ==, 1);

  /* ALL: FAILED + REJECTED + TIMED_OUT. 1 of 3 = 33.33…% ≥ 33.33 %. */
  memset (&c, 0, sizeof c);
  c.rejected = 1; c.succeeded = 2;
  g_assert_cmpint (jd_job_config_abort_check (all, &c), ==, 0);
  c.succeeded = 3;
  g_assert_cmpint (jd_job_config_abort_check (all, &c), ==, -1);
}

static void
test_retry (void)
{
  g_autoptr(JdJobConfig) own = parse_ok (
    "{\"jobExecutionsRetryConfig\":{\"criteriaList\":[{\"failureType\":\"FAILED\",\"numberOfRetries\":2},"
    "{\"failureType\":\"ALL\",\"numberOfRetries\":4}]}}");
  g_autoptr(JdJobConfig) none = parse_ok ("{}");

  g_assert_true (jd_job_config_should_retry (own, "FAILED", 0, 0));
  g_assert_true (jd_job_config_should_retry (own, "FAILED", 1, 0));
  g_assert_false (jd_job_config_should_retry (own, "FAILED", 2, 0));
  /* TIMED_OUT falls to ALL, which counts every attempt. */
  g_assert_true (jd_job_config_should_retry (own, "TIMED_OUT", 2, 1));
  g_assert_false (jd_job_config_should_retry (own, "TIMED_OUT", 2, 2));
  g_assert_false (jd_job_config_should_retry (own, "REJECTED", 0, 0));
  g_assert_false (jd_job_config_should_retry (own, "CANCELED", 0, 0));
  g_assert_false (jd_job_config_should_retry (none, "FAILED", 0, 0));
}

static void
test_cron (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JdCron) sunday = jd_cron_parse ("cron(0 2 ? * SUN *)", &error);
  g_autoptr(JdCron) every15 = jd_cron_parse ("*/15 9-17 ? * MON-FRI 2026-2027", &error);
  g_autoptr(JdCron) last = jd_cron_parse ("30 23 L * ? *", &error);
  g_autoptr(JdCron) nth = jd_cron_parse ("0 0 ? JAN,JUL 2#1 *", &error);
  g_autoptr(JdCron) bad = NULL;

  g_assert_no_error (error);
  /* NOW is Friday 2026-12-04 12:00 UTC; next Sunday 02:00 is the 6th. */
  g_assert_cmpint (jd_cron_next (sunday, NOW), ==, jd_job_config_parse_time ("2026-12-06T02:00"));
  g_assert_cmpint (jd_cron_next (every15, NOW + 1), ==, jd_job_config_parse_time ("2026-12-04T12:15"));
  g_assert_cmpint (jd_cron_next (every15, jd_job_config_parse_time ("2026-12-04T17:50")), ==,
                   jd_job_config_parse_time ("2026-12-07T09:00"));
  g_assert_cmpint (jd_cron_next (every15, jd_job_config_parse_time ("2028-01-01T00:00")), ==, -1);
  g_assert_cmpint (jd_cron_next (last, NOW), ==, jd_job_config_parse_time ("2026-12-31T23:30"));
  g_assert_cmpint (jd_cron_next (last, jd_job_config_parse_time ("2027-02-01T00:00")), ==,
                   jd_job_config_parse_time ("2027-02-28T23:30"));
  /* The first Monday of January 2027 is the 4th. */
  g_assert_cmpint (jd_cron_next (nth, NOW), ==, jd_job_config_parse_time ("2027-01-04T00:00"));

  bad = jd_cron_parse ("0 2 * * SUN *", &error);
  g_assert_null (bad);
  g_assert_error (error, JD_JOBS_ERROR, JD_JOBS_ERROR_INVALID_REQUEST);
  g_assert_nonnull (strstr (error->message, "must be \"?\""));
  g_clear_error (&error);
  bad = jd_cron_parse ("61 2 ? * SUN *", &error);
  g_assert_null (bad);
  g_assert_nonnull (strstr (error->message, "minutes field"));
}

static void
test_windows (void)
{
  g_autoptr(JdJobConfig) config = parse_ok (
    "{\"schedulingConfig\":{\"maintenanceWindows\":["
    "{\"startTime\":\"cron(0 2 ? * SUN *)\",\"durationInMinutes\":120},"
    "{\"startTime\":\"cron(0 12 ? * FRI *)\",\"durationInMinutes\":30}]}}");
  g_autoptr(JdJobConfig) none = parse_ok ("{}");
  gint64 end = 0;

  /* Friday 12:00 opens a 30-minute window. */
  g_assert_true (jd_job_config_window_open (config, NOW, &end));
  g_assert_cmpint (end, ==, NOW + 1800);
  g_assert_true (jd_job_config_window_open (config, NOW + 1799, &end));
  g_assert_false (jd_job_config_window_open (config, NOW + 1800, &end));
  g_assert_cmpint (end, ==, -1);
  g_assert_cmpint (jd_job_config_next_window (config, NOW + 1800), ==,
                   jd_job_config_parse_time ("2026-12-06T02:00"));
  g_assert_true (jd_job_config_window_open (config, jd_job_config_parse_time ("2026-12-06T03:59"), &end));
  g_assert_false (jd_job_config_window_open (config, jd_job_config_parse_time ("2026-12-06T04:00"), NULL));

  g_assert_true (jd_job_config_window_open (none, NOW, &end));
  g_assert_cmpint (end, ==, -1);
  g_assert_cmpint (jd_job_config_next_window (none, NOW), ==, -1);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/job-config/time", test_time_parse);
  g_test_add_func ("/job-config/validation", test_validation);
  g_test_add_func ("/job-config/round-trip", test_round_trip);
  g_test_add_func ("/job-config/update", test_update);
  g_test_add_func ("/job-config/rollout-rate", test_rollout_rate);
  g_test_add_func ("/job-config/abort", test_abort);
  g_test_add_func ("/job-config/retry", test_retry);
  g_test_add_func ("/job-config/cron", test_cron);
  g_test_add_func ("/job-config/windows", test_windows);

  return g_test_run ();
}
